//! The gathers around `steer` on the GPU: `gather_info` copies what steer
//! reads of each living entity into cell order; `reset_slots` clears the
//! per-slot results; `scatter_steer` writes steer's cell-ordered results back
//! to the slots. Twins of `cpu::steer::gather_info` and the end of
//! `cpu::steer::steer`.

use super::buffers::{Buffers, Sizes, bind, dispatch, put, set, submit};
use super::layout::{GatherUniform, GpuInfo, GpuSteerOut};
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

/// The pipelines and their bindings.
pub struct Gather {
    gather_info: wgpu::ComputePipeline,
    reset_slots: wgpu::ComputePipeline,
    scatter_steer: wgpu::ComputePipeline,
    gather_group: wgpu::BindGroup,
    reset_group: wgpu::BindGroup,
    scatter_group: wgpu::BindGroup,
}

impl Gather {
    /// Builds the passes over `b` (`gather_u`: living entities, slots).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let d = &ctx.device;
        let gather_info = pipeline(d, "gather", "gather_info");
        let reset_slots = pipeline(d, "gather", "reset_slots");
        let scatter_steer = pipeline(d, "gather", "scatter_steer");
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
                (6, &b.ids),
                (7, &b.info),
            ],
        );
        let reset_group = bind(
            ctx,
            &reset_slots,
            "sim.gather.reset",
            &[(0, &b.gather_u), (9, &b.slot_out)],
        );
        let scatter_group = bind(
            ctx,
            &scatter_steer,
            "sim.gather.scatter",
            &[
                (0, &b.gather_u),
                (1, &b.sorted),
                (8, &b.steer_out),
                (9, &b.slot_out),
            ],
        );
        Self {
            gather_info,
            reset_slots,
            scatter_steer,
            gather_group,
            reset_group,
            scatter_group,
        }
    }

    /// Records `gather_info` over the `alive` entities in cell order.
    pub fn record_gather(&self, pass: &mut wgpu::ComputePass<'_>, alive: u32) {
        dispatch(pass, &self.gather_info, &self.gather_group, alive);
    }

    /// Records `reset_slots` over slots `0..end`, then `scatter_steer`.
    pub fn record_scatter(&self, pass: &mut wgpu::ComputePass<'_>, alive: u32, end: u32) {
        dispatch(pass, &self.reset_slots, &self.reset_group, end);
        dispatch(pass, &self.scatter_steer, &self.scatter_group, alive);
    }
}

/// Runs `gather_info` over the living slots in cell order (`sorted`), then
/// `reset_slots` and `scatter_steer` with the given cell-ordered steering
/// results; returns the gathered info and the per-slot results.
pub fn run(
    ctx: &GpuContext,
    e: &Entities,
    sorted: &[u32],
    steer_out: &[GpuSteerOut],
) -> Result<(Vec<GpuInfo>, Vec<GpuSteerOut>), GpuError> {
    let (n, cap) = (sorted.len(), e.capacity());
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, cap, (1, 1), 1))?;
    b.upload_entities(ctx, e);
    put(ctx, &b.sorted, sorted);
    put(ctx, &b.steer_out, steer_out);
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
        pass.record_gather(c, n as u32);
        pass.record_scatter(c, n as u32, cap as u32);
    });
    Ok((
        Buffers::read(ctx, &b.info, n)?,
        Buffers::read(ctx, &b.slot_out, cap)?,
    ))
}
