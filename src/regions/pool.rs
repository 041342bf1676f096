//! Running a phase's region tasks on the simulation's one thread pool
//! ([`WorkPool`]). The coordinator has no threads of its own: it spawns each
//! task on the pool, then blocks on a results channel until every task of the
//! phase has reported — that wait is the barrier between phases (no
//! busy-waiting; an empty phase or one task carrying all the load cannot
//! deadlock, as every run of a task reports exactly once). The coordinator
//! blocks, so it must not be a pool thread: the engines call
//! [`super::Regions::resolve`] outside `WorkPool::install` (called from a
//! pool thread anyway, it runs the tasks itself, in order).
//!
//! Results are stored by task index, so nothing downstream can depend on
//! which thread ran what, or when.
//!
//! Watchdog: while it waits, the coordinator wakes once per bound
//! ([`DEFAULT_WATCHDOG`] unless the simulation's options set another); a
//! phase in which some task has
//! not reported by then is reported — the phase and tick, the regions still
//! pending and the pool thread each runs on — once per bound, instead of a
//! silent hang. It goes on waiting: a slow task is not a wrong one.
//!
//! Health: each task runs inside `catch_unwind` on its pool thread (the
//! thread lives on). A panic is reported over the channel; the coordinator
//! logs one line and spawns the task again: tasks are pure functions of
//! inputs that nothing has changed, so redoing one loses and doubles nothing.
//! A task that panics [`MAX_RUNS`] times is taken for a bug: the coordinator
//! panics with its message.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Once};
use std::time::Duration;
use web_time::Instant;

use crate::common::WorkPool;

/// A region task: re-runnable, so that a crashed one can be redone.
pub type Task<T> = Arc<dyn Fn() -> T + Send + Sync>;

/// Runs of one task (the first and the redos) before its panic is taken
/// for a bug and passed on.
pub const MAX_RUNS: u32 = 3;

/// Time accounting of one phase.
#[derive(Debug, Clone, Copy, Default)]
pub struct PhaseTime {
    /// Wall time of the phase, dispatch to last report.
    pub wall: Duration,
    /// Sum of the tasks' own run times.
    pub busy: Duration,
}

/// What a phase's run returns: the results in task order, each task's run
/// time and the pool thread that ran it (`None`: the calling thread).
pub struct PhaseRun<T> {
    /// Task outputs, in task order.
    pub results: Vec<T>,
    /// Each task's run time (its successful run's).
    pub busy: Vec<Duration>,
    /// The pool thread each task's successful run ran on.
    pub thread: Vec<Option<usize>>,
    /// The phase's time.
    pub time: PhaseTime,
}

/// One run of a task, as reported to the coordinator.
struct Report<T> {
    index: usize,
    thread: Option<usize>,
    took: Duration,
    out: Result<T, String>,
}

/// A phase's result tables, by task index: each task's result once it
/// reported, its run time, the pool thread it ran on, and how often it ran.
struct Tally<T> {
    out: Vec<Option<T>>,
    busy: Vec<Duration>,
    thread: Vec<Option<usize>>,
    runs: Vec<u32>,
}

/// The coordinator's state across phases: the watchdog and the health counters.
#[derive(Debug, Clone)]
pub struct Coordinator {
    /// Tasks redone after a panic, so far.
    pub restarts: u64,
    /// How long a phase may wait for a task before it is reported.
    watchdog: Duration,
    /// Stalls reported by the watchdog, so far.
    pub stalls: u64,
    /// The last stall report.
    pub last_stall: Option<String>,
}

/// How long the coordinator waits for a task's report before it says which
/// phase and regions are stuck, unless told otherwise: a generous bound, as
/// a phase normally takes milliseconds.
pub const DEFAULT_WATCHDOG: Duration = Duration::from_secs(60);

thread_local! {
    /// Set while this thread runs a region task: its panic is reported by
    /// the coordinator in one line, not by the panic hook.
    static IN_REGION_TASK: Cell<bool> = const { Cell::new(false) };
}

/// Silences the default panic message of region tasks (the coordinator logs
/// one line per panic instead); every other panic goes on to the previous hook.
fn quiet_task_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_REGION_TASK.with(Cell::get) {
                return;
            }
            previous(info);
        }));
    });
}

fn panic_message(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Runs `task` once on the current thread: caught, timed, flagged as a
/// region task for the panic hook.
fn run_one<T>(index: usize, task: &Task<T>) -> Report<T> {
    let start = Instant::now();
    let was = IN_REGION_TASK.with(|f| f.replace(true));
    let out = catch_unwind(AssertUnwindSafe(|| task())).map_err(|p| panic_message(p.as_ref()));
    IN_REGION_TASK.with(|f| f.set(was));
    Report {
        index,
        thread: rayon::current_thread_index(),
        took: start.elapsed(),
        out,
    }
}

/// Task `index` as a pool job: records the thread it started on in `started`
/// (index + 1), runs, reports.
fn job<T: Send + 'static>(
    index: usize,
    task: Task<T>,
    started: Arc<Vec<AtomicUsize>>,
    reports: Sender<Report<T>>,
) -> impl FnOnce() + Send + 'static {
    move || {
        let on = rayon::current_thread_index().map_or(usize::MAX, |i| i + 1);
        started[index].store(on, Ordering::Relaxed);
        // The coordinator may have given up (it panicked): nobody to tell.
        let _ = reports.send(run_one(index, &task));
    }
}

