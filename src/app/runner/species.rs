//! What the Species panel shows, prepared on the simulation's thread from
//! the species book: the living species, and their sizes over time reduced
//! to a few columns and a few species (the rest summed as "other").

use crate::common::NONE;
use crate::model::genes::GENE_COUNT;
use crate::species::SpeciesBook;
use crate::{Simulation, sim::EntityView};

/// Columns of the stacked population chart.
pub const CHART_COLUMNS: usize = 96;
/// Species drawn in the chart each in its own colour (the rest are "other").
pub const CHART_SPECIES: usize = 12;
/// Ancestors the inspector looks up.
pub const ANCESTORS: usize = 8;

/// One living species, as the panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesRow {
    /// The species id.
    pub id: u32,
    /// The species it split from ([`NONE`] for a tribe's species).
    pub parent: u32,
    /// The tribe whose initial species it descends from.
    pub tribe: u16,
    /// Founding tick.
    pub founded: u32,
    /// Living members.
    pub population: u64,
    /// Gene means over its living members.
    pub means: [f32; GENE_COUNT],
}

/// The Species panel's data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpeciesView {
    /// Species alive now.
    pub alive: u32,
    /// Species founded so far (the tribes' included).
    pub total: u32,
    /// The living species, largest first.
    pub living: Vec<SpeciesRow>,
    /// The species the chart shows in their own colours.
    pub charted: Vec<u32>,
    /// Chart columns: (tick, size of each charted species, size of the rest).
    pub columns: Vec<(u32, Vec<u32>, u32)>,
    /// The tick of the newest history sample used.
    pub sampled: u32,
}

impl SpeciesView {
    /// The view of `book`.
    pub fn of(book: &SpeciesBook) -> Self {
        let mut living: Vec<SpeciesRow> = book
            .list
            .iter()
            .filter(|s| s.alive())
            .map(|s| SpeciesRow {
                id: s.id,
                parent: s.parent,
                tribe: s.tribe,
                founded: s.founded,
                population: s.population,
                means: s.gene_means(),
            })
            .collect();
        living.sort_by_key(|s| (std::cmp::Reverse(s.population), s.id));
        // The columns: every k-th history sample, newest last.
        let h = &book.history;
        let step = h.len().div_ceil(CHART_COLUMNS).max(1);
        let picked: Vec<_> = h.iter().rev().step_by(step).collect();
        // Charted: the species largest at their peak over the picked samples.
        let mut peak = std::collections::BTreeMap::<u32, u32>::new();
        for s in &picked {
            for &(id, n) in &s.sizes {
                let p = peak.entry(id).or_default();
                *p = (*p).max(n);
            }
        }
        let mut by_peak: Vec<(u32, u32)> = peak.into_iter().collect();
        by_peak.sort_by_key(|&(id, n)| (std::cmp::Reverse(n), id));
        let mut charted: Vec<u32> = by_peak
            .iter()
            .take(CHART_SPECIES)
            .map(|&(id, _)| id)
            .collect();
        charted.sort_unstable();
        let columns = picked
            .iter()
            .rev()
            .map(|s| {
                let mut own = vec![0; charted.len()];
                let mut rest = s.other;
                for &(id, n) in &s.sizes {
                    match charted.binary_search(&id) {
                        Ok(k) => own[k] = n,
                        Err(_) => rest += n,
                    }
                }
                (s.tick, own, rest)
            })
            .collect();
        Self {
            alive: book.alive_count(),
            total: book.total(),
            living,
            charted,
            columns,
            sampled: h.back().map_or(0, |s| s.tick),
        }
    }
}

/// The inspected creature's ancestors, parent first, as far as they live:
/// (id, alive). The first one not alive ends the list (its own parent is
/// not recorded any more). Reads every slot's id (on the GPU backend, after
/// a sync).
pub fn ancestors(sim: &Simulation, e: &EntityView) -> Vec<(u32, bool)> {
    let ents = sim.entities();
    let end = sim.live_end().min(ents.capacity());
    let mut out = Vec::new();
    let mut parent = e.parent;
    while parent != NONE && out.len() < ANCESTORS {
        match (0..end).find(|&i| ents.alive(i) && ents.id[i] == parent) {
            Some(slot) => {
                out.push((parent, true));
                parent = sim.species().parent_of(slot);
            }
            None => {
                out.push((parent, false));
                break;
            }
        }
    }
    out
}
