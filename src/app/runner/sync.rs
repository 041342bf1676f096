//! The mailbox between the frame thread and the simulation's loop: ticks
//! granted, commands queued, the latest view, and the GPU gate.

#![cfg_attr(
    target_arch = "wasm32",
    expect(
        clippy::arc_with_non_send_sync,
        reason = "in the browser wgpu's handles are neither Send nor Sync; the runner has no \
                  thread there (`SimRunner::start_local`), so its Arcs never cross threads"
    )
)]

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::{Command, SimView};

/// What the two sides share, under [`Shared::control`].
pub(super) struct Control {
    /// Ticks granted and not yet run.
    pub budget: f32,
    pub commands: VecDeque<Command>,
    /// The simulation's loop is running ticks or commands.
    pub busy: bool,
    /// The last grant hit the cap.
    pub behind: bool,
    /// The runner is gone: the loop ends.
    pub quit: bool,
    pub view: Arc<SimView>,
    /// The latest checkpoint not yet taken: its tick and snapshot bytes.
    pub checkpoint: Option<(u32, Arc<Vec<u8>>)>,
}

pub(super) struct Shared {
    control: Mutex<Control>,
    /// Signals work for the simulation thread and its completion.
    pub changed: Condvar,
    /// Held by the simulation thread while it submits GPU work and waits
    /// for it (a tick, a readback), and by the frame thread while it
    /// reconfigures the window's surface, which needs the queue idle.
    gpu: Mutex<()>,
    /// The loop runs on a thread of its own (not the browser's one thread,
    /// where nothing else can run while it holds the gate).
    threaded: bool,
}

impl Shared {
    pub fn new(view: SimView, threaded: bool) -> Arc<Self> {
        Arc::new(Shared {
            control: Mutex::new(Control {
                budget: 0.0,
                commands: VecDeque::new(),
                busy: false,
                behind: false,
                quit: false,
                view: Arc::new(view),
                checkpoint: None,
            }),
            changed: Condvar::new(),
            gpu: Mutex::new(()),
            threaded,
        })
    }

    /// Takes the commands and the whole ticks granted (none while halted),
    /// and marks the simulation busy.
    pub fn take_work(&self, halted: bool) -> (Vec<Command>, u32) {
        let mut c = self.lock();
        let commands: Vec<Command> = c.commands.drain(..).collect();
        let ticks = if halted { 0 } else { c.budget.floor() as u32 };
        c.budget -= ticks as f32;
        if halted {
            c.budget = 0.0;
        }
        c.busy = true;
        (commands, ticks)
    }

    /// Publishes `view` and clears the busy mark.
    pub fn publish(&self, view: &mut SimView) {
        let mut c = self.lock();
        view.behind = c.behind;
        c.view = Arc::new(view.clone());
        c.busy = false;
        drop(c);
        self.changed.notify_all();
    }

    pub fn lock(&self) -> MutexGuard<'_, Control> {
        // A panic on the other thread must not take the viewer down with it.
        self.control.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The GPU gate (see [`Self::gpu`]).
    pub fn gate(&self) -> MutexGuard<'_, ()> {
        self.gpu.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `work` holding the GPU gate, on a threaded runner. The thread
    /// blocks on the future (`block_on`), so the gate is held for as long as
    /// the work takes and released before the frame thread's turn; the
    /// browser's task needs no gate (one thread) and must not hold one
    /// while it awaits.
    pub async fn gated<R>(&self, work: impl Future<Output = R>) -> R {
        let _gate = self.threaded.then(|| self.gate());
        work.await
    }
}
