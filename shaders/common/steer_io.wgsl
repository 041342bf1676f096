// What steer reads of each neighbour (gathered in cell order) and what it
// writes per entity; shared by steer.wgsl and gather.wgsl.

// Layout: src/cpu/steer.rs `NeighborInfo` plus id and slot (`GpuInfo` in src/gpu/layout.rs).
struct Info {
    vel: vec2<f32>,
    energy: f32,
    diet: f32,
    tribe: u32,
    id: u32,
    slot: u32,
    _pad0: u32,
}

struct SteerOut {
    acc: vec2<f32>,
    intent: u32,
    mode: u32,
}
