//! The `evosim` binary: its commands, the benchmark, sweeps and the viewer's offscreen screenshots, run as a user would.
//!
//! One test binary for these modules, so that the crate is linked once for
//! them all.

#[path = "../common/mod.rs"]
mod common;

mod bench_cli;
mod cli;
mod sweep;
mod viewer;
