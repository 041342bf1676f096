// hash_scan: exclusive prefix sum of any length, in levels: `scan_blocks`
// scans each block of SCAN_BLOCK values (each invocation adds up
// SCAN_PER_THREAD consecutive values on its own, then the workgroup scans the
// 256 partial sums in workgroup memory) and writes the block's total; the
// totals are scanned the same way (recursively, on the host's orders);
// `add_offsets` adds each block's scanned total back. Few workgroups and few
// barriers per value: software rasterizers (lavapipe) pay dearly for barriers.
// Twin of src/cpu/hash_scan.rs.
// Its bindings are declared in src/gpu/hash_scan.rs, the shared structs and
// constants in src/gpu/layout.rs.

const SCAN_PER_THREAD: u32 = 16u;

var<workgroup> tmp: array<u32, 256>;

@compute @workgroup_size(256)
fn scan_blocks(
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let block = wid.x + wid.y * nwg.x;
    let base = block * SCAN_BLOCK + lid.x * SCAN_PER_THREAD;
    // This invocation's values, scanned exclusively on their own.
    var own: array<u32, 16>;
    var sum = 0u;
    for (var k = 0u; k < SCAN_PER_THREAD; k = k + 1u) {
        own[k] = sum;
        if base + k < u.n {
            sum = sum + data[base + k];
        }
    }
    tmp[lid.x] = sum;
    workgroupBarrier();
    for (var off = 1u; off < 256u; off = off * 2u) {
        var t = 0u;
        if lid.x >= off {
            t = tmp[lid.x - off];
        }
        workgroupBarrier();
        tmp[lid.x] = tmp[lid.x] + t;
        workgroupBarrier();
    }
    let before = tmp[lid.x] - sum;
    for (var k = 0u; k < SCAN_PER_THREAD; k = k + 1u) {
        if base + k < u.n {
            data[base + k] = own[k] + before;
        }
    }
    if lid.x == 255u {
        block_sums[block] = tmp[255u];
    }
}

@compute @workgroup_size(256)
fn add_offsets(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let i = flat_index(gid, nwg);
    if i < u.n {
        data[i] = data[i] + block_sums[i / SCAN_BLOCK];
    }
}
