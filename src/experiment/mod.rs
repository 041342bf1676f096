//! Experiments: many worlds from one file — each value of the varied
//! parameters, several seeds each — and the same numbers recorded from
//! every run (ARCHITECTURE.md, Experiments).
//!
//! [`spec`] reads and checks the experiment file; [`plan`] expands it into
//! its runs, each with its seed and its scenario, all checked before the
//! first run starts; [`runner`] runs one and [`record`] measures it.

pub mod plan;
pub mod record;
pub mod runner;
pub mod spec;

pub use plan::{Run, run_seed, runs};
pub use runner::{Outcome, Row, Status, execute};
pub use spec::{Metric, Spec, SpecError, StopWhen};
