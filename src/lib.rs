//! evosim — an evolution simulation of up to millions of creatures.
//!
//! The crate is organised as in `DESIGN.md`:
//! - [`model`]: parameters, scenarios, genes, the counter-based RNG, terrain,
//!   the food grid and the structure-of-arrays entity storage;
//! - [`cpu`]: the CPU engine, one module per per-entity pass (the twin of the
//!   WGSL shaders in `shaders/`);
//! - [`gpu`]: the wgpu backend (WGSL passes in `shaders/`);
//! - [`regions`]: event resolution (combat, deaths, reproduction) and
//!   bookkeeping, shaped for the region worker pool;
//! - [`species`]: species founding, lineage and the species tree;
//! - [`pass`]: the one list of the tick's passes, and their timings;
//! - [`world`]: the state of a simulation ([`world::World`]);
//! - [`engine`]: what advances a world by a tick, CPU or GPU;
//! - [`snapshot`]: the save-file format, and a world in it;
//! - [`sim`]: the [`Simulation`] API that every front end uses (a world, an
//!   engine, the backend switch and the recovery from GPU failures);
//! - [`app`]: the viewer, natively and in the browser;
//! - [`benchmark`]: the tick-time measurement of `evosim bench` and of the
//!   browser demo's `?bench=` page.

pub mod app;
pub mod benchmark;
pub mod cpu;
pub mod engine;
pub mod gpu;
pub mod model;
pub mod pass;
pub mod regions;
pub mod sim;
pub mod snapshot;
pub mod species;
pub mod world;

pub use model::params::SimParams;
pub use model::scenario::Scenario;
pub use sim::{Backend, SimError, Simulation};
