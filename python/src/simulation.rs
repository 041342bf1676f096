//! `evosim.Simulation`: one world, stepped from Python, its living
//! creatures as numpy arrays.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use evosim::model::genes::{GENE_COUNT, code, decode};
use evosim::model::overrides::{self, Override};
use evosim::{Backend, Scenario, Simulation};

use crate::convert::{self, sim_error, value};

/// How long a `step` runs without the GIL before it takes it back to let
/// Python see a signal (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// One simulated world: creatures with nine genes on a toroidal map with
/// terrain and a regrowing food grid, on the CPU engine or the GPU's.
///
/// Simulation(scenario=None, entities=None, seed=None, backend="auto",
///            threads=None, set=None)
///
/// - scenario: None (the bundled default), a path to a scenario TOML file,
///   or a dict of the same shape (as tomllib would read the file).
/// - entities: resize the population to this many creatures, at the same
///   density (the world grows with it), as `evosim run --entities` does.
/// - seed: the seed of every random number (default: the scenario's; 42 in
///   the bundled one). Same inputs, same world: `state_hash()` equals what
///   `evosim run --json` prints for them.
/// - backend: "auto" (a hardware GPU if there is one, else the CPU), "cpu"
///   or "gpu".
/// - threads: worker threads (default: one per core). Results do not
///   depend on it.
/// - set: overrides by dotted key, as `evosim run --set` takes them:
///   {"mutation.rate": 0.3, "tribes.Wolves.count": 400}.
///
/// Bad input raises ValueError with the command line's message; a file
/// that cannot be read raises OSError. `step(n)` releases the GIL.
///
/// The array methods (positions(), velocities(), energy(), ages(),
/// genes(), tribes(), species(), ids()) return new numpy arrays — copies,
/// owned by Python, unaffected by later steps — with one row per living
/// creature, in the same order in every array of the same tick.
#[pyclass(module = "evosim._evosim", name = "Simulation")]
pub struct PySimulation {
    sim: Simulation,
}

fn backend(name: &str) -> PyResult<Backend> {
    match name {
        "auto" => Ok(Backend::Auto),
        "cpu" => Ok(Backend::Cpu),
        "gpu" => Ok(Backend::Gpu),
        other => Err(value(format!(
            "backend {other:?}: expected \"auto\", \"cpu\" or \"gpu\""
        ))),
    }
}

fn threads(n: Option<i64>) -> PyResult<usize> {
    match n {
        None => Ok(0),
        Some(k) if k >= 1 => Ok(k as usize),
        Some(k) => Err(value(format!(
            "threads must be a whole number of at least 1 (or None: one per core), not {k}"
        ))),
    }
}

/// A whole number ≥ `least` named `what`: an int, or for `entities` a
/// count like "100k".
fn whole(v: &Bound<'_, PyAny>, what: &str, least: i64) -> PyResult<u64> {
    if let Ok(s) = v.extract::<String>() {
        return evosim::model::count::parse_count(&s).map_err(|e| value(format!("{what}: {e}")));
    }
    let bad = || {
        value(format!(
            "{what} must be a whole number of at least {least}, not {}",
            v.repr().map_or_else(|_| "this".into(), |r| r.to_string())
        ))
    };
    if v.is_instance_of::<pyo3::types::PyFloat>() || v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(bad());
    }
    match v.extract::<i64>() {
        Ok(n) if n >= least => Ok(n as u64),
        _ => Err(bad()),
    }
}

/// The scenario argument: None, a path, or a dict.
fn scenario(arg: Option<&Bound<'_, PyAny>>) -> PyResult<Scenario> {
    let Some(arg) = arg.filter(|a| !a.is_none()) else {
        return Ok(Scenario::default_scenario());
    };
    if let Ok(d) = arg.cast::<PyDict>() {
        let table = convert::to_table(d, "")?;
        let text = toml::to_string(&table).map_err(|e| value(format!("scenario: {e}")))?;
        return Scenario::from_toml(&text, "scenario").map_err(convert::scenario_error);
    }
    let path: PathBuf = arg
        .extract()
        .map_err(|_| value("scenario must be None, a path to a scenario file, or a dict"))?;
    Scenario::load(&path).map_err(convert::scenario_error)
}

