//! The species book in a snapshot (format version 3): every species
//! record, each slot's species and parent id plus one (0: no parent), and
//! the species history.

use std::collections::VecDeque;

use super::{Reader, SnapshotError, Writer};
use crate::model::genes::GENE_COUNT;
use crate::species::{Species, SpeciesBook, SpeciesSample};

/// Words stored per species: id, parent, tribe, founded, founder, extinct,
/// and the five words of the representative genome.
const WORDS: usize = 11;
/// `u64`s stored per species: population, members, the gene sums.
const COUNTS: usize = 2 + GENE_COUNT;

fn invalid(m: impl Into<String>) -> SnapshotError {
    SnapshotError::Invalid(m.into())
}

/// Writes `book` (`capacity` slots).
pub fn write(w: &mut Writer, book: &SpeciesBook) {
    let words: Vec<u32> = book.list.iter().flat_map(|s| s.words()).collect();
    w.words(&words);
    let counts: Vec<u64> = book
        .list
        .iter()
        .flat_map(|s| [s.population, s.members].into_iter().chain(s.gene_sums))
        .collect();
    w.u64s(&counts);
    let (species, parents) = book.slots();
    w.words(species);
    w.words(parents);
    w.u64(book.limit as u64);
    w.u64(book.history.len() as u64);
    for h in &book.history {
        w.u32(h.tick);
        w.u32(h.other);
        let sizes: Vec<[u32; 2]> = h.sizes.iter().map(|&(s, n)| [s, n]).collect();
        w.words(&sizes);
    }
}

/// Reads a book for `capacity` slots, `tribes` tribes and at most
/// `max_species` species; checks that it holds together (its agreement
/// with the entities is checked with the world's invariants).
pub fn read(
    r: &mut Reader,
    capacity: usize,
    tribes: usize,
    max_species: usize,
) -> Result<SpeciesBook, SnapshotError> {
    let words = r.u32s(max_species.saturating_mul(WORDS), "the species records")?;
    let n = words.len() / WORDS;
    if words.len() % WORDS != 0 {
        return Err(invalid("the species records are not whole"));
    }
    let counts = r.u64s(n * COUNTS, "the species counts")?;
    if counts.len() != n * COUNTS {
        return Err(invalid("the species counts do not match the records"));
    }
    let mut list = Vec::with_capacity(n);
    for (w, c) in words.chunks_exact(WORDS).zip(counts.chunks_exact(COUNTS)) {
        if w[2] as usize >= tribes {
            return Err(invalid(format!("species {}: tribe {} unknown", w[0], w[2])));
        }
        let mut gene_sums = [0; GENE_COUNT];
        gene_sums.copy_from_slice(&c[2..]);
        list.push(Species {
            id: w[0],
            parent: w[1],
            tribe: w[2] as u16,
            founded: w[3],
            founder: w[4],
            extinct: w[5],
            representative: [w[6], w[7], w[8], w[9], w[10]],
            population: c[0],
            members: c[1],
            gene_sums,
        });
    }
    let species = r.words(capacity, "each slot's species")?;
    let parents = r.words(capacity, "each slot's parent id")?;
    let limit = r.u64("the species history limit")?;
    let samples = r.u64("the species history length")?;
    if limit == 0 || limit > 1 << 20 || samples > limit {
        return Err(invalid(format!(
            "a species history of {samples} samples with limit {limit}"
        )));
    }
    let mut history = VecDeque::new();
    for _ in 0..samples {
        let tick = r.u32("a species history sample")?;
        let other = r.u32("a species history sample")?;
        let sizes = r.u32s(n.saturating_mul(2), "a species history sample")?;
        if sizes.len() % 2 != 0 {
            return Err(invalid("a species history sample is not whole"));
        }
        history.push_back(SpeciesSample {
            tick,
            sizes: sizes.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
            other,
        });
    }
    SpeciesBook::from_parts(list, species, parents, history, limit as usize, capacity)
        .ok_or_else(|| invalid("the species records are inconsistent"))
}
