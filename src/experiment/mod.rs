//! Experiments: many worlds from one file — each value of the varied
//! parameters, several seeds each — and the same numbers recorded from
//! every run (ARCHITECTURE.md, Experiments).
//!
//! [`spec`] reads and checks the experiment file; [`plan`] expands it into
//! its runs, each with its seed and its scenario, all checked before the
//! first run starts; [`runner`] runs one and [`record`] measures it.
//! [`sweep`] runs them all (on local threads, or through any executor),
//! writing each finished run to the output folder ([`store`]) and the
//! tables at the end ([`tables`]).

pub mod plan;
pub mod record;
pub mod runner;
pub mod spec;
#[cfg(not(target_arch = "wasm32"))]
pub mod store;
#[cfg(not(target_arch = "wasm32"))]
pub mod sweep;
#[cfg(not(target_arch = "wasm32"))]
pub mod tables;

pub use plan::{Run, run_seed, runs};
pub use runner::{Fault, Outcome, Row, Status, execute};
pub use spec::{Metric, Spec, SpecError, StopWhen};
#[cfg(not(target_arch = "wasm32"))]
pub use sweep::{Plan, Summary, Sweep, SweepError, merge};
