//! evosim — an evolution simulation of up to millions of creatures.
//!
//! The crate is organised as in `DESIGN.md`:
//! - [`model`]: parameters, scenarios, genes, the counter-based RNG, terrain,
//!   the food grid and the structure-of-arrays entity storage;
//! - [`cpu`]: the CPU engine, one module per per-entity pass (the twin of the
//!   WGSL shaders in `shaders/`);
//! - [`gpu`]: the wgpu backend (WGSL passes in `shaders/`), under construction;
//! - [`regions`]: event resolution (combat, deaths, reproduction) and
//!   bookkeeping, shaped for the region worker pool;
//! - [`sim`]: the [`Simulation`] API that every front end uses.

pub mod app;
pub mod cpu;
pub mod gpu;
pub mod model;
pub mod regions;
pub mod sim;
pub mod snapshot;

pub use model::params::SimParams;
pub use model::scenario::Scenario;
pub use sim::{Backend, SimError, Simulation};
