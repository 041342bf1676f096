//! The experiment runner of `evosim sweep` for `evosim.experiment`: a plan
//! (the file read and every run's scenario checked), a run executed
//! anywhere into a part (bytes), and the output folder that records parts
//! and writes the tables.

use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use evosim::Scenario;
use evosim::experiment::store::Part;
use evosim::experiment::{Fault, Plan, Sweep};

use crate::convert::{self, sweep_error, value};

/// An experiment planned: the file's text, where it came from, the base
/// scenario, and every run. Rebuilt anywhere from its three texts
/// (`Experiment(text, origin, base)`): that is how a run travels to
/// another process or machine.
#[pyclass(module = "evosim._evosim", name = "Experiment", frozen)]
pub struct PyExperiment {
    plan: Plan,
}

fn fault(text: Option<&str>) -> PyResult<Option<Fault>> {
    text.map(|t| Fault::parse(t).map_err(|m| value(format!("EVOSIM_FAULT: {m}"))))
        .transpose()
}

#[pymethods]
impl PyExperiment {
    /// The experiment file `text` (named `origin` in errors) on the base
    /// scenario `base` (scenario TOML text; None: the file's `scenario`,
    /// relative to the working folder, else the bundled default).
    #[new]
    #[pyo3(signature = (text, origin, base=None))]
    fn new(text: &str, origin: &str, base: Option<&str>) -> PyResult<Self> {
        let plan = match base {
            Some(b) => {
                let base =
                    Scenario::from_toml(b, "base scenario").map_err(convert::scenario_error)?;
                Plan::new(text, origin, &base, None)
            }
            // The file's `scenario` relative to the working folder.
            None => Plan::from_text(text, Path::new(origin), None),
        };
        Ok(Self {
            plan: plan.map_err(sweep_error)?,
        })
    }

    /// Reads the experiment file `path` (its `scenario` beside it first).
    #[staticmethod]
    fn from_file(path: PathBuf) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| convert::os(format!("cannot read {}: {e}", path.display())))?;
        let plan = Plan::from_text(&text, &path, None).map_err(sweep_error)?;
        Ok(Self { plan })
    }

    /// An experiment given as a dict of the file's shape.
    #[staticmethod]
    fn from_dict(spec: &Bound<'_, PyDict>) -> PyResult<Self> {
        let table = convert::to_table(spec, "")?;
        let text = toml::to_string(&table).map_err(|e| value(format!("experiment: {e}")))?;
        Self::new(&text, "experiment", None)
    }

    /// The experiment file's text.
    #[getter]
    fn text(&self) -> &str {
        &self.plan.manifest.text
    }

    /// Where the experiment came from (a path, or "experiment").
    #[getter]
    fn origin(&self) -> &str {
        &self.plan.manifest.file
    }

    /// The base scenario, as TOML text.
    #[getter]
    fn base(&self) -> PyResult<String> {
        toml::to_string(&self.plan.base).map_err(|e| convert::runtime(e.to_string()))
    }

    /// The varied keys, in column order.
    #[getter]
    fn keys(&self) -> Vec<String> {
        (self.plan.spec.varied_keys().iter())
            .map(|k| k.to_string())
            .collect()
    }

    /// Each run as a tuple: its index, the varied values, its seed.
    fn table<'py>(&self, py: Python<'py>) -> PyResult<Vec<Vec<Bound<'py, PyAny>>>> {
        use pyo3::IntoPyObjectExt;
        (self.plan.runs.iter())
            .map(|r| {
                let mut row = vec![r.index.into_bound_py_any(py)?];
                for v in &r.values {
                    row.push(convert::from_toml(py, v)?);
                }
                row.push(r.seed.into_bound_py_any(py)?);
                Ok(row)
            })
            .collect()
    }

    /// Number of runs.
    fn __len__(&self) -> usize {
        self.plan.runs.len()
    }

    /// Runs run `run` on `threads` worker threads and returns its part as
    /// bytes (for Sweep.record). Pure: any process holding the same
    /// experiment gives the same part. Releases the GIL.
    #[pyo3(signature = (run, threads=1, fault=None))]
    fn execute<'py>(
        &self,
        py: Python<'py>,
        run: u32,
        threads: usize,
        fault: Option<&str>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        if run as usize >= self.plan.runs.len() {
            return Err(value(format!(
                "run {run}: the experiment has runs 0 to {}",
                self.plan.runs.len().saturating_sub(1)
            )));
        }
        let fault = self::fault(fault)?;
        let bytes = py.detach(|| {
            self.plan
                .execute(run, threads.max(1), fault.as_ref())
                .to_bytes()
        });
        Ok(PyBytes::new(py, &bytes))
    }

    /// Opens the output folder `out` (a new or empty one; with `resume`,
    /// one holding this experiment's sweep).
    #[pyo3(signature = (out, resume=false, fault=None))]
    fn open(&self, out: PathBuf, resume: bool, fault: Option<&str>) -> PyResult<PySweep> {
        let fault = self::fault(fault)?;
        let sweep = Sweep::open(self.plan.clone(), &out, resume)
            .map_err(sweep_error)?
            .with_fault(fault);
        Ok(PySweep { sweep })
    }
}

/// An experiment's output folder: parts recorded as runs finish, the tables
/// written at the end.
#[pyclass(module = "evosim._evosim", name = "Sweep")]
pub struct PySweep {
    sweep: Sweep,
}

#[pymethods]
impl PySweep {
    /// The runs without a part yet, ascending.
    fn pending(&self) -> Vec<u32> {
        self.sweep.pending()
    }

    /// Runs every pending run here, `jobs` at a time on `threads` worker
    /// threads each, writing each part as it ends. Releases the GIL.
    fn run_local(&mut self, py: Python<'_>, jobs: usize, threads: usize) -> PyResult<()> {
        let sweep = &mut self.sweep;
        py.detach(|| sweep.run_local(jobs.max(1), threads.max(1), |_| {}))
            .map_err(sweep_error)
    }

    /// Writes a part (Experiment.execute's bytes) and the files it keeps.
    fn record(&mut self, part: &[u8]) -> PyResult<u32> {
        let part = Part::from_bytes(part).map_err(sweep_error)?;
        if !self.sweep.plan().selected.contains(&part.run) {
            return Err(value(format!(
                "run {} is not a run of this sweep",
                part.run
            )));
        }
        self.sweep.record(&part).map_err(sweep_error)?;
        Ok(part.run)
    }

    /// Writes the tables and the manifest; returns the runs' counts by
    /// status and the runs without a part.
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.sweep.finish().map_err(sweep_error)?;
        let d = PyDict::new(py);
        d.set_item("ok", s.ok)?;
        d.set_item("stopped", s.stopped)?;
        d.set_item("failed", s.failed)?;
        d.set_item("missing", s.missing)?;
        Ok(d)
    }

    /// The output folder.
    #[getter]
    fn dir(&self) -> PathBuf {
        self.sweep.dir().to_path_buf()
    }
}
