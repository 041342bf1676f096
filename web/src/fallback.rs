//! Without WebGPU and without WebGL2 (the last resort): the CPU backend (on rayon's pool of Web Workers in the
//! threaded build), drawn on a 2D canvas — terrain shaded by food, one dot
//! per creature in its tribe's colour — with the figures in plain text
//! beside it. Checkpoints go to the page every [`CHECKPOINT_EVERY`] ticks.

use evosim::model::terrain::Biome;
use evosim::{Backend, Scenario, Simulation};
use wasm_bindgen::JsCast;

use crate::control::Fallback;
use crate::page::{self, Status};
use crate::protocol::Mode;
use crate::{CHECKPOINT_EVERY, Params, Start};

/// Longest the ticks of one frame may take before the frame is drawn (ms).
const FRAME_BUDGET_MS: f64 = 12.0;

/// Starts the fallback: says why, then runs and draws every frame.
pub fn run(
    params: Params,
    scenario: Scenario,
    start: Start,
    canvas: web_sys::OffscreenCanvas,
    why: String,
) -> Result<(), String> {
    let notice = format!(
        "No WebGPU here: {why}. Running the CPU backend instead, drawn on a 2D canvas \
         (no panels). WebGPU is in Chrome and Edge 113+ on Windows, macOS and \
         ChromeOS, Chrome 121+ on Android, Safari 26+, and Firefox 141+ on Windows; \
         on Linux, Chrome needs --enable-unsafe-webgpu."
    );
    page::show_notice(&notice);
    log::warn!("no WebGPU and no WebGL2 ({why}): running the CPU backend on a 2D canvas");
    let mut sim = match &start.resume {
        Some(bytes) => Simulation::from_snapshot(bytes, Backend::Cpu, 0, None),
        // 0: rayon's pool (the page's worker threads; one without them).
        None => Simulation::new(scenario, Backend::Cpu, 0),
    }
    .map_err(|e| e.to_string())?;
    // Recompute to where a crashed worker was (nothing to do on a first start).
    while sim.tick() < start.resume_to.unwrap_or(0) {
        sim.step()
            .map_err(|e| format!("the simulation stopped: {e}"))?;
        checkpoint_if_due(&sim);
    }
    page::post_checkpoint(sim.tick(), &sim.to_snapshot().map_err(|e| e.to_string())?);
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| {
            c.dyn_into::<web_sys::OffscreenCanvasRenderingContext2d>()
                .ok()
        })
        .ok_or("this browser has neither WebGPU, WebGL2 nor a 2D canvas")?;
    let world = [sim.params().world.width, sim.params().world.height];
    // One image pixel per 2 world units, at most 640 across.
    let width = (world[0] / 2.0).clamp(64.0, 640.0) as u32;
    let height = ((width as f32 * world[1] / world[0]).round() as u32).max(1);
    canvas.set_width(width);
    canvas.set_height(height);
    let colors: Vec<[u8; 3]> = sim.tribes().iter().map(|t| t.color).collect();
    let mut image = vec![0u8; (width * height * 4) as usize];
    let mut ticks = 0.0f32;
    let mut frames = 0u64;
    let mut stopped = false;
    let mut run = Fallback {
        paused: params.paused,
        speed: params.speed,
        steps: 0,
    };
    page::every_frame(move || {
        run.apply();
        let limit = params.ticks.unwrap_or(u32::MAX);
        if run.paused {
            // step(): the ticks asked for, however long they take.
            ticks += std::mem::take(&mut run.steps) as f32;
        } else {
            ticks += run.speed;
        }
        if ticks >= 1.0 && !stopped {
            let start = js_sys::Date::now();
            while ticks >= 1.0 && sim.tick() < limit {
                if params.fault == Some(sim.tick()) {
                    panic!(
                        "fault=worker_panic@{}: the simulation panics here, as asked",
                        sim.tick()
                    );
                }
                if let Err(e) = sim.step() {
                    page::show_error(&format!("the simulation stopped: {e}"));
                    stopped = true;
                    break;
                }
                checkpoint_if_due(&sim);
                ticks -= 1.0;
                if !run.paused && js_sys::Date::now() - start > FRAME_BUDGET_MS {
                    // Behind: drop the backlog rather than the frame rate.
                    ticks = ticks.min(1.0);
                    break;
                }
            }
            if sim.tick() >= limit && !stopped {
                stopped = true;
                page::show_notice(&format!(
                    "{notice} Stopped at tick {}, as asked.",
                    sim.tick()
                ));
            }
        }
        draw(&sim, &colors, &mut image, [width, height]);
        if let Some(data) = page::image_data(&image, [width, height]) {
            let _ = ctx.put_image_data(&data, 0.0, 0.0);
        }
        frames += 1;
        Status::update(|s| {
            s.mode = Mode::Canvas2d;
            s.tick = sim.tick();
            s.population = sim.population();
            s.backend = "cpu".into();
            s.adapter = None;
            s.state_hash = Some(format!("{:016x}", sim.state_hash()));
            s.species_hash = Some(format!("{:016x}", sim.species_hash()));
        });
        if frames % 15 == 1 || stopped {
            page::set_stats(&stats(&sim));
        }
    });
    Ok(())
}

