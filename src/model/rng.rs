//! The counter-based RNG `rng(seed, tick, id, stream)`.
//!
//! No RNG state lives anywhere: every random number is a pure function of the
//! scenario seed, the tick, an entity id (or another counter) and a stream
//! constant naming its purpose. The hash is two rounds of a PCG-style 4×32-bit
//! permutation, using only wrapping 32-bit integer arithmetic so that the WGSL
//! twin (`shaders/common/rng.wgsl`) computes the same bits. The committed
//! vectors in `tests/data/rng_vectors.csv` pin the function down.

/// Streams: one constant per use, so that two uses never share numbers.
pub mod stream {
    /// Spawn position attempts (attempt number is added).
    pub const SPAWN_POS: u32 = 0x0100;
    /// Spawn genes (gene index is added).
    pub const SPAWN_GENES: u32 = 0x0200;
    /// Spawn velocity, energy and age.
    pub const SPAWN_STATE: u32 = 0x0300;
    /// Terrain elevation lattice.
    pub const TERRAIN_ELEVATION: u32 = 0x0400;
    /// Terrain moisture lattice.
    pub const TERRAIN_MOISTURE: u32 = 0x0500;
    /// Wander direction and the attack roll, per tick.
    pub const STEER: u32 = 0x0600;
    /// Reproduction roll, per tick.
    pub const REPRODUCE: u32 = 0x0700;
    /// Mutation of a child's genes (gene index is added).
    pub const MUTATE: u32 = 0x0800;
    /// Placement of a child near its parent (attempt number is added).
    pub const BIRTH_POS: u32 = 0x0900;
    /// The food grid's rounding dither, per tick (`model::quanta`).
    pub const FOOD_DITHER: u32 = 0x0a00;
    /// An experiment's run seeds (the run's index is the id).
    pub const EXPERIMENT: u32 = 0x0b00;
}

#[inline(always)]
fn permute(mut v: [u32; 4]) -> [u32; 4] {
    for x in &mut v {
        *x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    }
    v[0] = v[0].wrapping_add(v[1].wrapping_mul(v[3]));
    v[1] = v[1].wrapping_add(v[2].wrapping_mul(v[0]));
    v[2] = v[2].wrapping_add(v[0].wrapping_mul(v[1]));
    v[3] = v[3].wrapping_add(v[1].wrapping_mul(v[2]));
    for x in &mut v {
        *x ^= *x >> 16;
    }
    v[0] = v[0].wrapping_add(v[1].wrapping_mul(v[3]));
    v[1] = v[1].wrapping_add(v[2].wrapping_mul(v[0]));
    v[2] = v[2].wrapping_add(v[0].wrapping_mul(v[1]));
    v[3] = v[3].wrapping_add(v[1].wrapping_mul(v[2]));
    v
}

/// Four independent 32-bit random words for `(seed, tick, id, stream)`.
#[inline]
pub fn rng4(seed: u64, tick: u32, id: u32, stream: u32) -> [u32; 4] {
    let lo = seed as u32;
    let hi = (seed >> 32) as u32;
    let a = permute([id, tick, stream, lo]);
    permute([a[0] ^ hi, a[1], a[2], a[3]])
}

/// One 32-bit random word for `(seed, tick, id, stream)`.
#[inline]
pub fn rng(seed: u64, tick: u32, id: u32, stream: u32) -> u32 {
    rng4(seed, tick, id, stream)[0]
}

/// Maps a random word to a float in `[0, 1)` with 24 bits of precision.
#[inline]
pub fn unit(word: u32) -> f32 {
    (word >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// Maps a random word to a float in `[-1, 1)`.
#[inline]
pub fn signed_unit(word: u32) -> f32 {
    unit(word) * 2.0 - 1.0
}

/// A bell-shaped value with mean 0 and standard deviation 1 (sum of four
/// uniforms, rescaled; bounded by ±3.46).
#[inline]
pub fn bell(w: [u32; 4]) -> f32 {
    let s = unit(w[0]) + unit(w[1]) + unit(w[2]) + unit(w[3]) - 2.0;
    s * 1.732_050_8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_and_counters_change_the_output() {
        let base = rng(7, 1, 2, 3);
        assert_ne!(base, rng(8, 1, 2, 3));
        assert_ne!(base, rng(7, 2, 2, 3));
        assert_ne!(base, rng(7, 1, 3, 3));
        assert_ne!(base, rng(7, 1, 2, 4));
        assert_ne!(base, rng(7 | (1 << 40), 1, 2, 3));
    }

    #[test]
    fn unit_is_roughly_uniform() {
        let n = 100_000u32;
        let mut buckets = [0u32; 10];
        for i in 0..n {
            let u = unit(rng(1, 0, i, 0));
            assert!((0.0..1.0).contains(&u));
            buckets[(u * 10.0) as usize] += 1;
        }
        for b in buckets {
            assert!((9_000..11_000).contains(&b), "bucket count {b}");
        }
    }

    #[test]
    fn bell_has_unit_spread() {
        let n = 50_000u32;
        let (mut s, mut s2) = (0.0f64, 0.0f64);
        for i in 0..n {
            let x = bell(rng4(3, 0, i, 9)) as f64;
            s += x;
            s2 += x * x;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }
}
