// participants: copies what the region workers read of every entity named in
// this tick's event lists (attack targets and attackers, reproduction
// candidates, deaths) into one compact array, so that only these records
// cross to the CPU (twin of the `Snap` copies in src/regions/mod.rs).
// Record k: attack k / 2 (target, then attacker), then the candidates, then
// the deaths (which emit_events wrote at the back of `entity_events`). The
// uniform's counts are the prefixes of the lists the tick reads back (the
// GPU world does not know the lists' lengths when it records this pass):
// entries past a list's end hold stale words, so their slots are clamped
// into the arrays, and the CPU drops their records.
// Its bindings are declared in src/gpu/participants.rs, the shared structs and
// constants in src/gpu/layout.rs.

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
    s = min(s, arrayLength(&ids) - 1u);
    records[k] = ParticipantRecord(s, ids[s], tribe_flags[s], owner[s], pos[s], energy[s], load_genes(s).w);
}
