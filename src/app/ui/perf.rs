//! The performance panel: frame and tick rates, the frame-time graph, the
//! backend and its switch, per-pass times, and the thread pool's status.

use egui::Color32;
use egui_plot::{Line, PlotPoints};

use super::stats::chart;
use super::{FRAME_TIMES, Requests, SPEEDS, SimView, UiState};
use crate::Backend;

pub(super) fn performance(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState, req: &mut Requests) {
    rates(ui, sim, st);
    frame_times(ui, st);
    backend(ui, sim, req);
    egui::Grid::new("passes").striped(true).show(ui, |ui| {
        for (pass, t) in sim.timings.iter() {
            ui.label(pass.name());
            ui.label(format!("{:.3} ms", t.as_secs_f64() * 1e3));
            ui.end_row();
        }
    });
    pool(ui, sim);
}

/// The thread pool: per thread its busy time in the last tick, per region its
/// entities and events, restarts and stalls.
fn pool(ui: &mut egui::Ui, sim: &SimView) {
    let (r, p) = (&sim.regions, &sim.pool);
    ui.label(format!(
        "regions {}×{} on {} pool threads; region work {:.2} ms/tick",
        r.grid.rows,
        r.grid.cols,
        p.threads.len(),
        r.work_ms
    ));
    egui::Grid::new("pool_threads")
        .striped(true)
        .show(ui, |ui| {
            ui.label("thread");
            ui.label("passes ms").on_hover_text(
                "last tick: the chunks of the per-entity passes' parallel loops this thread ran; \
                 the thread that runs the tick counts all its time in the passes, their \
                 sequential steps and its waits at the end of each parallel loop included \
                 (0 on the GPU backend)",
            );
            ui.label("regions ms")
                .on_hover_text("last tick: the region tasks this thread ran");
            ui.label("tasks");
            ui.end_row();
            for (i, t) in p.threads.iter().enumerate() {
                ui.label(i.to_string());
                ui.label(format!("{:.2}", t.passes_ms));
                ui.label(format!("{:.2}", t.regions_ms));
                ui.label(t.tasks.to_string());
                ui.end_row();
            }
            if p.outside_ms > 0.0 {
                ui.label("caller")
                    .on_hover_text("the thread that drives the tick, outside the pool");
                ui.label(format!("{:.2}", p.outside_ms));
                ui.label("");
                ui.label("");
                ui.end_row();
            }
        });
    ui.collapsing(
        format!("{} regions: entities, events this tick", p.regions.len()),
        |ui| {
            egui::Grid::new("pool_regions")
                .striped(true)
                .show(ui, |ui| {
                    ui.label("region");
                    ui.label("entities");
                    ui.label("events");
                    ui.end_row();
                    let cols = r.grid.cols.max(1) as usize;
                    for (k, l) in p.regions.iter().enumerate() {
                        ui.label(format!("{}:{}", k / cols, k % cols));
                        ui.label(l.entities.to_string());
                        ui.label(l.events.to_string());
                        ui.end_row();
                    }
                });
        },
    );
    ui.label(format!(
        "{} tasks redone after a panic, {} stuck phases",
        p.restarts, p.stalls
    ));
    if let Some(last) = &p.last_stall {
        ui.colored_label(
            Color32::from_rgb(240, 180, 90),
            format!("watchdog, last: {last}"),
        );
    }
}

/// Frames and ticks per second, and whether the simulation keeps up.
fn rates(ui: &mut egui::Ui, sim: &SimView, st: &UiState) {
    ui.label(format!(
        "{:.1} frames/s   {:.1} ticks/s",
        st.frames_per_s(),
        st.ticks_per_s
    ));
    // Where the ticks run: natively a thread of their own; in the browser a
    // task in the Web Worker that also draws (the page's thread only
    // forwards input).
    let host = if cfg!(target_arch = "wasm32") {
        "in the page's simulation worker, between frames"
    } else {
        "on its own thread"
    };
    ui.label(format!(
        "{:.2} ms per tick; the simulation runs {host}",
        sim.tick_ms
    ));
    if sim.behind && !st.paused {
        ui.colored_label(
            Color32::from_rgb(240, 200, 100),
            format!(
                "frame pacing: the simulation keeps up with {:.1} of the {:.1} ticks/s asked; \
                 it slows down, the frames do not",
                st.ticks_per_s,
                SPEEDS[st.speed] * st.frames_per_s()
            ),
        );
    }
}

/// The last [`FRAME_TIMES`] frame times (ms), at least up to 30 frames/s's.
fn frame_times(ui: &mut egui::Ui, st: &UiState) {
    let points: PlotPoints = st
        .frame_times
        .iter()
        .enumerate()
        .map(|(k, &t)| [k as f64, t as f64 * 1e3])
        .collect();
    chart("frame_times", 60.0)
        .include_x(0.0)
        .include_x(FRAME_TIMES as f64)
        .include_y(0.0)
        .include_y(1e3 / 30.0)
        .show_x(false)
        // The frames' indices mean nothing to read: no x axis.
        .show_axes([false, true])
        .y_axis_label("frame ms")
        .show(ui, |plot| {
            plot.line(
                Line::new("frame time", points)
                    .color(Color32::from_rgb(120, 180, 240))
                    .width(1.0),
            );
        });
}

/// The backend running, and the switch to the other.
fn backend(ui: &mut egui::Ui, sim: &SimView, req: &mut Requests) {
    ui.label(format!("backend {}", sim.backend_and_adapter()));
    let other = if sim.backend != Backend::Cpu {
        "CPU"
    } else {
        "GPU"
    };
    if ui
        .button(format!("switch to the {other} backend"))
        .on_hover_text("keeps the world as it is")
        .clicked()
    {
        req.switch_backend = true;
    }
}
