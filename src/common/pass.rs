//! The passes of a tick, named once.
//!
//! [`Pass`] is the one list of the tick's stages (ARCHITECTURE.md, One
//! tick). Everything that names a pass — the shader file, the CPU twin, the
//! timers, the benchmark rows, shader hot reload, the docs — takes the name
//! from here; [`Pass::tick_order`] is the order a tick runs them in, which
//! the engines report and the tests check. [`Timings`] holds one duration
//! per pass.

use std::ops::{Index, IndexMut};
use std::time::Duration;

/// One stage of the tick. The variants are listed as the per-entity work
/// flows (the hash, steering, movement, food, events), which is the order of
/// the benchmark's rows; [`Pass::tick_order`] says when each runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pass {
    /// Cell of each entity and per-cell counts (counting sort, step 1).
    HashCount,
    /// Exclusive prefix sum of the cell counts (counting sort, step 2).
    HashScan,
    /// Entities into cell order, ascending id within a cell (step 3).
    HashScatter,
    /// Every `hash.reorder_interval` ticks: the entity arrays permuted into cell order.
    Reorder,
    /// Sense and steer: neighbours, food, flocking, hunting, fleeing, attack intents.
    Steer,
    /// Velocity, speed clamp, terrain sliding, wrap, energy, age.
    Integrate,
    /// Grazing: eaters per food cell, equal shares.
    Feed,
    /// Logistic regrowth of the food grid.
    FoodRegrow,
    /// The region that owns each entity; population and migrations per region.
    RegionOf,
    /// Attack, reproduction-candidate and death lists.
    EmitEvents,
    /// GPU backend: the readback of the compact results, the write-back and
    /// the waiting for the GPU (zero on the CPU backend).
    Transfer,
    /// The region workers: combat, deaths, reproduction, bookkeeping.
    Resolve,
}

impl Pass {
    /// Number of passes.
    pub const COUNT: usize = 12;

    /// Every pass, in the order of the variants (the GPU's timed passes
    /// first).
    pub const ALL: [Pass; Self::COUNT] = [
        Pass::HashCount,
        Pass::HashScan,
        Pass::HashScatter,
        Pass::Reorder,
        Pass::Steer,
        Pass::Integrate,
        Pass::Feed,
        Pass::FoodRegrow,
        Pass::RegionOf,
        Pass::EmitEvents,
        Pass::Transfer,
        Pass::Resolve,
    ];

    /// The passes the GPU runs as compute passes (timed with timestamp
    /// queries where the adapter has them): the first [`Self::GPU_TIMED`].
    pub const GPU_TIMED: usize = 10;

    /// The order one tick runs its stages in. `reorder`: the tick re-sorts
    /// the slots (every `hash.reorder_interval` ticks), which comes first.
    ///
    /// On the CPU engine `resolve` runs next (the region workers on the
    /// last tick's events, against the state as it is), then the
    /// per-entity passes from `hash_count` to `emit_events`, and `resolve`
    /// again last: the resolution's effects applied (ARCHITECTURE.md,
    /// Events one tick late). On the GPU engine the per-entity passes are
    /// submitted first, `resolve` runs on the CPU while the GPU computes
    /// them, and `transfer` waits for them, reads back the tick's results
    /// and writes the effects back.
    pub fn tick_order(reorder: bool, gpu: bool) -> Vec<Pass> {
        // The per-entity passes: every pass but the three around them.
        let passes = (Self::ALL.into_iter())
            .filter(|p| !matches!(p, Pass::Reorder | Pass::Resolve | Pass::Transfer));
        let mut order = Vec::with_capacity(Self::COUNT + 1);
        if reorder {
            order.push(Pass::Reorder);
        }
        if gpu {
            order.extend(passes);
            order.extend([Pass::Resolve, Pass::Transfer]);
        } else {
            order.push(Pass::Resolve);
            order.extend(passes);
            order.push(Pass::Resolve);
        }
        order
    }

