//! When the GPU fails: in-memory checkpoints on the GPU backend and the move
//! to the CPU backend from the last one; and the faults tests inject.

use std::sync::Arc;
use std::time::Duration;

use super::{Backend, SimError, Simulation};
use crate::regions::WorkerFault;

/// Ticks between the GPU backend's in-memory checkpoints (the state it
/// falls back to on the CPU if the device is lost).
pub const CHECKPOINT_INTERVAL: u32 = 600;

/// The faults injected for tests: one region worker panics or stalls once
/// at a tick, or the GPU device is destroyed at the start of a tick.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Faults {
    /// A region worker's fault and its tick.
    pub worker: Option<(u32, WorkerFault)>,
    /// Destroy the GPU device at the start of this tick.
    pub device_lost: Option<u32>,
}

impl Faults {
    /// The faults a text asks for: `worker_panic@TICK`, `worker_stall@TICK`
    /// or `device_lost@TICK` (the command line reads it from `EVOSIM_FAULT`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{text:?} is not understood (expected worker_panic@TICK, worker_stall@TICK or \
                 device_lost@TICK)"
            )
        };
        let tick = |t: &str| t.trim().parse::<u32>().map_err(|_| bad());
        let mut f = Self::default();
        match text.trim().split_once('@') {
            Some(("worker_panic", t)) => f.worker = Some((tick(t)?, WorkerFault::Panic)),
            Some(("worker_stall", t)) => f.worker = Some((tick(t)?, WorkerFault::Stall)),
            Some(("device_lost", t)) => f.device_lost = Some(tick(t)?),
            _ => return Err(bad()),
        }
        Ok(f)
    }
}

/// How a simulation runs besides its scenario, backend and threads: faults
/// injected for tests and the region coordinator's watchdog. The library
/// reads no environment variable; front ends map theirs onto this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Faults to inject.
    pub faults: Faults,
    /// How long the region coordinator waits for a task before it reports
    /// the phase and regions stuck (natively; the browser has no watchdog).
    pub watchdog: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            faults: Faults::default(),
            watchdog: crate::regions::pool::DEFAULT_WATCHDOG,
        }
    }
}

impl Simulation {
    /// Takes a checkpoint on the GPU backend when one is due.
    pub(super) async fn checkpoint_if_due(&mut self) {
        let tick = self.world.tick;
        if self.engine.gpu().is_none()
            || (self.checkpoint.is_some() && !tick.is_multiple_of(CHECKPOINT_INTERVAL))
        {
            return;
        }
        if let Err(e) = self.sync_async().await {
            log::warn!("no checkpoint at tick {tick}: {e}");
            return;
        }
        match self.to_snapshot() {
            Ok(b) => self.checkpoint = Some((tick, b)),
            Err(e) => log::warn!("no checkpoint at tick {tick}: {e}"),
        }
    }

    /// The GPU failed during tick `tick`: rebuild the world on the CPU
    /// backend from the last checkpoint, recompute the ticks since, and
    /// finish this one. Without a checkpoint the error stands.
    pub(super) fn recover_on_cpu(&mut self, tick: u32, err: SimError) -> Result<(), SimError> {
        let Some((at, bytes)) = self.checkpoint.take() else {
            return Err(err);
        };
        let g = &self.regions.grid;
        let shape = Some((g.rows, g.cols));
        let threads = self.pool.threads();
        // On the same pool: the run never has two.
        let pool = Some(Arc::clone(&self.pool));
        let mut options = self.options;
        options.faults.device_lost = None;
        let mut cpu = Simulation::restore_on(&bytes, Backend::Cpu, threads, pool, shape, options)?;
        while cpu.world.tick <= tick {
            cpu.step()?;
        }
        let notice = format!(
            "the GPU failed at tick {tick} ({err}); the run goes on on the CPU backend from \
             the checkpoint of tick {at} ({} ticks recomputed)",
            tick - at
        );
        log::warn!("{notice}");
        cpu.notice = Some(notice);
        *self = cpu;
        Ok(())
    }
}
