//! Species and lineage (ARCHITECTURE.md, Species and lineage): which
//! creatures descend from which, and when a lineage has drifted far enough to
//! count as a new species.
//!
//! Every creature belongs to a species and records its parent's id. The
//! initial species are the scenario's tribes (species `k` = tribe `k`), each
//! represented by the mean genes of its spawned members. A child belongs to
//! its parent's species unless its genes lie farther than
//! `species.threshold` ([`distance`]) from that species' representative; then
//! it founds a new one: the next id, its parent species, the founding tick,
//! and the founder's genes as the representative.
//!
//! A representative then follows its species: at every history sample
//! (every 60 ticks) it moves to the living members' mean genes. A species is
//! thus a cluster that may drift, and a new one splits off where a child
//! lies far from its species' present centre. (With representatives fixed
//! at the founders' genes, directional selection carries whole species past
//! the threshold and nearly every birth founds a species of its own:
//! measured in docs/TUNING.md, "Species".)
//!
//! Founding happens where births are committed (`Regions::commit`, serially
//! in ascending parent id after the parallel region tasks), so species ids
//! and the tree are the same for any threads and region grid, and on either
//! backend for the same events. The book lives on the host only: the GPU keeps no species
//! array. For drawing, the low 15 bits of a creature's species ride in the
//! otherwise unused high bits of its `tribe_flags` word ([`tag`]); the
//! simulation never reads them (and `state_hash` leaves them out: the
//! [`SpeciesBook::hash`] covers the species).
//!
//! Counts and gene sums are kept incrementally (births add, deaths
//! subtract; genes never change in a life), in integer gene codes, so means
//! are exact and cost nothing per tick.

mod newick;
mod table;
mod tag;

pub use tag::{TAG_MASK, TAG_SHIFT, color, tag, with_tag};

use std::collections::VecDeque;

use crate::common::NONE;
use crate::model::entities::{Entities, Fnv};
use crate::model::genes::{GENE_COUNT, PackedGenes, code, decode};

/// The genetic distance between two genomes: the root mean square over the
/// nine genes of their difference as a fraction of the gene's range, from 0
/// (equal) to 1 (every gene at opposite ends). Exact on every platform (an
/// integer sum, one division and one square root, both correctly rounded).
pub fn distance(a: &PackedGenes, b: &PackedGenes) -> f64 {
    let mut sum: u64 = 0;
    for k in 0..GENE_COUNT {
        let d = code(a, k).abs_diff(code(b, k)) as u64;
        sum += d * d;
    }
    (sum as f64 / GENE_COUNT as f64).sqrt() / 65535.0
}

/// The genome of the mean codes `sums / n` (rounded down; zeros when `n` is 0).
fn mean_genome(sums: &[u64; GENE_COUNT], n: u64) -> PackedGenes {
    let mut g = [0u32; 5];
    for (k, s) in sums.iter().enumerate() {
        let q = s.checked_div(n).unwrap_or(0) as u32;
        g[k / 2] |= (q & 0xffff) << ((k % 2) * 16);
    }
    g
}

/// One species' record, kept after it dies out.
#[derive(Debug, Clone, PartialEq)]
pub struct Species {
    /// Its id (its index in [`SpeciesBook::list`]).
    pub id: u32,
    /// The species it split from ([`NONE`] for an initial species).
    pub parent: u32,
    /// The tribe of its founder (of its members).
    pub tribe: u16,
    /// The tick whose events gave birth to its founder (0 for an initial species).
    pub founded: u32,
    /// The founder's id ([`NONE`] for an initial species).
    pub founder: u32,
    /// The tick it died out ([`NONE`] while it lives).
    pub extinct: u32,
    /// The genome children are compared with: the founder's genes at the
    /// founding, then the living members' mean genes as of the last
    /// history sample.
    pub representative: PackedGenes,
    /// Living members.
    pub population: u64,
    /// Members ever (initial ones and births).
    pub members: u64,
    /// Sum over the living members of each gene's code.
    pub gene_sums: [u64; GENE_COUNT],
}

impl Species {
    /// Whether it has living members.
    pub fn alive(&self) -> bool {
        self.extinct == NONE
    }

