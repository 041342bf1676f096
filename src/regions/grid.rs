//! The region grid: a rectilinear split of the world into `rows × cols`
//! regions whose boundary lines move with the measured load.

use serde::Serialize;

use crate::model::grid::delta;

/// A `rows × cols` split of the `[0, w) × [0, h)` world. Column `c` spans
/// `xs[c] ≤ x < xs[c + 1]`, row `r` spans `ys[r] ≤ y < ys[r + 1]`; a region may be
/// empty (zero width) after rebalancing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionGrid {
    /// Region rows.
    pub rows: u32,
    /// Region columns.
    pub cols: u32,
    /// Column boundaries, `cols + 1` values from 0 to the world width.
    pub xs: Vec<f32>,
    /// Row boundaries, `rows + 1` values from 0 to the world height.
    pub ys: Vec<f32>,
}

/// Position bins per axis of the histograms the GPU backend rebalances
/// from (`region_of` counts the living per region and bin on rebalance
/// ticks, so that no position crosses to the CPU).
pub const REBALANCE_BINS: u32 = 128;

/// The default region shape for `threads` workers: about two regions per
/// worker, as square as possible.
pub fn auto_shape(threads: usize) -> (u32, u32) {
    // Capped so that the grid stays far below `MAX_REGIONS`.
    let target = (2 * threads.clamp(1, 16_384)) as u32;
    let cols = (target as f32).sqrt().ceil() as u32;
    let rows = target.div_ceil(cols);
    (rows, cols)
}

fn even(n: u32, size: f32) -> Vec<f32> {
    (0..=n)
        .map(|k| {
            if k == n {
                size
            } else {
                size * k as f32 / n as f32
            }
        })
        .collect()
}

impl RegionGrid {
    /// Equal-sized regions.
    pub fn uniform(rows: u32, cols: u32, width: f32, height: f32) -> Self {
        let (rows, cols) = (rows.max(1), cols.max(1));
        Self {
            rows,
            cols,
            xs: even(cols, width),
            ys: even(rows, height),
        }
    }

    /// Number of regions.
    pub fn len(&self) -> usize {
        (self.rows * self.cols) as usize
    }

    /// Whether there are no regions (never).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The region holding a position inside the world.
    #[inline]
    pub fn region_of(&self, p: [f32; 2]) -> u32 {
        let c = self.xs[1..self.cols as usize].partition_point(|&x| x <= p[0]) as u32;
        let r = self.ys[1..self.rows as usize].partition_point(|&y| y <= p[1]) as u32;
        r * self.cols + c
    }

    /// Distance (wu, across the wrap) from a position to the rectangle of region `r`; 0 inside.
    pub fn distance_to(&self, r: u32, p: [f32; 2]) -> f32 {
        let (row, col) = ((r / self.cols) as usize, (r % self.cols) as usize);
        let w = self.xs[self.cols as usize];
        let h = self.ys[self.rows as usize];
        let axis = |v: f32, lo: f32, hi: f32, size: f32| {
            if v >= lo && v < hi {
                0.0
            } else {
                delta(v, lo, size).abs().min(delta(v, hi, size).abs())
            }
        };
        let dx = axis(p[0], self.xs[col], self.xs[col + 1], w);
        let dy = axis(p[1], self.ys[row], self.ys[row + 1], h);
        (dx * dx + dy * dy).sqrt()
    }

    /// Moves the boundary lines so that each column and each row carries the
    /// same share of the load: `points` are the living entities' positions with
    /// their weights (load per entity of their region over the last interval);
    /// the new boundaries are weighted quantiles along each axis. A pure function
    /// of the points as a set: deterministic.
    pub fn rebalance(&mut self, points: &[([f32; 2], f64)]) {
        if points.is_empty() {
            return;
        }
        for axis in 0..2 {
            let mut v: Vec<(f32, f64)> = points.iter().map(|(p, w)| (p[axis], *w)).collect();
            v.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let total: f64 = v.iter().map(|x| x.1).sum();
            let bounds = if axis == 0 {
                &mut self.xs
            } else {
                &mut self.ys
            };
            let n = bounds.len() - 1;
            let (mut acc, mut k) = (0.0f64, 0usize);
            for (cut, b) in bounds.iter_mut().enumerate().take(n).skip(1) {
                let want = total * cut as f64 / n as f64;
                while k < v.len() && acc + v[k].1 <= want {
                    acc += v[k].1;
                    k += 1;
                }
                *b = v[k.min(v.len() - 1)].0;
            }
            for i in 1..=n {
                bounds[i] = bounds[i].max(bounds[i - 1]);
            }
        }
    }

