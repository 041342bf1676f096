//! `region_of` on the GPU: the region that owns each living entity, the
//! population per region and the migrations since the previous owners (the
//! region workers' bookkeeping; twin of `RegionGrid::region_of` and
//! `Regions::assign_owners` in `src/regions/`).

use super::buffers::{Buffers, Sizes, put, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::RegionUniform;
use super::views::{MIGRATIONS, OWNER, POPULATION, POS, REGION, REGION_HIST, TRIBE_FLAGS, XS, YS};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::regions::grid::RegionGrid;

/// `region_of`'s shader: `owner` holds the previous owners until the pass
/// replaces them.
pub struct RegionOfShader;

impl Shader for RegionOfShader {
    const DECL: KernelDecl = KernelDecl::new("region_of", REGION)
        .read(&[POS, TRIBE_FLAGS, XS, YS])
        .read_write(&[OWNER, POPULATION, MIGRATIONS, REGION_HIST])
        .zeroed(&[POPULATION, MIGRATIONS, REGION_HIST]);
}

/// The pass: [`Kernel::record`] over slots `0..end` (after [`Kernel::clear`]).
pub type RegionOf = Kernel<RegionOfShader>;

/// What `region_of` produces, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnersReadback {
    /// Owner region per slot ([`crate::common::NONE`] for free slots).
    pub owner: Vec<u32>,
    /// Living entities per region.
    pub population: Vec<u32>,
    /// Entities per region whose previous owner was another region.
    pub migrations: Vec<u32>,
}

/// Runs `region_of` on `e` over `grid`, with the previous owners `prev`.
pub fn run(
    ctx: &GpuContext,
    e: &Entities,
    grid: &RegionGrid,
    prev: &[u32],
) -> Result<OwnersReadback, GpuError> {
    let cap = e.capacity();
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, cap, (grid.rows, grid.cols), 1))?;
    b.upload_entities(ctx, e);
    put(ctx, &b.xs, &grid.xs);
    put(ctx, &b.ys, &grid.ys);
    put(ctx, &b.owner, prev);
    set(
        ctx,
        &b.region_u,
        &RegionUniform {
            n: cap as u32,
            rows: grid.rows,
            cols: grid.cols,
            forget: 0,
            bins: 0,
        },
    );
    let pass = RegionOf::new(ctx, &b);
    submit(ctx, "sim.pass.region_of", |c| pass.record(c, cap as u32));
    let regions = grid.len();
    Ok(OwnersReadback {
        owner: Buffers::read(ctx, &b.owner, cap)?,
        population: Buffers::read(ctx, &b.region_pop, regions)?,
        migrations: Buffers::read(ctx, &b.region_mig, regions)?,
    })
}