impl Default for Coordinator {
    fn default() -> Self {
        Self::new()
    }
}

impl Coordinator {
    /// A coordinator with the default watchdog bound ([`DEFAULT_WATCHDOG`])
    /// and no restarts or stalls yet.
    pub fn new() -> Self {
        Self {
            restarts: 0,
            watchdog: DEFAULT_WATCHDOG,
            stalls: 0,
            last_stall: None,
        }
    }

    /// The watchdog's bound.
    pub fn watchdog(&self) -> Duration {
        self.watchdog
    }

    /// Sets the watchdog's bound (at least a millisecond).
    pub fn set_watchdog(&mut self, bound: Duration) {
        self.watchdog = bound.max(Duration::from_millis(1));
    }

    /// Runs every task of a phase on `pool` and returns their results in task
    /// order. Task `i` works on region `regions[i]` (what the watchdog and
    /// the log name); `context` names the phase and tick.
    pub fn run<T: Send + 'static>(
        &mut self,
        pool: &WorkPool,
        context: &str,
        tasks: &[Task<T>],
        regions: &[usize],
    ) -> PhaseRun<T> {
        let start = Instant::now();
        let n = tasks.len();
        let mut t = Tally {
            out: (0..n).map(|_| None).collect(),
            busy: vec![Duration::ZERO; n],
            thread: vec![None; n],
            runs: vec![0u32; n],
        };
        // The calling thread runs the tasks itself when it cannot wait for
        // the pool: the browser without threads, or a pool thread (whose
        // blocking could leave no thread to run the tasks).
        let inline = pool.runs_inline() || pool.is_worker();
        if !inline {
            quiet_task_panics();
        }
        let (tx, rx) = channel::<Report<T>>();
        let started: Arc<Vec<AtomicUsize>> =
            Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect());
        let dispatch = |i: usize, runs: &mut [u32]| {
            runs[i] += 1;
            if inline {
                let _ = tx.send(run_one(i, &tasks[i]));
            } else {
                pool.spawn(job(i, tasks[i].clone(), started.clone(), tx.clone()));
            }
        };
        if inline {
            // One at a time, in order, each redone until it succeeds.
            for i in 0..n {
                loop {
                    dispatch(i, &mut t.runs);
                    let r = rx.try_recv().expect("a task run inline reports at once");
                    if self.take(context, regions, r, &mut t) {
                        break;
                    }
                }
            }
        } else {
            for i in 0..n {
                dispatch(i, &mut t.runs);
            }
            let mut pending = n;
            while pending > 0 {
                match next_report(&rx, self.watchdog) {
                    Ok(r) => {
                        let i = r.index;
                        if self.take(context, regions, r, &mut t) {
                            pending -= 1;
                        } else {
                            started[i].store(0, Ordering::Relaxed);
                            dispatch(i, &mut t.runs);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        self.stalled(context, start, &t.out, &started, regions);
                    }
                    Err(RecvTimeoutError::Disconnected) => {
                        unreachable!("the coordinator holds a sender, so the channel stays open")
                    }
                }
            }
        }
        let Tally {
            out, busy, thread, ..
        } = t;
        let total: Duration = busy.iter().sum();
        let results = out
            .into_iter()
            .map(|o| o.expect("every task reported"))
            .collect();
        PhaseRun {
            results,
            busy,
            thread,
            time: PhaseTime {
                wall: start.elapsed(),
                busy: total,
            },
        }
    }

    /// Stores a report; `false` when its run panicked and the task must be
    /// redone (logged, counted; after [`MAX_RUNS`] runs the panic is passed on).
    fn take<T>(
        &mut self,
        context: &str,
        regions: &[usize],
        r: Report<T>,
        t: &mut Tally<T>,
    ) -> bool {
        let i = r.index;
        let runs = &t.runs;
        match r.out {
            Ok(v) => {
                t.out[i] = Some(v);
                t.busy[i] = r.took;
                t.thread[i] = r.thread;
                true
            }
            Err(message) => {
                let region = regions.get(i).copied().unwrap_or(i);
                let on = r
                    .thread
                    .map_or("the calling thread".to_string(), |t| format!("worker {t}"));
                if runs[i] >= MAX_RUNS {
                    panic!(
                        "region task {i} (region {region}, {context}) panicked {} times; last on \
                         {on}: {message}",
                        runs[i]
                    );
                }
                log::warn!(
                    "region task {i} (region {region}) panicked on {on} ({context}): {message}; \
                     restarted it on the pool"
                );
                self.restarts += 1;
                false
            }
        }
    }

    /// The watchdog's report: the tasks still pending, each with the pool
    /// thread running it (or queued).
    fn stalled<T>(
        &mut self,
        context: &str,
        start: Instant,
        out: &[Option<T>],
        started: &[AtomicUsize],
        regions: &[usize],
    ) {
        let stuck: Vec<String> = out
            .iter()
            .enumerate()
            .filter(|(_, o)| o.is_none())
            .map(|(i, _)| {
                let region = regions.get(i).copied().unwrap_or(i);
                match started[i].load(Ordering::Relaxed) {
                    0 => format!("region {region} (queued)"),
                    usize::MAX => format!("region {region} (on a thread outside the pool)"),
                    w => format!("region {region} (worker {})", w - 1),
                }
            })
            .collect();
        let line = format!(
            "watchdog: {context}: no report for {:.1} s from {}; still waiting",
            start.elapsed().as_secs_f64(),
            stuck.join(", ")
        );
        log::warn!("{line}");
        self.stalls += 1;
        self.last_stall = Some(line);
    }
}

