//! The viewer: a screenshot of the default scenario rendered offscreen (no
//! display) checked for real content, and the viewer's answers where no
//! window can be opened. The screenshot needs a GPU adapter (lavapipe in CI):
//! without one it is skipped with a printed reason, unless
//! `EVOSIM_REQUIRE_GPU=1`, where it fails. Needs the `viewer` feature.
#![cfg(feature = "viewer")]

use std::collections::{HashMap, HashSet};

use crate::common::evosim;
use crate::common::gpu::have_gpu;
use crate::common::shot::{decode, near};

use evosim::Scenario;
use evosim::model::scenario::parse_color;

#[test]
fn screenshot_of_the_default_world_has_real_content() {
    if !have_gpu() {
        return;
    }
    let dir = crate::common::temp_dir("shot");
    let path = dir.join("shot.png");
    let out = evosim(&[
        "view",
        "--entities",
        "3000",
        "--frames",
        "20",
        "--size",
        "960x600",
        "--screenshot",
        path.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let (w, h, px) = decode(&path);
    assert_eq!((w, h), (960, 600));
    // Every tribe's colour is drawn (creatures are flat-coloured triangles).
    let mut counts: HashMap<[u8; 3], usize> = HashMap::new();
    for p in &px {
        *counts.entry(*p).or_default() += 1;
    }
    for t in &Scenario::default_scenario().tribes {
        let c = parse_color(&t.color).unwrap();
        let n: usize = counts
            .iter()
            .filter(|(k, _)| near(**k, c, 2))
            .map(|(_, n)| n)
            .sum();
        assert!(
            n >= 30,
            "tribe {} ({}) drawn on {n} pixels",
            t.name,
            t.color
        );
    }
    let distinct: HashSet<[u8; 3]> = px.iter().copied().collect();
    assert!(distinct.len() > 50, "{} distinct colours", distinct.len());
    // The egui panel on the left: mostly its fill colour, with text on it.
    let fill = egui::Visuals::dark().panel_fill;
    let fill = [fill.r(), fill.g(), fill.b()];
    let (mut panel, mut text, mut total) = (0, 0, 0);
    for y in 40..h as usize - 40 {
        for x in 5..200 {
            let p = px[y * w as usize + x];
            total += 1;
            panel += near(p, fill, 3) as usize;
            text += (p.iter().map(|&c| c as u32).sum::<u32>() > 450) as usize;
        }
    }
    assert!(panel * 2 > total, "panel fill on {panel} of {total} pixels");
    assert!(text > 200, "text pixels in the panel: {text}");
    eprintln!(
        "screenshot: {} distinct colours, panel fill {panel}/{total}, text {text}; {}",
        distinct.len(),
        err.trim()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn view_without_a_display_says_how_to_run_headless() {
    let out = evosim(&["view", "--entities", "500"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("evosim run") && lines[0].contains("--screenshot"),
        "{err}"
    );
    // `evosim` alone runs headless instead: tests/cli/cli.rs,
    // without_a_display_evosim_alone_runs_headless.
}

#[test]
fn bad_screenshot_size_is_a_clear_error() {
    let out = evosim(&["view", "--size", "10x10", "--screenshot", "x.png"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--size") && !err.contains("panicked"), "{err}");
}

fn runner(backend: evosim::Backend) -> evosim::app::runner::SimRunner {
    let options = evosim::app::ViewOptions {
        scenario: Scenario::default_scenario().scaled_to(1500).unwrap(),
        entities: Some(1500),
        backend,
        threads: 2,
        paused: true,
        speed: 2,
        stop_at: None,
        watch_shaders: None,
        start_ui: Default::default(),
        recovery: Default::default(),
    };
    let ctx = evosim::gpu::GpuContext::new().expect("adapter");
    evosim::app::runner::SimRunner::start(options, ctx).expect("simulation thread")
}

/// The simulation thread runs exactly the ticks granted, answers commands
/// in order, and its results equal a simulation run directly.
#[test]
fn simulation_thread_runs_what_it_is_granted() {
    use evosim::app::runner::Command;
    if !have_gpu() {
        return;
    }
    let r = runner(evosim::Backend::Cpu);
    assert_eq!(r.view().tick, 0);
    r.grant(1.0);
    r.sync();
    r.grant(0.5);
    r.sync();
    assert_eq!(r.view().tick, 1, "half a tick waits for the other half");
    r.grant(0.5);
    r.sync();
    assert_eq!(r.view().tick, 2, "granted 1 + 0.5 + 0.5 ticks");
    // A backlog is capped at two grants: a simulation that cannot keep up
    // slows down instead of piling up work. With the gate held it runs
    // nothing; it may have taken one batch (up to two ticks) before
    // blocking, so 2 to 4 of the 10 granted ticks run.
    r.quiet(|| {
        for _ in 0..10 {
            r.grant(1.0);
        }
    });
    r.sync();
    let ran = r.view().tick - 2;
    assert!((2..=4).contains(&ran), "{ran} ticks ran of 10 granted");
    r.grant(0.0);
    r.send(Command::Reset { same_seed: true });
    r.sync();
    assert_eq!(r.view().tick, 0);
    r.grant(2.0);
    r.sync();
    r.send(Command::Step);
    r.sync();
    let v = r.view();
    assert_eq!(v.tick, 3);
    // The same three ticks, run directly.
    let mut direct = evosim::Simulation::new(
        Scenario::default_scenario().scaled_to(1500).unwrap(),
        evosim::Backend::Cpu,
        2,
    )
    .unwrap();
    for _ in 0..3 {
        direct.step().unwrap();
    }
    assert_eq!(v.population, direct.population());
    assert_eq!(v.counters, *direct.counters());
    // Picking at a creature's position selects it; deselect clears.
    let e = direct.entities();
    let slot = (0..e.capacity()).find(|&i| e.alive(i)).unwrap();
    r.send(Command::Pick {
        at: e.pos[slot].into(),
        radius: 0.01,
    });
    r.sync();
    let v = r.view();
    assert_eq!(v.selected, Some((e.id[slot], slot as u32)));
    let seen = v.inspected.expect("the picked creature is alive");
    assert_eq!(seen.state.pos, e.pos[slot]);
    r.send(Command::Deselect);
    r.sync();
    assert_eq!(r.view().selected, None);
    // The backend switch keeps the world; a reset starts it again.
    r.send(Command::SwitchBackend);
    r.sync();
    let v = r.view();
    assert_eq!(v.backend, evosim::Backend::Gpu);
    assert_eq!((v.tick, v.population), (3, direct.population()));
    assert!(v.draw.is_some());
    r.send(Command::Reset { same_seed: true });
    r.sync();
    assert_eq!(r.view().tick, 0);
    assert_eq!(r.view().message, None);
}

/// The frame thread's reads never wait for the simulation: with the GPU
/// gate held (no tick can run), the view is still there to draw.
#[test]
fn the_view_never_waits_for_a_tick() {
    if !have_gpu() {
        return;
    }
    let r = runner(evosim::Backend::Gpu);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| {
            r.quiet(|| {
                r.grant(4.0);
                // The simulation thread is now waiting for the gate.
                let v = r.view();
                tx.send(v.tick).unwrap();
            })
        });
        // Generous: only a deadlock fails this.
        let tick = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("view() returned while the simulation was held");
        assert_eq!(tick, 0);
    });
    r.sync();
    assert_eq!(r.view().tick, 4);
}

/// Save and load in the viewer: a saved world loads back to the same state;
/// a bad file is reported and leaves the running world as it was.
#[test]
fn viewer_saves_and_loads_snapshots() {
    use evosim::app::runner::Command;
    if !have_gpu() {
        return;
    }
    let dir = crate::common::temp_dir("view-snap");
    let file = dir.join("w.evosnap");
    let r = runner(evosim::Backend::Cpu);
    r.grant(2.0);
    r.sync();
    r.grant(2.0);
    r.sync();
    let saved = r.view();
    assert_eq!(saved.tick, 4);
    r.send(Command::Save(file.clone()));
    r.grant(2.0);
    r.sync();
    assert_eq!(r.view().tick, 6);
    r.send(Command::Resume(file.clone()));
    r.sync();
    let back = r.view();
    assert_eq!(back.tick, 4);
    assert_eq!(back.population, saved.population);
    assert_eq!(back.counters, saved.counters);
    // A bad file: an error message, the world untouched.
    let bad = dir.join("bad.evosnap");
    std::fs::write(&bad, b"nonsense").unwrap();
    r.send(Command::Resume(bad));
    r.sync();
    let after = r.view();
    assert_eq!(after.tick, 4);
    assert_eq!(after.counters, saved.counters);
    let m = after.message.clone().expect("an error is shown");
    assert!(m.contains("not an evosim snapshot"), "{m}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A future that is pending once (a turn of the event loop), then ready.
struct Yield(bool);

impl std::future::Future for Yield {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

/// The browser's runner (a task on the caller's thread instead of a thread),
/// driven by hand as an event loop would: it runs what it is granted, stops
/// at `stop_at` with the state hash of a simulation run directly, and ends
/// when the runner is dropped.
#[test]
fn local_runner_stops_at_the_asked_tick_with_the_state_hash() {
    use std::task::{Context, Poll, Waker};
    if !have_gpu() {
        return;
    }
    let scenario = Scenario::default_scenario().scaled_to(800).unwrap();
    let options = evosim::app::ViewOptions {
        scenario: scenario.clone(),
        entities: Some(800),
        backend: evosim::Backend::Cpu,
        threads: 1,
        paused: false,
        speed: 2,
        stop_at: Some(45),
        watch_shaders: None,
        start_ui: Default::default(),
        recovery: Default::default(),
    };
    let ctx = evosim::gpu::GpuContext::new().expect("adapter");
    let (runner, task) =
        evosim::app::runner::SimRunner::start_local(options, ctx, |_ms| Yield(false)).unwrap();
    let mut task = Box::pin(task);
    let mut cx = Context::from_waker(Waker::noop());
    runner.sync(); // does not wait in this mode (it would wait forever)
    let mut turns = 0;
    while !runner.view().halted {
        runner.grant(4.0);
        assert!(task.as_mut().poll(&mut cx).is_pending());
        turns += 1;
        assert!(
            turns < 10_000,
            "tick {} after {turns} turns",
            runner.view().tick
        );
    }
    let v = runner.view();
    assert_eq!(v.tick, 45, "stops exactly at the tick asked");
    let mut direct = evosim::Simulation::new(scenario, evosim::Backend::Cpu, 1).unwrap();
    for _ in 0..45 {
        direct.step().unwrap();
    }
    assert_eq!(v.state_hash, Some(direct.state_hash()));
    assert_eq!(v.population, direct.population());
    assert!(
        v.message
            .as_deref()
            .unwrap_or("")
            .contains("stopped at tick 45")
    );
    // Granted more, it runs nothing more.
    runner.grant(8.0);
    for _ in 0..5 {
        assert!(task.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(runner.view().tick, 45);
    drop(runner);
    assert_eq!(
        task.as_mut().poll(&mut cx),
        Poll::Ready(()),
        "the task ends with its runner"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// `--watch-shaders`: editing a shader in a copy of the folder rebuilds its
/// pipelines in the running simulation; a broken edit is reported, the last
/// good pipelines keep running and so does the simulation.
#[test]
fn edited_shaders_are_rebuilt_and_broken_ones_reported() {
    if !have_gpu() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("evosim-shaders-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders"),
        &dir,
    );
    let options = evosim::app::ViewOptions {
        scenario: Scenario::default_scenario().scaled_to(1500).unwrap(),
        entities: Some(1500),
        backend: evosim::Backend::Gpu,
        threads: 2,
        paused: true,
        speed: 2,
        stop_at: None,
        watch_shaders: Some(dir.clone()),
        start_ui: Default::default(),
        recovery: Default::default(),
    };
    let ctx = evosim::gpu::GpuContext::new().expect("adapter");
    let r = evosim::app::runner::SimRunner::start(options, ctx).unwrap();
    r.grant(2.0);
    r.sync();
    assert_eq!(r.view().shader_reloads, 0, "nothing edited yet");
    let wait_for = |what: &str, ok: &dyn Fn(&evosim::app::runner::SimView) -> bool| {
        let start = std::time::Instant::now();
        loop {
            r.grant(1.0);
            r.sync();
            let v = r.view();
            if ok(&v) {
                return v;
            }
            assert!(
                start.elapsed().as_secs() < 30,
                "{what}: message {:?}",
                v.message
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    // A valid edit: integrate.wgsl with a changed constant-free comment and
    // an extra helper function.
    let file = dir.join("integrate.wgsl");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!("{good}\n// edited by the test\nfn evosim_test_helper(x: f32) -> f32 {{ return x * 2.0; }}\n"),
    )
    .unwrap();
    let v = wait_for("the edit is picked up", &|v| v.shader_reloads == 1);
    assert!(
        v.message
            .as_deref()
            .unwrap_or("")
            .contains("reloaded shader integrate"),
        "{:?}",
        v.message
    );
    // A broken edit: reported, the last good pipeline keeps running.
    std::fs::write(&file, format!("{good}\nfn broken( {{\n")).unwrap();
    let v = wait_for("the broken edit is reported", &|v| {
        v.message.as_deref().unwrap_or("").contains("not reloaded")
    });
    let msg = v.message.clone().unwrap();
    assert!(msg.contains("integrate"), "{msg}");
    assert_eq!(
        v.shader_reloads, 1,
        "a broken file is not counted as reloaded"
    );
    let before = v.tick;
    r.grant(3.0);
    r.sync();
    let v = r.view();
    assert!(
        v.tick >= before + 3 && !v.halted,
        "the simulation runs on: {v:?}"
    );
    assert!(v.population > 0);
    drop(r);
    // Later pipelines are built from the built-in text again.
    evosim::gpu::shaders::set_override("integrate", None);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Drawing from data textures (the WebGL2 path) gives the picture drawing
/// from storage buffers gives: same world, same frames, pixel for pixel
/// (at most a rounding step apart).
#[test]
fn drawing_from_textures_matches_drawing_from_buffers() {
    if !have_gpu() {
        return;
    }
    let dir = crate::common::temp_dir("textures");
    let options = evosim::app::ViewOptions {
        scenario: Scenario::default_scenario().scaled_to(1500).unwrap(),
        entities: Some(1500),
        backend: evosim::Backend::Cpu,
        threads: 2,
        paused: false,
        speed: 4,
        stop_at: None,
        watch_shaders: None,
        start_ui: Default::default(),
        recovery: Default::default(),
    };
    let ctx = evosim::gpu::GpuContext::new().expect("adapter");
    assert!(
        !ctx.draw_from_textures,
        "lavapipe's shaders read storage buffers"
    );
    let mut textures = ctx.clone();
    textures.draw_from_textures = true;
    let shot = |ctx: evosim::gpu::GpuContext, name: &str| {
        let path = dir.join(name);
        let s = evosim::app::offscreen::screenshot(ctx, options.clone(), 20, [480, 320], &path)
            .expect("screenshot");
        (s.ticks, decode(&path))
    };
    let (ticks_a, (w, h, a)) = shot(ctx, "buffers.png");
    let (ticks_b, (_, _, b)) = shot(textures, "textures.png");
    assert!(
        ticks_a > 0 && ticks_a == ticks_b,
        "{ticks_a} and {ticks_b} ticks"
    );
    assert_eq!(a.len(), (w * h) as usize);
    let differ = a.iter().zip(&b).filter(|(x, y)| !near(**x, **y, 1)).count();
    assert_eq!(differ, 0, "{differ} of {} pixels differ", a.len());
    // And the picture is not empty: creatures in tribe colours are there.
    let colours: HashSet<[u8; 3]> = b.iter().copied().collect();
    assert!(colours.len() > 20, "{} colours", colours.len());
    let _ = std::fs::remove_dir_all(&dir);
}
