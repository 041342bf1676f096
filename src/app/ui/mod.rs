//! The egui panels: controls, statistics, inspector, overlays, performance;
//! and what is drawn over the world ([`world_overlays`]).

mod controls;
mod overlays;
mod perf;
mod species;
mod stats;

use std::collections::VecDeque;

use egui::{Color32, RichText};

use super::runner::SimView;
use crate::model::genes::{GENE_NAMES, code, decode};
use crate::model::scenario::parse_color;
pub use overlays::world_overlays;

/// Simulation speeds offered, in ticks per frame.
pub const SPEEDS: [f32; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];

/// Frame times kept for the performance panel's graph.
pub const FRAME_TIMES: usize = 240;

/// The colour mode code of "species" (`shaders/render.wgsl`'s
/// `MODE_SPECIES`), after the gene modes `4..4 + GENE_COUNT`.
pub const MODE_SPECIES: u32 = 13;
const _: () = assert!(MODE_SPECIES == 4 + crate::model::genes::GENE_COUNT as u32);

/// Colour modes offered: (name, mode code).
pub fn color_modes() -> Vec<(String, u32)> {
    let mut v = vec![
        ("tribe".to_string(), 0),
        ("diet".to_string(), 1),
        ("energy".to_string(), 2),
        ("age".to_string(), 3),
    ];
    for (k, name) in GENE_NAMES.iter().enumerate() {
        v.push((format!("gene: {name}"), 4 + k as u32));
    }
    v.push(("species".to_string(), MODE_SPECIES));
    v
}

/// What the user asked for this frame.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Requests {
    /// Run one tick while paused.
    pub step: bool,
    /// Restart with the same seed (false: a new seed).
    pub reset: Option<bool>,
    /// Load this bundled or on-disk scenario.
    pub scenario: Option<String>,
    /// Move the world to the other backend.
    pub switch_backend: bool,
    /// Clear the selection.
    pub deselect: bool,
    /// Save a snapshot to this file.
    pub save: Option<String>,
    /// Resume from this snapshot file.
    pub resume: Option<String>,
}

/// The viewer's state shown and edited by the panels.
pub struct UiState {
    /// Simulation paused.
    pub paused: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Colour mode code.
    pub mode: u32,
    /// Draw the terrain.
    pub terrain: bool,
    /// Draw the food.
    pub food: bool,
    /// Draw the spatial-hash grid.
    pub hash_grid: bool,
    /// Draw region boundaries, ghost zones and loads.
    pub regions: bool,
    /// Keep the camera on the inspected creature.
    pub follow: bool,
    /// Frame times (s), newest last.
    pub frame_times: VecDeque<f32>,
    /// Ticks run in the last second's frames.
    pub ticks_per_s: f32,
    /// A message to show (errors from actions).
    pub message: Option<String>,
    /// Scenario path typed in the picker.
    pub scenario_path: String,
    /// Snapshot file for save and load.
    pub snapshot_path: String,
    /// Gene shown in the histogram.
    pub hist_gene: usize,
    /// Species whose members are drawn highlighted.
    pub highlight_species: Option<u32>,
    /// Open the Species panel.
    pub species_open: bool,
}

impl Default for UiState {
    fn default() -> Self {
        Self {
            paused: false,
            speed: 2,
            mode: 0,
            terrain: true,
            food: true,
            hash_grid: false,
            regions: false,
            follow: false,
            frame_times: VecDeque::new(),
            ticks_per_s: 0.0,
            message: None,
            scenario_path: String::new(),
            snapshot_path: "world.evosnap".to_string(),
            hist_gene: crate::model::genes::Gene::Diet as usize,
            highlight_species: None,
            species_open: false,
        }
    }
}

impl UiState {
    /// Frames per second over the recorded frame times.
    pub fn frames_per_s(&self) -> f32 {
        let n = self.frame_times.len().max(1) as f32;
        let mean = self.frame_times.iter().sum::<f32>() / n;
        if mean > 0.0 { 1.0 / mean } else { 0.0 }
    }
}

