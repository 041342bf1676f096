//! One run of an experiment, as a pure function of its plan: the same run
//! gives the same rows on any machine, thread count or executor.

use std::panic::{AssertUnwindSafe, catch_unwind};

use web_time::Instant;

use super::plan::Run;
use super::record::measure;
use super::spec::{Spec, StopWhen};
use crate::{Backend, Simulation};

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// It ran every tick.
    Ok,
    /// A stop condition held (its name) before the last tick.
    Stopped(String),
    /// It could not be made, or failed while running (the error).
    Failed(String),
}

impl Status {
    /// `ok`, `stopped` or `failed`, as the runs table writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Stopped(_) => "stopped",
            Status::Failed(_) => "failed",
        }
    }
}

/// One recorded row: the tick and the metrics' values in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The tick.
    pub tick: u32,
    /// The values (see [`super::record::columns`]).
    pub values: Vec<f64>,
}

/// What a run gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The run's index.
    pub index: u32,
    /// How it ended.
    pub status: Status,
    /// Ticks run.
    pub ticks: u32,
    /// Wall time (s): the one value that differs between two runs of it.
    pub wall_s: f64,
    /// Its rows: at tick 0 and every `every` ticks.
    pub rows: Vec<Row>,
    /// The metrics at the last tick run (empty when it failed).
    pub last: Vec<f64>,
    /// The files the spec's `keep` asks for, by kind (`snapshot`,
    /// `newick`, `species.csv`) and contents, when the run did not fail.
    pub files: Vec<(&'static str, Vec<u8>)>,
}

/// A fault injected into one run of an experiment, for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `run_panic@RUN`: the run panics before its first tick (caught and
    /// recorded as a failure, like any panic inside a run).
    Panic {
        /// The run it strikes.
        run: u32,
    },
    /// `exit_once@RUN:MARKER`: halfway through the run, the process running
    /// it aborts — if it is the first to delete the file `MARKER`. An
    /// executor's crashed worker, once (a retried run finds no marker).
    ExitOnce {
        /// The run it strikes.
        run: u32,
        /// The file whose deletion arms it.
        marker: std::path::PathBuf,
    },
}

impl Fault {
    /// Parses `run_panic@RUN` or `exit_once@RUN:MARKER`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let index = |n: &str| {
            n.trim()
                .parse()
                .map_err(|_| format!("{text:?}: RUN is not a run index"))
        };
        match text.trim().split_once('@') {
            Some(("run_panic", n)) => Ok(Self::Panic { run: index(n)? }),
            Some(("exit_once", rest)) => match rest.split_once(':') {
                Some((n, marker)) if !marker.is_empty() => Ok(Self::ExitOnce {
                    run: index(n)?,
                    marker: marker.into(),
                }),
                _ => Err(format!("{text:?}: expected exit_once@RUN:MARKER")),
            },
            _ => Err(format!(
                "{text:?} is not understood (expected run_panic@RUN or exit_once@RUN:MARKER)"
            )),
        }
    }

    /// The run it strikes.
    pub fn run(&self) -> u32 {
        match self {
            Self::Panic { run } | Self::ExitOnce { run, .. } => *run,
        }
    }
}

/// Runs `run` of `spec` on the CPU backend with `threads` worker threads
/// (the result does not depend on them). A panic inside the run is caught
/// and recorded as a failure, like an error; `fault` makes one.
pub fn execute(spec: &Spec, run: &Run, threads: usize, fault: Option<&Fault>) -> Outcome {
    let start = Instant::now();
    let mut rows = Vec::new();
    let mut ticks = 0;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let fault = fault.filter(|f| f.run() == run.index);
        if let Some(Fault::Panic { .. }) = fault {
            panic!("run_panic@{}: a fault injected for tests", run.index);
        }
        simulate(spec, run, threads, fault, &mut rows, &mut ticks)
    }));
    let (status, last, files) = match result {
        Ok(Ok((status, last, files))) => (status, last, files),
        Ok(Err(e)) => (Status::Failed(e), Vec::new(), Vec::new()),
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic".into());
            (
                Status::Failed(format!("panicked: {text}")),
                Vec::new(),
                Vec::new(),
            )
        }
    };
    Outcome {
        index: run.index,
        status,
        ticks,
        wall_s: start.elapsed().as_secs_f64(),
        rows,
        last,
        files,
    }
}

