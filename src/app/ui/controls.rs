//! The controls panel: play, step, reset, speed, scenarios and snapshots,
//! the colour mode and its legend.

use egui::Color32;

use super::{MODE_SPECIES, Requests, SPEEDS, SimView, UiState, color_modes, swatch, tribe_color};
use crate::model::genes::decode;

pub(super) fn controls(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState, req: &mut Requests) {
    playback(ui, st, req);
    ui.label(format!(
        "tick {}  ({:.1} s simulated)  seed {}",
        sim.tick,
        sim.tick as f32 * sim.params.world.dt,
        sim.scenario.seed
    ));
    // A web page has no files: no scenario paths, no snapshots.
    if cfg!(not(target_arch = "wasm32")) {
        scenario_picker(ui, st, req);
        snapshot_files(ui, st, req);
    }
    for m in [&st.message, &sim.message].into_iter().flatten() {
        ui.colored_label(Color32::from_rgb(240, 120, 100), m);
    }
    ui.separator();
    let modes = color_modes();
    let current = modes
        .iter()
        .find(|(_, m)| *m == st.mode)
        .map_or("tribe".to_string(), |(n, _)| n.clone());
    egui::ComboBox::from_label("colour by")
        .selected_text(current)
        .show_ui(ui, |ui| {
            for (name, m) in &modes {
                ui.selectable_value(&mut st.mode, *m, name);
            }
        });
    legend(ui, sim, st.mode);
}

/// Play/pause, step, reset, new seed, and the speed.
fn playback(ui: &mut egui::Ui, st: &mut UiState, req: &mut Requests) {
    ui.horizontal(|ui| {
        let label = if st.paused { "play" } else { "pause" };
        if ui.button(label).on_hover_text("space").clicked() {
            st.paused = !st.paused;
        }
        if ui
            .add_enabled(st.paused, egui::Button::new("step"))
            .clicked()
        {
            req.step = true;
        }
        if ui.button("reset").on_hover_text("same seed").clicked() {
            req.reset = Some(true);
        }
        if ui.button("new seed").clicked() {
            req.reset = Some(false);
        }
    });
    ui.horizontal(|ui| {
        ui.label("speed");
        let text = format!("{}× (ticks per frame)", SPEEDS[st.speed]);
        ui.add(
            egui::Slider::new(&mut st.speed, 0..=SPEEDS.len() - 1)
                .show_value(false)
                .text(text),
        );
    });
}

/// The scenario list of `./scenarios/` and a path to load.
fn scenario_picker(ui: &mut egui::Ui, st: &mut UiState, req: &mut Requests) {
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("scenarios")
            .selected_text("scenarios")
            .show_ui(ui, |ui| {
                if ui.selectable_label(false, "default (bundled)").clicked() {
                    st.scenario_path.clear();
                    req.scenario = Some(String::new());
                }
                for path in scenario_files() {
                    if ui.selectable_label(false, &path).clicked() {
                        st.scenario_path = path.clone();
                        req.scenario = Some(path);
                    }
                }
            });
        ui.text_edit_singleline(&mut st.scenario_path)
            .on_hover_text("a scenario TOML file, or empty for the bundled default");
        if ui.button("load").clicked() {
            req.scenario = Some(st.scenario_path.clone());
        }
    });
}

/// The snapshot file to save to and resume from.
fn snapshot_files(ui: &mut egui::Ui, st: &mut UiState, req: &mut Requests) {
    ui.horizontal(|ui| {
        ui.label("snapshot");
        ui.text_edit_singleline(&mut st.snapshot_path)
            .on_hover_text("a snapshot file: the whole world, to save and resume");
        if ui.button("save").clicked() {
            req.save = Some(st.snapshot_path.clone());
        }
        if ui.button("load").clicked() {
            req.resume = Some(st.snapshot_path.clone());
        }
    });
}

/// Scenario files in `./scenarios/` (the picker's list).
fn scenario_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("scenarios")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// What the colours mean in colour mode `mode`.
fn legend(ui: &mut egui::Ui, sim: &SimView, mode: u32) {
    if mode == 0 {
        ui.horizontal_wrapped(|ui| {
            for (k, t) in sim.scenario.tribes.iter().enumerate() {
                swatch(ui, tribe_color(sim, k));
                ui.label(&t.name);
            }
        });
        return;
    }
    if mode == MODE_SPECIES {
        ui.label("each species its own hue (the Species panel lists them)");
        return;
    }
    let (lo, hi) = match mode {
        1 => ("herbivore (−1)".to_string(), "carnivore (+1)".to_string()),
        2 => ("0 e".to_string(), format!("{} e", sim.params.energy.max)),
        3 => (
            "newborn".to_string(),
            format!("{} s", sim.params.energy.lifespan),
        ),
        m => {
            let k = (m - 4) as usize;
            (format!("{}", decode(k, 0)), format!("{}", decode(k, 65535)))
        }
    };
    ui.horizontal(|ui| {
        ui.label(lo);
        let (rect, _) = ui.allocate_exact_size(egui::vec2(120.0, 12.0), egui::Sense::hover());
        let stops = [
            Color32::from_rgb(13, 26, 140),
            Color32::from_rgb(13, 166, 153),
            Color32::from_rgb(242, 217, 26),
            Color32::from_rgb(230, 38, 26),
        ];
        for k in 0..3 {
            let x0 = rect.left() + rect.width() * k as f32 / 3.0;
            let r = egui::Rect::from_min_max(
                egui::pos2(x0, rect.top()),
                egui::pos2(x0 + rect.width() / 3.0, rect.bottom()),
            );
            ui.painter()
                .rect_filled(r, 0.0, stops[k + 1].lerp_to_gamma(stops[k], 0.5));
        }
        ui.label(hi);
    });
}