    /// The mean of each gene over its living members (zeros when none).
    pub fn gene_means(&self) -> [f32; GENE_COUNT] {
        let mut m = [0.0; GENE_COUNT];
        if self.population > 0 {
            for (k, v) in m.iter_mut().enumerate() {
                let q = self.gene_sums[k] as f64 / self.population as f64;
                *v = decode(k, 0) + (decode(k, 65535) - decode(k, 0)) * (q / 65535.0) as f32;
            }
        }
        m
    }

    /// Its fixed-size fields as words: id, parent, tribe, founded, founder,
    /// extinct, then the representative's five (as snapshots store them
    /// and [`SpeciesBook::hash`] hashes them).
    pub fn words(&self) -> [u32; 11] {
        let r = self.representative;
        [
            self.id,
            self.parent,
            self.tribe as u32,
            self.founded,
            self.founder,
            self.extinct,
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
        ]
    }

    fn add(&mut self, g: &PackedGenes) {
        for (k, s) in self.gene_sums.iter_mut().enumerate() {
            *s += code(g, k) as u64;
        }
        self.population += 1;
        self.members += 1;
    }
}

/// One sample of the species history: the living species' sizes at a tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeciesSample {
    /// The tick the sample was taken at.
    pub tick: u32,
    /// (species, living members), ascending species: the
    /// [`HISTORY_SPECIES`] largest living species.
    pub sizes: Vec<(u32, u32)>,
    /// Living members of the other living species.
    pub other: u32,
}

/// Species a history sample lists by name (the largest; the rest are summed
/// in [`SpeciesSample::other`]), so that a low threshold's thousands of
/// species cannot make the history large.
pub const HISTORY_SPECIES: usize = 64;

/// Every species so far, which species each slot's creature belongs to and
/// who its parent was, and a history of sizes for plots.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesBook {
    /// Every species founded, by id.
    pub list: Vec<Species>,
    /// The species of each slot's creature (meaningless for free slots).
    of_slot: Vec<u32>,
    /// The parent id of each slot's creature plus one (0 for the spawned:
    /// slots never used stay zero, and so cost no resident memory).
    parent_of_slot: Vec<u32>,
    /// Sizes over time, oldest first, at most `limit` samples.
    pub history: VecDeque<SpeciesSample>,
    /// Samples the history keeps.
    pub limit: usize,
    /// Species living now.
    alive: u32,
}

impl SpeciesBook {
    /// The book of a fresh world: one species per tribe (`tribes` of them),
    /// every living slot below `end` in its tribe's species, each species
    /// represented by its members' mean genes. Writes the species tags into
    /// `e`'s flags. `capacity` slots; a history of `limit` samples.
    pub fn from_tribes(e: &mut Entities, end: usize, tribes: usize, limit: usize) -> Self {
        let capacity = e.capacity();
        let mut list: Vec<Species> = (0..tribes)
            .map(|t| Species {
                id: t as u32,
                parent: NONE,
                tribe: t as u16,
                founded: 0,
                founder: NONE,
                extinct: NONE,
                representative: [0; 5],
                population: 0,
                members: 0,
                gene_sums: [0; GENE_COUNT],
            })
            .collect();
        let mut of_slot = vec![0; capacity];
        for i in 0..end.min(capacity) {
            if !e.alive(i) {
                continue;
            }
            let t = e.tribe(i) as usize;
            if t >= list.len() {
                continue;
            }
            list[t].add(&e.genes[i]);
            of_slot[i] = t as u32;
            e.tribe_flags[i] = with_tag(e.tribe_flags[i], t as u32);
        }
        for s in &mut list {
            s.representative = mean_genome(&s.gene_sums, s.population);
            if s.population == 0 {
                s.extinct = 0;
            }
        }
        let alive = list.iter().filter(|s| s.alive()).count() as u32;
        Self {
            list,
            of_slot,
            parent_of_slot: vec![0; capacity],
            history: VecDeque::new(),
            limit,
            alive,
        }
    }

    /// A placeholder book with no species and no slots yet: a world
    /// replaces it with [`Self::from_tribes`] or a snapshot's book once its
    /// creatures are spawned or loaded. (It allocates no per-slot arrays:
    /// two arrays of the whole capacity, made only to be freed, would raise
    /// glibc's mmap threshold to their size, and the tick's freed scratch
    /// would then stay resident: 7 MB of RSS at 1M.)
    pub fn empty(limit: usize) -> Self {
        Self {
            list: Vec::new(),
            of_slot: Vec::new(),
            parent_of_slot: Vec::new(),
            history: VecDeque::new(),
            limit: limit.max(1),
            alive: 0,
        }
    }

