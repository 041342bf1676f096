// hash_scan: exclusive prefix sum of any length, in levels: `scan_blocks`
// scans each block of 256 in workgroup memory and writes the block's total;
// the totals are scanned the same way (recursively, on the host's orders);
// `add_offsets` adds each block's scanned total back. Twin of
// src/cpu/hash_scan.rs.

struct ScanUniform {
    n: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> scan: ScanUniform;
@group(0) @binding(1) var<storage, read_write> data: array<u32>;
@group(0) @binding(2) var<storage, read_write> block_sums: array<u32>;

var<workgroup> tmp: array<u32, 256>;

@compute @workgroup_size(256)
fn scan_blocks(
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let block = wid.x + wid.y * nwg.x;
    let i = block * 256u + lid.x;
    var v = 0u;
    if i < scan.n {
        v = data[i];
    }
    tmp[lid.x] = v;
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
    if i < scan.n {
        data[i] = tmp[lid.x] - v;
    }
    if lid.x == 255u {
        block_sums[block] = tmp[255u];
    }
}

@compute @workgroup_size(256)
fn add_offsets(
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let block = wid.x + wid.y * nwg.x;
    let i = block * 256u + lid.x;
    if i < scan.n {
        data[i] = data[i] + block_sums[block];
    }
}