    /// [`Self::rebalance`] from histograms instead of points (the GPU
    /// backend's): `hist` holds, per region, its living entities in
    /// `bins` equal position bins along x (`regions × bins` counts), then
    /// as many along y; `per` is the weight of one entity of each region.
    /// Each cut is the weighted quantile, interpolated inside its bin.
    pub fn rebalance_binned(&mut self, per: &[f64], hist: &[u32]) {
        let regions = self.len();
        let bins = hist.len() / (2 * regions);
        if bins == 0 {
            return;
        }
        for axis in 0..2 {
            let mut h = vec![0.0f64; bins];
            for (r, w) in per.iter().enumerate().take(regions) {
                let row = &hist[(axis * regions + r) * bins..][..bins];
                for (acc, &c) in h.iter_mut().zip(row) {
                    *acc += w * c as f64;
                }
            }
            let total: f64 = h.iter().sum();
            if total <= 0.0 {
                continue;
            }
            let bounds = if axis == 0 {
                &mut self.xs
            } else {
                &mut self.ys
            };
            let n = bounds.len() - 1;
            let size = bounds[n] as f64;
            let (mut acc, mut k) = (0.0f64, 0usize);
            for (cut, b) in bounds.iter_mut().enumerate().take(n).skip(1) {
                let want = total * cut as f64 / n as f64;
                while k < bins && acc + h[k] <= want {
                    acc += h[k];
                    k += 1;
                }
                let frac = if k < bins && h[k] > 0.0 {
                    (want - acc) / h[k]
                } else {
                    0.0
                };
                *b = ((k as f64 + frac) * size / bins as f64).min(size) as f32;
            }
            for i in 1..=n {
                bounds[i] = bounds[i].max(bounds[i - 1]);
            }
        }
    }
}

/// The bin of `v` in `[0, size)` split into `bins` (as `region_of.wgsl`).
pub fn bin_of(v: f32, size: f32, bins: u32) -> u32 {
    ((v.max(0.0) / size * bins as f32) as u32).min(bins - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_tile_the_world() {
        let g = RegionGrid::uniform(3, 5, 1000.0, 600.0);
        assert_eq!(g.region_of([0.0, 0.0]), 0);
        assert_eq!(g.region_of([999.9, 599.9]), 14);
        assert_eq!(
            g.region_of([200.0, 0.0]),
            1,
            "a point on a border belongs to the region after it"
        );
        assert_eq!(g.region_of([199.99, 200.0]), 5);
        assert_eq!(g.distance_to(0, [10.0, 10.0]), 0.0);
        assert!(
            (g.distance_to(0, [990.0, 10.0]) - 10.0).abs() < 1e-3,
            "across the wrap"
        );
        assert_eq!(auto_shape(1), (1, 2));
        assert_eq!(auto_shape(2), (2, 2));
        assert_eq!(auto_shape(4), (3, 3));
    }

    #[test]
    fn rebalancing_follows_the_load() {
        let mut g = RegionGrid::uniform(1, 4, 400.0, 100.0);
        // Ten light points on the left, thirty heavy ones on the right.
        let mut pts: Vec<([f32; 2], f64)> =
            (0..10).map(|i| ([5.0 + i as f32, 50.0], 1.0)).collect();
        pts.extend((0..30).map(|i| ([300.0 + i as f32, 50.0], 2.0)));
        g.rebalance(&pts);
        assert_eq!(g.xs.len(), 5);
        assert!(g.xs.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!((g.xs[0], g.xs[4]), (0.0, 400.0));
        assert!(g.xs[1] >= 300.0 && g.xs[3] < 330.0, "{:?}", g.xs);
        let before = g.clone();
        g.rebalance(&[]);
        assert_eq!(g, before);
    }

    #[test]
    fn binned_rebalancing_cuts_within_a_bin_of_the_exact_quantile() {
        // Two regions side by side; the same points as a list and binned.
        let mut rng = 12345u64;
        let mut next = || {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 40) as f32 / (1u64 << 24) as f32
        };
        let (w, h) = (400.0f32, 100.0f32);
        let mut exact = RegionGrid::uniform(2, 3, w, h);
        let mut binned = exact.clone();
        let bins = 64usize;
        let regions = exact.len();
        let per = [1.0, 2.0, 1.0, 3.0, 1.0, 1.0];
        let mut hist = vec![0u32; 2 * regions * bins];
        let mut points = Vec::new();
        for _ in 0..5000 {
            // Denser to the right and to the top.
            let p = [w * next().sqrt(), h * next() * next()];
            let r = exact.region_of(p) as usize;
            points.push((p, per[r]));
            hist[r * bins + bin_of(p[0], w, bins as u32) as usize] += 1;
            hist[(regions + r) * bins + bin_of(p[1], h, bins as u32) as usize] += 1;
        }
        exact.rebalance(&points);
        binned.rebalance_binned(&per, &hist);
        for (exact, binned, side) in [(&exact.xs, &binned.xs, w), (&exact.ys, &binned.ys, h)] {
            for (a, b) in exact.iter().zip(binned) {
                assert!(
                    (a - b).abs() <= side / bins as f32,
                    "{exact:?} vs {binned:?}"
                );
            }
        }
        assert!(
            binned.xs[1] > w / 3.0 + 20.0,
            "moved toward the load: {:?}",
            binned.xs
        );
        let before = binned.clone();
        binned.rebalance_binned(&per, &vec![0; 2 * regions * bins]);
        assert_eq!(binned, before, "no living entity: no change");
    }
}
