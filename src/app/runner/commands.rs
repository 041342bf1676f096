//! The frame thread's requests ([`Command`]) and how the simulation's loop
//! carries them out.

use std::path::{Path, PathBuf};

use glam::Vec2;

use super::pick::pick;
use super::state::SimState;
use crate::{Backend, Scenario, SimError, Simulation};

/// What the frame thread asks of the simulation thread.
#[derive(Debug, Clone)]
pub enum Command {
    /// Run one tick now (the step button while paused).
    Step,
    /// Restart from the scenario with the same seed (`true`) or a new one.
    Reset {
        /// Keep the seed.
        same_seed: bool,
    },
    /// Restart from this scenario (already loaded and validated).
    Load(Box<Scenario>),
    /// Move the world to the other backend.
    SwitchBackend,
    /// Select the living creature nearest to a world point within a radius
    /// (world units); nothing there clears the selection.
    Pick {
        /// World point (wu; outside the world is taken across the wrap).
        at: Vec2,
        /// Search radius (wu).
        radius: f32,
    },
    /// Clear the selection.
    Deselect,
    /// Write the whole state to a snapshot file.
    Save(PathBuf),
    /// Replace the world by a snapshot's (on the current backend); a bad
    /// file leaves the running world as it was.
    Resume(PathBuf),
}

impl SimState {
    /// Carries out a command; true if the simulation was replaced or moved.
    pub async fn apply(&mut self, cmd: Command) -> bool {
        match cmd {
            // The loop runs it as a tick.
            Command::Step => false,
            Command::Reset { same_seed } => self.reset(same_seed),
            Command::Load(scenario) => {
                let mut o = self.options.clone();
                o.scenario = *scenario;
                self.restart(o)
            }
            Command::SwitchBackend => self.switch_backend().await,
            Command::Pick { at, radius } => {
                if let Err(e) = self.sim.sync_async().await {
                    self.message = Some(format!("cannot pick: {e}"));
                    return false;
                }
                self.selected = pick(&self.sim, at, radius);
                self.neighbors_at = None;
                false
            }
            Command::Deselect => {
                self.selected = None;
                false
            }
            Command::Save(path) => {
                self.message = Some(match self.sim.save_snapshot(&path) {
                    Ok(()) => format!("saved tick {} to {}", self.sim.tick(), path.display()),
                    Err(e) => format!("cannot save: {e}"),
                });
                false
            }
            Command::Resume(path) => self.resume(&path),
        }
    }

    /// Restarts from the scenario with its seed, or the next seed of a
    /// fixed sequence.
    fn reset(&mut self, same_seed: bool) -> bool {
        let mut o = self.options.clone();
        if !same_seed {
            o.scenario.seed = o
                .scenario
                .seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
        }
        self.restart(o)
    }

    /// Moves the world to the other backend; a failure leaves it where it
    /// was and is shown.
    async fn switch_backend(&mut self) -> bool {
        let target = if self.sim.gpu().is_some() {
            None
        } else {
            Some(self.ctx.clone())
        };
        match self.sim.switch_backend_async(target).await {
            Ok(()) => {
                self.genes_tick = self.sim.tick();
                self.message = None;
                true
            }
            Err(e) => {
                self.message = Some(format!("backend switch failed: {e}"));
                false
            }
        }
    }

    /// Replaces the world by the snapshot in `path`, on the current backend
    /// (a snapshot file is a native feature: no file system in the
    /// browser).
    fn resume(&mut self, path: &Path) -> bool {
        let backend = self.sim.backend();
        let ctx = (backend != Backend::Cpu).then(|| self.ctx.clone());
        let threads = self.options.threads;
        let loaded = crate::snapshot::read_file(path)
            .map_err(SimError::from)
            .and_then(|b| Simulation::from_snapshot(&b, Backend::Cpu, threads, None))
            .and_then(|mut sim| sim.switch_backend(ctx).map(|_| sim));
        match loaded {
            Ok(sim) => {
                self.options.scenario = sim.scenario().clone();
                self.sim = sim;
                self.selected = None;
                self.genes_tick = 0;
                self.halted = false;
                self.message = Some(format!(
                    "resumed {} at tick {}",
                    path.display(),
                    self.sim.tick()
                ));
                true
            }
            Err(e) => {
                self.message = Some(format!("cannot load {}: {e}", path.display()));
                false
            }
        }
    }
}
