//! Between Python values and the crate's: dictionaries as TOML, JSON as
//! dictionaries, the crate's errors as Python exceptions.

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use evosim::SimError;
use evosim::experiment::SweepError;
use evosim::model::scenario::ScenarioError;

/// A bad value (`ValueError`).
pub fn value(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

/// A failure while running (`RuntimeError`).
pub fn runtime(message: impl Into<String>) -> PyErr {
    PyRuntimeError::new_err(message.into())
}

/// A file that could not be read or written (`OSError`).
pub fn os(message: impl Into<String>) -> PyErr {
    PyOSError::new_err(message.into())
}

/// A simulation error as Python's exception: a bad scenario is a
/// `ValueError`, a snapshot an `OSError`, the rest a `RuntimeError`.
pub fn sim_error(e: SimError) -> PyErr {
    match e {
        SimError::Invalid(_) => value(e.to_string()),
        SimError::Snapshot(_) => os(e.to_string()),
        SimError::Backend(_) | SimError::Gpu(_) | SimError::Threads(_) => runtime(e.to_string()),
    }
}

/// A scenario error: a file not read is an `OSError`, a bad one a
/// `ValueError`.
pub fn scenario_error(e: ScenarioError) -> PyErr {
    match e {
        ScenarioError::Io { .. } => os(e.to_string()),
        _ => value(e.to_string()),
    }
}

/// A sweep error: bad input is a `ValueError`, a file an `OSError`.
pub fn sweep_error(e: SweepError) -> PyErr {
    match e {
        SweepError::Usage(m) => value(m),
        SweepError::Io(m) => os(m),
    }
}

/// A Python value as TOML: `bool`, `int`, `float` (NaN and infinities
/// included: the scenario's checks reject them by name), `str`, lists and
/// tuples, dictionaries with string keys. `where_` names it in errors.
pub fn to_toml(v: &Bound<'_, PyAny>, where_: &str) -> PyResult<toml::Value> {
    use toml::Value as T;
    if v.is_instance_of::<PyBool>() {
        return Ok(T::Boolean(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        let i: i64 = v
            .extract()
            .map_err(|_| value(format!("{where_}: {v} does not fit in 64 bits")))?;
        return Ok(T::Integer(i));
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(T::Float(v.extract()?));
    }
    if v.is_instance_of::<PyString>() {
        return Ok(T::String(v.extract()?));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        return to_table(d, where_).map(T::Table);
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let items = (v.try_iter()?)
            .enumerate()
            .map(|(k, item)| to_toml(&item?, &format!("{where_}[{k}]")))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(T::Array(items));
    }
    // numpy scalars and other numbers: by their float or int value.
    if let Ok(i) = v.extract::<i64>() {
        return Ok(T::Integer(i));
    }
    if let Ok(f) = v.extract::<f64>() {
        return Ok(T::Float(f));
    }
    let kind = v.get_type().name()?;
    Err(value(format!(
        "{where_}: a value of type {kind} has no TOML form (use bool, int, float, str, list or dict)"
    )))
}

/// A dictionary with string keys as a TOML table.
pub fn to_table(d: &Bound<'_, PyDict>, where_: &str) -> PyResult<toml::Table> {
    let mut t = toml::Table::new();
    for (k, v) in d.iter() {
        let key: String = k
            .extract()
            .map_err(|_| value(format!("{where_}: the key {k} is not a string")))?;
        let inner = if where_.is_empty() {
            key.clone()
        } else {
            format!("{where_}.{key}")
        };
        // None means "not given": the key keeps its default.
        if v.is_none() {
            continue;
        }
        t.insert(key, to_toml(&v, &inner)?);
    }
    Ok(t)
}

/// JSON text as Python values (through the standard library's `json`).
pub fn from_json<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (v.to_string(),))
}

/// A TOML value as Python's.
pub fn from_toml<'py>(py: Python<'py>, v: &toml::Value) -> PyResult<Bound<'py, PyAny>> {
    use pyo3::IntoPyObjectExt;
    Ok(match v {
        toml::Value::Integer(i) => i.into_bound_py_any(py)?,
        toml::Value::Float(f) => f.into_bound_py_any(py)?,
        toml::Value::Boolean(b) => b.into_bound_py_any(py)?,
        toml::Value::String(s) => s.into_bound_py_any(py)?,
        other => other.to_string().into_bound_py_any(py)?,
    })
}
