//! A sweep: an experiment's runs executed (here on local threads, or by
//! any executor that calls [`Sweep::execute`] and hands the parts back to
//! [`Sweep::record`]), each finished run written as it ends, the tables
//! assembled at the end. Killed and started again with `resume`, it runs
//! only the runs without a part.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use super::plan::{Run, runs};
use super::record::{columns, is_count};
use super::runner::{Fault, Outcome, execute};
use super::spec::{Spec, SpecError};
use super::store::{Column, Kind, Manifest, Part, RunStatus, Store, kept_name};
use super::tables;
use crate::model::entities::Fnv;
use crate::model::scenario::Scenario;

/// Why a sweep could not start or finish.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// Bad input: the file, the folder, the shard (exit 2 on the command
    /// line).
    #[error("{0}")]
    Usage(String),
    /// A file could not be read or written.
    #[error("{0}")]
    Io(String),
}

impl SweepError {
    /// An I/O failure with what was being done.
    pub fn io(doing: &str, e: std::io::Error) -> Self {
        Self::Io(format!("{doing}: {e}"))
    }
}

/// An experiment planned: its runs, the ones this shard takes, and the
/// manifest its folder will hold. Nothing is written yet.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The experiment file, read.
    pub spec: Spec,
    /// Every run of the experiment, ascending index.
    pub runs: Vec<Run>,
    /// The indices this shard takes (all of them without a shard).
    pub selected: Vec<u32>,
    /// What `experiment.json` says.
    pub manifest: Manifest,
    /// The scenario the runs start from.
    pub base: Scenario,
}

impl Plan {
    /// Plans the experiment `text` (given as `file`) on the scenario `base`;
    /// `shard` `(I, N)` takes every N-th run from I. Every run's scenario is
    /// built and checked here.
    pub fn new(
        text: &str,
        file: &str,
        base: &Scenario,
        shard: Option<(u32, u32)>,
    ) -> Result<Self, SweepError> {
        let bad = |e: SpecError| SweepError::Usage(format!("{file}: {e}"));
        let spec = Spec::from_toml(text).map_err(bad)?;
        let runs = runs(&spec, base).map_err(bad)?;
        if let Some((i, n)) = shard
            && (n == 0 || i >= n)
        {
            return Err(SweepError::Usage(format!(
                "--shard {i}/{n}: I must be below N (shards 0/{n} to {}/{n})",
                n.max(1) - 1
            )));
        }
        let selected = runs
            .iter()
            .map(|r| r.index)
            .filter(|&k| shard.is_none_or(|(i, n)| k % n == i))
            .collect();
        let tribes: Vec<String> = base.tribes.iter().map(|t| t.name.clone()).collect();
        let metrics = (spec.record_names.iter().zip(&spec.record))
            .flat_map(|(name, m)| {
                let kind = if is_count(m) { Kind::Int } else { Kind::Float };
                columns(name, m, &tribes)
                    .into_iter()
                    .map(move |name| Column { name, kind })
            })
            .collect();
        let varied = spec
            .vary
            .iter()
            .chain(&spec.zip)
            .map(|v| Column {
                name: v.key.clone(),
                kind: kind_of(&v.values),
            })
            .collect();
        let mut h = Fnv::new();
        let base_text = toml::to_string(base).unwrap_or_default();
        for b in text.bytes().chain([0]).chain(base_text.bytes()) {
            h.word(b as u32);
        }
        let manifest = Manifest {
            evosim: env!("CARGO_PKG_VERSION").into(),
            file: file.into(),
            text: text.into(),
            hash: format!("{:016x}", h.finish()),
            runs: runs.len() as u32,
            shard: shard.map(|(i, n)| [i, n]),
            varied,
            metrics,
            statuses: Vec::new(),
        };
        Ok(Self {
            spec,
            runs,
            selected,
            manifest,
            base: base.clone(),
        })
    }

