//! What the simulation thread publishes for the frame thread: the figures
//! the panels show ([`SimView`]) and the buffers the renderer draws from
//! ([`DrawSource`]).

use std::sync::Arc;

use glam::Vec2;

use super::species::SpeciesView;
use crate::common::pass::Timings;
use crate::model::genes::GENE_COUNT;
use crate::regions::RegionStats;
use crate::regions::grid::RegionGrid;
use crate::sim::{EntityView, PoolStatus};
use crate::world::stats::{Counters, GeneStat, History};
use crate::{Backend, Scenario, SimParams, Simulation};

/// The region grid and its figures, as the panels show them.
#[derive(Debug, Clone)]
pub struct RegionsView {
    /// The grid.
    pub grid: RegionGrid,
    /// Per-region statistics.
    pub stats: Vec<RegionStats>,
    /// Region work per tick, mean so far (ms).
    pub work_ms: f64,
}

impl RegionsView {
    fn of(sim: &Simulation) -> Self {
        let r = sim.regions();
        RegionsView {
            grid: r.grid.clone(),
            stats: r.stats.clone(),
            work_ms: r.timing.work_s * 1e3 / r.timing.ticks.max(1) as f64,
        }
    }
}

/// The storage buffers `shaders/render.wgsl` reads, one per binding: the
/// simulation's own on the GPU backend, uploads on the CPU backend.
#[derive(Debug, Clone)]
pub struct DrawBuffers {
    /// Positions (`vec2<f32>` per slot).
    pub pos: wgpu::Buffer,
    /// Velocities (`vec2<f32>` per slot).
    pub vel: wgpu::Buffer,
    /// Tribe and flags (`u32` per slot).
    pub tribe_flags: wgpu::Buffer,
    /// Packed genes, words 0–3 (`vec4<u32>` per slot).
    pub genes_a: wgpu::Buffer,
    /// Packed genes, word 4 (`u32` per slot).
    pub genes_b: wgpu::Buffer,
    /// Energy (`f32` per slot).
    pub energy: wgpu::Buffer,
    /// Age (`f32` per slot).
    pub age: wgpu::Buffer,
    /// Terrain kind per terrain cell (`u32`).
    pub terrain: wgpu::Buffer,
    /// Food per food cell, in whole quanta (16 bits a cell, two a word).
    pub food: wgpu::Buffer,
}

impl DrawBuffers {
    /// The buffers in the order of their bindings (1 to 9) in
    /// `shaders/render_storage.wgsl`.
    pub fn in_binding_order(&self) -> [&wgpu::Buffer; 9] {
        [
            &self.pos,
            &self.vel,
            &self.tribe_flags,
            &self.genes_a,
            &self.energy,
            &self.age,
            &self.terrain,
            &self.food,
            &self.genes_b,
        ]
    }
}

/// The same arrays as [`DrawBuffers`], as data textures for
/// `shaders/render_textures.wgsl` (WebGL2): each array row by row in a
/// texture [`DrawTextures::width`] texels wide (genes five texels a slot).
#[derive(Debug, Clone)]
pub struct DrawTextures {
    /// Views in the order of their bindings (1 to 8): pos, vel, tribe_flags,
    /// genes, energy, age, terrain, food.
    pub views: [wgpu::TextureView; 8],
    /// Texels per row.
    pub width: u32,
}

/// What the renderer reads the state from.
// Published once per batch of ticks: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum DrawData {
    /// Storage buffers (`shaders/render_storage.wgsl`).
    Buffers(DrawBuffers),
    /// Data textures (`shaders/render_textures.wgsl`).
    Textures(DrawTextures),
}

/// The buffers the renderer binds and what it needs to know about them.
/// A new `id` means new buffers.
#[derive(Debug, Clone)]
pub struct DrawSource {
    /// Changes whenever the buffers do.
    pub id: u64,
    /// The buffers or textures.
    pub data: DrawData,
    /// One past the highest slot that may hold a living entity.
    pub live_end: u32,
    /// Terrain grid columns and rows.
    pub terrain_dims: [u32; 2],
    /// Food grid columns and rows.
    pub food_dims: [u32; 2],
}