/// The next task report, waiting at most `bound` (the watchdog's) natively.
/// In the browser std has no clock for a timed wait (its `recv_timeout`
/// panics there), so the wait has no bound: the watchdog is native only.
fn next_report<R>(rx: &Receiver<R>, bound: Duration) -> Result<R, RecvTimeoutError> {
    #[cfg(not(target_arch = "wasm32"))]
    return rx.recv_timeout(bound);
    #[cfg(target_arch = "wasm32")]
    {
        let _ = bound;
        rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn tasks(n: usize) -> Vec<Task<usize>> {
        (0..n)
            .map(|i| Arc::new(move || i * i) as Task<usize>)
            .collect()
    }

    fn labels(n: usize) -> Vec<usize> {
        (0..n).collect()
    }

    #[test]
    fn runs_every_task_once_in_order() {
        let pool = WorkPool::new(3).unwrap();
        let mut c = Coordinator::new();
        let run = c.run(&pool, "test", &tasks(10), &labels(10));
        assert_eq!(run.results, (0..10).map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(run.busy.len(), 10);
        assert!(run.thread.iter().all(|t| t.is_some_and(|t| t < 3)));
        let none = c.run(&pool, "empty", &tasks(0), &[]);
        assert!(none.results.is_empty(), "an empty phase returns at once");
        let one = WorkPool::new(1).unwrap();
        let all = c.run(&one, "one thread, all the load", &tasks(50), &labels(50));
        assert_eq!(all.results.len(), 50);
        // From a pool thread: inline, same results.
        let inside = pool.install(|| c.run(&pool, "inside", &tasks(10), &labels(10)));
        assert_eq!(inside.results, run.results);
    }

    fn flaky(runs: &Arc<AtomicUsize>, fails: usize) -> Vec<Task<usize>> {
        let fired = Arc::new(AtomicUsize::new(0));
        (0..9usize)
            .map(|i| {
                let (runs, fired) = (runs.clone(), fired.clone());
                Arc::new(move || {
                    runs.fetch_add(1, Ordering::SeqCst);
                    if i == 2 && fired.fetch_add(1, Ordering::SeqCst) < fails {
                        panic!("injected");
                    }
                    i + 100
                }) as Task<usize>
            })
            .collect()
    }

    #[test]
    fn a_panicking_task_is_redone_on_the_pool() {
        let pool = WorkPool::new(2).unwrap();
        let mut c = Coordinator::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let run = c.run(&pool, "test", &flaky(&runs, 1), &labels(9));
        assert_eq!(run.results, (100..109).collect::<Vec<_>>());
        assert_eq!(c.restarts, 1);
        assert_eq!(
            runs.load(Ordering::SeqCst),
            10,
            "only the failed task ran twice"
        );
        // The pool keeps working afterwards, with all its threads.
        assert_eq!(
            c.run(&pool, "again", &tasks(4), &labels(4)).results,
            vec![0, 1, 4, 9]
        );
        assert_eq!(pool.threads(), 2);
        // Inline (from a pool thread), the same.
        let runs = Arc::new(AtomicUsize::new(0));
        let inside = pool.install(|| c.run(&pool, "inside", &flaky(&runs, 1), &labels(9)));
        assert_eq!(inside.results, (100..109).collect::<Vec<_>>());
        assert_eq!(c.restarts, 2);
    }

    #[test]
    fn a_task_that_always_panics_is_passed_on() {
        let pool = WorkPool::new(2).unwrap();
        let mut c = Coordinator::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let list = flaky(&runs, usize::MAX);
        let caught = catch_unwind(AssertUnwindSafe(|| c.run(&pool, "test", &list, &labels(9))));
        let message = panic_message(caught.err().expect("passed on").as_ref());
        assert!(
            message.contains("panicked 3 times") && message.contains("injected"),
            "{message}"
        );
        assert_eq!(c.restarts, u64::from(MAX_RUNS - 1));
    }
}