    /// Plans the experiment file `file`: its `scenario` is looked for
    /// beside the file first, then as given (relative to the working
    /// folder).
    pub fn from_file(file: &Path, shard: Option<(u32, u32)>) -> Result<Self, SweepError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| SweepError::Usage(format!("cannot read {}: {e}", file.display())))?;
        Self::from_text(&text, file, shard)
    }

    /// Plans `text`, read from the experiment file `file` (see
    /// [`Self::from_file`]).
    pub fn from_text(
        text: &str,
        file: &Path,
        shard: Option<(u32, u32)>,
    ) -> Result<Self, SweepError> {
        let spec = Spec::from_toml(text)
            .map_err(|e| SweepError::Usage(format!("{}: {e}", file.display())))?;
        let base = match &spec.scenario {
            None => Scenario::default_scenario(),
            Some(s) => Scenario::load(&scenario_path(file, s))
                .map_err(|e| SweepError::Usage(format!("{}: scenario: {e}", file.display())))?,
        };
        Self::new(text, &file.display().to_string(), &base, shard)
    }

    /// Runs run `run` with `threads` worker threads and returns its part.
    /// Pure: the same run gives the same part (its wall time aside) in any
    /// thread or process holding the same plan.
    pub fn execute(&self, run: u32, threads: usize, fault: Option<&Fault>) -> Part {
        let r = &self.runs[run as usize];
        part(r, execute(&self.spec, r, threads, fault))
    }
}

/// An experiment file's `scenario`: beside the file if it is there, else
/// as given (relative to the working folder).
pub fn scenario_path(file: &Path, scenario: &str) -> PathBuf {
    let beside = file.parent().map(|d| d.join(scenario));
    beside
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(scenario))
}

/// The column type of a varied key's values: whole numbers, numbers,
/// booleans, else text.
fn kind_of(values: &[toml::Value]) -> Kind {
    use toml::Value as V;
    if values.iter().all(|v| matches!(v, V::Integer(_))) {
        Kind::Int
    } else if values
        .iter()
        .all(|v| matches!(v, V::Integer(_) | V::Float(_)))
    {
        Kind::Float
    } else if values.iter().all(|v| matches!(v, V::Boolean(_))) {
        Kind::Bool
    } else {
        Kind::Text
    }
}

/// A varied value as the part files keep it.
fn json_value(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::String(s) => s.clone().into(),
        other => other.to_string().into(),
    }
}

/// How a sweep's runs ended, and where its tables are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Runs that ran every tick.
    pub ok: u32,
    /// Runs a stop condition ended.
    pub stopped: u32,
    /// Runs that failed.
    pub failed: u32,
    /// Runs of the sweep (or shard) with no part: not run yet.
    pub missing: Vec<u32>,
}

/// A sweep with its output folder.
#[derive(Debug)]
pub struct Sweep {
    plan: Plan,
    store: Store,
    done: BTreeSet<u32>,
    fault: Option<Fault>,
}

impl Sweep {
    /// Opens the output folder `dir` for `plan` (see [`Store::open`]).
    pub fn open(plan: Plan, dir: &Path, resume: bool) -> Result<Self, SweepError> {
        let (store, done) = Store::open(dir, &plan.manifest, resume)?;
        Ok(Self {
            plan,
            store,
            done,
            fault: None,
        })
    }

