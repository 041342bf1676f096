//! The measurement behind every tick-time figure: `evosim bench` natively
//! and the browser demo's `?bench=` page run the same one.
//!
//! One run ([`BenchRun`]) is a scenario resized to N entities at the same
//! density ([`Scenario::scaled_to`]), on one backend, advanced by `warmup`
//! untimed ticks and then by `ticks` timed ones; each timed tick's wall time
//! and each pass's time are kept ([`Samples`]) and summarised as median, p95
//! and p99 by nearest rank ([`Summary`]). The run is driven one tick at a
//! time ([`BenchRun::step`]) so that a front end can show progress between
//! ticks, or — in a browser — give the event loop a turn, outside the timed
//! part.

use web_time::Instant;

use crate::common::pass::Pass;
use crate::{Backend, Scenario, SimError, Simulation};

/// Timed ticks per run unless asked otherwise.
pub const DEFAULT_TICKS: u32 = 200;

/// Untimed warm-up ticks before them unless asked otherwise (pipelines,
/// caches and allocations warm up).
pub const DEFAULT_WARMUP: u32 = 20;

/// The `q` quantile (nearest rank) of sorted values; 0 for none.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The values in ascending order.
pub fn sorted(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s
}

/// The entity counts of a sweep: ascending, each once.
pub fn sweep(sizes: &[u64]) -> Vec<u64> {
    let mut s = sizes.to_vec();
    s.sort_unstable();
    s.dedup();
    s
}

/// Tick-time figures of one run (ms).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "web-types", derive(tsify::Tsify))]
pub struct Summary {
    /// Median (nearest rank).
    pub median_ms: f64,
    /// 95th percentile (nearest rank).
    pub p95_ms: f64,
    /// 99th percentile (nearest rank).
    pub p99_ms: f64,
    /// Fastest tick.
    pub min_ms: f64,
    /// Slowest tick.
    pub max_ms: f64,
    /// Mean tick time.
    pub mean_ms: f64,
}

impl Summary {
    /// The figures of these tick times (all 0 for none).
    pub fn of(tick_ms: &[f64]) -> Self {
        let s = sorted(tick_ms);
        Summary {
            median_ms: quantile(&s, 0.5),
            p95_ms: quantile(&s, 0.95),
            p99_ms: quantile(&s, 0.99),
            min_ms: s.first().copied().unwrap_or(0.0),
            max_ms: s.last().copied().unwrap_or(0.0),
            mean_ms: s.iter().sum::<f64>() / s.len().max(1) as f64,
        }
    }
}

/// What the timed ticks of a run recorded.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// Wall time of each timed tick (ms), in order.
    pub tick_ms: Vec<f64>,
    /// Each pass's time in each timed tick (ms), in [`Pass::ALL`] order.
    pub pass_ms: Vec<Vec<f64>>,
    /// Sum over the timed ticks of the living population.
    pub entity_ticks: f64,
    /// Living population before the first timed tick.
    pub population_start: u64,
    /// On the GPU backend: how each timed tick spent its time between the
    /// GPU and the CPU.
    pub gpu: Vec<crate::gpu::GpuTickStats>,
}

impl Samples {
    fn with_capacity(ticks: usize) -> Self {
        Samples {
            tick_ms: Vec::with_capacity(ticks),
            pass_ms: Pass::ALL
                .iter()
                .map(|_| Vec::with_capacity(ticks))
                .collect(),
            entity_ticks: 0.0,
            population_start: 0,
            gpu: Vec::new(),
        }
    }

    /// Median, p95, p99, … of the tick times.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.tick_ms)
    }

    /// Living entities advanced per second of tick time.
    pub fn entity_ticks_per_s(&self) -> f64 {
        let s: f64 = self.tick_ms.iter().sum::<f64>() / 1e3;
        if s > 0.0 { self.entity_ticks / s } else { 0.0 }
    }

    /// Means over the timed GPU ticks (`None` on the CPU backend).
    pub fn gpu_means(&self) -> Option<GpuMeans> {
        if self.gpu.is_empty() {
            return None;
        }
        let n = self.gpu.len() as f64;
        let mean =
            |f: fn(&crate::gpu::GpuTickStats) -> f64| self.gpu.iter().map(f).sum::<f64>() / n;
        Some(GpuMeans {
            readbacks_per_tick: mean(|g| g.maps as f64),
            overflow_maps_per_tick: mean(|g| g.overflow_maps as f64),
            reorder_maps_per_tick: mean(|g| g.reorder_maps as f64),
            gpu_busy_ms: mean(|g| g.gpu_busy_s) * 1e3,
            wait_ms: mean(|g| g.wait_s) * 1e3,
            cpu_resolve_ms: mean(|g| g.resolve_s) * 1e3,
            overlap_ms: mean(|g| g.overlap_s) * 1e3,
        })
    }

    /// Each pass's median time (ms), in [`Pass::ALL`] order.
    pub fn pass_medians(&self) -> Vec<(&'static str, f64)> {
        Pass::ALL
            .iter()
            .zip(&self.pass_ms)
            .map(|(p, v)| (p.name(), quantile(&sorted(v), 0.5)))
            .collect()
    }
}

/// Per-tick means of a GPU run's traffic between the GPU and the CPU.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpuMeans {
    /// Buffers mapped (blocking readbacks) per tick.
    pub readbacks_per_tick: f64,
    /// Of those: second maps of event lists longer than their prefixes.
    pub overflow_maps_per_tick: f64,
    /// Of those: maps of the new slot order on re-sort ticks.
    pub reorder_maps_per_tick: f64,
    /// GPU time per tick (timestamps, or the wait where there are none).
    pub gpu_busy_ms: f64,
    /// From submitting a tick's passes to their results on the CPU.
    pub wait_ms: f64,
    /// The region workers' time per tick.
    pub cpu_resolve_ms: f64,
    /// The part of `cpu_resolve_ms` that overlapped GPU work.
    pub overlap_ms: f64,
}

