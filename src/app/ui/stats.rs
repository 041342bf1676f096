//! The statistics panel: counts and rates, population per tribe over time,
//! gene means per tribe, and one gene's histogram per tribe.

use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints};

use super::{SimView, UiState, swatch, tribe_color};
use crate::model::genes::{GENE_NAMES, decode};
use crate::world::stats::HIST_BINS;

pub(super) fn statistics(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState) {
    counts_and_rates(ui, sim);
    population_chart(ui, sim);
    gene_means(ui, sim);
    egui::ComboBox::from_label("histogram")
        .selected_text(GENE_NAMES[st.hist_gene])
        .show_ui(ui, |ui| {
            for (k, name) in GENE_NAMES.iter().enumerate() {
                ui.selectable_value(&mut st.hist_gene, k, *name);
            }
        });
    gene_histogram(ui, sim, st.hist_gene);
}

/// A small chart in the side panel: the panel scrolls, the chart does not
/// pan or zoom.
pub(super) fn chart(id: &str, height: f32) -> Plot<'_> {
    Plot::new(id)
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
}

/// Cumulative counts, and rates over the last history interval.
fn counts_and_rates(ui: &mut egui::Ui, sim: &SimView) {
    let c = &sim.counters;
    ui.label(format!(
        "population {}   births {}   deaths {}   kills {}   starved {}",
        sim.population,
        c.total(|t| t.births),
        c.total(|t| t.deaths),
        c.total(|t| t.kills),
        c.total(|t| t.starved),
    ));
    let h = &sim.history.samples;
    if h.len() >= 2 {
        let (a, b) = (&h[h.len() - 2], &h[h.len() - 1]);
        let secs = (b.tick - a.tick) as f32 * sim.params.world.dt;
        ui.label(format!(
            "per second: births {:.1}  deaths {:.1}  kills {:.1}  starved {:.1}",
            (b.births - a.births) as f32 / secs,
            (b.deaths - a.deaths) as f32 / secs,
            (b.kills - a.kills) as f32 / secs,
            (b.starved - a.starved) as f32 / secs
        ));
    }
}

/// Population per tribe over simulated time.
fn population_chart(ui: &mut egui::Ui, sim: &SimView) {
    let h = &sim.history.samples;
    let dt = sim.params.world.dt as f64;
    chart("population", 90.0)
        .include_y(0.0)
        .x_axis_label("simulated s")
        .show(ui, |plot| {
            for (t, tribe) in sim.scenario.tribes.iter().enumerate() {
                let points: PlotPoints = h
                    .iter()
                    .filter_map(|s| Some([s.tick as f64 * dt, *s.population.get(t)? as f64]))
                    .collect();
                plot.line(
                    Line::new(tribe.name.as_str(), points)
                        .color(tribe_color(sim, t))
                        .width(1.5),
                );
            }
        });
}

/// Gene means ± spread per tribe, refreshed every 60 ticks.
fn gene_means(ui: &mut egui::Ui, sim: &SimView) {
    egui::Grid::new("genes").striped(true).show(ui, |ui| {
        ui.label("gene");
        for k in 0..sim.scenario.tribes.len() {
            swatch(ui, tribe_color(sim, k));
        }
        ui.end_row();
        for (g, name) in GENE_NAMES.iter().enumerate() {
            ui.label(*name);
            for t in sim.genes.iter() {
                ui.label(format!("{:.2}±{:.2}", t[g].mean, t[g].std));
            }
            ui.end_row();
        }
    });
}

/// Gene `g`'s histogram (reduced with the statistics), the tribes' bars
/// side by side in each bin, over the gene's range.
fn gene_histogram(ui: &mut egui::Ui, sim: &SimView, g: usize) {
    let (lo, hi) = (decode(g, 0) as f64, decode(g, 65535) as f64);
    let bin = (hi - lo) / HIST_BINS as f64;
    let tribes = sim.genes.len().max(1) as f64;
    chart("histogram", 70.0)
        .include_y(0.0)
        .include_x(lo)
        .include_x(hi)
        .show(ui, |plot| {
            for (t, stats) in sim.genes.iter().enumerate() {
                let color = tribe_color(sim, t);
                let bars = stats[g]
                    .hist
                    .iter()
                    .enumerate()
                    .map(|(b, &n)| {
                        let x = lo + bin * (b as f64 + (t as f64 + 0.5) / tribes);
                        Bar::new(x, n as f64).width(bin / tribes).fill(color)
                    })
                    .collect();
                let name = sim.scenario.tribes.get(t).map_or("?", |s| s.name.as_str());
                plot.add(BarChart::new(name, bars).color(color));
            }
        });
}
