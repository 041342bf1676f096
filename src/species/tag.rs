//! The species tag a creature's `tribe_flags` word carries for drawing (its
//! species' low 15 bits in the otherwise unused high bits), and the colour
//! the viewer gives it.

/// First bit of the species tag in `tribe_flags`.
pub const TAG_SHIFT: u32 = 17;
/// Mask of the species tag (after the shift).
pub const TAG_MASK: u32 = 0x7fff;

/// The tag of `species` in `tribe_flags` (its low 15 bits, shifted).
#[inline]
pub fn tag(species: u32) -> u32 {
    (species & TAG_MASK) << TAG_SHIFT
}

/// `flags` with its species tag replaced by that of `species`.
#[inline]
pub fn with_tag(flags: u32, species: u32) -> u32 {
    (flags & !(TAG_MASK << TAG_SHIFT)) | tag(species)
}

/// The colour the viewer gives a species (as `shaders/render.wgsl`'s
/// `species_color`): its tag's hue by the golden ratio, linear RGB.
pub fn color(species: u32) -> [f32; 3] {
    let h = ((species & TAG_MASK) as f32 * 0.618_034).fract() * 6.0;
    let (s, v) = (0.7f32, 0.95f32);
    let f = |n: f32| {
        let k = (n + h) % 6.0;
        v - v * s * k.min(4.0 - k).clamp(0.0, 1.0)
    };
    [f(5.0), f(3.0), f(1.0)]
}
