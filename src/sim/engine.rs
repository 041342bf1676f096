//! The engines that advance a [`World`] by one tick: [`CpuEngine`] (plain
//! Rust on a thread pool) or [`GpuEngine`] (WGSL compute on a wgpu device).
//! Both resolve the last tick's events with the region workers, run the
//! passes of [`crate::common::pass::Pass`] in that order, then apply what the
//! resolution changed ([`crate::regions::lag`]: the same one-tick lag in both), and give the
//! same world for the same seed (exactly on the CPU for any threads and
//! regions; repeatably on one GPU adapter).
//! An engine owns only scratch and devices; the state is the world's.

use crate::common::pass::Timings;
use crate::cpu::CpuEngine;
use crate::gpu::{GpuEngine, GpuError};
use crate::regions::Regions;
use crate::world::World;

/// The engine in use.
pub enum Engine {
    /// The CPU engine.
    Cpu(Box<CpuEngine>),
    /// The GPU engine.
    Gpu(Box<GpuEngine>),
}

impl Engine {
    /// Runs one tick of `world` with its region tasks `regions`, timing each
    /// pass into `t`, and counts it.
    /// On the CPU backend it never waits; on the GPU backend it awaits the
    /// tick's readback (natively the device is polled, so the future is
    /// ready at once).
    pub async fn step(
        &mut self,
        world: &mut World,
        regions: &mut Regions,
        t: &mut Timings,
    ) -> Result<(), GpuError> {
        match self {
            Engine::Cpu(c) => c.step(world, regions, t),
            Engine::Gpu(g) => g.step(world, regions, t).await?,
        }
        world.finish_tick();
        Ok(())
    }

    /// The GPU engine, if that is the one in use.
    pub fn gpu(&self) -> Option<&GpuEngine> {
        match self {
            Engine::Gpu(g) => Some(g),
            Engine::Cpu(_) => None,
        }
    }

    /// [`Self::gpu`], mutable.
    pub fn gpu_mut(&mut self) -> Option<&mut GpuEngine> {
        match self {
            Engine::Gpu(g) => Some(g),
            Engine::Cpu(_) => None,
        }
    }
}

// An engine and its world can move to another thread than the UI's (the
// viewer's simulation thread natively; a Web Worker in the browser, where
// wgpu's types are not `Send` and the worker owns them from the start).
#[cfg(not(target_arch = "wasm32"))]
const _: () = {
    const fn movable<T: Send>() {}
    movable::<Engine>();
    movable::<World>();
    movable::<crate::Simulation>();
};
