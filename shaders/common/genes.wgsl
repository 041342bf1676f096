// Genes: nine 16-bit codes in five u32 words (gene k in word k / 2, low half
// for even k). The twin of src/model/genes.rs. The gene indices GENE_* and
// the ranges GENE_LO / GENE_HI come from Rust (src/gpu/layout.rs).

struct Genome {
    w: array<u32, 5>,
}

fn gene_code(g: Genome, k: u32) -> u32 {
    return (g.w[k / 2u] >> ((k % 2u) * 16u)) & 0xffffu;
}

// Gene k's value from its 16-bit code.
fn gene_value(k: u32, code: u32) -> f32 {
    let lo = GENE_LO[k];
    let hi = GENE_HI[k];
    return lo + (hi - lo) * (f32(code) / 65535.0);
}

fn gene(g: Genome, k: u32) -> f32 {
    return gene_value(k, gene_code(g, k));
}
