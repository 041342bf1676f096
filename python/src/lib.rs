//! `evosim._evosim`: the native half of the Python package `evosim`
//! (python/evosim/). A thin layer over the evosim crate: the simulation
//! with its state as numpy arrays, and the experiment runner of
//! `evosim sweep` for `evosim.experiment`. Nothing is computed here that the
//! crate does not compute for the command line.

mod convert;
mod experiment;
mod simulation;

use pyo3::prelude::*;

/// The simulation parameters' defaults, as JSON text (`evosim params`).
#[pyfunction]
fn params_json() -> PyResult<String> {
    let params = evosim::Scenario::default_scenario().params();
    serde_json::to_string(&params).map_err(|e| convert::runtime(e.to_string()))
}

/// The evosim crate's version.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _evosim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<simulation::PySimulation>()?;
    m.add_class::<experiment::PyExperiment>()?;
    m.add_class::<experiment::PySweep>()?;
    m.add_function(wrap_pyfunction!(params_json, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add(
        "GENES",
        evosim::model::genes::GENE_NAMES
            .iter()
            .map(|g| g.to_string())
            .collect::<Vec<_>>(),
    )?;
    Ok(())
}
