//! The region worker pool: K long-lived threads that run one phase's region
//! tasks at a time. The coordinator hands out tasks over channels and blocks
//! on the results channel until every task of the phase has reported — that
//! wait is the barrier between phases (no busy-waiting; an empty phase or one
//! task carrying all the load cannot deadlock, as every task reports exactly
//! once).
//!
//! Watchdog: while it waits, the coordinator wakes every
//! [`watchdog_bound`] (60 s by default, `EVOSIM_WATCHDOG_MS`); a phase in which
//! some worker has not reported by then is reported — the phase and tick,
//! the workers and the regions still running — once per bound, instead of a
//! silent hang. It goes on waiting: a slow task is not a wrong one.
//!
//! Health: a task that panics is caught on its worker, which reports the
//! panic and exits. The coordinator logs one line, starts a fresh worker in
//! its place and gives it the same task again: tasks are pure functions of
//! inputs that nothing has changed, so redoing one loses and doubles nothing.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Once};
use std::thread::JoinHandle;
use std::time::Duration;
use web_time::Instant;

/// A region task: re-runnable, so that a crashed one can be redone.
pub type Task<T> = Arc<dyn Fn() -> T + Send + Sync>;

type AnyTask = Arc<dyn Fn() -> Box<dyn Any + Send> + Send + Sync>;

type Batch = Vec<(usize, AnyTask)>;
type Finished = Vec<(usize, Box<dyn Any + Send>, Duration)>;

enum Report {
    /// Every task of a batch ran.
    Done { worker: usize, done: Finished },
    /// A task panicked: the ones before it ran, the rest did not.
    Panicked {
        worker: usize,
        done: Finished,
        failed: usize,
        rest: Vec<usize>,
        message: String,
    },
}

struct Worker {
    jobs: Sender<Batch>,
    handle: Option<JoinHandle<()>>,
}

/// Prefix of the worker threads' names.
pub const WORKER_NAME: &str = "evosim-region";

/// Time accounting of one phase.
#[derive(Debug, Clone, Copy, Default)]
pub struct PhaseTime {
    /// Wall time of the phase, dispatch to last report.
    pub wall: Duration,
    /// Sum of the tasks' own run times.
    pub busy: Duration,
}

/// K worker threads.
pub struct WorkerPool {
    workers: Vec<Worker>,
    reports: Receiver<Report>,
    report_tx: Sender<Report>,
    generation: usize,
    /// Workers replaced after a panic, so far.
    pub restarts: u64,
    /// How long a phase may wait for a worker before it is reported.
    watchdog: Duration,
    /// Stalls reported by the watchdog, so far.
    pub stalls: u64,
    /// The last stall report.
    pub last_stall: Option<String>,
}

/// How long the coordinator waits for a worker's report before it says
/// which phase and regions are stuck: `EVOSIM_WATCHDOG_MS` milliseconds, 60 s
/// by default (a generous bound: a phase normally takes milliseconds).
pub fn watchdog_bound() -> Duration {
    std::env::var("EVOSIM_WATCHDOG_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map_or(Duration::from_secs(60), Duration::from_millis)
}

fn quiet_worker_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // A region worker's panic is reported by the coordinator in one line.
            if std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with(WORKER_NAME))
            {
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

fn spawn(worker: usize, generation: usize, reports: Sender<Report>) -> Worker {
    let (jobs, rx) = channel::<Batch>();
    let handle = std::thread::Builder::new()
        .name(format!("{WORKER_NAME}-{worker}.{generation}"))
        .spawn(move || {
            while let Ok(batch) = rx.recv() {
                let mut done = Vec::with_capacity(batch.len());
                for (k, (index, task)) in batch.iter().enumerate() {
                    let start = Instant::now();
                    match catch_unwind(AssertUnwindSafe(|| task())) {
                        Ok(out) => done.push((*index, out, start.elapsed())),
                        Err(p) => {
                            let rest = batch[k + 1..].iter().map(|(i, _)| *i).collect();
                            let message = panic_message(p.as_ref());
                            let _ = reports.send(Report::Panicked {
                                worker,
                                done,
                                failed: *index,
                                rest,
                                message,
                            });
                            return;
                        }
                    }
                }
                if reports.send(Report::Done { worker, done }).is_err() {
                    return;
                }
            }
        })
        .expect("spawn a region worker thread");
    Worker {
        jobs,
        handle: Some(handle),
    }
}

/// Task `i` with its output type erased, for a worker's batch.
fn erase<T: Send + 'static>(tasks: &[Task<T>], i: usize) -> (usize, AnyTask) {
    let t = tasks[i].clone();
    (i, Arc::new(move || Box::new(t()) as Box<dyn Any + Send>))
}

