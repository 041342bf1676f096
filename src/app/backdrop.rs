//! What lies under the panels: the frame is cleared to the side panel's
//! colour, the world is drawn in the area the panels leave free, and the
//! panel's own fill is taken out of egui's shapes ([`super::App`]'s
//! `paint`).

use glam::Vec2;

/// The pixels of `size` inside `free` (egui points at `ppp` pixels each),
/// rounded outwards: the part of the target the panels leave to the world.
pub(super) fn world_pixels(free: egui::Rect, ppp: f32, size: Vec2) -> [u32; 4] {
    let clamp = |v: f32, max: f32| v.clamp(0.0, max) as u32;
    let x0 = clamp((free.min.x * ppp).floor(), size.x);
    let y0 = clamp((free.min.y * ppp).floor(), size.y);
    let x1 = clamp((free.max.x * ppp).ceil(), size.x);
    let y1 = clamp((free.max.y * ppp).ceil(), size.y);
    if !free.is_positive() {
        return [0, 0, 0, 0];
    }
    [x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0)]
}

/// Takes the side panel's fill out of egui's `shapes`: the rectangle of
/// colour `fill` from the screen's left edge to the world's area `free`,
/// full height (at most one). The render pass clears to that colour instead
/// ([`panel_clear`]) and the world is drawn beside the panel only: same
/// pixels, while egui's fill, a textured and blended rectangle under the
/// whole panel, cost a software renderer more than the world itself
/// (SwiftShader in the browser: ~45 ms of a 116 ms frame at 1100 × 720).
/// Everything else egui paints (the scroll area's fades in that colour
/// among them) stays.
pub(super) fn take_panel_fill(
    shapes: &mut [egui::epaint::ClippedShape],
    fill: egui::Color32,
    free: egui::Rect,
) {
    if !free.is_positive() || !fill.is_opaque() {
        return;
    }
    let near = |a: f32, b: f32| (a - b).abs() <= 2.0;
    let panel = shapes.iter_mut().find(|c| match &c.shape {
        egui::Shape::Rect(r) => {
            r.fill == fill
                && r.stroke.width == 0.0
                && r.corner_radius == egui::CornerRadius::ZERO
                && near(r.rect.min.x, 0.0)
                && near(r.rect.min.y, free.min.y)
                && near(r.rect.max.x, free.min.x)
                && near(r.rect.max.y, free.max.y)
        }
        _ => false,
    });
    if let Some(c) = panel {
        c.shape = egui::Shape::Noop;
    }
}

/// The render pass's clear colour: the side panel's fill (egui's
/// `panel_fill`) as `format` stores it (see [`take_panel_fill`]).
pub(super) fn panel_clear(fill: egui::Color32, format: wgpu::TextureFormat) -> wgpu::Color {
    let [r, g, b, _] = fill.to_srgba_unmultiplied();
    let channel = |c: u8| {
        if format.is_srgb() {
            egui::ecolor::linear_f32_from_gamma_u8(c) as f64
        } else {
            c as f64 / 255.0
        }
    };
    wgpu::Color {
        r: channel(r),
        g: channel(g),
        b: channel(b),
        a: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pass of `ctx` with a left panel as the viewer's (default frame,
    /// text in it): its shapes and the area it leaves free.
    fn panel_pass(ctx: &egui::Context) -> (Vec<egui::epaint::ClippedShape>, egui::Rect) {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(800.0, 500.0),
            )),
            ..Default::default()
        };
        let mut free = egui::Rect::NOTHING;
        let mut out = ctx.run_pass(input, |ctx| {
            ctx.root_ui(|root| {
                egui::Panel::left("panels")
                    .default_size(300.0)
                    .show(root, |ui| {
                        ui.heading("evosim");
                        ui.label("text");
                    });
            });
            free = ctx.root_ui(|ui| ui.available_rect_before_wrap());
        });
        // No renderer takes the font atlas here.
        out.textures_delta.clear();
        (std::mem::take(&mut out.shapes), free)
    }

    #[test]
    fn the_side_panels_fill_is_taken_out_and_only_it() {
        let ctx = egui::Context::default();
        // The second pass, once the panel knows its size.
        let _ = panel_pass(&ctx);
        let (mut shapes, free) = panel_pass(&ctx);
        let fill = ctx.global_style().visuals.panel_fill;
        assert!(
            free.min.x > 50.0 && free.max.x == 800.0,
            "free area {free:?}"
        );
        let before = shapes.clone();
        take_panel_fill(&mut shapes, fill, free);
        let taken: Vec<_> = before
            .iter()
            .zip(&shapes)
            .filter(|(a, b)| a.shape != b.shape)
            .map(|(a, _)| a.shape.clone())
            .collect();
        assert_eq!(taken.len(), 1, "shapes taken: {taken:?}");
        let egui::Shape::Rect(r) = &taken[0] else {
            panic!("took {:?}", taken[0]);
        };
        assert_eq!(r.fill, fill);
        assert!(
            r.rect.height() >= 499.0 && r.rect.width() > 50.0,
            "{:?}",
            r.rect
        );
        // Another colour, or no room for the world: nothing taken.
        let mut again = before.clone();
        take_panel_fill(&mut again, egui::Color32::RED, free);
        assert!(again.iter().zip(&before).all(|(a, b)| a.shape == b.shape));
        take_panel_fill(&mut again, fill, egui::Rect::NOTHING);
        assert!(again.iter().zip(&before).all(|(a, b)| a.shape == b.shape));
    }

    #[test]
    fn the_worlds_pixels_round_outwards_and_stay_on_the_target() {
        let size = Vec2::new(1100.0, 720.0);
        let free = egui::Rect::from_min_max(egui::pos2(236.6, 0.0), egui::pos2(550.0, 360.0));
        assert_eq!(world_pixels(free, 2.0, size), [473, 0, 627, 720]);
        let past = egui::Rect::from_min_max(egui::pos2(-5.0, -5.0), egui::pos2(2000.0, 2000.0));
        assert_eq!(world_pixels(past, 1.0, size), [0, 0, 1100, 720]);
        assert_eq!(world_pixels(egui::Rect::NOTHING, 1.0, size), [0, 0, 0, 0]);
    }

    #[test]
    fn the_clear_colour_is_the_panel_fill_as_the_target_stores_it() {
        let fill = egui::Color32::from_gray(27);
        let srgb = panel_clear(fill, wgpu::TextureFormat::Rgba8UnormSrgb);
        let plain = panel_clear(fill, wgpu::TextureFormat::Rgba8Unorm);
        assert!((plain.r - 27.0 / 255.0).abs() < 1e-9);
        // sRGB-encoding the linear value gives the byte back.
        let enc = egui::ecolor::gamma_u8_from_linear_f32(srgb.r as f32);
        assert_eq!(enc, 27);
    }
}