    /// Injects a fault (for tests).
    pub fn with_fault(mut self, fault: Option<Fault>) -> Self {
        self.fault = fault;
        self
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The runs of this sweep (or shard) not finished yet, ascending.
    pub fn pending(&self) -> Vec<u32> {
        (self.plan.selected.iter().copied())
            .filter(|k| !self.done.contains(k))
            .collect()
    }

    /// Runs one run with `threads` worker threads and returns its part. Pure:
    /// callable from any thread or process holding the same plan.
    pub fn execute(&self, run: u32, threads: usize) -> Part {
        self.plan.execute(run, threads, self.fault.as_ref())
    }

    /// Writes a finished run's part (and the files it keeps).
    pub fn record(&mut self, part: &Part) -> Result<(), SweepError> {
        self.store.put(part)?;
        self.done.insert(part.run);
        Ok(())
    }

    /// Runs every pending run, `jobs` at a time, each on `threads` worker
    /// threads; `progress` sees each part as it is written. Memory holds at
    /// most `jobs` runs' rows. Stops at the first part that cannot be
    /// written.
    pub fn run_local(
        &mut self,
        jobs: usize,
        threads: usize,
        mut progress: impl FnMut(&Part),
    ) -> Result<(), SweepError> {
        let pending = self.pending();
        let jobs = jobs.clamp(1, pending.len().max(1));
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let (tx, rx) = mpsc::sync_channel::<Part>(jobs);
        let this = &*self;
        let result = std::thread::scope(|s| {
            for j in 0..jobs {
                let tx = tx.clone();
                let (next, stop, pending) = (&next, &stop, &pending);
                std::thread::Builder::new()
                    .name(format!("evosim-sweep-{j}"))
                    .spawn_scoped(s, move || {
                        while !stop.load(Ordering::Relaxed) {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            let Some(&run) = pending.get(k) else { break };
                            if tx.send(this.execute(run, threads)).is_err() {
                                break;
                            }
                        }
                    })
                    .expect("a sweep thread starts");
            }
            drop(tx);
            let mut written = Vec::new();
            for part in rx.iter() {
                if let Err(e) = this.store.put(&part) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                written.push(part.run);
                progress(&part);
            }
            Ok(written)
        });
        let written = result?;
        self.done.extend(written);
        Ok(())
    }

    /// Assembles the tables from every part of this sweep (or shard) and
    /// writes the manifest with the runs' statuses.
    pub fn finish(&mut self) -> Result<Summary, SweepError> {
        let done: Vec<u32> = (self.plan.selected.iter().copied())
            .filter(|k| self.done.contains(k))
            .collect();
        let missing = self.pending();
        finish(&self.store, &self.plan.manifest, &done, missing)
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        self.store.dir()
    }
}

/// Writes the tables of `runs` (ascending, each with a part) and the
/// manifest with their statuses.
fn finish(
    store: &Store,
    manifest: &Manifest,
    runs: &[u32],
    missing: Vec<u32>,
) -> Result<Summary, SweepError> {
    tables::write(store, manifest, runs)?;
    let mut m = manifest.clone();
    let mut s = Summary {
        missing,
        ..Summary::default()
    };
    for &run in runs {
        let status = store.get(run)?.status;
        match status.as_str() {
            "ok" => s.ok += 1,
            "stopped" => s.stopped += 1,
            _ => s.failed += 1,
        }
        m.statuses.push(RunStatus { run, status });
    }
    store.write_manifest(&m)?;
    Ok(s)
}

/// A run's part from its outcome.
fn part(run: &Run, out: Outcome) -> Part {
    use super::runner::Status;
    let finite = |v: &f64| v.is_finite().then_some(*v);
    let (reason, error) = match &out.status {
        Status::Ok => (None, None),
        Status::Stopped(r) => (Some(r.clone()), None),
        Status::Failed(e) => (None, Some(e.clone())),
    };
    Part {
        run: run.index,
        seed: run.seed,
        values: run.values.iter().map(json_value).collect(),
        status: out.status.name().into(),
        reason,
        error,
        ticks: out.ticks,
        wall_s: out.wall_s,
        rows: (out.rows.iter())
            .map(|r| (r.tick, r.values.iter().map(finite).collect()))
            .collect(),
        last: out.last.iter().map(finite).collect(),
        files: (out.files.into_iter())
            .map(|(what, bytes)| (kept_name(run.index, what), bytes))
            .collect(),
    }
}

/// Joins the folders of a sweep's shards (or partial copies of it) into
/// `out`: the same experiment in each (by its hash), no run in two. The
/// runs none of them holds are listed as missing.
pub fn merge(out: &Path, dirs: &[PathBuf]) -> Result<Summary, SweepError> {
    let Some(first) = dirs.first() else {
        return Err(SweepError::Usage(
            "sweep merge: name the folders to merge".into(),
        ));
    };
    let read = |d: &PathBuf| {
        let store = Store::at(d);
        let m = store.manifest().map_err(|e| {
            SweepError::Usage(format!("{}: not a sweep's folder ({e})", d.display()))
        })?;
        Ok::<_, SweepError>((store, m))
    };
    let (_, mut manifest) = read(first)?;
    manifest.shard = None;
    manifest.statuses.clear();
    let (target, _) = Store::open(out, &manifest, false)?;
    let mut have: BTreeSet<u32> = BTreeSet::new();
    for d in dirs {
        let (store, m) = read(d)?;
        if m.hash != manifest.hash {
            return Err(SweepError::Usage(format!(
                "{} holds another experiment than {} (their files or scenarios differ)",
                d.display(),
                first.display()
            )));
        }
        for run in store.finished()? {
            if !have.insert(run) {
                return Err(SweepError::Usage(format!(
                    "run {run} is in two of the folders ({} among them)",
                    d.display()
                )));
            }
            target.copy_from(&store, run)?;
        }
    }
    let runs: Vec<u32> = have.iter().copied().collect();
    let missing = (0..manifest.runs).filter(|k| !have.contains(k)).collect();
    finish(&target, &manifest, &runs, missing)
}
