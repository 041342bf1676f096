//! The viewer handle's controls (`pause()`, `resume()`, `setSpeed()`,
//! `step()`), queued as they arrive and applied at the next frame by
//! whichever loop draws: the viewer's ([`apply`]) or the 2D canvas's
//! ([`Fallback::apply`]).

use std::cell::RefCell;

use evosim::app::App;
use evosim::app::ui::SPEEDS;

use crate::page;
use crate::protocol::ToWorker;

thread_local! {
    static QUEUE: RefCell<Vec<ToWorker>> = const { RefCell::new(Vec::new()) };
}

/// Queues a control message for the next frame.
pub fn push(m: ToWorker) {
    QUEUE.with(|q| q.borrow_mut().push(m));
}

fn take() -> Vec<ToWorker> {
    QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()))
}

/// The index of `speed` in [`SPEEDS`], or an error on the page.
fn speed_index(speed: f32) -> Option<usize> {
    let i = SPEEDS.iter().position(|&s| s == speed);
    if i.is_none() {
        page::show_error(&format!("setSpeed({speed}): one of {SPEEDS:?}"));
    }
    i
}

/// Applies the queued controls to the viewer.
pub fn apply(app: &mut App) {
    for m in take() {
        match m {
            ToWorker::Pause => app.set_paused(true),
            ToWorker::Resume => app.set_paused(false),
            ToWorker::SetSpeed { speed } => {
                if let Some(i) = speed_index(speed) {
                    app.ui.speed = i;
                }
            }
            ToWorker::Step { ticks } => app.grant_backlog(ticks),
            _ => {}
        }
    }
}

/// The 2D canvas's run state, steered by the same controls.
#[derive(Debug, Clone, Copy)]
pub struct Fallback {
    /// Paused.
    pub paused: bool,
    /// Ticks per frame.
    pub speed: f32,
    /// Ticks asked for by `step()`, not run yet.
    pub steps: u32,
}

impl Fallback {
    /// Applies the queued controls.
    pub fn apply(&mut self) {
        for m in take() {
            match m {
                ToWorker::Pause => self.paused = true,
                ToWorker::Resume => self.paused = false,
                ToWorker::SetSpeed { speed } if speed_index(speed).is_some() => self.speed = speed,
                ToWorker::Step { ticks } => self.steps = self.steps.saturating_add(ticks),
                _ => {}
            }
        }
    }
}
