//! Bookkeeping: cumulative per-tribe counters, gene statistics and a history ring.

use std::collections::VecDeque;

use serde::Serialize;

use crate::common::events::DeathCause;
use crate::model::entities::Entities;
use crate::model::genes::{GENE_COUNT, code, decode};

/// Cumulative counters of one tribe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TribeCounters {
    /// Living entities now.
    pub population: u64,
    /// Initial population.
    pub initial: u64,
    /// Births so far.
    pub births: u64,
    /// Deaths so far (all causes).
    pub deaths: u64,
    /// Kills made by this tribe's members.
    pub kills: u64,
    /// Members that starved.
    pub starved: u64,
    /// Members that died of old age.
    pub old_age: u64,
    /// Members killed in combat.
    pub killed: u64,
}

/// Cumulative counters of the whole world.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counters {
    /// One entry per tribe.
    pub tribes: Vec<TribeCounters>,
    /// Births dropped because every slot was taken.
    pub births_dropped: u64,
    /// Food eaten so far (f).
    pub food_eaten: f64,
}

impl Counters {
    /// Counters for tribes with these initial populations.
    pub fn new(initial: &[u64]) -> Self {
        Self {
            tribes: initial
                .iter()
                .map(|&n| TribeCounters {
                    population: n,
                    initial: n,
                    ..Default::default()
                })
                .collect(),
            births_dropped: 0,
            food_eaten: 0.0,
        }
    }

    /// Records a birth in `tribe`.
    pub fn birth(&mut self, tribe: u16) {
        let t = &mut self.tribes[tribe as usize];
        t.births += 1;
        t.population += 1;
    }

    /// Records a death in `tribe`.
    pub fn death(&mut self, tribe: u16, cause: DeathCause) {
        let t = &mut self.tribes[tribe as usize];
        t.deaths += 1;
        t.population -= 1;
        match cause {
            DeathCause::Starved => t.starved += 1,
            DeathCause::OldAge => t.old_age += 1,
            DeathCause::Killed => t.killed += 1,
        }
    }

    /// Records a kill by a member of `tribe`.
    pub fn kill(&mut self, tribe: u16) {
        self.tribes[tribe as usize].kills += 1;
    }

    /// Sum over tribes of one counter.
    pub fn total(&self, f: impl Fn(&TribeCounters) -> u64) -> u64 {
        self.tribes.iter().map(f).sum()
    }
}

/// Bins of the gene histograms (each covers 1/16 of the gene's range).
pub const HIST_BINS: usize = 16;

/// Mean, standard deviation, minimum, maximum and histogram of one gene in one tribe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct GeneStat {
    /// Mean of the gene's values over the tribe.
    pub mean: f32,
    /// Standard deviation.
    pub std: f32,
    /// Smallest value.
    pub min: f32,
    /// Largest value.
    pub max: f32,
    /// Members per 1/16 of the gene's range, lowest first.
    pub hist: [u32; HIST_BINS],
}

/// Gene statistics per tribe (`[tribe][gene]`), over the living entities.
/// Tribes with no members get all zeros.
pub fn gene_stats(e: &Entities, tribes: usize) -> Vec<[GeneStat; GENE_COUNT]> {
    let mut n = vec![0u64; tribes];
    let mut sum = vec![[0f64; GENE_COUNT]; tribes];
    let mut sum2 = vec![[0f64; GENE_COUNT]; tribes];
    let mut lo = vec![[u32::MAX; GENE_COUNT]; tribes];
    let mut hi = vec![[0u32; GENE_COUNT]; tribes];
    let mut hist = vec![[[0u32; HIST_BINS]; GENE_COUNT]; tribes];
    for i in 0..e.capacity() {
        if !e.alive(i) {
            continue;
        }
        let t = e.tribe(i) as usize;
        n[t] += 1;
        for k in 0..GENE_COUNT {
            let q = code(&e.genes[i], k);
            let v = decode(k, q) as f64;
            sum[t][k] += v;
            sum2[t][k] += v * v;
            lo[t][k] = lo[t][k].min(q);
            hi[t][k] = hi[t][k].max(q);
            hist[t][k][(q >> 12) as usize] += 1;
        }
    }
    (0..tribes)
        .map(|t| {
            let mut out = [GeneStat::default(); GENE_COUNT];
            if n[t] > 0 {
                for (k, o) in out.iter_mut().enumerate() {
                    let m = sum[t][k] / n[t] as f64;
                    let var = (sum2[t][k] / n[t] as f64 - m * m).max(0.0);
                    *o = GeneStat {
                        mean: m as f32,
                        std: var.sqrt() as f32,
                        min: decode(k, lo[t][k]),
                        max: decode(k, hi[t][k]),
                        hist: hist[t][k],
                    };
                }
            }
            out
        })
        .collect()
}

/// One sample of the history ring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistorySample {
    /// Tick of the sample.
    pub tick: u32,
    /// Population per tribe.
    pub population: Vec<u64>,
    /// Cumulative births, deaths and kills (all tribes).
    pub births: u64,
    /// Cumulative deaths.
    pub deaths: u64,
    /// Cumulative kills.
    pub kills: u64,
    /// Cumulative deaths by starvation.
    pub starved: u64,
}

/// A bounded ring of history samples, for plots.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The samples, oldest first.
    pub samples: VecDeque<HistorySample>,
    /// Most samples kept.
    pub limit: usize,
}

impl History {
    /// An empty ring holding at most `limit` samples.
    pub fn new(limit: usize) -> Self {
        Self {
            samples: VecDeque::with_capacity(limit.min(4096)),
            limit,
        }
    }

    /// Appends a sample, dropping the oldest when full.
    pub fn push(&mut self, s: HistorySample) {
        if self.samples.len() == self.limit {
            self.samples.pop_front();
        }
        self.samples.push_back(s);
    }
}