/// Runs every task in order on this thread (no workers: the browser).
fn run_inline<T>(tasks: &[Task<T>], start: Instant) -> (Vec<T>, Vec<Duration>, PhaseTime) {
    let mut busy = Vec::with_capacity(tasks.len());
    let results = tasks
        .iter()
        .map(|t| {
            let clock = Instant::now();
            let out = t();
            busy.push(clock.elapsed());
            out
        })
        .collect();
    let total = busy.iter().sum();
    let wall = start.elapsed();
    (results, busy, PhaseTime { wall, busy: total })
}

impl WorkerPool {
    /// A pool of `threads` workers (at least one). In the browser
    /// (wasm32), which has no threads, the pool has no workers and runs
    /// every task inline on the calling thread.
    pub fn new(threads: usize) -> Self {
        let (report_tx, reports) = channel();
        let workers = if cfg!(target_arch = "wasm32") {
            Vec::new()
        } else {
            quiet_worker_panics();
            (0..threads.max(1))
                .map(|w| spawn(w, 0, report_tx.clone()))
                .collect()
        };
        Self {
            workers,
            reports,
            report_tx,
            generation: 0,
            restarts: 0,
            watchdog: watchdog_bound(),
            stalls: 0,
            last_stall: None,
        }
    }

    /// The watchdog's bound.
    pub fn watchdog(&self) -> Duration {
        self.watchdog
    }

    /// Number of workers (1 when tasks run inline).
    pub fn threads(&self) -> usize {
        self.workers.len().max(1)
    }

