//! The Species panel: how many species live and have lived, their sizes
//! over time stacked, the living species (size, age, parent, gene means;
//! click one to highlight its members in the world), and the inspected
//! creature's species and ancestry.

use egui::{Color32, Rgba};
use egui_plot::FilledArea;

use super::stats::chart;
use super::{SimView, UiState, swatch};
use crate::common::NONE;
use crate::model::genes::{GENE_NAMES, Gene};
use crate::sim::EntityView;

/// Living species listed at most (largest first).
const LISTED: usize = 200;

/// A species' colour, as the world draws it in the "species" colour mode.
pub(super) fn species_color(id: u32) -> Color32 {
    let [r, g, b] = crate::species::color(id);
    Color32::from(Rgba::from_rgb(r, g, b))
}

/// The panel.
pub(super) fn species_panel(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState) {
    let s = &sim.species;
    ui.label(format!(
        "{} species alive, {} founded in all ({} extinct); species.threshold {}",
        s.alive,
        s.total,
        s.total - s.alive,
        sim.params.species.threshold
    ));
    stacked_sizes(ui, sim);
    ui.horizontal(|ui| {
        match st.highlight_species {
            Some(h) => {
                swatch(ui, species_color(h));
                ui.label(format!("members of s{h} highlighted"));
                if ui.button("clear").clicked() {
                    st.highlight_species = None;
                }
            }
            None => {
                ui.label("click a species to highlight its members");
            }
        }
        if ui.button("colour by species").clicked() {
            st.mode = super::MODE_SPECIES;
        }
    });
    living_list(ui, sim, st);
}

/// Sizes of the largest species over time, stacked; the rest in grey.
fn stacked_sizes(ui: &mut egui::Ui, sim: &SimView) {
    let s = &sim.species;
    let dt = sim.params.world.dt as f64;
    let xs: Vec<f64> = s.columns.iter().map(|c| c.0 as f64 * dt).collect();
    let mut low = vec![0.0; xs.len()];
    let mut bands: Vec<(String, Color32, Vec<f64>, Vec<f64>)> = Vec::new();
    for (k, &id) in s.charted.iter().enumerate() {
        let high: Vec<f64> = low
            .iter()
            .zip(&s.columns)
            .map(|(l, c)| l + c.1[k] as f64)
            .collect();
        bands.push((format!("s{id}"), species_color(id), low, high.clone()));
        low = high;
    }
    let high: Vec<f64> = low
        .iter()
        .zip(&s.columns)
        .map(|(l, c)| l + c.2 as f64)
        .collect();
    bands.push(("other".into(), Color32::from_gray(110), low, high));
    chart("species sizes", 110.0)
        .include_y(0.0)
        .x_axis_label("simulated s")
        .show(ui, |plot| {
            if xs.len() < 2 {
                return;
            }
            for (name, color, lo, hi) in &bands {
                plot.add(FilledArea::new(name.as_str(), &xs, lo, hi).fill_color(*color));
            }
        });
}

/// The living species, largest first; a click highlights one.
fn living_list(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState) {
    let dt = sim.params.world.dt;
    let shown = [Gene::Diet, Gene::Speed, Gene::Aggression];
    egui::ScrollArea::vertical()
        .id_salt("species list")
        .max_height(200.0)
        .show(ui, |ui| {
            egui::Grid::new("species").striped(true).show(ui, |ui| {
                for h in ["", "species", "size", "age s", "parent"] {
                    ui.label(h);
                }
                for g in shown {
                    ui.label(GENE_NAMES[g as usize]);
                }
                ui.end_row();
                for row in sim.species.living.iter().take(LISTED) {
                    swatch(ui, species_color(row.id));
                    let on = st.highlight_species == Some(row.id);
                    let means: Vec<String> = GENE_NAMES
                        .iter()
                        .zip(row.means)
                        .map(|(n, m)| format!("{n} {m:.3}"))
                        .collect();
                    let label = ui
                        .selectable_label(on, format!("s{}", row.id))
                        .on_hover_text(format!("mean genes:\n{}", means.join("\n")));
                    if label.clicked() {
                        st.highlight_species = if on { None } else { Some(row.id) };
                    }
                    ui.label(row.population.to_string());
                    ui.label(format!(
                        "{:.0}",
                        sim.tick.saturating_sub(row.founded) as f32 * dt
                    ));
                    ui.label(parent_name(sim, row.parent, row.tribe));
                    for g in shown {
                        ui.label(format!("{:.2}", row.means[g as usize]));
                    }
                    ui.end_row();
                }
            });
        });
    if sim.species.living.len() > LISTED {
        ui.label(format!(
            "… and {} smaller species",
            sim.species.living.len() - LISTED
        ));
    }
}

/// `s<parent>`, or the tribe's name for a tribe's own species.
fn parent_name(sim: &SimView, parent: u32, tribe: u16) -> String {
    if parent == NONE {
        let name = sim
            .scenario
            .tribes
            .get(tribe as usize)
            .map_or("?", |t| t.name.as_str());
        format!("tribe {name}")
    } else {
        format!("s{parent}")
    }
}

/// The inspector's lines on the creature's species and ancestry.
pub(super) fn inspected_lineage(
    ui: &mut egui::Ui,
    sim: &SimView,
    v: &EntityView,
    st: &mut UiState,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label("species");
        swatch(ui, species_color(v.species));
        if ui.link(format!("s{}", v.species)).clicked() {
            st.highlight_species = Some(v.species);
        }
        let older: Vec<String> = sim
            .lineage
            .iter()
            .skip(1)
            .map(|s| format!("s{s}"))
            .collect();
        if !older.is_empty() {
            ui.label(format!("split from {}", older.join(" ← ")));
        }
    });
    if v.parent == NONE {
        ui.label("spawned at the start (no parent)");
        return;
    }
    let chain: Vec<String> = sim
        .ancestors
        .iter()
        .map(|&(id, alive)| {
            if alive {
                format!("{id}")
            } else {
                format!("{id} (dead)")
            }
        })
        .collect();
    if chain.is_empty() {
        ui.label(format!("parent {}", v.parent));
    } else {
        ui.label(format!("ancestors: {}", chain.join(" ← ")));
    }
}
