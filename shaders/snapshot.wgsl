// snapshot: copies what the region workers read of every entity named in
// this tick's event lists (attack targets and attackers, reproduction
// candidates, deaths) into one compact array, so that only these records
// cross to the CPU (twin of the `Snap` copies in src/regions/mod.rs).
// Record k: attack k / 2 (target, then attacker), then the candidates, then
// the deaths (which emit_events wrote at the back of `entity_events`).

// Layout: src/gpu/layout.rs `SnapshotUniform` and `SnapRecord`.
struct SnapshotUniform {
    attacks: u32,
    repro: u32,
    deaths: u32,
    n: u32,
}

struct SnapRecord {
    slot: u32,
    id: u32,
    tribe_flags: u32,
    owner: u32,
    pos: vec2<f32>,
    energy: f32,
    _pad0: u32,
    genes: Genome,
    _pad1: u32,
    _pad2: u32,
    _pad3: u32,
}

@group(0) @binding(0) var<uniform> u: SnapshotUniform;
@group(0) @binding(1) var<storage, read> attacks: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> entity_events: array<vec2<u32>>;
@group(0) @binding(3) var<storage, read> pos: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read> energy: array<f32>;
@group(0) @binding(5) var<storage, read> tribe_flags: array<u32>;
@group(0) @binding(6) var<storage, read> ids: array<u32>;
@group(0) @binding(7) var<storage, read> genes: array<Genome>;
@group(0) @binding(8) var<storage, read> owner: array<u32>;
@group(0) @binding(9) var<storage, read_write> records: array<SnapRecord>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    let pairs = 2u * u.attacks;
    if k >= pairs + u.repro + u.deaths {
        return;
    }
    var s: u32;
    if k < pairs {
        let a = attacks[k / 2u];
        s = select(a.w, a.z, k % 2u == 0u);
    } else if k < pairs + u.repro {
        s = entity_events[k - pairs].y & 0x7fffffffu;
    } else {
        s = entity_events[u.n - u.deaths + (k - pairs - u.repro)].y & 0x7fffffffu;
    }
    records[k] = SnapRecord(s, ids[s], tribe_flags[s], owner[s], pos[s], energy[s], 0u, genes[s], 0u, 0u, 0u);
}