    /// Species living now.
    pub fn alive_count(&self) -> u32 {
        self.alive
    }

    /// Species founded so far (the initial ones included).
    pub fn total(&self) -> u32 {
        self.list.len() as u32
    }

    /// The species of the creature in `slot`.
    pub fn species_of(&self, slot: usize) -> u32 {
        self.of_slot.get(slot).copied().unwrap_or(NONE)
    }

    /// The parent id of the creature in `slot` ([`NONE`] for a spawned one).
    pub fn parent_of(&self, slot: usize) -> u32 {
        self.parent_of_slot
            .get(slot)
            .map_or(NONE, |p| p.wrapping_sub(1))
    }

    /// Records a birth: the child (`child`: its slot and id, with `genes`)
    /// of the creature `parent` (its slot and id), at the resolution of
    /// `tick`'s events. Founds a species when the child's genes lie farther
    /// than `threshold` from its parent species' representative. Returns
    /// the child's species.
    pub fn born(
        &mut self,
        threshold: f32,
        tick: u32,
        parent: (u32, u32),
        child: (u32, u32),
        genes: &PackedGenes,
    ) -> u32 {
        let ((parent_slot, parent_id), (slot, child_id)) = (parent, child);
        let parent_species = self.of_slot[parent_slot as usize];
        let rep = &self.list[parent_species as usize].representative;
        let species = if distance(genes, rep) > threshold as f64 {
            let id = self.list.len() as u32;
            self.list.push(Species {
                id,
                parent: parent_species,
                tribe: self.list[parent_species as usize].tribe,
                founded: tick,
                founder: child_id,
                extinct: NONE,
                representative: *genes,
                population: 0,
                members: 0,
                gene_sums: [0; GENE_COUNT],
            });
            self.alive += 1;
            id
        } else {
            parent_species
        };
        self.list[species as usize].add(genes);
        self.of_slot[slot as usize] = species;
        self.parent_of_slot[slot as usize] = parent_id.wrapping_add(1);
        species
    }

    /// Records the death of the creature in `slot` (with `genes`) at the
    /// resolution of `tick`'s events; its species dies out with its last member.
    pub fn died(&mut self, tick: u32, slot: u32, genes: &PackedGenes) {
        let Some(s) = self.list.get_mut(self.of_slot[slot as usize] as usize) else {
            return;
        };
        for (k, sum) in s.gene_sums.iter_mut().enumerate() {
            *sum -= code(genes, k) as u64;
        }
        s.population -= 1;
        if s.population == 0 {
            s.extinct = tick;
            self.alive -= 1;
        }
    }

    /// Moves the per-slot records with the slots after a re-sort: `order`
    /// holds the old slot of each new slot `0..order.len()`; `end` is one
    /// past the highest slot used before it (those above stay untouched);
    /// `buf` is scratch ([`crate::common::pool::permute`]).
    pub fn renumber(&mut self, order: &[u32], end: usize, buf: &mut Vec<u32>) {
        crate::common::pool::permute(&mut self.of_slot, order, buf);
        crate::common::pool::permute(&mut self.parent_of_slot, order, buf);
        let end = end.clamp(order.len(), self.of_slot.len());
        self.of_slot[order.len()..end].fill(0);
        self.parent_of_slot[order.len()..end].fill(0);
    }

    /// Adds a history sample of the living species' sizes at `tick`, and
    /// moves each living species' representative to its members' mean genes.
    pub fn sample(&mut self, tick: u32) {
        for s in self.list.iter_mut().filter(|s| s.population > 0) {
            s.representative = mean_genome(&s.gene_sums, s.population);
        }
        let mut sizes: Vec<(u32, u32)> = self
            .list
            .iter()
            .filter(|s| s.population > 0)
            .map(|s| (s.id, s.population as u32))
            .collect();
        let mut other = 0;
        if sizes.len() > HISTORY_SPECIES {
            sizes.sort_unstable_by_key(|&(id, n)| (std::cmp::Reverse(n), id));
            other = sizes[HISTORY_SPECIES..].iter().map(|&(_, n)| n).sum();
            sizes.truncate(HISTORY_SPECIES);
            sizes.sort_unstable();
        }
        if self.history.len() == self.limit {
            self.history.pop_front();
        }
        self.history.push_back(SpeciesSample { tick, sizes, other });
    }