/// What a run ends with: its status, its last metrics, the files it keeps.
type Ending = (Status, Vec<f64>, Vec<(&'static str, Vec<u8>)>);

fn simulate(
    spec: &Spec,
    run: &Run,
    threads: usize,
    fault: Option<&Fault>,
    rows: &mut Vec<Row>,
    ticks: &mut u32,
) -> Result<Ending, String> {
    let mut sim =
        Simulation::new(run.scenario.clone(), Backend::Cpu, threads).map_err(|e| e.to_string())?;
    rows.push(Row {
        tick: 0,
        values: measure(&sim, &spec.record),
    });
    let mut status = Status::Ok;
    while sim.tick() < spec.ticks {
        sim.step()
            .map_err(|e| format!("tick {}: {e}", sim.tick()))?;
        *ticks = sim.tick();
        if let Some(Fault::ExitOnce { marker, .. }) = fault
            && sim.tick() == spec.ticks / 2
            && std::fs::remove_file(marker).is_ok()
        {
            // A crash of the process, as a killed worker's: nothing after it runs.
            std::process::abort();
        }
        if sim.tick().is_multiple_of(spec.every) {
            rows.push(Row {
                tick: sim.tick(),
                values: measure(&sim, &spec.record),
            });
        }
        if let Some(stop) = spec.stop_when.iter().find(|s| holds(s, &sim)) {
            status = Status::Stopped(stop.reason());
            break;
        }
    }
    let mut files = Vec::new();
    if spec.keep.snapshot {
        files.push(("snapshot", sim.to_snapshot().map_err(|e| e.to_string())?));
    }
    if spec.keep.phylogeny {
        files.push(("newick", format!("{}\n", sim.phylogeny()).into_bytes()));
    }
    if spec.keep.species_csv {
        let book = sim.species();
        let mut text = crate::species::SpeciesBook::csv_header().join(",") + "\n";
        for r in book.csv_records(sim.tick()) {
            text += &(r.join(",") + "\n");
        }
        files.push(("species.csv", text.into_bytes()));
    }
    Ok((status, measure(&sim, &spec.record), files))
}

/// Whether a stop condition holds now.
fn holds(stop: &StopWhen, sim: &Simulation) -> bool {
    match stop {
        StopWhen::Extinct => sim.population() == 0,
        StopWhen::TribeExtinct(name) => {
            let tribes = &sim.scenario().tribes;
            let counters = &sim.counters().tribes;
            (tribes.iter().zip(counters)).any(|(t, c)| t.name == *name && c.population == 0)
        }
        StopWhen::PopulationAbove(n) => sim.population() > *n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::plan::runs;

    fn plan(text: &str) -> (Spec, Vec<Run>) {
        let spec = Spec::from_toml(text).unwrap();
        let runs = runs(&spec, &crate::Scenario::default_scenario()).unwrap();
        (spec, runs)
    }

    #[test]
    fn a_run_records_at_tick_zero_and_every_period_the_same_on_any_threads() {
        let (spec, runs) = plan(
            "ticks = 60\nevery = 20\nrecord = [\"population\", \"tribe_population\", \
             \"births\", \"gene_mean.speed\", \"species_alive\", \"food\"]\n\
             [set]\nentities = 1500\nseed = 11\n",
        );
        let one = execute(&spec, &runs[0], 1, None);
        let two = execute(&spec, &runs[0], 2, None);
        assert_eq!(one.status, Status::Ok);
        assert_eq!(one.ticks, 60);
        let ticks: Vec<u32> = one.rows.iter().map(|r| r.tick).collect();
        assert_eq!(ticks, [0, 20, 40, 60]);
        let tribes = runs[0].scenario.tribes.len();
        assert_eq!(one.rows[0].values.len(), 1 + tribes + 1 + tribes + 1 + 1);
        assert!(one.rows[3].values[0] > 0.0, "a living world");
        assert_eq!(one.rows, two.rows, "1 vs 2 threads");
        assert_eq!(one.last, one.rows[3].values);
    }

    #[test]
    fn a_stop_condition_ends_the_run_early_and_names_itself() {
        let (spec, runs) = plan(
            "ticks = 600\nevery = 10\nstop_when = [\"population_above.10\"]\n\
             [set]\nentities = 1500\nseed = 11\n",
        );
        let out = execute(&spec, &runs[0], 1, None);
        assert_eq!(out.status, Status::Stopped("population_above.10".into()));
        assert_eq!(out.ticks, 1, "above 10 after the first tick");
        assert_eq!(out.rows.len(), 1, "only tick 0 is on the period");
    }

    #[test]
    fn faults_parse_and_bad_ones_say_what_is_expected() {
        assert_eq!(Fault::parse("run_panic@4"), Ok(Fault::Panic { run: 4 }));
        assert_eq!(
            Fault::parse("exit_once@2:/tmp/m:x"),
            Ok(Fault::ExitOnce {
                run: 2,
                marker: "/tmp/m:x".into()
            })
        );
        for bad in [
            "run_panic@x",
            "exit_once@2",
            "exit_once@2:",
            "boom@1",
            "run_panic",
        ] {
            let e = Fault::parse(bad).unwrap_err();
            assert!(e.contains("RUN"), "{bad}: {e}");
        }
    }
}
