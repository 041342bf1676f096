// Genes: nine 16-bit codes in five u32 words (gene k in word k / 2, low half
// for even k). The twin of src/model/genes.rs.

const GENE_SPEED: u32 = 0u;
const GENE_VISION: u32 = 1u;
const GENE_METABOLISM: u32 = 2u;
const GENE_REPRO_CHANCE: u32 = 3u;
const GENE_AGGRESSION: u32 = 4u;
const GENE_COHESION: u32 = 5u;
const GENE_FOOD_STANDARDS: u32 = 6u;
const GENE_DIET: u32 = 7u;
const GENE_VIEW_ANGLE: u32 = 8u;

const GENE_LO = array<f32, 9>(5.0, 5.0, 0.01, 0.0, 0.0, 0.0, 0.0, -1.0, 30.0);
const GENE_HI = array<f32, 9>(25.0, 100.0, 2.0, 0.2, 1.0, 0.75, 1.0, 1.0, 180.0);

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