/// The `set` argument as overrides.
fn overrides_of(set: Option<&Bound<'_, PyDict>>) -> PyResult<Vec<Override>> {
    let Some(set) = set else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (k, v) in set.iter() {
        let key: String = k
            .extract()
            .map_err(|_| value(format!("set: the key {k} is not a string")))?;
        let value = convert::to_toml(&v, &key)?;
        out.push(Override { key, value });
    }
    Ok(out)
}

/// The living creatures' slots, ascending.
fn living(sim: &Simulation) -> Vec<usize> {
    let e = sim.entities();
    (0..e.capacity()).filter(|&i| e.alive(i)).collect()
}

impl PySimulation {
    /// `field` of every living creature as an N×`W` array.
    fn rows<'py, T: numpy::Element + Copy, const W: usize>(
        &self,
        py: Python<'py>,
        field: impl Fn(usize) -> [T; W],
    ) -> PyResult<Bound<'py, PyArray2<T>>> {
        let slots = living(&self.sim);
        let flat: Vec<T> = slots.iter().flat_map(|&i| field(i)).collect();
        flat.into_pyarray(py).reshape([slots.len(), W])
    }

    /// `field` of every living creature as an array of N.
    fn column<'py, T: numpy::Element + Copy>(
        &self,
        py: Python<'py>,
        field: impl Fn(usize) -> T,
    ) -> Bound<'py, PyArray1<T>> {
        let flat: Vec<T> = living(&self.sim).into_iter().map(field).collect();
        flat.into_pyarray(py)
    }
}

#[pymethods]
impl PySimulation {
    #[new]
    #[pyo3(signature = (scenario=None, entities=None, seed=None, backend="auto", threads=None, set=None))]
    fn new(
        py: Python<'_>,
        scenario: Option<&Bound<'_, PyAny>>,
        entities: Option<&Bound<'_, PyAny>>,
        seed: Option<&Bound<'_, PyAny>>,
        backend: &str,
        threads: Option<i64>,
        set: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        // In the command line's order: the scenario, its seed, its size,
        // then the overrides.
        let mut s = self::scenario(scenario)?;
        if let Some(seed) = seed.filter(|v| !v.is_none()) {
            s.seed = whole(seed, "seed", 0)?;
        }
        if let Some(n) = entities.filter(|v| !v.is_none()) {
            let n = whole(n, "entities", 1)?;
            s = s.scaled_to(n).map_err(|e| value(e.to_string()))?;
        }
        let s = overrides::apply(&s, &overrides_of(set)?).map_err(|e| value(e.to_string()))?;
        let (backend, threads) = (self::backend(backend)?, self::threads(threads)?);
        let sim = py
            .detach(|| Simulation::new(s, backend, threads))
            .map_err(sim_error)?;
        Ok(Self { sim })
    }

    /// Resumes the simulation saved in the snapshot file `path` (see
    /// save()). A missing, truncated or corrupt file raises OSError.
    #[staticmethod]
    #[pyo3(signature = (path, backend="auto", threads=None))]
    fn load(py: Python<'_>, path: PathBuf, backend: &str, threads: Option<i64>) -> PyResult<Self> {
        let (backend, threads) = (self::backend(backend)?, self::threads(threads)?);
        let sim = py
            .detach(|| Simulation::resume(&path, backend, threads, None))
            .map_err(|e| match e {
                evosim::SimError::Snapshot(_) => {
                    convert::os(format!("cannot resume from {}: {e}", path.display()))
                }
                other => sim_error(other),
            })?;
        Ok(Self { sim })
    }

    /// Advances the world by `n` ticks (default 1). Other Python threads
    /// run meanwhile (the GIL is released); Ctrl-C stops it between ticks.
    #[pyo3(signature = (n=1))]
    fn step(&mut self, py: Python<'_>, n: i64) -> PyResult<()> {
        if n < 0 {
            return Err(value(format!("step: n must be 0 or more, not {n}")));
        }
        let mut left = n as u64;
        while left > 0 {
            let sim = &mut self.sim;
            let done = py.detach(|| -> Result<u64, evosim::SimError> {
                let start = Instant::now();
                let mut done = 0;
                while done < left {
                    sim.step()?;
                    done += 1;
                    if start.elapsed() >= SIGNAL_CHECK {
                        break;
                    }
                }
                Ok(done)
            });
            left -= done.map_err(|e| convert::runtime(format!("tick {}: {e}", self.sim.tick())))?;
            py.check_signals()?;
        }
        Ok(())
    }

