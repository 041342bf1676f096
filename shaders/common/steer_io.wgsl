// What steer reads of each neighbour (gathered in cell order) and what it
// writes per slot; shared by steer.wgsl, gather.wgsl, integrate.wgsl and
// emit_events.wgsl. GpuInfo (the twin of src/cpu/steer.rs `NeighborInfo`:
// the diet gene's 16-bit code in the high half of its last word, the tribe in
// the low half) and INTENT_NONE come from Rust
// (src/gpu/layout.rs).

// Steering results per slot: the acceleration, which steer leaves in the
// slot's `vel` for integrate (steer reads velocities only from info), and
// the intent word in `steer_out` (one word a slot): the attack
// target's slot in the low 30 bits (INTENT_NONE: nobody), the behaviour
// (common::Mode) in the top two.

fn pack_intent(slot: u32, mode: u32) -> u32 {
    return (mode << 30u) | (slot & INTENT_NONE);
}

// The attack target's slot, or NONE.
fn intent_target(w: u32) -> u32 {
    let t = w & INTENT_NONE;
    return select(t, NONE, t == INTENT_NONE);
}
