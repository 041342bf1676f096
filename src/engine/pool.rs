//! The CPU engine's threads.

use crate::sim::SimError;

/// The threads the per-entity CPU passes and the region work run on: a
/// rayon pool natively; in the browser, which has no threads here, the work
/// runs on the calling thread (rayon's global pool falls back to it).
pub struct WorkPool {
    #[cfg(not(target_arch = "wasm32"))]
    pool: rayon::ThreadPool,
}

impl WorkPool {
    /// A pool of `threads` threads (0: one per core).
    pub fn new(threads: usize) -> Result<Self, SimError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("evosim-worker-{i}"))
                .build()
                .map_err(|e| SimError::Threads {
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

    /// Threads in the pool.
    pub fn threads(&self) -> usize {
        #[cfg(not(target_arch = "wasm32"))]
        return self.pool.current_num_threads();
        #[cfg(target_arch = "wasm32")]
        1
    }

    /// Runs `f` with the pool as rayon's current pool.
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        #[cfg(not(target_arch = "wasm32"))]
        return self.pool.install(f);
        #[cfg(target_arch = "wasm32")]
        f()
    }
}
