//! The viewer's camera over the toroidal world: a centre in world units and a
//! zoom in pixels per world unit; screen y grows downward, world y upward.

/// Where the view looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// World position at the centre of the screen (wu), always inside the world.
    pub center: [f32; 2],
    /// Pixels per world unit.
    pub zoom: f32,
    /// World size (wu).
    pub world: [f32; 2],
}

impl Camera {
    /// Shows the whole world in a `width × height` pixel area.
    pub fn fit(world: [f32; 2], width: f32, height: f32) -> Self {
        let zoom = (width / world[0]).min(height / world[1]).max(1e-6);
        Self {
            center: [world[0] * 0.5, world[1] * 0.5],
            zoom,
            world,
        }
    }

    /// The world position under pixel `(x, y)` of a `size` pixel area (not wrapped).
    pub fn screen_to_world(&self, size: [f32; 2], p: [f32; 2]) -> [f32; 2] {
        [
            self.center[0] + (p[0] - size[0] * 0.5) / self.zoom,
            self.center[1] - (p[1] - size[1] * 0.5) / self.zoom,
        ]
    }

    /// The pixel of world position `w` nearest the screen centre (across the wrap).
    pub fn world_to_screen(&self, size: [f32; 2], w: [f32; 2]) -> [f32; 2] {
        let d = |a: f32, c: f32, len: f32| {
            let x = a - c;
            x - len * (x / len + 0.5).floor()
        };
        [
            size[0] * 0.5 + d(w[0], self.center[0], self.world[0]) * self.zoom,
            size[1] * 0.5 - d(w[1], self.center[1], self.world[1]) * self.zoom,
        ]
    }

    /// Moves the view by a drag of `(dx, dy)` pixels.
    pub fn pan(&mut self, dx: f32, dy: f32) {
        self.center[0] -= dx / self.zoom;
        self.center[1] += dy / self.zoom;
        self.wrap();
    }

    /// Zooms by `factor` keeping the world point under pixel `at` in place.
    pub fn zoom_at(&mut self, size: [f32; 2], at: [f32; 2], factor: f32) {
        let before = self.screen_to_world(size, at);
        self.zoom = (self.zoom * factor).clamp(1e-4, 64.0);
        let after = self.screen_to_world(size, at);
        self.center[0] += before[0] - after[0];
        self.center[1] += before[1] - after[1];
        self.wrap();
    }

    /// Centres the view on `w`.
    pub fn look_at(&mut self, w: [f32; 2]) {
        self.center = w;
        self.wrap();
    }

    fn wrap(&mut self) {
        for k in 0..2 {
            self.center[k] = self.center[k].rem_euclid(self.world[k]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Camera;

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut c = Camera::fit([1000.0, 500.0], 800.0, 600.0);
        let size = [800.0, 600.0];
        let at = [700.0, 100.0];
        let before = c.screen_to_world(size, at);
        c.zoom_at(size, at, 3.0);
        let after = c.screen_to_world(size, at);
        let d = |a: f32, b: f32, len: f32| ((a - b).rem_euclid(len)).min((b - a).rem_euclid(len));
        assert!(d(before[0], after[0], 1000.0) < 1e-2 && d(before[1], after[1], 500.0) < 1e-2);
    }

    #[test]
    fn panning_wraps_around_the_torus() {
        let mut c = Camera::fit([1000.0, 500.0], 1000.0, 500.0);
        c.pan(-700.0, 0.0); // drag left: look right by 700 wu
        assert!((c.center[0] - 200.0).abs() < 1e-3, "{:?}", c.center);
        let p = c.world_to_screen([1000.0, 500.0], [150.0, 250.0]);
        assert!((p[0] - 450.0).abs() < 1e-3, "{p:?}");
    }
}
