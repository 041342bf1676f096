//! The `evosim` binary: determinism visible from the CLI, JSON output, and
//! bad input answered with exit code 2 and one line naming the problem.

use std::process::{Command, Output};

use crate::common::gpu::have_gpu;
use crate::common::last_json;

fn evosim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evosim"))
        .args(args)
        .output()
        .expect("run evosim")
}

fn hash(args: &[&str]) -> String {
    last_json(&evosim(args))["state_hash"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn json_summary_has_the_promised_fields() {
    let out = evosim(&[
        "run",
        "--entities",
        "800",
        "--ticks",
        "120",
        "--backend",
        "cpu",
        "--json",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = last_json(&out);
    for key in [
        "tick",
        "population",
        "births",
        "deaths",
        "kills",
        "state_hash",
        "tribes",
    ] {
        assert!(j.get(key).is_some(), "missing {key}");
    }
    assert_eq!(j["tick"], 120);
    assert_eq!(j["state_hash"].as_str().unwrap().len(), 16);
    let tribes = j["tribes"].as_array().unwrap();
    assert_eq!(tribes.len(), 4);
    let total: u64 = tribes
        .iter()
        .map(|t| t["population"].as_u64().unwrap())
        .sum();
    assert_eq!(total, j["population"].as_u64().unwrap());
    assert!(tribes[0]["genes"]["speed"]["mean"].as_f64().unwrap() > 5.0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("state_hash "), "readable summary too");
}

#[test]
fn cli_hash_is_the_same_for_one_and_two_threads_and_changes_with_the_seed() {
    let base = [
        "run",
        "--entities",
        "1000",
        "--ticks",
        "200",
        "--backend",
        "cpu",
        "--json",
        "--quiet",
    ];
    let with = |extra: &[&str]| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        hash(&v)
    };
    let one = with(&["--threads", "1", "--seed", "5"]);
    assert_eq!(one, with(&["--threads", "2", "--seed", "5"]));
    assert_ne!(one, with(&["--threads", "2", "--seed", "6"]));
}

#[test]
fn stats_csv_is_written() {
    let dir = crate::common::temp_dir("cli");
    let csv = dir.join("stats.csv");
    let out = evosim(&[
        "run",
        "--entities",
        "500",
        "--ticks",
        "120",
        "--backend",
        "cpu",
        "--quiet",
        "--stats-csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("tick,population,births,deaths,kills"));
    assert_eq!(lines.len(), 1 + 3, "header, tick 0, 60, 120");
    assert!(lines[3].starts_with("120,"));
    std::fs::remove_dir_all(&dir).ok();
}

fn bad_scenario(name: &str, body: &str) -> (i32, String) {
    let dir = crate::common::temp_dir(&format!("bad-{name}"));
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, body).unwrap();
    let out = evosim(&[
        "run",
        "--scenario",
        path.to_str().unwrap(),
        "--ticks",
        "1",
        "--backend",
        "cpu",
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.stdout.is_empty(), "nothing on stdout");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn assert_one_line_error(code: i32, stderr: &str, must_name: &[&str]) {
    assert_eq!(code, 2, "exit code 2, stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    for word in must_name {
        assert!(
            lines[0].contains(word),
            "{:?} should name {word:?}",
            lines[0]
        );
    }
}

const TRIBE: &str = "\n[[tribes]]\nname = \"A\"\ncount = 10\n";

#[test]
fn negative_world_size_is_a_clear_error() {
    let (code, err) = bad_scenario("negative", &format!("[world]\nwidth = -100\n{TRIBE}"));
    assert_one_line_error(code, &err, &["world.width", "-100", "allowed"]);
}

#[test]
fn unknown_key_is_a_clear_error() {
    let (code, err) = bad_scenario("unknown", &format!("[food]\nregrowth_speed = 3\n{TRIBE}"));
    assert_one_line_error(code, &err, &["regrowth_speed", ":2:"]);
}

#[test]
fn gene_out_of_range_is_a_clear_error() {
    let (code, err) = bad_scenario("gene", &format!("{TRIBE}genes.speed = {{ mean = 40 }}\n"));
    assert_one_line_error(code, &err, &["tribes[0].genes.speed.mean", "40", "5 to 25"]);
}

#[test]
fn malformed_toml_and_missing_file_are_clear_errors() {
    let (code, err) = bad_scenario("malformed", "[world\nwidth = 1");
    assert_one_line_error(code, &err, &["malformed.toml:1:"]);
    let out = evosim(&["run", "--scenario", "/nonexistent/evosim.toml"]);
    assert_one_line_error(
        out.status.code().unwrap(),
        &String::from_utf8_lossy(&out.stderr),
        &["/nonexistent/evosim.toml"],
    );
}

#[test]
fn non_numeric_entities_is_a_clear_error() {
    for bad in ["lots", "-5", "1.5", "0"] {
        let out = evosim(&["run", "--entities", bad]);
        assert_one_line_error(
            out.status.code().unwrap(),
            &String::from_utf8_lossy(&out.stderr),
            &["--entities"],
        );
    }
}

/// Environment under which wgpu finds no adapter: Vulkan only, with no driver.
const NO_ADAPTER: [(&str, &str); 3] = [
    ("WGPU_BACKEND", "vulkan"),
    ("VK_ICD_FILENAMES", "/nonexistent/icd.json"),
    ("VK_DRIVER_FILES", "/nonexistent/icd.json"),
];

#[test]
fn gpu_backend_without_an_adapter_is_a_clear_error() {
    let out = run_env(&["run", "--backend", "gpu", "--ticks", "1"], &NO_ADAPTER);
    assert_one_line_error(
        out.status.code().unwrap(),
        &String::from_utf8_lossy(&out.stderr),
        &["--backend gpu", "adapter"],
    );
}

#[test]
fn auto_backend_without_an_adapter_runs_on_the_cpu_with_a_notice() {
    let out = run_env(
        &[
            "run",
            "--entities",
            "500",
            "--ticks",
            "5",
            "--json",
            "--quiet",
        ],
        &NO_ADAPTER,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning:") && err.contains("CPU backend"),
        "{err}"
    );
    assert_eq!(last_json(&out)["backend"], "cpu");
}

/// `--backend auto` takes a hardware adapter, but leaves a software renderer
/// (lavapipe in CI) for the CPU backend with a one-line notice;
/// `--backend gpu` still takes it.
#[test]
fn auto_leaves_a_software_renderer_for_the_cpu() {
    let small = ["--entities", "300", "--ticks", "3", "--json"];
    // Not --quiet: the note that the adapter is a software renderer is an
    // info line.
    let gpu = evosim(&[&["run", "--backend", "gpu"][..], &small[..]].concat());
    if !gpu.status.success() {
        crate::common::gpu::skip("no GPU adapter");
        return;
    }
    assert_eq!(
        last_json(&gpu)["backend"],
        "gpu",
        "--backend gpu takes any adapter"
    );
    let software = String::from_utf8_lossy(&gpu.stderr).contains("software renderer");
    let auto = evosim(&[&["run"][..], &small[..]].concat());
    let err = String::from_utf8_lossy(&auto.stderr);
    assert!(auto.status.success(), "{err}");
    if software {
        assert_eq!(last_json(&auto)["backend"], "cpu", "{err}");
        let notices: Vec<&str> = err
            .lines()
            .filter(|l| l.contains("software renderer"))
            .collect();
        assert!(
            notices.len() == 1 && notices[0].contains("CPU backend"),
            "one line says why: {err}"
        );
    } else {
        assert_eq!(last_json(&auto)["backend"], "gpu", "{err}");
    }
}

/// Without a display, `evosim` alone runs the headless main job (saying so in
/// one line) instead of printing hints and exiting.
#[test]
fn without_a_display_evosim_alone_runs_headless() {
    let out = Command::new(env!("CARGO_BIN_EXE_evosim"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        // The CPU backend however the adapter looks: the run's length is the
        // default's either way.
        .env("WGPU_BACKEND", "vulkan")
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .output()
        .expect("run evosim");
    let err = String::from_utf8_lossy(&out.stderr);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{err}");
    assert!(
        err.lines().next().is_some_and(|l| {
            // Without the viewer there is no window to open in any case.
            let why = if cfg!(feature = "viewer") {
                "no display here"
            } else {
                "built without the viewer"
            };
            l.contains(why) && l.contains("evosim run")
        }),
        "the first line says why: {err}"
    );
    assert!(
        text.contains("tick 3600") && text.contains("state_hash"),
        "the default run's summary: {text}"
    );
}

#[test]
fn help_explains_the_options() {
    let out = evosim(&["run", "--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--scenario",
        "--entities",
        "--ticks",
        "--seed",
        "--backend",
        "--threads",
        "--json",
        "--stats-csv",
    ] {
        assert!(text.contains(opt), "help mentions {opt}");
    }
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_evosim"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run evosim")
}

const FAULT_RUN: [&str; 12] = [
    "run",
    "--entities",
    "1500",
    "--ticks",
    "150",
    "--backend",
    "cpu",
    "--json",
    "--quiet",
    "--threads",
    "2",
    "--regions=2x2",
];

#[test]
fn a_worker_panic_is_recovered_with_the_same_result() {
    let clean = run_env(&FAULT_RUN, &[]);
    assert!(clean.status.success());
    let faulty = run_env(
        &FAULT_RUN,
        &[("EVOSIM_FAULT", "worker_panic@60"), ("RUST_BACKTRACE", "1")],
    );
    assert!(
        faulty.status.success(),
        "{}",
        String::from_utf8_lossy(&faulty.stderr)
    );
    let (a, b) = (last_json(&clean), last_json(&faulty));
    assert_eq!(
        a["state_hash"], b["state_hash"],
        "recovered run equals the clean one"
    );
    assert_eq!(a["population"], b["population"]);
    assert_eq!(a["regions"]["restarts"], 0);
    assert_eq!(b["regions"]["restarts"], 1);
    let stderr = String::from_utf8_lossy(&faulty.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("panicked")).collect();
    assert_eq!(lines.len(), 1, "one line about the panic: {stderr}");
    assert!(
        lines[0].contains("tick 60") && lines[0].contains("restarted"),
        "{}",
        lines[0]
    );
    assert!(
        !stderr.contains("stack backtrace"),
        "no backtrace: {stderr}"
    );
}

#[test]
fn cli_hash_is_the_same_across_threads_and_region_grids() {
    let base = [
        "run",
        "--entities",
        "1200",
        "--ticks",
        "150",
        "--backend",
        "cpu",
        "--json",
        "--quiet",
    ];
    let with = |extra: &[&str]| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        let out = evosim(&v);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let j = last_json(&out);
        let (rows, cols) = (
            j["regions"]["rows"].as_u64().unwrap(),
            j["regions"]["cols"].as_u64().unwrap(),
        );
        assert_eq!(
            j["regions"]["stats"].as_array().unwrap().len() as u64,
            rows * cols
        );
        j["state_hash"].as_str().unwrap().to_string()
    };
    let one = with(&["--threads", "1", "--regions", "1x1"]);
    assert_eq!(one, with(&["--threads", "3", "--regions", "3x5"]));
    assert_eq!(one, with(&["--threads", "8", "--regions", "8x8"]));
}

#[test]
fn bad_regions_and_fault_values_are_clear_errors() {
    for bad in ["4", "0x2", "2x", "axb", "300x1"] {
        let out = evosim(&["run", "--regions", bad]);
        assert_one_line_error(
            out.status.code().unwrap(),
            &String::from_utf8_lossy(&out.stderr),
            &["--regions"],
        );
    }
    let out = run_env(&["run", "--ticks", "1"], &[("EVOSIM_FAULT", "explode@3")]);
    assert_one_line_error(
        out.status.code().unwrap(),
        &String::from_utf8_lossy(&out.stderr),
        &["EVOSIM_FAULT"],
    );
}

#[test]
fn run_saves_a_snapshot_and_resume_continues_to_the_same_result() {
    let dir = crate::common::temp_dir("snap");
    let snap = dir.join("world.evosnap");
    let snap_s = snap.to_str().unwrap();
    let whole = hash(&[
        "run",
        "--entities",
        "1500",
        "--ticks",
        "100",
        "--backend",
        "cpu",
        "--json",
        "--quiet",
    ]);
    let first = evosim(&[
        "run",
        "--entities",
        "1500",
        "--ticks",
        "64",
        "--backend",
        "cpu",
        "--threads",
        "2",
        "--snapshot",
        snap_s,
        "--save-every",
        "16",
        "--json",
        "--quiet",
    ]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        !dir.join("world.evosnap.tmp").exists(),
        "no temporary file left"
    );
    let resumed = hash(&[
        "run",
        "--resume",
        snap_s,
        "--ticks",
        "36",
        "--backend",
        "cpu",
        "--threads",
        "1",
        "--regions",
        "1x3",
        "--json",
        "--quiet",
    ]);
    assert_eq!(resumed, whole);
    // A bad file: one line, exit 2.
    let bad = dir.join("bad.evosnap");
    std::fs::write(&bad, b"EVOSNAP\0 but then nothing sensible").unwrap();
    let out = evosim(&["run", "--resume", bad.to_str().unwrap(), "--ticks", "5"]);
    assert_one_line_error(
        out.status.code().unwrap(),
        &String::from_utf8_lossy(&out.stderr),
        &["resume", "bad.evosnap"],
    );
    // --resume with a scenario option is refused.
    let out = evosim(&["run", "--resume", snap_s, "--entities", "10"]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The device is destroyed at tick 25: the run goes on on the CPU from the
/// checkpoint of tick 0, recomputing every tick on the CPU, so it ends
/// exactly where a CPU run ends; the invariants hold on every tick.
#[test]
fn a_lost_device_falls_back_to_the_cpu_without_losing_the_world() {
    if !have_gpu() {
        return;
    }
    let args = |backend: &'static str| {
        [
            "run",
            "--entities",
            "1200",
            "--ticks",
            "60",
            "--backend",
            backend,
            "--check-invariants",
            "--json",
            "--quiet",
        ]
    };
    let out = run_env(&args("gpu"), &[("EVOSIM_FAULT", "device_lost@25")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("the GPU failed at tick 25") && err.contains("checkpoint of tick 0"),
        "{err}"
    );
    let v = last_json(&out);
    assert_eq!(v["backend"], "cpu");
    assert_eq!(v["tick"], 60);
    assert_eq!(v["state_hash"].as_str().unwrap(), hash(&args("cpu")));
}

/// With a checkpoint taken later in the run, only the ticks since it are
/// recomputed.
#[test]
fn a_lost_device_recomputes_only_the_ticks_since_the_last_checkpoint() {
    if !have_gpu() {
        return;
    }
    let at = evosim::sim::CHECKPOINT_INTERVAL + 7;
    let fault = format!("device_lost@{at}");
    let ticks = (at + 20).to_string();
    let out = run_env(
        &[
            "run",
            "--entities",
            "600",
            "--ticks",
            &ticks,
            "--backend",
            "gpu",
            "--json",
            "--quiet",
            "--check-invariants",
        ],
        &[("EVOSIM_FAULT", fault.as_str())],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let note = format!(
        "checkpoint of tick {} (7 ticks recomputed)",
        evosim::sim::CHECKPOINT_INTERVAL
    );
    assert!(err.contains(&note), "{err}");
    assert!(last_json(&out)["population"].as_u64().unwrap() > 0);
}

/// A region task that takes far longer than the watchdog's bound is
/// reported — tick, phase, worker and region — and the run still ends with
/// the clean run's result.
#[test]
fn a_stuck_worker_is_reported_by_the_watchdog() {
    let clean = run_env(&FAULT_RUN, &[]);
    assert!(clean.status.success());
    let stuck = run_env(
        &FAULT_RUN,
        &[
            ("EVOSIM_FAULT", "worker_stall@60"),
            ("EVOSIM_WATCHDOG_MS", "200"),
        ],
    );
    let stderr = String::from_utf8_lossy(&stuck.stderr);
    assert!(stuck.status.success(), "{stderr}");
    let (a, b) = (last_json(&clean), last_json(&stuck));
    assert_eq!(
        a["state_hash"], b["state_hash"],
        "a slow task is not a wrong one"
    );
    assert_eq!(a["regions"]["stalls"], 0);
    let reports: Vec<&str> = stderr.lines().filter(|l| l.contains("watchdog")).collect();
    // The task stalls 2.5 bounds: reported at 1 and 2 bounds.
    assert!((1..=3).contains(&reports.len()), "{stderr}");
    assert_eq!(b["regions"]["stalls"], reports.len() as u64);
    let r = reports[0];
    assert!(
        r.contains("tick 60")
            && r.contains("phase ")
            && r.contains("worker ")
            && r.contains("region "),
        "names the tick, phase, worker and region: {r}"
    );
}

#[test]
fn output_paths_are_checked_before_the_first_tick() {
    let dir = crate::common::temp_dir("out");
    let folder = dir.to_str().expect("utf-8 path");
    let missing = "/no/such/dir/x.out";
    let mut cases: Vec<(Vec<&str>, &str)> = vec![
        // A long run: were the path checked only at the end, this would take minutes.
        (
            vec!["run", "--ticks", "100000", "--snapshot", missing],
            "--snapshot",
        ),
        (
            vec!["run", "--ticks", "100000", "--stats-csv", missing],
            "--stats-csv",
        ),
        (
            vec!["bench", "--entities", "1000", "--json", missing],
            "--json",
        ),
    ];
    if cfg!(feature = "viewer") {
        cases.push((
            vec!["view", "--screenshot", folder, "--frames", "1"],
            "--screenshot",
        ));
    }
    for (args, flag) in cases {
        let out = evosim(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(
            err.contains("does not exist") || err.contains("is a folder"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        // A run that went ahead would end with its summary and state hash.
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("state_hash"), "{args:?} ran: {stdout}");
    }
    // A good path still works, and no probe file is left behind.
    let csv = dir.join("stats.csv");
    let out = evosim(&[
        "run",
        "--entities",
        "500",
        "--ticks",
        "5",
        "--quiet",
        "--stats-csv",
        csv.to_str().expect("utf-8 path"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("stats.csv")]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--set` changes one scenario value by its dotted key: `seed=11` is
/// `--seed 11`, a steering weight changes the world, and a key that names
/// nothing is one line of error.
#[test]
fn set_overrides_a_scenario_value_by_dotted_key() {
    let run = |extra: &[&str]| {
        let base = [
            "run",
            "--entities",
            "1500",
            "--ticks",
            "30",
            "--backend",
            "cpu",
        ];
        let out = evosim(&[&base[..], &["--quiet", "--json"], extra].concat());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        last_json(&out)["state_hash"].clone()
    };
    assert_eq!(run(&["--seed", "11"]), run(&["--set", "seed=11"]));
    assert_ne!(
        run(&["--seed", "11"]),
        run(&["--seed", "11", "--set", "steering.wander=0"])
    );
    for (bad, names) in [
        ("mutation.rat=1", "mutation.rat"),
        ("mutation.rate=7", "mutation.rate"),
        ("tribes.Nobody.count=3", "Nobody"),
        ("no-equals", "KEY=VALUE"),
    ] {
        let out = evosim(&["run", "--ticks", "1", "--set", bad]);
        assert_one_line_error(
            out.status.code().unwrap(),
            &String::from_utf8_lossy(&out.stderr),
            &[names],
        );
    }
}
