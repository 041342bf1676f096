//! The gather around `steer` on the GPU: `gather_info` copies what steer
//! reads of each living entity into cell order; `reset_slots` clears the
//! per-slot results before steer writes those of the living. Twins of
//! `cpu::steer::gather_info` and the end of `cpu::steer::steer`.

use super::buffers::{Buffers, Sizes, bind, dispatch, put, set, submit};
use super::layout::{GatherUniform, GpuInfo, GpuSteerOut, STEER_WORDS};
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

/// The pipelines and their bindings.
pub struct Gather {
    gather_info: wgpu::ComputePipeline,
    reset_slots: wgpu::ComputePipeline,
    gather_group: wgpu::BindGroup,
    reset_group: wgpu::BindGroup,
}

impl Gather {
    /// Builds the passes over `b` (`gather_u`: living entities, slots).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let d = &ctx.device;
        let gather_info = pipeline(d, "gather", "gather_info");
        let reset_slots = pipeline(d, "gather", "reset_slots");
        let gather_group = bind(
            ctx,
            &gather_info,
            "sim.gather.info",
            &[
                (0, &b.gather_u),
                (1, &b.sorted),
                (2, &b.vel),
                (3, &b.energy),
                (4, &b.genes),
                (5, &b.tribe_flags),
                (7, &b.info),
            ],
        );
        let reset_group = bind(
            ctx,
            &reset_slots,
            "sim.gather.reset",
            &[(0, &b.gather_u), (8, &b.steer_out)],
        );
        Self {
            gather_info,
            reset_slots,
            gather_group,
            reset_group,
        }
    }

    /// Records `gather_info` over the `alive` entities in cell order, then
    /// `reset_slots` over slots `0..end`.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, alive: u32, end: u32) {
        dispatch(pass, &self.gather_info, &self.gather_group, alive);
        dispatch(pass, &self.reset_slots, &self.reset_group, end);
    }
}

/// Runs `gather_info` over the living slots in cell order (`sorted`) and
/// `reset_slots` over every slot (after filling the results with `stale`);
/// returns the gathered info and the per-slot results.
pub fn run(
    ctx: &GpuContext,
    e: &Entities,
    sorted: &[u32],
    stale: &GpuSteerOut,
) -> Result<(Vec<GpuInfo>, Vec<GpuSteerOut>), GpuError> {
    let (n, cap) = (sorted.len(), e.capacity());
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, cap, (1, 1), 1))?;
    b.upload_entities(ctx, e);
    put(ctx, &b.sorted, sorted);
    put(ctx, &b.steer_out, &stale.encode().repeat(cap));
    set(
        ctx,
        &b.gather_u,
        &GatherUniform {
            n: n as u32,
            capacity: cap as u32,
            _pad: [0; 2],
        },
    );
    let pass = Gather::new(ctx, &b);
    submit(ctx, "sim.pass.gather", |c| {
        pass.record(c, n as u32, cap as u32)
    });
    let words: Vec<u32> = Buffers::read(ctx, &b.steer_out, STEER_WORDS * cap)?;
    Ok((
        Buffers::read(ctx, &b.info, n)?,
        GpuSteerOut::decode_all(&words),
    ))
}
