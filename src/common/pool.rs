//! The simulation's one thread pool: the per-entity CPU passes and the region
//! tasks both run on it, and it measures how busy each of its threads was.

use std::cell::Cell;
use std::time::Duration;

use rayon::prelude::*;
use web_time::Instant;

use super::PAR_MIN_LEN;

/// The threads the per-entity CPU passes and the region tasks run on: a rayon
/// pool natively (threads `evosim-worker-{i}`); in the browser, rayon's global
/// pool (which the page starts with wasm-bindgen-rayon when the browser allows
/// threads), or the calling thread when there is none.
pub struct WorkPool {
    #[cfg(not(target_arch = "wasm32"))]
    pool: rayon::ThreadPool,
}

/// Prefix of the pool threads' names (`evosim-worker-{i}`).
pub const THREAD_NAME: &str = "evosim-worker";

thread_local! {
    /// Time this thread spent in [`BusySpan`]s since the last
    /// [`WorkPool::take_busy`] (ns).
    static BUSY_NS: Cell<u64> = const { Cell::new(0) };
    /// Open [`BusySpan`]s on this thread: only the outermost one counts.
    static SPAN_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Charges the time from its start to its drop to the current thread's busy
/// time (see [`WorkPool::take_busy`]). Meant for coarse pieces of work — a
/// whole pass, one chunk of a parallel loop (`for_each_init(BusySpan::start,
/// …)` starts one per piece rayon splits the loop into) — never one entity:
/// it reads the clock twice. Spans nest: a span opened inside another on the
/// same thread adds nothing, as the outer one covers it.
#[must_use = "the span measures until it is dropped"]
pub struct BusySpan {
    start: Option<Instant>,
}

impl BusySpan {
    /// Starts a span on the current thread.
    #[inline]
    pub fn start() -> Self {
        let outer = SPAN_DEPTH.with(|d| {
            let n = d.get();
            d.set(n + 1);
            n == 0
        });
        Self {
            start: outer.then(Instant::now),
        }
    }
}

impl Drop for BusySpan {
    #[inline]
    fn drop(&mut self) {
        SPAN_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
        if let Some(start) = self.start {
            let ns = start.elapsed().as_nanos() as u64;
            BUSY_NS.with(|b| b.set(b.get().saturating_add(ns)));
        }
    }
}

/// This thread's busy time since the last take, reset to zero.
fn take_local() -> Duration {
    Duration::from_nanos(BUSY_NS.with(|b| b.replace(0)))
}

/// The work pool could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot start {threads} worker threads: {message}")]
pub struct PoolError {
    /// Requested threads.
    pub threads: usize,
    /// The operating system's reason.
    pub message: String,
}

impl WorkPool {
    /// A pool of `threads` threads (0: one per core). In the browser the
    /// count is rayon's global pool's, whatever `threads` says.
    pub fn new(threads: usize) -> Result<Self, PoolError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("{THREAD_NAME}-{i}"))
                .build()
                .map_err(|e| PoolError {
                    threads,
                    message: e.to_string(),
                })?;
            Ok(Self { pool })
        }
        #[cfg(target_arch = "wasm32")]
        {
            let _ = threads;
            Ok(Self {})
        }
    }

    /// Threads in the pool (in the browser, rayon's global pool's: 1 when
    /// the page has no threads).
    pub fn threads(&self) -> usize {
        #[cfg(not(target_arch = "wasm32"))]
        return self.pool.current_num_threads();
        #[cfg(target_arch = "wasm32")]
        rayon::current_num_threads()
    }

    /// Whether [`Self::spawn`] runs its job on the calling thread (the
    /// browser without threads): then nobody may wait for a spawned job.
    pub fn runs_inline(&self) -> bool {
        cfg!(target_arch = "wasm32") && self.threads() <= 1
    }

    /// Whether the calling thread is one of this pool's threads (a job that
    /// blocks on other jobs of the pool must not run there).
    pub fn is_worker(&self) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        return self.pool.current_thread_index().is_some();
        #[cfg(target_arch = "wasm32")]
        rayon::current_thread_index().is_some()
    }

    /// Runs `f` with the pool as rayon's current pool.
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        #[cfg(not(target_arch = "wasm32"))]
        return self.pool.install(f);
        #[cfg(target_arch = "wasm32")]
        f()
    }

    /// Runs `f` on a pool thread, some time later; returns at once. In the
    /// browser without threads `f` runs now, on the calling thread. A panic
    /// in `f` is the caller's to catch (natively rayon aborts the process on
    /// an uncaught one).
    pub fn spawn(&self, f: impl FnOnce() + Send + 'static) {
        #[cfg(not(target_arch = "wasm32"))]
        self.pool.spawn(f);
        #[cfg(target_arch = "wasm32")]
        if rayon::current_num_threads() > 1 {
            rayon::spawn(f);
        } else {
            f();
        }
    }

    /// Each pool thread's busy time (its [`BusySpan`]s) since the last call,
    /// by thread index, and the calling thread's when it is not a pool
    /// thread (in the browser the passes run there); resets them. Natively a
    /// rayon broadcast: call it between ticks, not from a pool thread.
    pub fn take_busy(&self) -> (Vec<Duration>, Duration) {
        let caller = take_local();
        if self.runs_inline() {
            // The calling thread is the only thread.
            return (vec![caller], Duration::ZERO);
        }
        let mut per = vec![Duration::ZERO; self.threads()];
        #[cfg(not(target_arch = "wasm32"))]
        let taken = self.pool.broadcast(|c| (c.index(), take_local()));
        #[cfg(target_arch = "wasm32")]
        let taken = rayon::broadcast(|c| (c.index(), take_local()));
        for (i, d) in taken {
            if let Some(slot) = per.get_mut(i) {
                *slot = d;
            }
        }
        (per, caller)
    }
}