/// Hands the page a checkpoint every [`CHECKPOINT_EVERY`] ticks.
fn checkpoint_if_due(sim: &Simulation) {
    if sim.tick().is_multiple_of(CHECKPOINT_EVERY) {
        match sim.to_snapshot() {
            Ok(bytes) => page::post_checkpoint(sim.tick(), &bytes),
            Err(e) => log::warn!("no checkpoint at tick {}: {e}", sim.tick()),
        }
    }
}

/// The figures beside the canvas.
fn stats(sim: &Simulation) -> String {
    let mut out = format!(
        "tick {}   population {}   backend cpu (no WebGPU)\n",
        sim.tick(),
        sim.population()
    );
    for t in sim.tribes() {
        let c = &t.counters;
        out.push_str(&format!(
            "{:<12} {:>7} alive  {:>7} born  {:>7} died\n",
            t.name, c.population, c.births, c.deaths
        ));
    }
    // The thread pool in the last tick: busy time per thread, load per region.
    let pool = sim.pool_status();
    let busy: Vec<String> = pool
        .threads
        .iter()
        .map(|t| format!("{:.1}", t.passes_ms + t.regions_ms))
        .collect();
    out.push_str(&format!(
        "pool: {} thread(s), busy ms/tick [{}]",
        pool.threads.len(),
        busy.join(" ")
    ));
    if pool.outside_ms > 0.0 {
        out.push_str(&format!(
            " + {:.1} on the simulation's worker",
            pool.outside_ms
        ));
    }
    let load: Vec<String> = pool
        .regions
        .iter()
        .map(|r| format!("{}/{}", r.entities, r.events))
        .collect();
    out.push_str(&format!(
        "\nregions (entities/events): {}\nrestarts {}  stalls {}\n",
        load.join(" "),
        pool.restarts,
        pool.stalls
    ));
    out
}

/// Terrain and food per pixel, then one dot per living creature.
fn draw(sim: &Simulation, colors: &[[u8; 3]], image: &mut [u8], [w, h]: [u32; 2]) {
    let p = sim.params();
    let (ww, wh) = (p.world.width, p.world.height);
    let terrain = sim.terrain();
    let food = sim.food();
    for y in 0..h {
        let wy = (y as f32 + 0.5) * wh / h as f32;
        for x in 0..w {
            let wx = (x as f32 + 0.5) * ww / w as f32;
            let t = terrain.grid.index([wx, wy]) as usize;
            let base: [f32; 3] = match Biome::from_code(terrain.cells[t]) {
                Biome::Ocean => [22.0, 44.0, 82.0],
                Biome::Mountain => [92.0, 88.0, 84.0],
                Biome::Forest => [24.0, 52.0, 30.0],
                Biome::Grassland => [44.0, 66.0, 36.0],
                Biome::Savanna => [78.0, 72.0, 44.0],
                Biome::Desert => [98.0, 88.0, 62.0],
            };
            let f = food.grid.index([wx, wy]) as usize;
            let cap = food.capacity(f);
            let full = if cap > 0.0 {
                (food.amount(f) / cap).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let k = ((y * w + x) * 4) as usize;
            image[k] = base[0] as u8;
            image[k + 1] = (base[1] * (0.7 + 0.6 * full)).min(255.0) as u8;
            image[k + 2] = base[2] as u8;
            image[k + 3] = 255;
        }
    }
    let e = sim.entities();
    for i in 0..sim.live_end() {
        if !e.alive(i) {
            continue;
        }
        let x = ((e.pos[i][0] / ww * w as f32) as u32).min(w - 1);
        let y = ((e.pos[i][1] / wh * h as f32) as u32).min(h - 1);
        let c = colors.get(e.tribe(i) as usize).copied().unwrap_or([255; 3]);
        let k = ((y * w + x) * 4) as usize;
        image[k..k + 3].copy_from_slice(&c);
    }
}
