//! One tick on the GPU: the passes, the participant records and one
//! readback.
//!
//! The tick's command buffer ends with `participants` over a bounded prefix
//! of each event list (`prefix`: attacks, candidates, deaths) and one copy of
//! everything the CPU needs into one staging buffer: the counts, food eaten,
//! the regions' figures, the timestamps, on rebalance ticks the regions'
//! position histograms, the list prefixes and their records. So a tick maps
//! once; only a list longer than its prefix costs a second map (counted in
//! [`TickReadback::maps`]), after which its prefix grows to twice its length.

use web_time::Instant;

use crate::common::events::Events;
use crate::common::pass::Pass;
use crate::gpu::buffers::set;
use crate::gpu::emit_events::events_from_lists;
use crate::gpu::layout::{GatherUniform, ParticipantRecord, ParticipantsUniform};
use crate::gpu::wgsl::decode;
use crate::gpu::{GpuContext, GpuError};
use encase::ShaderSize;

use super::staging::words;
use super::{GpuWorld, TIMED, TickPlan, TickReadback};

/// Bytes of one participant record.
const RECORD: u64 = ParticipantRecord::SHADER_SIZE.get();

/// The smallest prefix of an event list read with the tick.
pub(super) const MIN_PREFIX: u32 = 256;

/// Ticks over which the longest list is watched before a prefix may shrink.
const SHRINK_WINDOW: u32 = 256;

/// A tick submitted to the GPU, for [`GpuWorld::finish`].
#[derive(Debug)]
pub struct Submitted {
    lay: TickLayout,
    end: u32,
    at: Instant,
}

impl Submitted {
    /// When the tick was submitted.
    pub fn at(&self) -> Instant {
        self.at
    }
}

/// Where the parts of one tick's readback lie in its staging buffer.
#[derive(Debug, Clone, Copy)]
struct TickLayout {
    /// Entries of each list read with the tick (attacks, candidates, deaths).
    prefix: [u32; 3],
    hist: u64,
    hist_bytes: u64,
    attacks: u64,
    repro: u64,
    deaths: u64,
    records: u64,
    total: u64,
}

impl TickLayout {
    fn records(&self) -> u32 {
        let [a, r, d] = self.prefix;
        2 * a + r + d
    }
}

/// The list prefixes and what they have seen.
#[derive(Debug, Clone)]
pub(super) struct Prefixes {
    /// Entries of each list read with the tick.
    pub(super) len: [u32; 3],
    /// The longest of each list since the last shrink check.
    peak: [u32; 3],
    ticks: u32,
}

impl Prefixes {
    pub(super) fn new() -> Self {
        Self {
            len: [MIN_PREFIX; 3],
            peak: [0; 3],
            ticks: 0,
        }
    }

    /// Takes a tick's list lengths: a list longer than its prefix grows it
    /// to twice its length; every [`SHRINK_WINDOW`] ticks a prefix more than
    /// four times the longest list seen shrinks to twice that.
    fn observe(&mut self, counts: [u32; 3]) {
        for k in 0..3 {
            self.peak[k] = self.peak[k].max(counts[k]);
            if counts[k] > self.len[k] {
                self.len[k] = (2 * counts[k]).next_power_of_two();
            }
        }
        self.ticks += 1;
        if self.ticks >= SHRINK_WINDOW {
            for k in 0..3 {
                if 4 * self.peak[k] < self.len[k] {
                    self.len[k] = (2 * self.peak[k]).next_power_of_two().max(MIN_PREFIX);
                }
            }
            self.peak = [0; 3];
            self.ticks = 0;
        }
    }
}

impl GpuWorld {
    /// Runs the GPU passes of one tick and reads back the compact results.
    pub fn tick(&mut self, ctx: &GpuContext, plan: &TickPlan) -> Result<TickReadback, GpuError> {
        crate::gpu::readback::wait(self.tick_async(ctx, plan))
    }

    /// [`Self::tick`], awaiting the GPU's readback.
    pub async fn tick_async(
        &mut self,
        ctx: &GpuContext,
        plan: &TickPlan,
    ) -> Result<TickReadback, GpuError> {
        let submitted = self.submit(ctx, plan)?;
        self.finish(ctx, submitted).await
    }