/// Why a run could not start.
#[derive(Debug)]
pub enum StartError {
    /// The scenario cannot be resized to that count.
    Scenario(String),
    /// The simulation cannot be built (no adapter, threads refused, …).
    Sim(SimError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Scenario(e) => f.write_str(e),
            StartError::Sim(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StartError {}

/// One benchmark run in progress: the simulation and what its timed ticks
/// recorded so far.
pub struct BenchRun {
    sim: Simulation,
    entities: u64,
    ticks: u32,
    warmup: u32,
    done: u32,
    samples: Samples,
}

impl BenchRun {
    /// A run of `base` resized to `entities` at the same density, on
    /// `backend` with `threads` worker threads (0: one per core), for
    /// `warmup` untimed then `ticks` timed ticks.
    pub fn new(
        base: &Scenario,
        entities: u64,
        backend: Backend,
        threads: usize,
        ticks: u32,
        warmup: u32,
    ) -> Result<Self, StartError> {
        let scaled = base
            .scaled_to(entities)
            .map_err(|e| StartError::Scenario(e.to_string()))?;
        let sim = Simulation::new(scaled, backend, threads).map_err(StartError::Sim)?;
        Ok(BenchRun {
            sim,
            entities,
            ticks,
            warmup,
            done: 0,
            samples: Samples::with_capacity(ticks as usize),
        })
    }

    /// Runs the next tick: a warm-up tick, or a timed one whose wall time,
    /// pass times and population are recorded. Does nothing once
    /// [`Self::finished`].
    pub fn step(&mut self) -> Result<(), SimError> {
        if self.finished() {
            return Ok(());
        }
        if self.done < self.warmup {
            self.sim.step()?;
        } else {
            if self.done == self.warmup {
                self.samples.population_start = self.sim.population();
            }
            let start = Instant::now();
            self.sim.step()?;
            self.samples
                .tick_ms
                .push(start.elapsed().as_secs_f64() * 1e3);
            for (acc, (_, t)) in self
                .samples
                .pass_ms
                .iter_mut()
                .zip(self.sim.timings().iter())
            {
                acc.push(t.as_secs_f64() * 1e3);
            }
            self.samples.entity_ticks += self.sim.population() as f64;
            if let Some(g) = self.sim.gpu().map(|g| g.last_tick()) {
                self.samples.gpu.push(g);
            }
        }
        self.done += 1;
        Ok(())
    }

    /// Whether every tick has run.
    pub fn finished(&self) -> bool {
        self.done >= self.total()
    }

    /// Whether the next tick is a warm-up tick.
    pub fn warming_up(&self) -> bool {
        self.done < self.warmup
    }

    /// Ticks run so far, warm-up included.
    pub fn done(&self) -> u32 {
        self.done
    }

    /// Ticks of the whole run, warm-up included.
    pub fn total(&self) -> u32 {
        self.warmup + self.ticks
    }

    /// The entity count asked for.
    pub fn entities(&self) -> u64 {
        self.entities
    }

    /// The simulation (its backend, adapter, population, state hash, …).
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// What the timed ticks recorded so far.
    pub fn samples(&self) -> &Samples {
        &self.samples
    }

    /// The simulation and the samples.
    pub fn into_parts(self) -> (Simulation, Samples) {
        (self.sim, self.samples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 50.0);
        assert_eq!(quantile(&v, 0.95), 95.0);
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 100.0);
        assert_eq!(quantile(&[7.0], 0.99), 7.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
        // Three values: ranks ⌈1.5⌉ = 2 and ⌈2.85⌉ = 3.
        assert_eq!(quantile(&[1.0, 2.0, 3.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0], 0.95), 3.0);
    }

    #[test]
    fn summary_of_unsorted_times() {
        let s = Summary::of(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(
            s,
            Summary {
                median_ms: 2.0,
                p95_ms: 4.0,
                p99_ms: 4.0,
                min_ms: 1.0,
                max_ms: 4.0,
                mean_ms: 2.5,
            }
        );
        assert_eq!(Summary::of(&[]).median_ms, 0.0);
        assert_eq!(Summary::of(&[]).mean_ms, 0.0);
    }

    #[test]
    fn sweep_sorts_and_dedups() {
        assert_eq!(sweep(&[25_000, 10_000, 25_000]), vec![10_000, 25_000]);
    }

    #[test]
    fn a_run_warms_up_then_times_every_tick() {
        let base = Scenario::default_scenario();
        let mut run = BenchRun::new(&base, 300, Backend::Cpu, 1, 3, 2).unwrap();
        assert_eq!(run.total(), 5);
        let mut warm = 0;
        while !run.finished() {
            warm += u32::from(run.warming_up());
            run.step().unwrap();
        }
        run.step().unwrap();
        assert_eq!((warm, run.done()), (2, 5));
        let (sim, s) = run.into_parts();
        assert_eq!(sim.tick(), 5);
        assert_eq!(s.tick_ms.len(), 3);
        assert!(s.pass_ms.iter().all(|p| p.len() == 3));
        assert!(s.population_start > 0);
        assert!(s.entity_ticks >= s.population_start as f64);
    }

    #[test]
    fn a_count_the_scenario_refuses_is_a_scenario_error() {
        let base = Scenario::default_scenario();
        assert!(matches!(
            BenchRun::new(&base, 0, Backend::Cpu, 1, 1, 0),
            Err(StartError::Scenario(_))
        ));
    }
}