/// What the viewer shows of the simulation, published after each batch of
/// ticks and after each command.
#[derive(Debug, Clone)]
pub struct SimView {
    /// Ticks run.
    pub tick: u32,
    /// Derived parameters.
    pub params: Arc<SimParams>,
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// Living entities.
    pub population: u64,
    /// Cumulative counters.
    pub counters: Counters,
    /// Population history.
    pub history: Arc<History>,
    /// Gene statistics per tribe (refreshed every 60 ticks).
    pub genes: Arc<Vec<[GeneStat; GENE_COUNT]>>,
    /// The backend running.
    pub backend: Backend,
    /// The GPU adapter, on the GPU backend.
    pub adapter: Option<String>,
    /// Per-pass times of the last tick.
    pub timings: Timings,
    /// The region grid, its per-region statistics and its work time.
    pub regions: RegionsView,
    /// The thread pool: per thread busy time in the last tick, per region
    /// entities and events, restarts and stalls.
    pub pool: PoolStatus,
    /// The selected creature's id and slot.
    pub selected: Option<(u32, u32)>,
    /// The selected creature, while it lives.
    pub inspected: Option<EntityView>,
    /// The inspected creature's species and its ancestry (the species it
    /// split from, and so on back to a tribe's).
    pub lineage: Vec<u32>,
    /// The inspected creature's ancestors, parent first, as far as they
    /// live: (id, alive); refreshed with [`Self::neighbors`].
    pub ancestors: Vec<(u32, bool)>,
    /// The Species panel's figures (refreshed with each history sample).
    pub species: Arc<SpeciesView>,
    /// Positions of the creatures it sees (nearest first, each the copy
    /// nearest to it across the wrap), refreshed a few times a second.
    pub neighbors: Vec<Vec2>,
    /// What to draw.
    pub draw: Option<DrawSource>,
    /// The last error or notice (a failed load, switch or tick).
    pub message: Option<String>,
    /// The simulation stopped on an error and runs no more ticks.
    pub halted: bool,
    /// Wall time of the last batch's ticks, per tick (ms).
    pub tick_ms: f32,
    /// The speed asked for is more than the simulation keeps up with.
    pub behind: bool,
    /// [`Simulation::state_hash`], once the simulation has stopped at
    /// [`super::super::ViewOptions::stop_at`].
    pub state_hash: Option<u64>,
    /// [`Simulation::species_hash`], with [`Self::state_hash`].
    pub species_hash: Option<u64>,
    /// Shader files reloaded so far (`--watch-shaders`).
    pub shader_reloads: u64,
}

impl SimView {
    /// The view of a freshly built or changed simulation.
    pub(super) fn of(sim: &Simulation) -> Self {
        let mut v = Self {
            tick: 0,
            params: Arc::new(sim.params().clone()),
            scenario: Arc::new(sim.scenario().clone()),
            population: 0,
            counters: sim.counters().clone(),
            history: Arc::new(sim.history().clone()),
            // Read in `SimState::update`, which follows (awaited: on the GPU
            // backend in the browser nothing may block).
            genes: Arc::new(Vec::new()),
            backend: sim.backend(),
            adapter: sim.gpu().map(|g| g.adapter()),
            timings: *sim.timings(),
            regions: RegionsView::of(sim),
            pool: sim.pool_status(),
            selected: None,
            inspected: None,
            lineage: Vec::new(),
            ancestors: Vec::new(),
            species: Arc::new(SpeciesView::of(sim.species())),
            neighbors: Vec::new(),
            draw: None,
            message: None,
            halted: false,
            tick_ms: 0.0,
            behind: false,
            state_hash: None,
            species_hash: None,
            shader_reloads: 0,
        };
        v.refresh(sim);
        v
    }

    /// The backend, and on the GPU its adapter: `gpu on NAME`.
    pub fn backend_and_adapter(&self) -> String {
        match &self.adapter {
            Some(a) => format!("{} on {a}", self.backend.name()),
            None => self.backend.name().to_string(),
        }
    }

    /// Updates the per-tick figures.
    pub(super) fn refresh(&mut self, sim: &Simulation) {
        self.tick = sim.tick();
        self.population = sim.population();
        self.counters = sim.counters().clone();
        let h = sim.history();
        if h.samples.back().map(|s| s.tick) != self.history.samples.back().map(|s| s.tick) {
            self.history = Arc::new(h.clone());
        }
        let book = sim.species();
        let newest = book.history.back().map_or(0, |s| s.tick);
        if newest != self.species.sampled
            || book.total() != self.species.total
            || book.alive_count() != self.species.alive
        {
            self.species = Arc::new(SpeciesView::of(book));
        }
        self.timings = *sim.timings();
        self.regions = RegionsView::of(sim);
        self.pool = sim.pool_status();
    }
}
