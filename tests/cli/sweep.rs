//! `evosim sweep`: the same tables from one job or two, after a kill and a
//! resume, from shards merged; a failing run recorded while the others
//! finish; each run's rows those of `evosim run --stats-csv`; bad files as
//! one-line errors with nothing run; the tables read by pyarrow (when the
//! Python named by `EVOSIM_PYTHON`, else `python3`, has it; required where
//! `EVOSIM_REQUIRE_PYARROW=1`, as in CI).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, UInt32Type};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::common::{evosim, temp_dir};

/// Four runs (two mutation rates, two seeds each) of 1,500 creatures for 60
/// ticks, recorded every 20.
const SMALL: &str = r#"
seed = 3
repetitions = 2
ticks = 60
every = 20
record = ["population", "births", "deaths", "kills", "starved", "tribe_population",
          "gene_mean.speed", "species_alive", "food"]
keep = ["snapshot", "phylogeny", "species_csv"]

[set]
entities = 1500

[vary]
"mutation.rate" = [0.1, 0.5]
"#;

fn write_spec(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn sweep(args: &[&str]) -> Output {
    let out = evosim(&[&["sweep"], args].concat());
    assert!(
        out.status.success(),
        "evosim sweep {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A table's batches.
fn table(path: &Path) -> Vec<RecordBatch> {
    ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect()
}

/// Both tables of a sweep, the wall times left out (the one value that
/// differs between two runs of the same run).
fn tables(dir: &Path) -> (Vec<RecordBatch>, Vec<RecordBatch>) {
    let runs = table(&dir.join("runs.parquet"))
        .into_iter()
        .map(|mut b| {
            let k = b.schema().index_of("wall_s").unwrap();
            b.remove_column(k);
            b
        })
        .collect();
    (runs, table(&dir.join("steps.parquet")))
}

fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(|b| b.num_rows()).sum()
}

#[test]
fn one_job_or_two_give_the_same_tables_and_each_run_is_evosim_run() {
    let dir = temp_dir("sweep-jobs");
    let spec = write_spec(&dir, "small.toml", SMALL);
    let (one, two) = (dir.join("one"), dir.join("two"));
    sweep(&[s(&spec), "--out", s(&one), "--jobs", "1", "--quiet"]);
    sweep(&[
        s(&spec),
        "--out",
        s(&two),
        "--jobs",
        "2",
        "--threads-per-run",
        "2",
    ]);
    let (runs, steps) = tables(&one);
    assert_eq!((runs.clone(), steps.clone()), tables(&two), "--jobs 1 vs 2");
    assert_eq!(
        (rows(&runs), rows(&steps)),
        (4, 16),
        "4 runs, ticks 0, 20, 40, 60"
    );

    // The documented columns, in order.
    let names: Vec<String> = steps[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let tribes = evosim::Scenario::default_scenario().tribes;
    let mut want: Vec<String> = ["run", "mutation.rate", "seed", "tick", "population"]
        .into_iter()
        .chain(["births", "deaths", "kills", "starved"])
        .map(String::from)
        .collect();
    want.extend(
        tribes
            .iter()
            .map(|t| format!("tribe_population.{}", t.name)),
    );
    want.extend(tribes.iter().map(|t| format!("gene_mean.speed.{}", t.name)));
    want.extend(["species_alive".into(), "food".into()]);
    assert_eq!(names, want);
    let run_names: Vec<String> = table(&one.join("runs.parquet"))[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(
        run_names[..7],
        [
            "run",
            "mutation.rate",
            "seed",
            "status",
            "stop_reason",
            "ticks",
            "wall_s"
        ]
    );
    assert_eq!(run_names.last().unwrap(), "error");
    let b = &runs[0];
    let status = b.column_by_name("status").unwrap().as_string::<i32>();
    assert!((0..4).all(|k| status.value(k) == "ok"));
    // The files each run keeps: the same from either sweep (the snapshots
    // hold the same world, and each its own region grid).
    for what in ["newick", "species.csv"] {
        let name = format!("runs/run-000002.{what}");
        let bytes = std::fs::read(one.join(&name)).unwrap();
        assert!(!bytes.is_empty(), "{name}");
        assert_eq!(bytes, std::fs::read(two.join(&name)).unwrap(), "{name}");
    }
    let tree = std::fs::read_to_string(one.join("runs/run-000002.newick")).unwrap();
    assert!(tree.trim_end().ends_with(';'), "{tree}");
    let species = std::fs::read_to_string(one.join("runs/run-000002.species.csv")).unwrap();
    assert!(species.starts_with("tick,species,parent,tribe,count,founded,mean_speed"));
    assert!(
        species.lines().skip(1).all(|l| l.starts_with("60,")),
        "{species}"
    );
    let resumed_hash = |dir: &Path| {
        let snapshot = dir.join("runs/run-000002.snapshot");
        let out = evosim(&[
            "run",
            "--resume",
            s(&snapshot),
            "--ticks",
            "5",
            "--backend",
            "cpu",
            "--json",
        ]);
        crate::common::last_json(&out)["state_hash"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(resumed_hash(&one), resumed_hash(&two), "the kept snapshots");

    // Run 3 alone, by the line --dry-run prints for it, with --stats-csv.
    let dry = sweep(&[s(&spec), "--dry-run"]);
    let text = String::from_utf8(dry.stdout).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .starts_with("run  mutation.rate  seed")
    );
    let line = text
        .lines()
        .filter(|l| l.starts_with("evosim run "))
        .nth(3)
        .expect("a line per run");
    let csv = dir.join("run3.csv");
    let mut args: Vec<&str> = line.split_whitespace().skip(1).collect();
    args.extend(["--backend", "cpu", "--quiet", "--stats-every", "20"]);
    args.extend(["--stats-csv", s(&csv)]);
    let out = evosim(&args);
    assert!(
        out.status.success(),
        "{line}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let header = reader.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 4);
    let st = &steps[0];
    let run = st
        .column_by_name("run")
        .unwrap()
        .as_primitive::<UInt32Type>();
    let at: Vec<usize> = (0..st.num_rows()).filter(|&k| run.value(k) == 3).collect();
    assert_eq!(at.len(), 4);
    let int = |name: &str| st.column_by_name(name).unwrap().as_primitive::<Int64Type>();
    let pairs = [
        ("population", "population".to_string()),
        ("births", "births".into()),
        ("deaths", "deaths".into()),
        ("kills", "kills".into()),
        ("starved", "starved".into()),
    ]
    .into_iter()
    .chain(
        tribes
            .iter()
            .map(|t| ("tribe_population", format!("tribe_population.{}", t.name))),
    );
    for (csv_name, column) in pairs {
        let csv_name = if csv_name == "tribe_population" {
            format!("pop_{}", column.rsplit('.').next().unwrap())
        } else {
            csv_name.to_string()
        };
        let c = header.iter().position(|h| h == csv_name).unwrap();
        for (r, &k) in records.iter().zip(&at) {
            assert_eq!(
                r[c].parse::<i64>().unwrap(),
                int(&column).value(k),
                "{column} at tick {}",
                &r[0]
            );
        }
    }
    let ticks = st
        .column_by_name("tick")
        .unwrap()
        .as_primitive::<UInt32Type>();
    let gene = st
        .column_by_name(&format!("gene_mean.speed.{}", tribes[0].name))
        .unwrap()
        .as_primitive::<Float64Type>();
    assert!(at.iter().all(|&k| gene.value(k) > 0.0));
    assert_eq!(
        at.iter().map(|&k| ticks.value(k)).collect::<Vec<_>>(),
        [0, 20, 40, 60]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Six runs of 600 ticks each (about half a second each): long enough to
/// be killed in the middle.
const SIX: &str = r#"
seed = 5
repetitions = 3
ticks = 600
every = 150
record = ["population", "births", "gene_std.speed"]
[set]
entities = 1500
[vary]
"food.regrow_rate" = [0.02, 0.06]
"#;

fn parts(dir: &Path) -> Vec<(String, std::time::SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(dir.join("parts"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .map(|e| {
                    let t = e.metadata().unwrap().modified().unwrap();
                    (e.file_name().to_string_lossy().into_owned(), t)
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_sweep_killed_at_any_point_and_resumed_gives_the_same_tables() {
    let dir = temp_dir("sweep-kill");
    let spec = write_spec(&dir, "six.toml", SIX);
    let whole = dir.join("whole");
    sweep(&[s(&spec), "--out", s(&whole), "--jobs", "2", "--quiet"]);
    let want = tables(&whole);
    assert_eq!(rows(&want.0), 6);
    // Killed before any run ended, after one part, after four.
    for (case, kill_after) in [(0, 0), (1, 1), (2, 4)] {
        let out = dir.join(format!("killed-{case}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_evosim"))
            .args([
                "sweep",
                s(&spec),
                "--out",
                s(&out),
                "--jobs",
                "2",
                "--quiet",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while parts(&out).len() < kill_after && start.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(5));
        }
        if kill_after == 0 {
            std::thread::sleep(Duration::from_millis(30));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let before = parts(&out);
        assert!(
            before.len() < 6,
            "case {case}: the sweep ended before the kill"
        );
        assert!(!out.join("runs.parquet").exists());
        let resumed = sweep(&[s(&spec), "--out", s(&out), "--resume"]);
        let said = String::from_utf8_lossy(&resumed.stderr);
        assert!(
            said.contains(&format!("({} to run)", 6 - before.len())),
            "case {case}: {said}"
        );
        // No finished run was run again: its part is untouched.
        let after = parts(&out);
        assert_eq!(after.len(), 6);
        for p in &before {
            assert!(after.contains(p), "case {case}: {} rewritten", p.0);
        }
        assert_eq!(tables(&out), want, "case {case}");
        // Without --resume the folder is refused, and left as it is.
        let again = evosim(&["sweep", s(&spec), "--out", s(&out)]);
        assert_eq!(again.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&again.stderr).contains("--resume"));
        assert_eq!(parts(&out), after);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_run_is_recorded_and_the_others_finish() {
    let dir = temp_dir("sweep-fail");
    let spec = write_spec(&dir, "small.toml", SMALL);
    let out_dir = dir.join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_evosim"))
        .args(["sweep", s(&spec), "--out", s(&out_dir), "--jobs", "2"])
        .env("EVOSIM_FAULT", "run_panic@1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "some run failed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 ok, 0 stopped, 1 failed"), "{stderr}");
    let (runs, steps) = tables(&out_dir);
    let b = &runs[0];
    let status = b.column_by_name("status").unwrap().as_string::<i32>();
    let error = b.column_by_name("error").unwrap().as_string::<i32>();
    assert_eq!(
        (0..4).map(|k| status.value(k)).collect::<Vec<_>>(),
        ["ok", "failed", "ok", "ok"]
    );
    assert!(error.value(1).contains("run_panic@1"), "{}", error.value(1));
    assert!(error.is_null(0));
    let population = b.column_by_name("population").unwrap();
    assert!(population.is_null(1) && !population.is_null(0));
    assert_eq!(rows(&steps), 12, "the three others' rows");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("experiment.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["statuses"][1]["status"], "failed");
    assert_eq!(manifest["runs"], 4);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shards_merged_are_the_whole_sweep() {
    let dir = temp_dir("sweep-shards");
    let spec = write_spec(&dir, "small.toml", SMALL);
    let whole = dir.join("whole");
    sweep(&[s(&spec), "--out", s(&whole), "--quiet"]);
    let (a, b, merged) = (dir.join("a"), dir.join("b"), dir.join("merged"));
    sweep(&[s(&spec), "--out", s(&a), "--shard", "0/2", "--quiet"]);
    let half = tables(&a);
    assert_eq!(rows(&half.0), 2);
    let run = half.0[0]
        .column_by_name("run")
        .unwrap()
        .as_primitive::<UInt32Type>();
    assert_eq!((run.value(0), run.value(1)), (0, 2));
    // One shard alone merges with runs missing, said so.
    let partial = dir.join("partial");
    let out = sweep(&["merge", s(&partial), s(&a)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 runs without a part"));
    sweep(&[s(&spec), "--out", s(&b), "--shard", "1/2", "--quiet"]);
    sweep(&["merge", s(&merged), s(&a), s(&b)]);
    assert_eq!(tables(&merged), tables(&whole));
    let kept = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d.join("runs"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    assert_eq!(kept(&merged), kept(&whole), "the kept files merged too");
    assert_eq!(kept(&whole).len(), 12);
    // The same shard twice is refused.
    let twice = evosim(&["sweep", "merge", s(&dir.join("twice")), s(&a), s(&a)]);
    assert_eq!(twice.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_experiment_files_are_one_line_errors_and_nothing_runs() {
    let dir = temp_dir("sweep-bad");
    let cases: [(&str, &str, &str); 9] = [
        ("unknown key", "ticks = 10\ncolour = 1\n", "colour"),
        (
            "unknown metric",
            "ticks = 10\nrecord = [\"wealth\"]\n",
            "wealth",
        ),
        (
            "varied key",
            "ticks = 10\n[vary]\n\"mutation.speed\" = [1.0]\n",
            "mutation.speed",
        ),
        (
            "empty product",
            "ticks = 10\n[vary]\n\"mutation.rate\" = []\n",
            "mutation.rate",
        ),
        (
            "out of range",
            "ticks = 10\n[vary]\n\"mutation.rate\" = [0.1, 7.0]\n",
            "mutation.rate",
        ),
        ("no ticks", "every = 10\n", "ticks"),
        (
            "zip lengths",
            "ticks = 10\n[zip]\n\"steering.flee\" = [1.0, 2.0]\n\"steering.hunt\" = [1.0]\n",
            "steering.hunt",
        ),
        (
            "stop condition",
            "ticks = 10\nstop_when = [\"bored\"]\n",
            "bored",
        ),
        (
            "scenario",
            "ticks = 10\nscenario = \"nope.toml\"\n",
            "nope.toml",
        ),
    ];
    for (case, text, names) in cases {
        let spec = write_spec(&dir, "bad.toml", text);
        let out_dir = dir.join("out");
        let out = evosim(&["sweep", s(&spec), "--out", s(&out_dir)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{case}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{case}: one line: {stderr}");
        assert!(stderr.contains(names), "{case}: names {names}: {stderr}");
        assert!(!out_dir.exists(), "{case}: nothing written");
    }
    // A bad shard, a missing file.
    let spec = write_spec(&dir, "ok.toml", "ticks = 10\n");
    for args in [
        vec!["sweep", s(&spec), "--out", "x", "--shard", "2/2"],
        vec!["sweep", "no-such-file.toml", "--out", "x"],
    ] {
        let out = evosim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_tables_read_with_pyarrow() {
    let python = std::env::var("EVOSIM_PYTHON").unwrap_or_else(|_| "python3".into());
    let required = std::env::var("EVOSIM_REQUIRE_PYARROW").is_ok_and(|v| v == "1");
    let probe = Command::new(&python)
        .args(["-c", "import pyarrow"])
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        assert!(!required, "{python} cannot import pyarrow: {probe:?}");
        eprintln!(
            "skipped the pyarrow check ({python} has no pyarrow; EVOSIM_PYTHON names another)"
        );
        return;
    }
    let dir = temp_dir("sweep-pyarrow");
    let spec = write_spec(&dir, "small.toml", SMALL);
    let out = dir.join("out");
    sweep(&[s(&spec), "--out", s(&out), "--quiet"]);
    let check = Command::new(&python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/check-tables.py"
        ))
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        said.contains("runs.parquet: 4 rows") && said.contains("steps.parquet: 16 rows"),
        "{said}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
