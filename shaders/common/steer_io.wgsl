// What steer reads of each neighbour (gathered in cell order) and what it
// writes per slot; shared by steer.wgsl, gather.wgsl, integrate.wgsl and
// emit_events.wgsl.

// Layout: src/gpu/layout.rs `GpuInfo` (the twin of src/cpu/steer.rs
// `NeighborInfo`): 16 bytes, the diet gene's 16-bit code in the high half of
// the last word and the tribe in the low half.
struct Info {
    vel: vec2<f32>,
    energy: f32,
    diet_tribe: u32,
}

// Steering results per slot: STEER_WORDS words at STEER_WORDS * slot, the
// acceleration's x and y (bit patterns) and the intent word: the attack
// target's slot in the low 30 bits (INTENT_NONE: nobody), the behaviour
// (cpu::Mode) in the top two.
const STEER_WORDS: u32 = 3u;
const INTENT_NONE: u32 = 0x3fffffffu;

fn pack_intent(slot: u32, mode: u32) -> u32 {
    return (mode << 30u) | (slot & INTENT_NONE);
}

// The attack target's slot, or NONE.
fn intent_target(w: u32) -> u32 {
    let t = w & INTENT_NONE;
    return select(t, NONE, t == INTENT_NONE);
}
