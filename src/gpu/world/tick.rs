//! One tick on the GPU: the passes, the compact readback, the event lists.

use crate::cpu::emit_events::Events;
use crate::gpu::buffers::set;
use crate::gpu::emit_events::events_from_lists;
use crate::gpu::layout::{ParticipantRecord, ParticipantsUniform};
use crate::gpu::wgsl::decode;
use crate::gpu::{GpuContext, GpuError};
use crate::pass::Pass;
use encase::ShaderSize;

use super::staging::words;
use super::{GpuWorld, TIMED, TickPlan, TickReadback};

impl GpuWorld {
    /// Runs the GPU passes of one tick and reads back the compact results.
    pub fn tick(&mut self, ctx: &GpuContext, plan: &TickPlan) -> Result<TickReadback, GpuError> {
        crate::gpu::readback::wait(self.tick_async(ctx, plan))
    }

    /// [`Self::tick`], awaiting the GPU's readbacks.
    pub async fn tick_async(
        &mut self,
        ctx: &GpuContext,
        plan: &TickPlan,
    ) -> Result<TickReadback, GpuError> {
        // After a reorder, the living entities occupy 0..alive.
        let end = if plan.reorder { plan.alive } else { plan.end };
        self.set_uniforms(ctx, plan, end);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.tick"),
            });
        self.record_passes(&mut enc, plan, end);
        self.copy_small(&mut enc);
        ctx.queue.submit([enc.finish()]);
        let small = self.small.read(ctx, self.small_layout.total).await?;
        let ([na, nr, nd], mut out) = self.decode_small(&small, plan);
        if 2 * na + nr + nd > 0 {
            let (events, participants, bytes) = self.read_events(ctx, [na, nr, nd], end).await?;
            out.events = events;
            out.participants = participants;
            out.bytes_read += bytes;
        }
        self.bytes_total += out.bytes_read;
        Ok(out)
    }

    /// Records the passes of [`Pass::ALL`] that run on the GPU, each timed
    /// pass its own compute pass (labelled `sim.pass.<name>`).
    fn record_passes(&self, enc: &mut wgpu::CommandEncoder, plan: &TickPlan, end: u32) {
        let b = &self.b;
        self.feed.clear(enc, b);
        self.region_of.clear(enc, b);
        self.emit.clear(enc, b);
        self.hash.record(enc, b, |k| self.timed(Pass::ALL[k]));
        if plan.reorder {
            self.reorder
                .record(enc, b, plan.alive, self.timed(Pass::Reorder));
            // The hash again, over the renumbered slots (sorted becomes 0..alive).
            self.hash.record(enc, b, |_| None);
        }
        let begin = |enc: &mut wgpu::CommandEncoder, p: Pass| {
            enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(&format!("sim.pass.{p}")),
                timestamp_writes: self.timed(p),
            })
            .forget_lifetime()
        };
        {
            let mut pass = begin(enc, Pass::Steer);
            self.gather.record(&mut pass, plan.alive, end);
            self.steer.record(&mut pass, plan.alive);
        }
        self.integrate.record(&mut begin(enc, Pass::Integrate), end);
        self.feed.record(&mut begin(enc, Pass::Feed), end);
        self.food_regrow
            .record(&mut begin(enc, Pass::FoodRegrow), b.sizes.food_quads());
        self.region_of.record(&mut begin(enc, Pass::RegionOf), end);
        self.emit.record(&mut begin(enc, Pass::EmitEvents), end);
    }

    /// Copies the small readback's fields into its staging buffer.
    fn copy_small(&self, enc: &mut wgpu::CommandEncoder) {
        let (b, l) = (&self.b, self.small_layout);
        let r = l.mig - l.pop;
        let dst = &self.small.buffer;
        enc.copy_buffer_to_buffer(&b.counts, 0, dst, 0, 16);
        enc.copy_buffer_to_buffer(&b.eaten, 0, dst, l.eaten, 8);
        enc.copy_buffer_to_buffer(&b.region_pop, 0, dst, l.pop, r);
        enc.copy_buffer_to_buffer(&b.region_mig, 0, dst, l.mig, r);
        if let Some(t) = &self.timer {
            enc.resolve_query_set(&t.set, 0..2 * TIMED as u32, &t.resolve, 0);
            enc.copy_buffer_to_buffer(&t.resolve, 0, dst, l.ts, 16 * TIMED as u64);
        }
    }

    /// The event counts (attacks, candidates, deaths) and the rest of the
    /// tick's readback from the small staging buffer's bytes.
    fn decode_small(&self, small: &[u8], plan: &TickPlan) -> ([u32; 3], TickReadback) {
        let l = self.small_layout;
        let r = l.mig - l.pop;
        let c = words(&small[..16]);
        let pass_s = self.timer.as_ref().map(|t| {
            let ts: Vec<u64> = bytemuck::pod_collect_to_vec(&small[l.ts as usize..]);
            let mut out = [0.0; TIMED];
            for (k, o) in out.iter_mut().enumerate() {
                if k != Pass::Reorder as usize || plan.reorder {
                    *o = ts[2 * k + 1].saturating_sub(ts[2 * k]) as f64 * t.period_ns * 1e-9;
                }
            }
            out
        });
        let eaten = words(&small[l.eaten as usize..l.eaten as usize + 8]);
        let out = TickReadback {
            region_population: words(&small[l.pop as usize..l.mig as usize]),
            region_migrations: words(&small[l.mig as usize..(l.mig + r) as usize]),
            food_eaten: crate::gpu::feed::eaten(&eaten),
            pass_s,
            bytes_read: l.total,
            ..Default::default()
        };
        ([c[0], c[1], c[2]], out)
    }

    /// The second readback of a tick: the event lists and the records of
    /// every entity they name.
    async fn read_events(
        &mut self,
        ctx: &GpuContext,
        [na, nr, nd]: [u32; 3],
        end: u32,
    ) -> Result<(Events, Vec<ParticipantRecord>, u64), GpuError> {
        let b = &self.b;
        let m = 2 * na + nr + nd;
        set(
            ctx,
            &b.participants_u,
            &ParticipantsUniform {
                attacks: na,
                repro: nr,
                deaths: nd,
                n: end,
            },
        );
        self.participants.reserve(ctx, b, m as u64)?;
        let (a_bytes, r_bytes, d_bytes) = (na as u64 * 16, nr as u64 * 8, nd as u64 * 8);
        let s_bytes = m as u64 * ParticipantRecord::SHADER_SIZE.get();
        let total = a_bytes + r_bytes + d_bytes + s_bytes;
        self.lists.reserve(ctx, total);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.participants"),
            });
        self.participants.record(
            &mut enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("sim.pass.participants"),
                timestamp_writes: None,
            }),
            m,
        );
        let dst = &self.lists.buffer;
        let mut at = 0;
        for (src, from, bytes) in [
            (b.attacks(), 0, a_bytes),
            (b.entity_events(), 0, r_bytes),
            (b.entity_events(), (end - nd) as u64 * 8, d_bytes),
            (&self.participants.records, 0, s_bytes),
        ] {
            if bytes > 0 {
                enc.copy_buffer_to_buffer(src, from, dst, at, bytes);
                at += bytes;
            }
        }
        ctx.queue.submit([enc.finish()]);
        let bytes = self.lists.read(ctx, total).await?;
        let (a, rest) = bytes.split_at(a_bytes as usize);
        let (rp, rest) = rest.split_at(r_bytes as usize);
        let (dl, records) = rest.split_at(d_bytes as usize);
        let attacks: Vec<[u32; 4]> = bytemuck::pod_collect_to_vec(a);
        let pairs = |x: &[u8]| -> Vec<[u32; 2]> { bytemuck::pod_collect_to_vec(x) };
        Ok((
            events_from_lists(&attacks, &pairs(rp), &pairs(dl)),
            decode(records),
            total,
        ))
    }
}
