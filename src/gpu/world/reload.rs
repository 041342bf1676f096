//! Shader hot reload: the pipelines of one shader file rebuilt in place.

use crate::gpu::emit_events::EmitEvents;
use crate::gpu::feed::Feed;
use crate::gpu::food_regrow::FoodRegrow;
use crate::gpu::gather::Gather;
use crate::gpu::hash::Hash;
use crate::gpu::integrate::Integrate;
use crate::gpu::participants::Participants;
use crate::gpu::region_of::RegionOf;
use crate::gpu::reorder::Reorder;
use crate::gpu::stats::Stats;
use crate::gpu::steer::Steer;
use crate::gpu::write_back::WriteBack;
use crate::gpu::{GpuContext, GpuError};

use super::GpuWorld;
use crate::common::pass::Pass;

impl GpuWorld {
    /// Rebuilds the pipelines of shader file `file` (`steer`, `hash_scan`,
    /// `common/rng.wgsl`: a shared file rebuilds every pass) from the current
    /// sources ([`crate::gpu::shaders::set_override`]). A WGSL or validation error
    /// leaves the running pipelines as they were and is returned.
    pub fn reload(&mut self, ctx: &GpuContext, file: &str) -> Result<(), String> {
        let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let b = &self.b;
        // Build first, check the scope, then swap: a failed build changes nothing.
        macro_rules! rebuild {
            ($($field:ident = $e:expr),+ $(,)?) => {{
                $(let $field = $e;)+
                if let Some(err) = crate::gpu::readback::block_on(scope.pop()).flatten() {
                    return Err(err.to_string());
                }
                $(self.$field = $field;)+
            }};
        }
        let e = |e: GpuError| e.to_string();
        let records = |r: u64| r.max(1024);
        // The pass whose pipelines the file builds, or one of the helpers
        // outside the tick's pass list.
        match (Pass::of_shader(file), file) {
            (Some(Pass::HashCount | Pass::HashScan | Pass::HashScatter), _) => {
                rebuild!(hash = Hash::new(ctx, b).map_err(e)?)
            }
            (Some(Pass::Reorder), _) => rebuild!(reorder = Reorder::new(ctx, b)),
            (Some(Pass::Steer), "gather") => rebuild!(gather = Gather::new(ctx, b)),
            (Some(Pass::Steer), _) => rebuild!(steer = Steer::new(ctx, b)),
            (Some(Pass::Integrate), _) => rebuild!(integrate = Integrate::new(ctx, b)),
            (Some(Pass::Feed), _) => rebuild!(feed = Feed::new(ctx, b)),
            (Some(Pass::FoodRegrow), _) => rebuild!(food_regrow = FoodRegrow::new(ctx, b)),
            (Some(Pass::RegionOf), _) => rebuild!(region_of = RegionOf::new(ctx, b)),
            (Some(Pass::EmitEvents), _) => rebuild!(emit = EmitEvents::new(ctx, b)),
            (Some(p @ (Pass::Transfer | Pass::Resolve)), _) => {
                return Err(format!("{file}: the {p} pass has no shader"));
            }
            (None, "participants") => rebuild!(
                participants =
                    Participants::new(ctx, b, records(self.participants.capacity())).map_err(e)?
            ),
            (None, "write_back") => rebuild!(
                write_back =
                    WriteBack::new(ctx, b, records(self.write_back.capacity())).map_err(e)?
            ),
            (None, "stats") => rebuild!(stats = Stats::new(ctx, b)),
            (None, f) if f.starts_with("common/") => rebuild!(
                hash = Hash::new(ctx, b).map_err(e)?,
                reorder = Reorder::new(ctx, b),
                gather = Gather::new(ctx, b),
                steer = Steer::new(ctx, b),
                integrate = Integrate::new(ctx, b),
                feed = Feed::new(ctx, b),
                food_regrow = FoodRegrow::new(ctx, b),
                region_of = RegionOf::new(ctx, b),
                emit = EmitEvents::new(ctx, b),
                participants =
                    Participants::new(ctx, b, records(self.participants.capacity())).map_err(e)?,
                write_back =
                    WriteBack::new(ctx, b, records(self.write_back.capacity())).map_err(e)?,
                stats = Stats::new(ctx, b),
            ),
            (None, other) => return Err(format!("{other} is not a simulation shader")),
        }
        Ok(())
    }
}