/// What the pool did in the last tick, and its health so far: what the
/// performance panel and `evosim run --json` show.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PoolStatus {
    /// Per pool thread, by index: its work in the last tick.
    pub threads: Vec<ThreadBusy>,
    /// The per-entity passes' time on the thread that drives the tick when
    /// it is not a pool thread (the browser with threads), last tick (ms).
    pub outside_ms: f64,
    /// Per region, by index: entities owned and events resolved this tick.
    pub regions: Vec<RegionLoad>,
    /// Region tasks redone after a panic, so far.
    pub restarts: u64,
    /// Phases the watchdog reported stuck, so far.
    pub stalls: u64,
    /// The watchdog's last report.
    pub last_stall: Option<String>,
}

/// One pool thread's work in the last tick.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct ThreadBusy {
    /// In the per-entity CPU passes (ms): the chunks of their parallel loops
    /// this thread ran; the thread that runs the tick counts all its time in
    /// the passes (their sequential steps, and its waits at the end of each
    /// parallel loop, included). Zero on the GPU backend.
    pub passes_ms: f64,
    /// In region tasks (ms).
    pub regions_ms: f64,
    /// Region tasks it ran.
    pub tasks: u32,
}

/// One region's load in the last tick.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RegionLoad {
    /// Living entities it owns.
    pub entities: u64,
    /// Events it resolved (attacks on its targets, deaths, reproduction candidates).
    pub events: u64,
}

/// Moves `v[order[k]]` to `v[k]` for every `k < order.len()`, one 32-bit
/// word of the elements at a time through `buf` (grown to `order.len()`
/// words when shorter), so that a re-sort allocates nothing: the engine
/// lends a per-slot scratch array that is free at that point. Elements are
/// whole words (positions, genomes, counters).
pub fn permute<T: bytemuck::Pod + Send + Sync>(v: &mut [T], order: &[u32], buf: &mut Vec<u32>) {
    const { assert!(size_of::<T>().is_multiple_of(4) && align_of::<T>() >= 4) };
    let (n, w) = (order.len(), size_of::<T>() / 4);
    if buf.len() < n {
        buf.resize(n, 0);
    }
    let buf = &mut buf[..n];
    for plane in 0..w {
        let words: &[u32] = bytemuck::cast_slice(v);
        buf.par_iter_mut()
            .zip(order.par_iter())
            .with_min_len(PAR_MIN_LEN)
            .for_each_init(BusySpan::start, |_, (b, &s)| {
                *b = words[s as usize * w + plane]
            });
        let words: &mut [u32] = bytemuck::cast_slice_mut(v);
        words[..n * w]
            .par_chunks_mut(w)
            .zip(buf.par_iter())
            .with_min_len(PAR_MIN_LEN)
            .for_each_init(BusySpan::start, |_, (e, &b)| e[plane] = b);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn busy_time_is_counted_per_thread_once_and_reset() {
        let pool = WorkPool::new(2).unwrap();
        let _ = pool.take_busy();
        pool.install(|| {
            let _outer = BusySpan::start();
            (0..64u32)
                .into_par_iter()
                .for_each_init(BusySpan::start, |_, _| {
                    std::thread::sleep(Duration::from_millis(1));
                });
        });
        let (per, outside) = pool.take_busy();
        assert_eq!(per.len(), 2);
        assert_eq!(outside, Duration::ZERO);
        let total: Duration = per.iter().sum();
        // 64 ms of sleeps on two threads: at least that much busy in all,
        // not twice it (the install thread's chunks are inside its outer span).
        assert!(total >= Duration::from_millis(60), "{per:?}");
        assert!(total < Duration::from_millis(400), "{per:?}");
        let (again, _) = pool.take_busy();
        assert!(again.iter().all(|d| d.is_zero()), "reset: {again:?}");
    }

    #[test]
    fn spawned_jobs_run_on_pool_threads() {
        let pool = WorkPool::new(3).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..6 {
            let tx = tx.clone();
            pool.spawn(move || {
                let name = std::thread::current().name().map(str::to_string);
                tx.send((rayon::current_thread_index(), name)).unwrap();
            });
        }
        for _ in 0..6 {
            let (i, name) = rx.recv().unwrap();
            assert!(i.is_some_and(|i| i < 3));
            assert!(name.unwrap().starts_with(THREAD_NAME));
        }
        assert!(!pool.is_worker());
        assert!(pool.install(|| pool.is_worker()));
    }
}
