//! The windowed viewer on a real X display: it opens, draws, and survives
//! being resized twice, minimized, and losing its surface (the hidden
//! `--exercise-surface` schedule), then closes itself after its frame limit
//! and reports what happened.
//!
//! It needs a GPU adapter (lavapipe in CI) and a display: `$DISPLAY` when
//! set, otherwise a private `Xvfb` started here. Without either it is
//! skipped with a printed reason, unless `EVOSIM_REQUIRE_GPU=1` (CI), where
//! it fails. Needs the `viewer` feature.
#![cfg(feature = "viewer")]

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::gpu::skip;

/// An X server of our own, stopped on drop.
struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A display to open the window on: the caller's, or a fresh Xvfb.
fn display() -> Result<(String, Option<Xvfb>), String> {
    if let Ok(d) = std::env::var("DISPLAY")
        && !d.is_empty()
    {
        return Ok((d, None));
    }
    // A display number nobody uses.
    let n = (100..400)
        .map(|k| k + std::process::id() % 300)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .ok_or("no free X display number")?;
    let child = Command::new("Xvfb")
        .args([
            &format!(":{n}"),
            "-screen",
            "0",
            "1600x1000x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("no display and Xvfb cannot start ({e}); apt-get install xvfb"))?;
    let server = Xvfb(child);
    let socket = format!("/tmp/.X11-unix/X{n}");
    let start = Instant::now();
    while !Path::new(&socket).exists() {
        if start.elapsed() > Duration::from_secs(20) {
            return Err("Xvfb did not come up within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((format!(":{n}"), Some(server)))
}

/// A number after `key` in the viewer's report line.
fn figure(report: &str, key: &str) -> u64 {
    let at = report
        .find(key)
        .unwrap_or_else(|| panic!("{key:?} in the report: {report}"));
    report[at + key.len()..]
        .trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a number after {key:?} in: {report}"))
}

#[test]
fn window_survives_resize_minimize_and_a_lost_surface() {
    if let Err(e) = evosim::gpu::GpuContext::new() {
        return skip(e);
    }
    let (display, _server) = match display() {
        Ok(d) => d,
        Err(e) => return skip(&e),
    };
    let out = Command::new(env!("CARGO_BIN_EXE_evosim"))
        .args([
            "view",
            "--entities",
            "2000",
            "--frames",
            "90",
            "--exercise-surface",
        ])
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run evosim view");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the viewer failed: {stderr}");
    let report = stderr
        .lines()
        .find(|l| l.starts_with("window:"))
        .unwrap_or_else(|| panic!("no window report in: {stderr}"));
    // Every redraw asked for was drawn or skipped as minimized.
    let drawn = figure(report, "window:");
    let minimized = figure(report, "minimized frames");
    assert_eq!(drawn + minimized, 90, "{report}");
    assert_eq!(minimized, 5, "{report}");
    // The resizes reached the surface: three requested sizes (some
    // platforms also report the first size), one recreation after the
    // pretended loss.
    assert!(figure(report, "surface reconfigured") >= 3, "{report}");
    assert_eq!(figure(report, "recreated"), 1, "{report}");
    // It went on drawing after the last change, at the last size asked.
    assert!(
        figure(report, "drawn since the last change") >= 10,
        "{report}"
    );
    assert!(report.contains("size 1280x800"), "{report}");
    assert!(figure(report, "tick") > 0, "the simulation ran: {report}");
}