    /// Runs every task of a phase (task `i` on worker `i mod K`, one batch per
    /// worker) and returns their results in task order, with each task's run
    /// time. `context` names the phase and tick in the log line of a restart.
    pub fn run<T: Send + 'static>(
        &mut self,
        context: &str,
        tasks: &[Task<T>],
    ) -> (Vec<T>, Vec<Duration>, PhaseTime) {
        let labels: Vec<usize> = (0..tasks.len()).collect();
        self.run_labelled(context, tasks, &labels)
    }

    /// [`Self::run`] where task `i` works on region `regions[i]` (what the
    /// watchdog names).
    pub fn run_labelled<T: Send + 'static>(
        &mut self,
        context: &str,
        tasks: &[Task<T>],
        regions: &[usize],
    ) -> (Vec<T>, Vec<Duration>, PhaseTime) {
        let start = Instant::now();
        if self.workers.is_empty() {
            return run_inline(tasks, start);
        }
        let n = tasks.len();
        let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
        let mut busy = vec![Duration::ZERO; n];
        let k = self.workers.len();
        let mut batches = 0;
        // The tasks each worker has not reported yet.
        let mut pending: Vec<Vec<usize>> = vec![Vec::new(); k];
        for w in 0..k.min(n) {
            self.send(w, (w..n).step_by(k).map(|i| erase(tasks, i)).collect());
            pending[w] = (w..n).step_by(k).collect();
            batches += 1;
        }
        let mut store = |done: Finished, out: &mut Vec<Option<T>>| {
            for (index, o, b) in done {
                out[index] = Some(*o.downcast::<T>().expect("task output type"));
                busy[index] = b;
            }
        };
        while batches > 0 {
            let Some(report) = self.next_report(context, start, &pending, regions) else {
                continue;
            };
            match report {
                Report::Done { worker, done } => {
                    store(done, &mut out);
                    pending[worker].clear();
                    batches -= 1;
                }
                Report::Panicked {
                    worker,
                    done,
                    failed,
                    rest,
                    message,
                } => {
                    store(done, &mut out);
                    log::warn!(
                        "region worker {worker} panicked ({context}, task {failed}): {message}; \
                         restarted it and redid the task"
                    );
                    self.restart(worker);
                    pending[worker] = std::iter::once(failed)
                        .chain(rest.iter().copied())
                        .collect();
                    let again = pending[worker].iter().map(|&i| erase(tasks, i)).collect();
                    self.send(worker, again);
                }
            }
        }
        let total: Duration = busy.iter().sum();
        let results = out
            .into_iter()
            .map(|o| o.expect("every task reported"))
            .collect();
        (
            results,
            busy,
            PhaseTime {
                wall: start.elapsed(),
                busy: total,
            },
        )
    }

    /// The next worker report, or `None` when the watchdog's bound passed
    /// first: then the workers and regions still pending are reported.
    fn next_report(
        &mut self,
        context: &str,
        start: Instant,
        pending: &[Vec<usize>],
        regions: &[usize],
    ) -> Option<Report> {
        match self.reports.recv_timeout(self.watchdog) {
            Ok(r) => Some(r),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                let stuck: Vec<String> = pending
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !p.is_empty())
                    .map(|(w, p)| {
                        let r: Vec<String> = p.iter().map(|&i| regions[i].to_string()).collect();
                        format!("worker {w} (region {})", r.join(", "))
                    })
                    .collect();
                let line = format!(
                    "watchdog: {context}: no report for {:.1} s from {}; still waiting",
                    start.elapsed().as_secs_f64(),
                    stuck.join("; ")
                );
                log::warn!("{line}");
                self.stalls += 1;
                self.last_stall = Some(line);
                None
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                unreachable!("the pool holds a sender, so the channel stays open")
            }
        }
    }

    fn send(&mut self, worker: usize, batch: Batch) {
        if let Err(e) = self.workers[worker].jobs.send(batch) {
            // The worker is gone without a report: replace it and resend.
            self.restart(worker);
            self.workers[worker]
                .jobs
                .send(e.0)
                .expect("a fresh worker accepts jobs");
        }
    }

    fn restart(&mut self, worker: usize) {
        self.restarts += 1;
        self.generation += 1;
        let old = std::mem::replace(
            &mut self.workers[worker],
            spawn(worker, self.generation, self.report_tx.clone()),
        );
        if let Some(h) = old.handle {
            let _ = h.join();
        }
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        for w in &mut self.workers {
            let (dead, _) = channel();
            w.jobs = dead;
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn tasks(n: usize) -> Vec<Task<usize>> {
        (0..n)
            .map(|i| Arc::new(move || i * i) as Task<usize>)
            .collect()
    }

    #[test]
    fn runs_every_task_once_in_order() {
        let mut pool = WorkerPool::new(3);
        let (out, busy, _) = pool.run("test", &tasks(10));
        assert_eq!(out, (0..10).map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(busy.len(), 10);
        let (none, _, _) = pool.run("empty", &tasks(0));
        assert!(none.is_empty(), "an empty phase returns at once");
        let mut one = WorkerPool::new(1);
        assert_eq!(one.run("one worker, all the load", &tasks(50)).0.len(), 50);
    }

    #[test]
    fn a_panicking_task_is_redone_on_a_fresh_worker() {
        let mut pool = WorkerPool::new(2);
        let runs = Arc::new(AtomicUsize::new(0));
        let fired = Arc::new(AtomicUsize::new(0));
        let list: Vec<Task<usize>> = (0..9usize)
            .map(|i| {
                let (runs, fired) = (runs.clone(), fired.clone());
                Arc::new(move || {
                    runs.fetch_add(1, Ordering::SeqCst);
                    if i == 2 && fired.fetch_add(1, Ordering::SeqCst) == 0 {
                        panic!("injected");
                    }
                    i + 100
                }) as Task<usize>
            })
            .collect();
        let (out, _, _) = pool.run("test", &list);
        assert_eq!(out, (100..109).collect::<Vec<_>>());
        assert_eq!(pool.restarts, 1);
        assert_eq!(
            runs.load(Ordering::SeqCst),
            10,
            "only the failed task ran twice"
        );
        // The pool keeps working afterwards.
        assert_eq!(pool.run("again", &tasks(4)).0, vec![0, 1, 4, 9]);
    }
}
