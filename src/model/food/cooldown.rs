//! The regrowth cooldown of the food cells: the model's seconds counted as
//! ticks ([`Countdown`]), one or two bytes a cell ([`Cooldowns`]).

/// The most ticks a cooldown may last (`food.cooldown / world.dt`, counted
/// as the model counts them): the counter is 16 bits.
pub const MAX_COOLDOWN_TICKS: u32 = u16::MAX as u32;

/// Bits a cooldown counter takes for a cooldown of `ticks` ticks: 8 up to
/// 255 ticks, else 16 (see [`Cooldowns`]).
pub fn cooldown_bits(ticks: u16) -> u32 {
    if ticks <= u8::MAX as u16 { 8 } else { 16 }
}

/// The cooldown's seconds per number of ticks left.
#[derive(Debug, Clone, PartialEq)]
pub struct Countdown {
    /// `secs[j]`: the seconds left when `j` ticks are left (`secs[0] = 0`,
    /// `secs[ticks] = food.cooldown`).
    secs: Vec<f32>,
}

impl Countdown {
    /// The countdown from `cooldown` seconds by `dt` a tick, or `None` when
    /// it lasts more than [`MAX_COOLDOWN_TICKS`].
    pub fn new(cooldown: f32, dt: f32) -> Option<Self> {
        let mut down = vec![cooldown.max(0.0)];
        let mut t = cooldown;
        while t > 0.0 {
            t = (t - dt).max(0.0);
            down.push(t);
            if down.len() > MAX_COOLDOWN_TICKS as usize + 1 {
                return None;
            }
        }
        down.reverse();
        Some(Self { secs: down })
    }

    /// [`Countdown::new`], or for a longer cooldown its last
    /// [`MAX_COOLDOWN_TICKS`] ticks (parameters that fail validation).
    pub fn capped(cooldown: f32, dt: f32) -> Self {
        Self::new(cooldown, dt).unwrap_or_else(|| {
            let mut c = Self::new(dt * (MAX_COOLDOWN_TICKS / 2) as f32, dt)
                .unwrap_or(Self { secs: vec![0.0] });
            c.secs.truncate(MAX_COOLDOWN_TICKS as usize + 1);
            c
        })
    }

    /// Ticks a freshly eaten cell waits before it regrows.
    #[inline]
    pub fn ticks(&self) -> u16 {
        (self.secs.len() - 1) as u16
    }

    /// Seconds left with `left` ticks left.
    #[inline]
    pub fn seconds(&self, left: u16) -> f32 {
        self.secs[(left as usize).min(self.secs.len() - 1)]
    }

    /// Ticks left with `secs` seconds left: exact for every value the
    /// countdown passes through; other values round to the first tick whose
    /// seconds are at least `secs` (more than the cooldown: all of it).
    pub fn ticks_left(&self, secs: f32) -> u16 {
        if secs.is_nan() || secs <= 0.0 {
            return 0;
        }
        self.secs
            .partition_point(|&s| s < secs)
            .min(self.secs.len() - 1) as u16
    }
}

/// The ticks left of each cell's cooldown: one byte a cell when a cooldown
/// lasts at most 255 ticks (the default, 2 s at 60 ticks a second, lasts
/// 120), else two. Either holds every value the countdown passes through,
/// so the choice is invisible to the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Cooldowns {
    /// Cooldowns of at most 255 ticks.
    Bytes(Vec<u8>),
    /// Longer cooldowns (at most [`MAX_COOLDOWN_TICKS`]).
    Words(Vec<u16>),
}

impl Cooldowns {
    /// `cells` cells at 0, for a cooldown of `ticks` ticks.
    pub fn new(cells: usize, ticks: u16) -> Self {
        if cooldown_bits(ticks) == 8 {
            Self::Bytes(vec![0; cells])
        } else {
            Self::Words(vec![0; cells])
        }
    }

    /// Bits per cell: 8 or 16 (see [`cooldown_bits`]).
    pub fn bits(&self) -> u32 {
        match self {
            Self::Bytes(_) => 8,
            Self::Words(_) => 16,
        }
    }

    /// The counters' bytes in memory order, cell `k` at byte `k` (8 bits)
    /// or bytes `2k`, `2k + 1` (16 bits): the GPU's packing, four or two
    /// cells a `u32`, on the little-endian targets evosim builds for (x86-64,
    /// AArch64, wasm32).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Bytes(v) => v,
            Self::Words(v) => bytemuck::cast_slice(v),
        }
    }

    /// Sets every counter from bytes laid out as [`Self::as_bytes`] (bytes
    /// past the last cell are ignored).
    pub fn copy_from_bytes(&mut self, bytes: &[u8]) {
        match self {
            Self::Bytes(v) => {
                let n = v.len();
                v.copy_from_slice(&bytes[..n]);
            }
            Self::Words(v) => {
                for (w, b) in v.iter_mut().zip(bytes.chunks_exact(2)) {
                    *w = u16::from_ne_bytes([b[0], b[1]]);
                }
            }
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            Self::Bytes(v) => v.len(),
            Self::Words(v) => v.len(),
        }
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ticks left at cell `k`.
    #[inline]
    pub fn get(&self, k: usize) -> u16 {
        match self {
            Self::Bytes(v) => v[k] as u16,
            Self::Words(v) => v[k],
        }
    }

    /// Sets the ticks left at cell `k` (at most the cooldown's ticks).
    #[inline]
    pub fn set(&mut self, k: usize, ticks: u16) {
        match self {
            Self::Bytes(v) => {
                debug_assert!(ticks <= u8::MAX as u16, "{ticks} ticks in a byte");
                v[k] = ticks.min(u8::MAX as u16) as u8
            }
            Self::Words(v) => v[k] = ticks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tick_countdown_is_the_seconds_countdown() {
        for (cooldown, dt) in [
            (2.0f32, 1.0 / 60.0),
            (0.0, 0.01),
            (0.5, 0.1),
            (1.0, 0.3),
            (7.3, 1.0 / 30.0),
        ] {
            let c = Countdown::new(cooldown, dt).unwrap();
            // The model's countdown, step by step, against the table.
            let mut t = cooldown;
            let mut left = c.ticks();
            assert_eq!(c.seconds(left), t);
            while t > 0.0 {
                t = (t - dt).max(0.0);
                left -= 1;
                assert_eq!(c.seconds(left), t, "cooldown {cooldown} dt {dt}");
                assert_eq!(c.ticks_left(t), left);
            }
            assert_eq!(left, 0, "the countdown ends when the seconds reach 0");
        }
    }

    #[test]
    fn a_cooldown_longer_than_the_counter_is_refused() {
        assert!(Countdown::new(3600.0, 0.001).is_none());
        assert!(Countdown::new(1000.0, 1.0 / 60.0).is_some());
    }

    #[test]
    fn off_countdown_seconds_round_up_to_a_tick() {
        let c = Countdown::new(1.0, 0.25).unwrap();
        assert_eq!(c.ticks(), 4);
        assert_eq!(c.ticks_left(0.1), 1);
        assert_eq!(c.ticks_left(0.3), 2);
        assert_eq!(c.ticks_left(-1.0), 0);
        assert_eq!(c.ticks_left(f32::NAN), 0);
        assert_eq!(c.ticks_left(99.0), 4);
    }
}