    /// The pass's name: its timer, its benchmark row, its CPU twin's module.
    pub const fn name(self) -> &'static str {
        match self {
            Pass::HashCount => "hash_count",
            Pass::HashScan => "hash_scan",
            Pass::HashScatter => "hash_scatter",
            Pass::Reorder => "reorder",
            Pass::Steer => "steer",
            Pass::Integrate => "integrate",
            Pass::Feed => "feed",
            Pass::FoodRegrow => "food_regrow",
            Pass::RegionOf => "region_of",
            Pass::EmitEvents => "emit_events",
            Pass::Transfer => "transfer",
            Pass::Resolve => "resolve",
        }
    }

    /// The shader files (in `shaders/`, without `.wgsl`) whose pipelines
    /// this pass records; empty for the passes that run on the CPU only.
    pub const fn shaders(self) -> &'static [&'static str] {
        match self {
            Pass::HashCount => &["hash_count"],
            Pass::HashScan => &["hash_scan"],
            Pass::HashScatter => &["hash_scatter"],
            Pass::Reorder => &["reorder"],
            Pass::Steer => &["gather", "steer"],
            Pass::Integrate => &["integrate"],
            Pass::Feed => &["feed"],
            Pass::FoodRegrow => &["food_regrow"],
            Pass::RegionOf => &["region_of"],
            Pass::EmitEvents => &["emit_events"],
            Pass::Transfer | Pass::Resolve => &[],
        }
    }

    /// Where the CPU backend does this pass (the twin of [`Self::shaders`]).
    pub const fn cpu_twin(self) -> &'static str {
        match self {
            Pass::HashCount => "cpu::hash_count",
            Pass::HashScan => "cpu::hash_scan",
            Pass::HashScatter => "cpu::hash_scatter",
            Pass::Reorder => "cpu::reorder",
            Pass::Steer => "cpu::steer",
            Pass::Integrate => "cpu::integrate",
            Pass::Feed => "cpu::feed",
            Pass::FoodRegrow => "cpu::food_regrow",
            Pass::RegionOf => "regions::Regions::assign_owners",
            Pass::EmitEvents => "cpu::emit_events",
            Pass::Transfer => "(none: GPU backend only)",
            Pass::Resolve => "regions::Regions::resolve",
        }
    }

    /// Whether the GPU backend times this pass with timestamp queries.
    pub const fn gpu_timed(self) -> bool {
        (self as usize) < Self::GPU_TIMED
    }

    /// The pass that records the pipelines of shader file `file`, if any.
    pub fn of_shader(file: &str) -> Option<Pass> {
        Self::ALL.into_iter().find(|p| p.shaders().contains(&file))
    }
}

impl std::fmt::Display for Pass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Time spent in each pass (one tick's, or a sum).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings([Duration; Pass::COUNT]);

impl Timings {
    /// Each pass with its time, in execution order.
    pub fn iter(&self) -> impl Iterator<Item = (Pass, Duration)> + '_ {
        Pass::ALL.into_iter().zip(self.0)
    }

    /// The sum over every pass.
    pub fn total(&self) -> Duration {
        self.0.iter().sum()
    }
}

impl Index<Pass> for Timings {
    type Output = Duration;
    fn index(&self, p: Pass) -> &Duration {
        &self.0[p as usize]
    }
}

impl IndexMut<Pass> for Timings {
    fn index_mut(&mut self, p: Pass) -> &mut Duration {
        &mut self.0[p as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_in_declaration_order_and_names_are_unique() {
        for (k, p) in Pass::ALL.into_iter().enumerate() {
            assert_eq!(p as usize, k, "{p}");
        }
        let mut names: Vec<_> = Pass::ALL.iter().map(|p| p.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Pass::COUNT);
        let timed: Vec<_> = Pass::ALL.into_iter().filter(|p| p.gpu_timed()).collect();
        assert_eq!(timed, Pass::ALL[..Pass::GPU_TIMED]);
        assert!(timed.iter().all(|p| !p.shaders().is_empty()));
    }

    #[test]
    fn shader_files_find_their_pass() {
        assert_eq!(Pass::of_shader("gather"), Some(Pass::Steer));
        assert_eq!(Pass::of_shader("hash_scan"), Some(Pass::HashScan));
        assert_eq!(Pass::of_shader("write_back"), None);
    }
}
