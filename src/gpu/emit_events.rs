//! `emit_events` on the GPU: deaths (starved, old age), attack intents and
//! reproduction candidates, appended to compact lists with integer atomics;
//! the host sorts each list by id before use, which makes it equal to the
//! CPU's. Twin of `src/cpu/emit_events.rs`.

use super::buffers::{Buffers, put, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::{EmitUniform, GpuSteerOut};
use super::views::{
    AGE, ATTACKS, COUNTS, EMIT, ENERGY, ENTITY_EVENTS, GENES_A, GENES_B, IDS, STEER_OUT,
    TRIBE_FLAGS,
};
use super::{GpuContext, GpuError};
use crate::common::events::{Attack, DeathCause, EntityEvent, Events};
use crate::model::entities::Entities;
use crate::model::params::SimParams;

/// `emit_events`' shader: reads the intent words in `steer_out`; appends the
/// attacks (target id, attacker id, target slot, attacker slot) and, in one
/// list, the reproduction candidates (id, slot; from the front) and the
/// deaths (id, slot | cause; from the back), counting them in `counts`.
pub struct EmitEventsShader;

impl Shader for EmitEventsShader {
    const DECL: KernelDecl = KernelDecl::new("emit_events", EMIT)
        .read(&[ENERGY, AGE, GENES_A, GENES_B, TRIBE_FLAGS, IDS, STEER_OUT])
        .read_write(&[COUNTS, ATTACKS, ENTITY_EVENTS])
        .zeroed(&[COUNTS]);
}

/// The pass: [`Kernel::record`] over slots `0..end` (after [`Kernel::clear`]).
pub type EmitEvents = Kernel<EmitEventsShader>;

impl EmitUniform {
    /// The uniform for `n` slots at `tick`.
    pub fn new(p: &SimParams, seed: u64, tick: u32, n: u32) -> Self {
        Self {
            n,
            tick,
            seed_lo: seed as u32,
            seed_hi: (seed >> 32) as u32,
            dt: p.world.dt,
            lifespan: p.energy.lifespan,
            maturity: p.energy.maturity,
            repro_threshold: p.energy.repro_threshold,
        }
    }
}

/// The cause bit in the slot word of a death event (`DEATH_OLD_AGE` in
/// `emit_events.wgsl`; clear: starved).
pub const DEATH_OLD_AGE: u32 = 0x8000_0000;

/// Turns the raw lists (attacks `[target id, attacker id, target slot,
/// attacker slot]`, candidates `[id, slot]`, deaths `[id, slot | cause]`)
/// into [`Events`], each sorted as the CPU's.
pub fn events_from_lists(attacks: &[[u32; 4]], repro: &[[u32; 2]], deaths: &[[u32; 2]]) -> Events {
    let mut out = Events {
        attacks: attacks
            .iter()
            .map(|v| Attack {
                target_id: v[0],
                attacker_id: v[1],
                target: v[2],
                attacker: v[3],
            })
            .collect(),
        repro: repro
            .iter()
            .map(|v| EntityEvent {
                id: v[0],
                slot: v[1],
            })
            .collect(),
        deaths: deaths
            .iter()
            .map(|v| {
                let cause = if v[1] & DEATH_OLD_AGE == 0 {
                    DeathCause::Starved
                } else {
                    DeathCause::OldAge
                };
                (
                    EntityEvent {
                        id: v[0],
                        slot: v[1] & !DEATH_OLD_AGE,
                    },
                    cause,
                )
            })
            .collect(),
    };
    out.attacks.sort_unstable();
    out.repro.sort_unstable();
    out.deaths.sort_unstable();
    out
}

/// Runs `emit_events` on `e` with steering intents `intent` (per slot) and
/// returns the lists, each sorted as the CPU's.
pub fn run(
    ctx: &GpuContext,
    p: &SimParams,
    seed: u64,
    tick: u32,
    e: &Entities,
    intent: &[u32],
) -> Result<Events, GpuError> {
    let n = e.capacity();
    let b = Buffers::new(ctx, super::buffers::Sizes::new(p, 1, n, (1, 1), 1))?;
    b.upload_entities(ctx, e);
    let words: Vec<u32> = intent
        .iter()
        .map(|&t| {
            GpuSteerOut {
                acc: [0.0; 2],
                intent: t,
                mode: 0,
            }
            .intent_word()
        })
        .collect();
    put(ctx, &b.steer_out, &words);
    set(ctx, &b.emit_u, &EmitUniform::new(p, seed, tick, n as u32));
    let pass = EmitEvents::new(ctx, &b);
    submit(ctx, "sim.pass.emit_events", |c| pass.record(c, n as u32));
    let c: Vec<u32> = Buffers::read(ctx, &b.counts, 3)?;
    let (na, nr, nd) = (c[0] as usize, c[1] as usize, c[2] as usize);
    let a: Vec<[u32; 4]> = Buffers::read(ctx, b.attacks(), na)?;
    let ev: Vec<[u32; 2]> = Buffers::read(ctx, b.entity_events(), n)?;
    Ok(events_from_lists(&a, &ev[..nr], &ev[n - nd..]))
}
