//! The simulation's loop, one for both hosts: wait for work, run a batch
//! (commands, then the ticks granted), publish the view. A native thread
//! waits by blocking on the mailbox's condition variable and holds the GPU
//! gate while it works; the browser's task (one thread, nothing may block)
//! waits on a timer of the page's event loop and pauses after each batch so
//! that the page draws a frame.

use std::future::Future;
use std::sync::Arc;

use super::Command;
use super::state::SimState;
use super::sync::Shared;
use super::view::SimView;

/// How the loop waits for work.
trait Pace {
    /// Returns once there is work (or, for a thread watching shaders, it is
    /// time to look at them again); false once the runner is gone.
    async fn until_work(&mut self, shared: &Shared, st: &SimState) -> bool;

    /// After each published batch.
    async fn after_batch(&mut self);
}

/// A thread of its own: sleeps on the condition variable.
#[cfg(not(target_arch = "wasm32"))]
struct Blocking;

#[cfg(not(target_arch = "wasm32"))]
impl Pace for Blocking {
    async fn until_work(&mut self, shared: &Shared, st: &SimState) -> bool {
        let mut c = shared.lock();
        while !c.quit && c.commands.is_empty() && (c.budget < 1.0 || st.halted) {
            if st.watching() {
                // Watching shaders: wake up to look at the folder.
                let (g, t) = shared
                    .changed
                    .wait_timeout(c, super::watch::WATCH_EVERY)
                    .unwrap_or_else(|p| p.into_inner());
                c = g;
                if t.timed_out() {
                    break;
                }
            } else {
                c = shared.changed.wait(c).unwrap_or_else(|p| p.into_inner());
            }
        }
        !c.quit
    }

    async fn after_batch(&mut self) {}
}

/// A task on the caller's event loop: `pause(ms)` is a timer there.
struct EventLoop<P>(P);

/// How long an idle task sleeps before it looks for work again (ms).
const IDLE_MS: u32 = 4;

impl<F: Future<Output = ()>, P: Fn(u32) -> F> Pace for EventLoop<P> {
    async fn until_work(&mut self, shared: &Shared, st: &SimState) -> bool {
        loop {
            {
                let c = shared.lock();
                if c.quit {
                    return false;
                }
                if !c.commands.is_empty() || (c.budget >= 1.0 && !st.halted) {
                    return true;
                }
            }
            (self.0)(IDLE_MS).await;
        }
    }

    async fn after_batch(&mut self) {
        // Let the page draw a frame.
        (self.0)(0).await;
    }
}

impl SimState {
    /// Runs what was asked since the last batch (shader edits, commands in
    /// order, the ticks granted) and publishes the view.
    async fn batch(&mut self, shared: &Shared, view: &mut SimView) {
        let reloaded = shared.gated(async { self.poll_shaders() }).await;
        let (commands, ticks) = shared.take_work(self.halted);
        let mut rebuilt = false;
        let mut ran = 0;
        for cmd in commands {
            match cmd {
                Command::Step if !self.halted => ran += self.run_ticks(1, shared).await,
                Command::Step => {}
                other => rebuilt |= shared.gated(self.apply(other)).await,
            }
        }
        ran += self.run_ticks(ticks, shared).await;
        shared
            .gated(async {
                if rebuilt {
                    *view = SimView::of(&self.sim);
                }
                self.update(view, rebuilt || ran > 0 || reloaded).await;
            })
            .await;
        shared.publish(view);
    }
}

/// Waits for work and runs it, until the runner is gone.
async fn run_loop(mut st: SimState, shared: &Shared, mut view: SimView, mut pace: impl Pace) {
    st.take_up_backend(shared).await;
    while pace.until_work(shared, &st).await {
        st.batch(shared, &mut view).await;
        pace.after_batch().await;
    }
}

/// The simulation thread of [`super::SimRunner::start`] (its first view is
/// already published).
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn run_thread(st: SimState, shared: &Shared) {
    let view = (*shared.lock().view).clone();
    crate::gpu::readback::block_on(run_loop(st, shared, view, Blocking));
}

/// The task of [`super::SimRunner::start_local`]: publishes the first view,
/// then the loop, awaiting instead of blocking.
pub(super) async fn run_task<F: Future<Output = ()>>(
    mut st: SimState,
    shared: Arc<Shared>,
    pause: impl Fn(u32) -> F,
) {
    let mut view = (*shared.lock().view).clone();
    st.update(&mut view, true).await;
    shared.publish(&mut view);
    run_loop(st, &shared, view, EventLoop(pause)).await;
}
