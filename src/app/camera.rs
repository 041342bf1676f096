//! The viewer's camera over the toroidal world: a centre in world units and a
//! zoom in pixels per world unit; screen y grows downward, world y upward.

use glam::Vec2;

use crate::model::grid::{delta2, wrap};

/// Where the view looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// World position at the centre of the screen (wu), always inside the world.
    pub center: Vec2,
    /// Pixels per world unit.
    pub zoom: f32,
    /// World size (wu).
    pub world: Vec2,
}

impl Camera {
    /// Shows the whole world in an area of `size` pixels.
    pub fn fit(world: Vec2, size: Vec2) -> Self {
        let zoom = (size / world).min_element().max(1e-6);
        Self {
            center: world * 0.5,
            zoom,
            world,
        }
    }

    /// The world position under pixel `p` of a `size` pixel area (not wrapped).
    pub fn screen_to_world(&self, size: Vec2, p: Vec2) -> Vec2 {
        self.center + flip_y((p - size * 0.5) / self.zoom)
    }

    /// The pixel of world position `w` (anywhere, wrapped first) nearest the
    /// screen centre across the wrap.
    pub fn world_to_screen(&self, size: Vec2, w: Vec2) -> Vec2 {
        let w = Vec2::new(wrap(w.x, self.world.x), wrap(w.y, self.world.y));
        size * 0.5 + flip_y(delta2(self.center, w, self.world) * self.zoom)
    }

    /// Moves the view by a drag of `d` pixels.
    pub fn pan(&mut self, d: Vec2) {
        self.center -= flip_y(d / self.zoom);
        self.wrap();
    }

    /// Zooms by `factor` keeping the world point under pixel `at` in place.
    pub fn zoom_at(&mut self, size: Vec2, at: Vec2, factor: f32) {
        let before = self.screen_to_world(size, at);
        self.zoom = (self.zoom * factor).clamp(1e-4, 64.0);
        let after = self.screen_to_world(size, at);
        self.center += before - after;
        self.wrap();
    }

    /// Centres the view on `w`.
    pub fn look_at(&mut self, w: Vec2) {
        self.center = w;
        self.wrap();
    }

    fn wrap(&mut self) {
        self.center = self.center.rem_euclid(self.world);
    }
}

/// Screen y grows downward, world y upward.
fn flip_y(v: Vec2) -> Vec2 {
    Vec2::new(v.x, -v.y)
}

#[cfg(test)]
mod tests {
    use super::Camera;
    use crate::model::grid::delta2;
    use glam::Vec2;

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let world = Vec2::new(1000.0, 500.0);
        let size = Vec2::new(800.0, 600.0);
        let mut c = Camera::fit(world, size);
        let at = Vec2::new(700.0, 100.0);
        let before = c.screen_to_world(size, at);
        c.zoom_at(size, at, 3.0);
        let after = c.screen_to_world(size, at);
        let wrapped = |p: Vec2| p.rem_euclid(world);
        let d = delta2(wrapped(before), wrapped(after), world);
        assert!(d.abs().max_element() < 1e-2, "{before} {after}");
    }

    #[test]
    fn panning_wraps_around_the_torus() {
        let world = Vec2::new(1000.0, 500.0);
        let mut c = Camera::fit(world, world);
        c.pan(Vec2::new(-700.0, 0.0)); // drag left: look right by 700 wu
        assert!((c.center.x - 200.0).abs() < 1e-3, "{}", c.center);
        let p = c.world_to_screen(world, Vec2::new(150.0, 250.0));
        assert!((p.x - 450.0).abs() < 1e-3, "{p}");
    }

    #[test]
    fn points_beside_the_world_are_drawn_where_they_wrap_to() {
        let world = Vec2::new(1000.0, 500.0);
        let c = Camera::fit(world, world);
        let inside = c.world_to_screen(world, Vec2::new(10.0, 20.0));
        let beside = c.world_to_screen(world, Vec2::new(2010.0, -480.0));
        assert!(
            (inside - beside).abs().max_element() < 1e-3,
            "{inside} {beside}"
        );
    }
}
