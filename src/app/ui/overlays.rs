//! What is drawn over the world, behind the panels: the inspected
//! creature's view cone, the spatial-hash grid, the regions.

use egui::{Color32, Stroke};
use glam::Vec2;

use super::UiState;
use crate::app::camera::Camera;
use crate::app::runner::SimView;
use crate::model::genes::{Gene, code, decode};
use crate::sim::EntityView;

/// Draws the world overlays (view cone, hash grid, regions) over the view
/// of `size` pixels.
pub fn world_overlays(ctx: &egui::Context, sim: &SimView, st: &UiState, cam: &Camera, size: Vec2) {
    let pen = Pen {
        painter: ctx.layer_painter(egui::LayerId::background()),
        ppp: ctx.pixels_per_point(),
        cam,
        size,
    };
    if let Some(v) = sim.inspected {
        pen.view_cone(&v, &sim.neighbors);
    }
    if st.hash_grid {
        pen.hash_grid(sim.params.hash.cell_size);
    }
    if st.regions {
        pen.regions(sim);
    }
}

/// Draws in world units on the background layer.
struct Pen<'a> {
    painter: egui::Painter,
    /// Pixels per point.
    ppp: f32,
    cam: &'a Camera,
    /// The view's size (pixels).
    size: Vec2,
}

impl Pen<'_> {
    /// The point (egui's unit) where world position `w` is drawn.
    fn to_pt(&self, w: Vec2) -> egui::Pos2 {
        let s = self.cam.world_to_screen(self.size, w) / self.ppp;
        egui::pos2(s.x, s.y)
    }

    /// A vertical line across the view at world `x`.
    fn vline(&self, x: f32, color: Color32, width: f32) {
        let a = self.to_pt(Vec2::new(x, self.cam.center.y));
        self.painter.line_segment(
            [
                egui::pos2(a.x, 0.0),
                egui::pos2(a.x, self.size.y / self.ppp),
            ],
            Stroke::new(width, color),
        );
    }

    /// A horizontal line across the view at world `y`.
    fn hline(&self, y: f32, color: Color32, width: f32) {
        let a = self.to_pt(Vec2::new(self.cam.center.x, y));
        self.painter.line_segment(
            [
                egui::pos2(0.0, a.y),
                egui::pos2(self.size.x / self.ppp, a.y),
            ],
            Stroke::new(width, color),
        );
    }

    /// The spatial hash's cells (`cell` wu), unless they would be under 6
    /// pixels.
    fn hash_grid(&self, cell: f32) {
        let cam = self.cam;
        if cell * cam.zoom < 6.0 {
            return;
        }
        let c = Color32::from_rgba_unmultiplied(255, 255, 255, 30);
        let half = self.size / cam.zoom * 0.5;
        let mut x = ((cam.center.x - half.x) / cell).floor() * cell;
        while x < cam.center.x + half.x {
            self.vline(x, c, 1.0);
            x += cell;
        }
        let mut y = ((cam.center.y - half.y) / cell).floor() * cell;
        while y < cam.center.y + half.y {
            self.hline(y, c, 1.0);
            y += cell;
        }
    }

    /// Region boundaries, their ghost zones, and each region's load.
    fn regions(&self, sim: &SimView) {
        let r = &sim.regions;
        let ghost = sim.params.regions.ghost_width;
        let line = Color32::from_rgb(250, 250, 120);
        let zone = Color32::from_rgba_unmultiplied(250, 250, 120, 40);
        for &x in &r.grid.xs[..r.grid.xs.len() - 1] {
            self.vline(x, line, 1.5);
            self.vline(x - ghost, zone, 1.0);
            self.vline(x + ghost, zone, 1.0);
        }
        for &y in &r.grid.ys[..r.grid.ys.len() - 1] {
            self.hline(y, line, 1.5);
            self.hline(y - ghost, zone, 1.0);
            self.hline(y + ghost, zone, 1.0);
        }
        for (k, s) in r.stats.iter().enumerate() {
            let (row, col) = (k / r.grid.cols as usize, k % r.grid.cols as usize);
            let cx = (r.grid.xs[col] + r.grid.xs[col + 1]) * 0.5;
            let cy = (r.grid.ys[row] + r.grid.ys[row + 1]) * 0.5;
            self.painter.text(
                self.to_pt(Vec2::new(cx, cy)),
                egui::Align2::CENTER_CENTER,
                format!("region {k}\n{} entities\n{} events", s.population, s.events),
                egui::FontId::proportional(13.0),
                line,
            );
        }
    }

    /// The inspected creature's view cone (vision radius, view angle around
    /// its heading) and lines to the creatures it sees.
    fn view_cone(&self, v: &EntityView, neighbors: &[Vec2]) {
        let radius = decode(
            Gene::Vision as usize,
            code(&v.state.genes, Gene::Vision as usize),
        );
        let half = decode(
            Gene::ViewAngle as usize,
            code(&v.state.genes, Gene::ViewAngle as usize),
        )
        .to_radians()
            * 0.5;
        let (pos, vel) = (Vec2::from(v.state.pos), Vec2::from(v.state.vel));
        let heading = vel.y.atan2(vel.x);
        let color = Color32::from_rgba_unmultiplied(255, 255, 255, 140);
        let me = self.to_pt(pos);
        let arc = (0..=24).map(|k| {
            let a = heading - half + 2.0 * half * k as f32 / 24.0;
            self.to_pt(pos + radius * Vec2::from_angle(a))
        });
        let pts: Vec<egui::Pos2> = std::iter::once(me).chain(arc).chain([me]).collect();
        self.painter
            .add(egui::Shape::line(pts, Stroke::new(1.0, color)));
        for n in neighbors {
            self.painter.line_segment(
                [me, self.to_pt(*n)],
                Stroke::new(1.0, Color32::from_rgba_unmultiplied(255, 255, 120, 120)),
            );
        }
    }
}