    /// Records and submits one tick's passes, its participant records and
    /// the copies into its staging buffer; [`Self::finish`] reads them. Work
    /// submitted in between (the write-back of the last tick's effects)
    /// runs after the passes.
    pub fn submit(&mut self, ctx: &GpuContext, plan: &TickPlan) -> Result<Submitted, GpuError> {
        let end = plan.end;
        self.ensure_slots(ctx, end)?;
        self.set_uniforms(ctx, plan, end);
        let lay = self.tick_layout(plan, end);
        let [pa, pr, pd] = lay.prefix;
        set(
            ctx,
            &self.b.participants_u,
            &ParticipantsUniform {
                attacks: pa,
                repro: pr,
                deaths: pd,
                n: end,
            },
        );
        self.participants
            .reserve(ctx, &self.b, lay.records() as u64)?;
        self.small.reserve(ctx, lay.total);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.tick"),
            });
        self.last_order = self.record_passes(&mut enc, plan, end);
        if lay.records() > 0 {
            self.participants.record(
                &mut enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.participants"),
                    timestamp_writes: None,
                }),
                lay.records(),
            );
        }
        self.copy_small(&mut enc);
        self.copy_tick(&mut enc, &lay, end);
        let at = Instant::now();
        ctx.queue.submit([enc.finish()]);
        Ok(Submitted { lay, end, at })
    }

    /// Awaits a submitted tick's one map (two when a list outgrew its
    /// prefix) and decodes its results.
    pub async fn finish(
        &mut self,
        ctx: &GpuContext,
        submitted: Submitted,
    ) -> Result<TickReadback, GpuError> {
        let Submitted { lay, end, at } = submitted;
        let [pa, pr, pd] = lay.prefix;
        let bytes = self.small.read(ctx, lay.total).await?;
        let (counts, mut out) = self.decode_small(&bytes);
        let [na, nr, nd] = counts;
        out.maps = 1;
        out.wait_s = at.elapsed().as_secs_f64();
        out.bytes_read = lay.total;
        if lay.hist_bytes > 0 {
            let h = lay.hist as usize;
            out.region_hist = Some(words(&bytes[h..h + lay.hist_bytes as usize]));
        }
        self.prefixes.observe(counts);
        if na <= pa && nr <= pr && nd <= pd {
            let (events, participants) = Self::from_prefix(&bytes, &lay, counts);
            out.events = events;
            out.participants = participants;
        } else if 2 * na + nr + nd > 0 {
            // A list outgrew its prefix: read the lists whole (the prefixes
            // have grown for the next tick).
            let (events, participants, bytes) = self.read_events(ctx, counts, end).await?;
            out.events = events;
            out.participants = participants;
            out.bytes_read += bytes;
            out.maps += 1;
            out.wait_s = at.elapsed().as_secs_f64();
        }
        self.bytes_total += out.bytes_read;
        self.maps_total += out.maps as u64;
        Ok(out)
    }

    /// Re-sorts the slots into cell order before a tick (every
    /// `hash.reorder_interval` ticks): the hash of the state as it is, then
    /// the living moved into slots `0..alive`. Returns the old slot of each
    /// new slot (one map: the CPU renumbers the pending events with it).
    pub async fn reorder_async(
        &mut self,
        ctx: &GpuContext,
        alive: u32,
    ) -> Result<Vec<u32>, GpuError> {
        let b = &self.b;
        set(
            ctx,
            &b.reorder_u,
            &GatherUniform {
                n: alive,
                capacity: b.sizes.capacity,
            },
        );
        let bytes = alive as u64 * 4;
        self.lists.reserve(ctx, bytes);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.reorder"),
            });
        self.hash.record(&mut enc, b, |_| None);
        if bytes > 0 {
            enc.copy_buffer_to_buffer(&b.sorted, 0, &self.lists.buffer, 0, bytes);
        }
        self.reorder.record(&mut enc, b, alive, None);
        ctx.queue.submit([enc.finish()]);
        let order = words(&self.lists.read(ctx, bytes).await?);
        self.bytes_total += bytes;
        self.maps_total += 1;
        Ok(order)
    }

    /// Where each part of this tick's readback goes.
    fn tick_layout(&self, plan: &TickPlan, end: u32) -> TickLayout {
        let cap = self.prefix_cap.unwrap_or(u32::MAX);
        let prefix = self.prefixes.len.map(|p| p.min(end).min(cap));
        let [pa, pr, pd] = prefix;
        let hist = self.small_layout.total.next_multiple_of(8);
        let hist_bytes = if plan.rebalance {
            self.b.region_hist.size()
        } else {
            0
        };
        let attacks = hist + hist_bytes;
        let repro = attacks + pa as u64 * 16;
        let deaths = repro + pr as u64 * 8;
        let records = deaths + pd as u64 * 8;
        let total = records + (2 * pa + pr + pd) as u64 * RECORD;
        TickLayout {
            prefix,
            hist,
            hist_bytes,
            attacks,
            repro,
            deaths,
            records,
            total,
        }
    }

    /// The events and participant records of lists that fit their prefixes.
    fn from_prefix(
        bytes: &[u8],
        lay: &TickLayout,
        [na, nr, nd]: [u32; 3],
    ) -> (Events, Vec<ParticipantRecord>) {
        let [pa, pr, pd] = lay.prefix.map(|p| p as usize);
        let (na, nr, nd) = (na as usize, nr as usize, nd as usize);
        let at = |offset: u64, from: usize, to: usize, size: usize| {
            &bytes[offset as usize + from * size..offset as usize + to * size]
        };
        let attacks: Vec<[u32; 4]> = bytemuck::pod_collect_to_vec(at(lay.attacks, 0, na, 16));
        let repro: Vec<[u32; 2]> = bytemuck::pod_collect_to_vec(at(lay.repro, 0, nr, 8));
        // The deaths lie at the back of their list, so at the back of its prefix.
        let deaths: Vec<[u32; 2]> = bytemuck::pod_collect_to_vec(at(lay.deaths, pd - nd, pd, 8));
        let r = RECORD as usize;
        let mut records: Vec<ParticipantRecord> = decode(at(lay.records, 0, 2 * na, r));
        records.extend(decode::<ParticipantRecord>(at(
            lay.records,
            2 * pa,
            2 * pa + nr,
            r,
        )));
        let d0 = 2 * pa + pr + pd;
        records.extend(decode::<ParticipantRecord>(at(lay.records, d0 - nd, d0, r)));
        (events_from_lists(&attacks, &repro, &deaths), records)
    }

    /// Records the passes of [`Pass::ALL`] that run on the GPU, each timed
    /// pass its own compute pass (labelled `sim.pass.<name>`), and returns
    /// them in the order recorded.
    fn record_passes(
        &self,
        enc: &mut wgpu::CommandEncoder,
        plan: &TickPlan,
        end: u32,
    ) -> Vec<Pass> {
        // The hash records its passes through a shared closure.
        let order = std::cell::RefCell::new(Vec::with_capacity(Pass::COUNT));
        let b = &self.b;
        self.feed.clear(enc, b);
        self.region_of.clear(enc, b);
        self.emit.clear(enc, b);
        self.hash.record(enc, b, |k| {
            order.borrow_mut().push(Pass::ALL[k]);
            self.timed(Pass::ALL[k])
        });
        let begin = |enc: &mut wgpu::CommandEncoder, p: Pass| {
            order.borrow_mut().push(p);
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
        self.integrate
            .record(&mut begin(enc, Pass::Integrate), plan.alive);
        // Feed's grazer table, in steer's scratch: zeroed now steer is done.
        let (at, bytes) = self.step_base.with_table(self.slots()).table_bytes();
        enc.clear_buffer(b.feed_scratch(), at, Some(bytes));
        self.feed.record(&mut begin(enc, Pass::Feed), end);
        self.food_regrow
            .record(&mut begin(enc, Pass::FoodRegrow), b.sizes.food_quads());
        self.region_of.record(&mut begin(enc, Pass::RegionOf), end);
        self.emit.record(&mut begin(enc, Pass::EmitEvents), end);
        order.into_inner()
    }

    /// Copies the small readback's fields into the staging buffer.
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

    /// Copies the histograms (when due), the list prefixes and their records
    /// after the small fields.
    fn copy_tick(&self, enc: &mut wgpu::CommandEncoder, lay: &TickLayout, end: u32) {
        let b = &self.b;
        let [pa, pr, pd] = lay.prefix.map(|p| p as u64);
        let dst = &self.small.buffer;
        for (src, from, to, bytes) in [
            (&b.region_hist, 0, lay.hist, lay.hist_bytes),
            (b.attacks(), 0, lay.attacks, pa * 16),
            (b.entity_events(), 0, lay.repro, pr * 8),
            (b.entity_events(), (end as u64 - pd) * 8, lay.deaths, pd * 8),
            (
                &self.participants.records,
                0,
                lay.records,
                lay.records() as u64 * RECORD,
            ),
        ] {
            if bytes > 0 {
                enc.copy_buffer_to_buffer(src, from, dst, to, bytes);
            }
        }
    }

    /// The event counts (attacks, candidates, deaths) and the rest of the
    /// tick's readback from the small fields.
    fn decode_small(&self, small: &[u8]) -> ([u32; 3], TickReadback) {
        let l = self.small_layout;
        let r = l.mig - l.pop;
        let c = words(&small[..16]);
        let pass_s = self.timer.as_ref().map(|t| {
            let ts: Vec<u64> =
                bytemuck::pod_collect_to_vec(&small[l.ts as usize..l.total as usize]);
            let mut out = [0.0; TIMED];
            for (k, o) in out.iter_mut().enumerate() {
                // Reorder runs in its own submission (GpuWorld::reorder_async).
                if k != Pass::Reorder as usize {
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
            ..Default::default()
        };
        ([c[0], c[1], c[2]], out)
    }

    /// The second readback of a tick whose lists outgrew their prefixes: the
    /// whole event lists and the records of every entity they name.
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
        let s_bytes = m as u64 * RECORD;
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
