//! The simulation thread: the viewer's [`Simulation`](crate::Simulation)
//! runs here, never on the frame thread, so that drawing and input never wait
//! for a tick or for its GPU readbacks. (In the browser it is a task on the
//! page's event loop instead, [`SimRunner::start_local`]; both run the same
//! loop.)
//!
//! The frame thread grants ticks (the speed, once per frame) and sends
//! [`Command`]s; this thread runs the ticks it was granted, answers the
//! commands, and publishes a [`SimView`] after each batch: the figures the
//! panels show and the buffers the renderer draws from. On the GPU backend
//! those are the simulation's own resident buffers (nothing is copied); on
//! the CPU backend this thread uploads the state into buffers of its own
//! after each batch.
//!
//! When the simulation cannot keep up with the speed asked for, the grant
//! is capped at two frames' worth: the simulation slows down instead of the
//! frames, and [`SimView::behind`] says so.

mod commands;
mod draw;
mod pick;
mod sim_loop;
mod species;
mod state;
mod sync;
mod view;
mod watch;

use std::future::Future;
use std::sync::Arc;
use std::thread::JoinHandle;

pub use commands::Command;
pub use pick::neighbors_in_view;
pub use species::{SpeciesRow, SpeciesView};
pub use view::{DrawBuffers, DrawData, DrawSource, DrawTextures, RegionsView, SimView};

use super::ViewOptions;
use crate::SimError;
use crate::gpu::GpuContext;
use state::SimState;
use sync::Shared;

/// The simulation thread and its mailbox.
pub struct SimRunner {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl SimRunner {
    /// Builds the simulation from `options` (its backend on `ctx` unless
    /// `Backend::Cpu`) and starts its thread.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn start(options: ViewOptions, ctx: GpuContext) -> Result<Self, SimError> {
        let mut state = SimState::new(options, ctx)?;
        let view = state.first_view();
        let shared = Shared::new(view, true);
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("evosim-sim".into())
            .spawn(move || sim_loop::run_thread(state, &s))
            .map_err(|e| crate::common::PoolError {
                threads: 1,
                message: e.to_string(),
            })?;
        Ok(Self {
            shared,
            thread: Some(thread),
        })
    }

    /// Builds the simulation from `options` for a caller without threads
    /// (the browser): returns the runner and the simulation's task, a
    /// future the caller spawns on its event loop. The task runs what it is
    /// granted and sent, awaiting the GPU's readbacks, and `pause(ms)`s
    /// (a timer on the event loop) between batches so that frames are drawn;
    /// it ends when the runner is dropped. [`Self::sync`] does not wait in
    /// this mode.
    pub fn start_local<F: Future<Output = ()>>(
        options: ViewOptions,
        ctx: GpuContext,
        pause: impl Fn(u32) -> F,
    ) -> Result<(Self, impl Future<Output = ()>), SimError> {
        let state = SimState::new(options, ctx)?;
        let view = SimView::of(&state.sim);
        let shared = Shared::new(view, false);
        let task = sim_loop::run_task(state, shared.clone(), pause);
        Ok((
            Self {
                shared,
                thread: None,
            },
            task,
        ))
    }

    /// The latest published view.
    pub fn view(&self) -> Arc<SimView> {
        self.shared.lock().view.clone()
    }

    /// Grants `ticks` more ticks (the speed, once per frame); the backlog is
    /// capped at two grants.
    pub fn grant(&self, ticks: f32) {
        let mut c = self.shared.lock();
        let cap = (2.0 * ticks).max(1.0);
        c.behind = c.budget + ticks > cap;
        // A backlog (`grant_backlog`) is never cut, only not added to.
        c.budget = (c.budget + ticks).min(cap.max(c.budget));
        drop(c);
        self.shared.changed.notify_all();
    }

    /// The checkpoint taken since the last call, if any (see
    /// [`crate::app::Recovery`]).
    pub fn take_checkpoint(&self) -> Option<(u32, Arc<Vec<u8>>)> {
        self.shared.lock().checkpoint.take()
    }

    /// Grants `ticks` more ticks at once, beyond the cap of [`Self::grant`]:
    /// a resumed simulation recomputing to where it was.
    pub fn grant_backlog(&self, ticks: u32) {
        self.shared.lock().budget += ticks as f32;
        self.shared.changed.notify_all();
    }

    /// True when the simulation has run every tick granted and every
    /// command sent, and is not running a batch: a frame drawn now shows
    /// all that was asked for (the browser's `present=copy` paces its
    /// frames by it).
    pub fn caught_up(&self) -> bool {
        let c = self.shared.lock();
        !c.busy && c.budget < 1.0 && c.commands.is_empty()
    }

    /// Drops the ticks granted and not yet run (pause).
    pub fn hold(&self) {
        let mut c = self.shared.lock();
        c.budget = c.budget.fract();
        c.behind = false;
    }

    /// Queues a command.
    pub fn send(&self, cmd: Command) {
        self.shared.lock().commands.push_back(cmd);
        self.shared.changed.notify_all();
    }

    /// Runs `f` while the simulation submits no GPU work (waits for the
    /// tick in progress to end).
    pub fn quiet<R>(&self, f: impl FnOnce() -> R) -> R {
        let _gate = self.shared.gate();
        f()
    }

    /// Waits until every tick granted and every command sent so far has run
    /// and been published (screenshot mode, tests).
    pub fn sync(&self) {
        if self.thread.is_none() {
            // The task shares this thread: waiting here would wait forever.
            return;
        }
        let mut c = self.shared.lock();
        while !c.quit && (c.busy || c.budget >= 1.0 || !c.commands.is_empty()) {
            c = self
                .shared
                .changed
                .wait(c)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Drop for SimRunner {
    fn drop(&mut self) {
        self.shared.lock().quit = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