    /// Ticks run so far.
    #[getter]
    fn tick(&self) -> u32 {
        self.sim.tick()
    }

    /// Living creatures.
    #[getter]
    fn population(&self) -> u64 {
        self.sim.population()
    }

    /// The backend running it: "cpu" or "gpu".
    #[getter]
    fn backend(&self) -> &'static str {
        self.sim.backend().name()
    }

    /// Worker threads.
    #[getter]
    fn threads(&self) -> usize {
        self.sim.threads()
    }

    /// The seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.sim.scenario().seed
    }

    /// The tribes' names, by tribe index (the values of tribes()).
    #[getter]
    fn tribe_names(&self) -> Vec<String> {
        (self.sim.scenario().tribes.iter())
            .map(|t| t.name.clone())
            .collect()
    }

    /// The hash of the whole state, as 16 hex digits: the `state_hash`
    /// that `evosim run --json` prints for the same inputs.
    fn state_hash(&self) -> String {
        format!("{:016x}", self.sim.state_hash())
    }

    /// The world's numbers now, as a dict: tick, population, the event
    /// totals (births, deaths, kills, starved, old_age), the state hash,
    /// each tribe's counters and gene statistics (mean, std, min, max) and
    /// the species counts — the fields of `evosim run --json` without the
    /// run's timings.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::from_json(py, &self.sim.stats_json())
    }

    /// The species tree so far, as Newick text (one line).
    fn species_tree(&self) -> String {
        self.sim.phylogeny()
    }

    /// Writes a snapshot of the whole state to `path` (Simulation.load
    /// resumes it, bit for bit). Raises OSError when it cannot be written.
    fn save(&self, path: PathBuf) -> PyResult<()> {
        self.sim
            .save_snapshot(&path)
            .map_err(|e| convert::os(format!("cannot save to {}: {e}", path.display())))
    }

    /// Positions (world units) of the living creatures: N×2 float32, a copy.
    fn positions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let e = self.sim.entities();
        self.rows(py, |i| e.pos[i])
    }

    /// Velocities (world units per second): N×2 float32, a copy.
    fn velocities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let e = self.sim.entities();
        self.rows(py, |i| e.vel[i])
    }

    /// Energy of each living creature: N float32, a copy.
    fn energy<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        let e = self.sim.entities();
        self.column(py, |i| e.energy[i])
    }

    /// Age (seconds) of each living creature: N float32, a copy.
    fn ages<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        let e = self.sim.entities();
        self.column(py, |i| e.age[i])
    }

    /// Gene values: N×9 float32 (columns named by evosim.GENES), a copy.
    fn genes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let e = self.sim.entities();
        self.rows(py, |i| {
            let g = &e.genes[i];
            std::array::from_fn::<f32, GENE_COUNT, _>(|k| decode(k, code(g, k)))
        })
    }

    /// Tribe index of each living creature (into tribe_names): N uint16,
    /// a copy.
    fn tribes<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u16>> {
        let e = self.sim.entities();
        self.column(py, |i| e.tribe(i))
    }

    /// Species id of each living creature: N uint32, a copy.
    fn species<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u32>> {
        let book = self.sim.species();
        self.column(py, |i| book.species_of(i))
    }

    /// Unique id of each living creature (never reused): N uint32, a copy.
    fn ids<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u32>> {
        let e = self.sim.entities();
        self.column(py, |i| e.id[i])
    }

    fn __repr__(&self) -> String {
        format!(
            "<evosim.Simulation scenario {:?}, seed {}, backend {}, tick {}, population {}>",
            self.sim.scenario().name,
            self.sim.scenario().seed,
            self.sim.backend().name(),
            self.sim.tick(),
            self.sim.population()
        )
    }
}
