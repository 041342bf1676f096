//! evosim — an evolution simulation of up to millions of creatures.
//!
//! The crate is built in layers; each module imports only from the ones
//! listed before it (`docs/ARCHITECTURE.md`, the code map):
//! - [`common`]: the words every layer shares — the event lists, the
//!   behaviour modes and intent word, the list of passes and their timers,
//!   the work pool;
//! - [`model`]: parameters, scenarios, genes, the counter-based RNG, terrain,
//!   the food grid and the structure-of-arrays entity storage;
//! - [`species`]: species founding, lineage and the species tree;
//! - [`world`]: the state of a simulation ([`world::World`]) and its books;
//! - [`regions`]: event resolution (combat, deaths, reproduction) by region
//!   tasks on the work pool, and the one-tick lag at which it takes effect;
//! - [`cpu`]: the CPU engine, one module per per-entity pass (the twins of
//!   the WGSL shaders in `shaders/`);
//! - [`gpu`]: the GPU engine (wgpu; the WGSL passes in `shaders/`);
//! - [`snapshot`]: the save-file format;
//! - [`sim`]: the [`Simulation`] API that every front end uses (a world, an
//!   engine, the region tasks, the backend switch and the recovery from GPU
//!   failures);
//! - [`benchmark`]: the tick-time measurement of `evosim bench` and of the
//!   browser demo's `?bench=` page;
//! - [`experiment`]: experiment files and their runs (`evosim sweep`);
//! - [`app`] (cargo feature `viewer`): the viewer, natively and in the
//!   browser.

#[cfg(feature = "viewer")]
pub mod app;
pub mod benchmark;
pub mod common;
pub mod cpu;
pub mod experiment;
pub mod gpu;
pub mod model;
pub mod regions;
pub mod sim;
pub mod snapshot;
pub mod species;
pub mod world;

pub use model::params::SimParams;
pub use model::scenario::Scenario;
pub use sim::{Backend, Options, SimError, Simulation};
