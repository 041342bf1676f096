//! The egui panels: controls, statistics, inspector, overlays, performance.

use std::collections::VecDeque;

use egui::{Color32, RichText, Stroke};

use super::camera::Camera;
use super::runner::SimView;
use crate::Backend;
use crate::model::genes::{GENE_NAMES, code, decode};
use crate::model::scenario::parse_color;

/// Simulation speeds offered, in ticks per frame.
pub const SPEEDS: [f32; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];

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
                        .show(ui, |ui| controls(ui, sim, st, &mut req));
                    egui::CollapsingHeader::new("Statistics")
                        .default_open(true)
                        .show(ui, |ui| statistics(ui, sim, st));
                    egui::CollapsingHeader::new("Inspector")
                        .default_open(true)
                        .show(ui, |ui| inspector(ui, sim, st, &mut req));
                    egui::CollapsingHeader::new("Overlays")
                        .default_open(false)
                        .show(ui, |ui| overlays(ui, st));
                    egui::CollapsingHeader::new("Performance")
                        .default_open(true)
                        .show(ui, |ui| performance(ui, sim, st, &mut req));
                });
            });
    });
    req
}

fn controls(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState, req: &mut Requests) {
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
    ui.label(format!(
        "tick {}  ({:.1} s simulated)  seed {}",
        sim.tick,
        sim.tick as f32 * sim.params.world.dt,
        sim.scenario.seed
    ));
    // A web page has no files: no scenario paths, no snapshots.
    let files = cfg!(not(target_arch = "wasm32"));
    if files {
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

fn statistics(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState) {
    let c = &sim.counters;
    ui.label(format!(
        "population {}   births {}   deaths {}   kills {}   starved {}",
        sim.population,
        c.total(|t| t.births),
        c.total(|t| t.deaths),
        c.total(|t| t.kills),
        c.total(|t| t.starved),
    ));
    // Rates over the last history interval.
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
    // Population per tribe over time.
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 90.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_gray(20));
    let max = h
        .iter()
        .flat_map(|s| s.population.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    if h.len() >= 2 {
        for t in 0..sim.scenario.tribes.len() {
            let pts: Vec<egui::Pos2> = h
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    egui::pos2(
                        rect.left() + rect.width() * k as f32 / (h.len() - 1) as f32,
                        rect.bottom() - rect.height() * s.population[t] as f32 / max,
                    )
                })
                .collect();
            painter.add(egui::Shape::line(
                pts,
                Stroke::new(1.5, tribe_color(sim, t)),
            ));
        }
    }
    // Gene means ± spread per tribe, refreshed every 60 ticks.
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
    // Histogram of one gene, per tribe (reduced with the statistics).
    egui::ComboBox::from_label("histogram")
        .selected_text(GENE_NAMES[st.hist_gene])
        .show_ui(ui, |ui| {
            for (k, name) in GENE_NAMES.iter().enumerate() {
                ui.selectable_value(&mut st.hist_gene, k, *name);
            }
        });
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 70.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_gray(20));
    let g = st.hist_gene;
    let tribes = sim.genes.len().max(1);
    let top = sim
        .genes
        .iter()
        .flat_map(|t| t[g].hist.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    let bins = crate::regions::stats::HIST_BINS;
    let slot = rect.width() / bins as f32;
    for (t, stats) in sim.genes.iter().enumerate() {
        for (b, &n) in stats[g].hist.iter().enumerate() {
            let x = rect.left() + slot * b as f32 + slot * t as f32 / tribes as f32;
            let hgt = rect.height() * n as f32 / top;
            painter.rect_filled(
                egui::Rect::from_min_max(
                    egui::pos2(x, rect.bottom() - hgt),
                    egui::pos2(x + slot / tribes as f32, rect.bottom()),
                ),
                0.0,
                tribe_color(sim, t),
            );
        }
    }
    ui.horizontal(|ui| {
        ui.label(format!("{}", decode(g, 0)));
        ui.add_space(ui.available_width() - 40.0);
        ui.label(format!("{}", decode(g, 65535)));
    });
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
        .get(v.tribe as usize)
        .map_or("?", |t| t.name.as_str());
    ui.label(
        RichText::new(format!("creature {id} ({tribe})")).color(tribe_color(sim, v.tribe as usize)),
    );
    let mode = ["wandering", "grazing", "hunting", "fleeing"]
        .get(v.mode as usize)
        .copied()
        .unwrap_or("?");
    ui.label(format!(
        "{mode}; energy {:.1}, age {:.1} s, at ({:.0}, {:.0}), speed {:.1}",
        v.energy,
        v.age,
        v.pos[0],
        v.pos[1],
        (v.vel[0] * v.vel[0] + v.vel[1] * v.vel[1]).sqrt()
    ));
    egui::Grid::new("inspected").show(ui, |ui| {
        for (k, name) in GENE_NAMES.iter().enumerate() {
            ui.label(*name);
            ui.label(format!("{:.3}", decode(k, code(&v.genes, k))));
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

fn performance(ui: &mut egui::Ui, sim: &SimView, st: &mut UiState, req: &mut Requests) {
    let n = st.frame_times.len().max(1) as f32;
    let mean = st.frame_times.iter().sum::<f32>() / n;
    ui.label(format!(
        "{:.1} frames/s   {:.1} ticks/s",
        if mean > 0.0 { 1.0 / mean } else { 0.0 },
        st.ticks_per_s
    ));
    ui.label(format!(
        "{:.2} ms per tick; the simulation runs on its own thread",
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
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 40.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_gray(20));
    let worst = st.frame_times.iter().copied().fold(1.0 / 30.0, f32::max);
    for (k, t) in st.frame_times.iter().enumerate() {
        let x = rect.left() + rect.width() * k as f32 / 240.0;
        let y = rect.bottom() - rect.height() * t / worst;
        painter.line_segment(
            [egui::pos2(x, rect.bottom()), egui::pos2(x, y)],
            Stroke::new(1.0, Color32::from_rgb(120, 180, 240)),
        );
    }
    ui.label(format!(
        "backend {}{}",
        sim.backend.name(),
        sim.adapter
            .as_ref()
            .map(|a| format!(" on {a}"))
            .unwrap_or_default()
    ));
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
    egui::Grid::new("passes").striped(true).show(ui, |ui| {
        for (pass, t) in sim.timings.iter() {
            ui.label(pass.name());
            ui.label(format!("{:.3} ms", t.as_secs_f64() * 1e3));
            ui.end_row();
        }
    });
    let r = &sim.regions;
    ui.label(format!(
        "regions {}×{} on {} workers, {} restarts; region work {:.2} ms/tick",
        r.grid.rows, r.grid.cols, r.threads, r.restarts, r.work_ms
    ));
    if let (n @ 1.., last) = &r.stalls {
        ui.colored_label(
            Color32::from_rgb(240, 180, 90),
            format!(
                "watchdog: {n} stuck phases; last: {}",
                last.as_deref().unwrap_or("")
            ),
        );
    }
}

/// Draws the world overlays (hash grid, regions) over the view.
pub fn world_overlays(
    ctx: &egui::Context,
    sim: &SimView,
    st: &UiState,
    cam: &Camera,
    size: [f32; 2],
) {
    let painter = ctx.layer_painter(egui::LayerId::background());
    if let Some(v) = sim.inspected {
        view_cone(
            &painter,
            ctx.pixels_per_point(),
            cam,
            size,
            &v,
            &sim.neighbors,
        );
    }
    if !st.hash_grid && !st.regions {
        return;
    }
    let p = &sim.params;
    let ppp = ctx.pixels_per_point();
    let to_pt = |w: [f32; 2]| {
        let s = cam.world_to_screen(size, w);
        egui::pos2(s[0] / ppp, s[1] / ppp)
    };
    let vline = |x: f32, color: Color32, width: f32| {
        let a = to_pt([x, cam.center[1]]);
        painter.line_segment(
            [egui::pos2(a.x, 0.0), egui::pos2(a.x, size[1] / ppp)],
            Stroke::new(width, color),
        );
    };
    let hline = |y: f32, color: Color32, width: f32| {
        let a = to_pt([cam.center[0], y]);
        painter.line_segment(
            [egui::pos2(0.0, a.y), egui::pos2(size[0] / ppp, a.y)],
            Stroke::new(width, color),
        );
    };
    if st.hash_grid {
        let cell = p.hash.cell_size;
        if cell * cam.zoom >= 6.0 {
            let c = Color32::from_rgba_unmultiplied(255, 255, 255, 30);
            let half_w = size[0] / cam.zoom * 0.5;
            let half_h = size[1] / cam.zoom * 0.5;
            let mut x = ((cam.center[0] - half_w) / cell).floor() * cell;
            while x < cam.center[0] + half_w {
                vline(x, c, 1.0);
                x += cell;
            }
            let mut y = ((cam.center[1] - half_h) / cell).floor() * cell;
            while y < cam.center[1] + half_h {
                hline(y, c, 1.0);
                y += cell;
            }
        }
    }
    if st.regions {
        let r = &sim.regions;
        let ghost = p.regions.ghost_width;
        let line = Color32::from_rgb(250, 250, 120);
        let zone = Color32::from_rgba_unmultiplied(250, 250, 120, 40);
        for &x in &r.grid.xs[..r.grid.xs.len() - 1] {
            vline(x, line, 1.5);
            vline(x - ghost, zone, 1.0);
            vline(x + ghost, zone, 1.0);
        }
        for &y in &r.grid.ys[..r.grid.ys.len() - 1] {
            hline(y, line, 1.5);
            hline(y - ghost, zone, 1.0);
            hline(y + ghost, zone, 1.0);
        }
        for (k, s) in r.stats.iter().enumerate() {
            let (row, col) = (k / r.grid.cols as usize, k % r.grid.cols as usize);
            let cx = (r.grid.xs[col] + r.grid.xs[col + 1]) * 0.5;
            let cy = (r.grid.ys[row] + r.grid.ys[row + 1]) * 0.5;
            painter.text(
                to_pt([cx, cy]),
                egui::Align2::CENTER_CENTER,
                format!("region {k}\n{} entities\n{} events", s.population, s.events),
                egui::FontId::proportional(13.0),
                line,
            );
        }
    }
}

/// The inspected creature's view cone (vision radius, view angle around its
/// heading) and lines to the creatures it sees.
fn view_cone(
    painter: &egui::Painter,
    ppp: f32,
    cam: &Camera,
    size: [f32; 2],
    v: &crate::sim::EntityView,
    neighbors: &[[f32; 2]],
) {
    use crate::model::genes::Gene;
    let to_pt = |w: [f32; 2]| {
        let s = cam.world_to_screen(size, w);
        egui::pos2(s[0] / ppp, s[1] / ppp)
    };
    let radius = decode(Gene::Vision as usize, code(&v.genes, Gene::Vision as usize));
    let half = decode(
        Gene::ViewAngle as usize,
        code(&v.genes, Gene::ViewAngle as usize),
    )
    .to_radians()
        * 0.5;
    let heading = v.vel[1].atan2(v.vel[0]);
    let color = Color32::from_rgba_unmultiplied(255, 255, 255, 140);
    let at = |a: f32, r: f32| to_pt([v.pos[0] + r * a.cos(), v.pos[1] + r * a.sin()]);
    let mut pts = vec![to_pt(v.pos)];
    for k in 0..=24 {
        pts.push(at(heading - half + 2.0 * half * k as f32 / 24.0, radius));
    }
    pts.push(to_pt(v.pos));
    painter.add(egui::Shape::line(pts, Stroke::new(1.0, color)));
    let me = to_pt(v.pos);
    for n in neighbors {
        painter.line_segment(
            [me, to_pt(*n)],
            Stroke::new(1.0, Color32::from_rgba_unmultiplied(255, 255, 120, 120)),
        );
    }
}
