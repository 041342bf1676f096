//! The simulation in one process: determinism, ecology, the passes and the neighbour search against their references, regions, species, scenarios, snapshots, the shaders under naga, the RNG vectors, and the soak run (ignored by default).
//!
//! One test binary for these modules, so that the crate is linked once for
//! them all.

#[path = "../common/mod.rs"]
mod common;

mod determinism;
mod ecology;
mod fuzz;
mod neighbor_lanes;
mod neighbors;
mod passes;
mod regions;
mod rng_vectors;
mod scenario;
mod shaders;
mod snapshot;
mod soak;
mod species;
