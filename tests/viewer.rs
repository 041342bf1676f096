//! The viewer: a screenshot of the default scenario rendered offscreen (no
//! display) checked for real content, and the viewer's answers where no
//! window can be opened. The screenshot needs a GPU adapter (lavapipe in CI):
//! without one it is skipped with a printed reason, unless
//! `EVOSIM_REQUIRE_GPU=1`, where it fails.

use std::collections::{HashMap, HashSet};
use std::process::{Command, Output};

use evosim::Scenario;
use evosim::model::scenario::parse_color;

fn evosim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evosim"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run evosim")
}

fn have_gpu() -> bool {
    match evosim::gpu::GpuContext::new() {
        Ok(_) => true,
        Err(e) if std::env::var("EVOSIM_REQUIRE_GPU").is_ok_and(|v| v == "1") => {
            panic!("EVOSIM_REQUIRE_GPU=1 but {e}")
        }
        Err(e) => {
            eprintln!("skipped: {e} (set EVOSIM_REQUIRE_GPU=1 to make this a failure)");
            false
        }
    }
}

fn decode(path: &std::path::Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::fs::File::open(path).expect("screenshot written");
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Rgba);
    let px = buf[..info.buffer_size()]
        .chunks(4)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    (info.width, info.height, px)
}

fn near(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    (0..3).all(|k| (a[k] as i32 - b[k] as i32).abs() <= tol)
}

#[test]
fn screenshot_of_the_default_world_has_real_content() {
    if !have_gpu() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("evosim-shot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    let out = evosim(&[]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("evosim run") && text.contains("evosim view"),
        "{text}"
    );
}

#[test]
fn bad_screenshot_size_is_a_clear_error() {
    let out = evosim(&["view", "--size", "10x10", "--screenshot", "x.png"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--size") && !err.contains("panicked"), "{err}");
}