/// A small square of colour (the fonts have no box glyph).
fn swatch(ui: &mut egui::Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 1.0, color);
}

fn tribe_color(sim: &SimView, t: usize) -> Color32 {
    let c = sim
        .scenario
        .tribes
        .get(t)
        .and_then(|t| parse_color(&t.color))
        .unwrap_or([200; 3]);
    Color32::from_rgb(c[0], c[1], c[2])
}

/// Draws the side panel; returns what was asked.
pub fn panels(ctx: &egui::Context, sim: &SimView, st: &mut UiState) -> Requests {
    let mut req = Requests::default();
    if ctx.input(|i| i.key_pressed(egui::Key::Space)) {
        st.paused = !st.paused;
    }
    ctx.root_ui(|root| {
        egui::Panel::left("panels")
            .default_size(300.0)
            .resizable(true)
            .show(root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.heading("evosim");
                    egui::CollapsingHeader::new("Controls")
                        .default_open(true)
                        .show(ui, |ui| controls::controls(ui, sim, st, &mut req));
                    egui::CollapsingHeader::new("Statistics")
                        .default_open(!st.species_open)
                        .show(ui, |ui| stats::statistics(ui, sim, st));
                    egui::CollapsingHeader::new("Species")
                        .default_open(st.species_open)
                        .show(ui, |ui| species::species_panel(ui, sim, st));
                    egui::CollapsingHeader::new("Inspector")
                        .default_open(true)
                        .show(ui, |ui| inspector(ui, sim, st, &mut req));
                    egui::CollapsingHeader::new("Overlays")
                        .default_open(false)
                        .show(ui, |ui| overlays(ui, st));
                    egui::CollapsingHeader::new("Performance")
                        .default_open(!st.species_open)
                        .show(ui, |ui| perf::performance(ui, sim, st, &mut req));
                });
            });
    });
    req
}

fn inspector(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState, req: &mut Requests) {
    let Some((id, _)) = sim.selected else {
        ui.label("click a creature to inspect it");
        return;
    };
    let Some(v) = sim.inspected else {
        ui.label(format!("creature {id} has died"));
        if ui.button("clear").clicked() {
            req.deselect = true;
        }
        return;
    };
    let tribe = sim
        .scenario
        .tribes
        .get(v.state.tribe() as usize)
        .map_or("?", |t| t.name.as_str());
    ui.label(
        RichText::new(format!("creature {id} ({tribe})"))
            .color(tribe_color(sim, v.state.tribe() as usize)),
    );
    let mode = ["wandering", "grazing", "hunting", "fleeing"]
        .get(v.mode as usize)
        .copied()
        .unwrap_or("?");
    ui.label(format!(
        "{mode}; energy {:.1}, age {:.1} s, at ({:.0}, {:.0}), speed {:.1}",
        v.state.energy,
        v.state.age,
        v.state.pos[0],
        v.state.pos[1],
        glam::Vec2::from(v.state.vel).length()
    ));
    species::inspected_lineage(ui, sim, &v, st);
    egui::Grid::new("inspected").show(ui, |ui| {
        for (k, name) in GENE_NAMES.iter().enumerate() {
            ui.label(*name);
            ui.label(format!("{:.3}", decode(k, code(&v.state.genes, k))));
            ui.end_row();
        }
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut st.follow, "follow");
        if ui.button("clear").clicked() {
            req.deselect = true;
            st.follow = false;
        }
    });
}

fn overlays(ui: &mut egui::Ui, st: &mut UiState) {
    ui.checkbox(&mut st.terrain, "terrain");
    ui.checkbox(&mut st.food, "food");
    ui.checkbox(&mut st.hash_grid, "spatial-hash grid");
    ui.checkbox(&mut st.regions, "regions, ghost zones and load");
}
