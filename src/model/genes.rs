//! The nine genes: ranges, 16-bit fixed-point packing and mutation.
//!
//! Gene `k` is stored as a 16-bit fraction of its range in word `k / 2` of a
//! [`PackedGenes`], in the low half for even `k` and the high half for odd `k`.
//! One function unpacks them here and one in `shaders/common/genes.wgsl`.

use super::params::MutationParams;
use super::rng::{bell, rng4, stream, unit};

/// Number of genes.
pub const GENE_COUNT: usize = 9;
/// Words of a packed genome.
pub const PACKED_WORDS: usize = 5;
/// Nine 16-bit genes in five 32-bit words.
pub type PackedGenes = [u32; PACKED_WORDS];

/// Declares every gene once: its index (in [`Genes`], the packed words and
/// `shaders/common/genes.wgsl`), its name in scenario files and output, its
/// range and its meaning. Generates [`Gene`], [`GENE_NAMES`] and [`GENE_RANGES`].
macro_rules! genes {
    ($( $(#[doc = $doc:literal])* $gene:ident = $k:literal, $name:literal, [$lo:expr, $hi:expr]; )*) => {
        /// Index of each gene in [`Genes`] and in the packed words.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        pub enum Gene {
            $(
                $(#[doc = $doc])*
                #[doc = concat!("\n\n`", $name, "`, ", stringify!($lo), " to ", stringify!($hi), ".")]
                $gene = $k,
            )*
        }

        /// Gene names, in index order, as used in scenario files and output.
        pub const GENE_NAMES: [&str; GENE_COUNT] = [$($name),*];

        /// Each gene's `(min, max)`, in index order.
        pub const GENE_RANGES: [(f32, f32); GENE_COUNT] = [$(($lo, $hi)),*];
    };
}

genes! {
    /// Top speed (wu/s).
    Speed = 0, "speed", [5.0, 25.0];
    /// Vision radius (wu).
    Vision = 1, "vision", [5.0, 100.0];
    /// Metabolism (dimensionless): energy burn, eating speed, lifespan.
    Metabolism = 2, "metabolism", [0.01, 2.0];
    /// Reproduction chance (1/s).
    ReproChance = 3, "repro_chance", [0.0, 0.2];
    /// Aggression: attack rate and damage.
    Aggression = 4, "aggression", [0.0, 1.0];
    /// Cohesion with the own tribe.
    Cohesion = 5, "cohesion", [0.0, 0.75];
    /// Food standards: the least food a cell must hold to be sought.
    FoodStandards = 6, "food_standards", [0.0, 1.0];
    /// Diet: −1 herbivore … +1 carnivore.
    Diet = 7, "diet", [-1.0, 1.0];
    /// View cone's full angle (degrees).
    ViewAngle = 8, "view_angle", [30.0, 180.0];
}

/// Unpacked genes, in index order (see [`Gene`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Genes(pub [f32; GENE_COUNT]);

impl Genes {
    /// The value of one gene.
    #[inline]
    pub fn get(&self, g: Gene) -> f32 {
        self.0[g as usize]
    }
}

/// The 16-bit fixed-point code of gene `k`.
#[inline]
pub fn code(p: &PackedGenes, k: usize) -> u32 {
    (p[k / 2] >> ((k % 2) * 16)) & 0xffff
}

#[inline]
fn set_code(p: &mut PackedGenes, k: usize, q: u32) {
    let shift = (k % 2) * 16;
    p[k / 2] = (p[k / 2] & !(0xffff << shift)) | ((q & 0xffff) << shift);
}

/// Decodes gene `k` from its code.
#[inline]
pub fn decode(k: usize, q: u32) -> f32 {
    let (lo, hi) = GENE_RANGES[k];
    lo + (hi - lo) * (q as f32 / 65535.0)
}

/// Encodes a value of gene `k` (clamped to its range).
#[inline]
pub fn encode(k: usize, v: f32) -> u32 {
    let (lo, hi) = GENE_RANGES[k];
    let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
    (t * 65535.0 + 0.5) as u32
}

/// Unpacks one gene.
#[inline]
pub fn gene(p: &PackedGenes, g: Gene) -> f32 {
    decode(g as usize, code(p, g as usize))
}

/// Packs nine gene values, each clamped to its range.
pub fn pack(g: &Genes) -> PackedGenes {
    let mut p = [0u32; PACKED_WORDS];
    for k in 0..GENE_COUNT {
        set_code(&mut p, k, encode(k, g.0[k]));
    }
    p
}

/// Unpacks all nine genes.
pub fn unpack(p: &PackedGenes) -> Genes {
    let mut g = [0.0; GENE_COUNT];
    for (k, v) in g.iter_mut().enumerate() {
        *v = decode(k, code(p, k));
    }
    Genes(g)
}

/// A child's genes: each gene mutates with probability `m.rate`, by a small
/// bell-shaped step (sd `m.step` of the range) or, with probability
/// `m.jump_chance`, by a uniform jump of up to `m.jump` of the range; the
/// result is clamped to the range. Randomness is keyed by (seed, tick, parent id).
pub fn mutate(
    parent: &PackedGenes,
    m: &MutationParams,
    seed: u64,
    tick: u32,
    parent_id: u32,
) -> PackedGenes {
    let mut child = *parent;
    for k in 0..GENE_COUNT {
        let w = rng4(seed, tick, parent_id, stream::MUTATE + k as u32);
        if unit(w[0]) >= m.rate {
            continue;
        }
        let t = code(parent, k) as f32 / 65535.0;
        let delta = if unit(w[1]) < m.jump_chance {
            (unit(w[2]) * 2.0 - 1.0) * m.jump
        } else {
            let w2 = rng4(seed, tick, parent_id, stream::MUTATE + 0x80 + k as u32);
            bell(w2) * m.step
        };
        let nt = (t + delta).clamp(0.0, 1.0);
        set_code(&mut child, k, (nt * 65535.0 + 0.5) as u32);
    }
    child
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_roundtrip_within_quantum() {
        for i in 0..1000u32 {
            let mut g = [0.0; GENE_COUNT];
            for k in 0..GENE_COUNT {
                let (lo, hi) = GENE_RANGES[k];
                g[k] = lo + (hi - lo) * unit(super::super::rng::rng(5, 0, i, k as u32));
            }
            let back = unpack(&pack(&Genes(g)));
            for k in 0..GENE_COUNT {
                let (lo, hi) = GENE_RANGES[k];
                assert!((back.0[k] - g[k]).abs() <= (hi - lo) / 65535.0, "gene {k}");
            }
        }
    }

    #[test]
    fn ends_of_ranges_are_exact_and_clamped() {
        let lo = Genes(GENE_RANGES.map(|r| r.0));
        let hi = Genes(GENE_RANGES.map(|r| r.1));
        assert_eq!(unpack(&pack(&lo)), lo);
        assert_eq!(unpack(&pack(&hi)), hi);
        let over = Genes(GENE_RANGES.map(|r| r.1 + 100.0));
        assert_eq!(unpack(&pack(&over)), hi);
        let under = Genes(GENE_RANGES.map(|r| r.0 - 100.0));
        assert_eq!(unpack(&pack(&under)), lo);
    }

    #[test]
    fn mutation_is_deterministic_bounded_and_mostly_small() {
        let m = MutationParams {
            rate: 1.0,
            ..Default::default()
        };
        let mid = pack(&Genes(GENE_RANGES.map(|r| (r.0 + r.1) / 2.0)));
        let (mut small, mut total) = (0, 0);
        for id in 0..2000u32 {
            let c = mutate(&mid, &m, 11, 3, id);
            assert_eq!(c, mutate(&mid, &m, 11, 3, id));
            for k in 0..GENE_COUNT {
                let d = (code(&c, k) as f32 - code(&mid, k) as f32).abs() / 65535.0;
                total += 1;
                if d < 4.0 * m.step {
                    small += 1;
                }
            }
        }
        assert!(small as f32 / total as f32 > 0.9, "{small}/{total}");
        assert!(small < total, "occasional larger jumps");
        let none = MutationParams {
            rate: 0.0,
            ..Default::default()
        };
        assert_eq!(mutate(&mid, &none, 11, 3, 1), mid);
    }

    #[test]
    fn mutation_stays_in_range_at_the_edges() {
        let m = MutationParams {
            rate: 1.0,
            jump_chance: 0.5,
            jump: 1.0,
            ..Default::default()
        };
        for edge in [GENE_RANGES.map(|r| r.0), GENE_RANGES.map(|r| r.1)] {
            let p = pack(&Genes(edge));
            for id in 0..500 {
                let g = unpack(&mutate(&p, &m, 1, 1, id));
                for k in 0..GENE_COUNT {
                    assert!(g.0[k] >= GENE_RANGES[k].0 && g.0[k] <= GENE_RANGES[k].1);
                }
            }
        }
    }
}
