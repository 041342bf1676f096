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

/// A fault injected into one run of an experiment, for tests: the run
/// panics before its first tick (caught and recorded as a failure, like any
/// panic inside a run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// The run it strikes.
    pub run: u32,
}

impl Fault {
    /// Parses `run_panic@RUN`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().split_once('@') {
            Some(("run_panic", n)) => n
                .trim()
                .parse()
                .map(|run| Self { run })
                .map_err(|_| format!("{text:?}: RUN is not a run index")),
            _ => Err(format!(
                "{text:?} is not understood (expected run_panic@RUN)"
            )),
        }
    }
}

/// Runs `run` of `spec` on the CPU backend with `threads` worker threads
/// (the result does not depend on them). A panic inside the run is caught
/// and recorded as a failure, like an error; `fault` makes one.
pub fn execute(spec: &Spec, run: &Run, threads: usize, fault: Option<Fault>) -> Outcome {
    let start = Instant::now();
    let mut rows = Vec::new();
    let mut ticks = 0;
    let result = catch_unwind(AssertUnwindSafe(|| {
        if fault.is_some_and(|f| f.run == run.index) {
            panic!("run_panic@{}: a fault injected for tests", run.index);
        }
        simulate(spec, run, threads, &mut rows, &mut ticks)
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
}