    /// The ancestry of `species`: itself, its parent species, …, back to an
    /// initial species.
    pub fn lineage(&self, species: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut s = species;
        while let Some(r) = self.list.get(s as usize) {
            out.push(s);
            if r.parent == NONE || out.len() > self.list.len() {
                break;
            }
            s = r.parent;
        }
        out
    }

    /// A hash of the species records and of every living slot's species
    /// and parent (slots below `end` alive in `e`): equal books give equal
    /// hashes on every platform.
    pub fn hash(&self, e: &Entities, end: usize) -> u64 {
        let mut h = Fnv::new();
        for s in &self.list {
            for w in s.words() {
                h.word(w);
            }
            h.word(s.population as u32);
            h.word(s.members as u32);
        }
        for i in 0..end.min(e.capacity()) {
            if e.alive(i) {
                h.word(i as u32);
                h.word(self.of_slot[i]);
                h.word(self.parent_of_slot[i]);
            }
        }
        h.finish()
    }

    /// The per-slot records (species, parent id plus one), for snapshots.
    pub fn slots(&self) -> (&[u32], &[u32]) {
        (&self.of_slot, &self.parent_of_slot)
    }

    /// A book from the parts a snapshot saved; `None` when they
    /// do not fit together (per-slot arrays of another length than
    /// `capacity`, a slot's species unknown, counts that disagree).
    pub fn from_parts(
        list: Vec<Species>,
        of_slot: Vec<u32>,
        parent_of_slot: Vec<u32>,
        history: VecDeque<SpeciesSample>,
        limit: usize,
        capacity: usize,
    ) -> Option<Self> {
        if of_slot.len() != capacity || parent_of_slot.len() != capacity || limit == 0 {
            return None;
        }
        let ids_ok = list.iter().enumerate().all(|(k, s)| {
            s.id == k as u32
                && (s.parent == NONE || s.parent < s.id)
                && (s.population == 0) == (s.extinct != NONE)
        });
        if !ids_ok || history.len() > limit {
            return None;
        }
        let alive = list.iter().filter(|s| s.alive()).count() as u32;
        Some(Self {
            list,
            of_slot,
            parent_of_slot,
            history,
            limit,
            alive,
        })
    }

    /// Checks the book against the living slots below `end` of `e`: each
    /// one's species known and of its tribe, its tag in the flags, the
    /// species' living counts and gene sums matching. The first mismatch,
    /// if any.
    pub fn check(&self, e: &Entities, end: usize) -> Result<(), String> {
        let mut n = vec![0u64; self.list.len()];
        let mut sums = vec![[0u64; GENE_COUNT]; self.list.len()];
        for i in 0..end.min(e.capacity()) {
            if !e.alive(i) {
                continue;
            }
            let s = self.of_slot[i] as usize;
            if s >= self.list.len() {
                return Err(format!("slot {i}: species {s} unknown"));
            }
            if (e.tribe_flags[i] >> TAG_SHIFT) & TAG_MASK != s as u32 & TAG_MASK {
                return Err(format!("slot {i}: species tag differs from species {s}"));
            }
            if e.tribe(i) != self.list[s].tribe {
                return Err(format!("slot {i}: tribe differs from species {s}'s"));
            }
            n[s] += 1;
            for (k, v) in sums[s].iter_mut().enumerate() {
                *v += code(&e.genes[i], k) as u64;
            }
        }
        for (s, r) in self.list.iter().enumerate() {
            if r.population != n[s] || r.gene_sums != sums[s] {
                return Err(format!(
                    "species {s}: {} members recorded, {} living (or their genes differ)",
                    r.population, n[s]
                ));
            }
        }
        Ok(())
    }

    /// The species tree in Newick format as of `now`: each species a leaf
    /// `s<id>`, a lineage split where a species was founded from it, branch
    /// lengths in ticks, the tribes' species under one root.
    pub fn newick(&self, now: u32) -> String {
        newick::write(&self.list, now)
    }
}

#[cfg(test)]
mod tests;
