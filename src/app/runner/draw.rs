//! The buffers the renderer draws from: the simulation's resident ones on the
//! GPU backend (nothing copied), uploads of its state on the CPU backend.

use super::view::{DrawBuffers, DrawSource};
use crate::Simulation;
use crate::gpu::GpuContext;
use crate::model::genes::PackedGenes;

/// Bytes of `n` values of `T`.
fn bytes<T>(n: usize) -> usize {
    n * std::mem::size_of::<T>()
}

/// Buffers filled from the CPU backend's state.
struct Upload {
    /// Entity slots they hold.
    capacity: usize,
    /// Food cells they hold.
    food_len: usize,
    buffers: DrawBuffers,
}

/// Which buffers the renderer was given last, so that it rebinds only when
/// they change.
#[derive(Default)]
pub(super) struct Draw {
    upload: Option<Upload>,
    /// The [`DrawSource::id`] handed out last (0: none yet).
    id: u64,
    /// The GPU backend's position buffer handed out last.
    last_gpu_pos: Option<wgpu::Buffer>,
}

impl Draw {
    /// The buffers to draw `sim` from: the resident ones on the GPU backend,
    /// fresh uploads of the state on the CPU backend.
    pub fn source(&mut self, sim: &Simulation, ctx: &GpuContext) -> DrawSource {
        let terrain = &sim.terrain().grid;
        let buffers = match sim.gpu_view() {
            Some((_, b)) => {
                self.upload = None;
                let buffers = DrawBuffers {
                    pos: b.pos.clone(),
                    vel: b.vel.clone(),
                    tribe_flags: b.tribe_flags.clone(),
                    genes: b.genes.clone(),
                    energy: b.energy.clone(),
                    age: b.age.clone(),
                    terrain: b.terrain.clone(),
                    food: b.food_amount.clone(),
                };
                // Same buffers as last time: keep the id (no new bind group).
                let same = self.id != 0 && self.last_gpu_pos.as_ref() == Some(&buffers.pos);
                if !same {
                    self.id += 1;
                    self.last_gpu_pos = Some(buffers.pos.clone());
                }
                buffers
            }
            None => {
                self.last_gpu_pos = None;
                self.upload(sim, ctx)
            }
        };
        DrawSource {
            id: self.id,
            buffers,
            live_end: sim.live_end() as u32,
            terrain_dims: [terrain.cols, terrain.rows],
            // The world's grid: `sim.food()` would read the GPU's food back.
            food_dims: [sim.world().food.grid.cols, sim.world().food.grid.rows],
        }
    }

    /// Writes the CPU backend's state into the upload buffers (made again
    /// when the capacity or the food grid changed).
    fn upload(&mut self, sim: &Simulation, ctx: &GpuContext) -> DrawBuffers {
        let e = sim.entities();
        let cap = e.capacity();
        let food = &sim.food().amount;
        if self
            .upload
            .as_ref()
            .is_none_or(|u| u.capacity != cap || u.food_len != food.len())
        {
            self.upload = Some(allocate(ctx, sim));
            self.id += 1;
        }
        let b = &self.upload.as_ref().expect("allocated above").buffers;
        let q = &ctx.queue;
        // A buffer over the binding limit is a 256-byte stand-in: written
        // only when the data fits.
        let fits = |b: &wgpu::Buffer, bytes: usize| b.size() as usize >= bytes;
        if fits(&b.genes, bytes::<PackedGenes>(cap)) {
            q.write_buffer(&b.pos, 0, bytemuck::cast_slice(&e.pos));
            q.write_buffer(&b.vel, 0, bytemuck::cast_slice(&e.vel));
            q.write_buffer(&b.tribe_flags, 0, bytemuck::cast_slice(&e.tribe_flags));
            q.write_buffer(&b.genes, 0, bytemuck::cast_slice(&e.genes));
            q.write_buffer(&b.energy, 0, bytemuck::cast_slice(&e.energy));
            q.write_buffer(&b.age, 0, bytemuck::cast_slice(&e.age));
        }
        if fits(&b.food, bytes::<f32>(food.len())) {
            q.write_buffer(&b.food, 0, bytemuck::cast_slice(food));
        }
        b.clone()
    }
}

/// Buffers for drawing the CPU backend's state (terrain written once).
fn allocate(ctx: &GpuContext, sim: &Simulation) -> Upload {
    let cap = sim.entities().capacity();
    let buf = |label: &str, bytes: usize| {
        ctx.storage(label, bytes as u64, wgpu::BufferUsages::empty())
            .unwrap_or_else(|_| {
                // Above the binding limit: draw nothing rather than fail.
                ctx.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some(label),
                    size: 256,
                    usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                })
            })
    };
    let t = sim.terrain();
    let terrain = buf("view.terrain", bytes::<u32>(t.cells.len()));
    let words: Vec<u32> = t.cells.iter().map(|&c| c as u32).collect();
    if terrain.size() as usize >= bytes::<u32>(words.len()) {
        ctx.queue
            .write_buffer(&terrain, 0, bytemuck::cast_slice(&words));
    }
    let food_len = sim.food().amount.len();
    Upload {
        capacity: cap,
        food_len,
        buffers: DrawBuffers {
            pos: buf("view.pos", bytes::<[f32; 2]>(cap)),
            vel: buf("view.vel", bytes::<[f32; 2]>(cap)),
            tribe_flags: buf("view.tribe_flags", bytes::<u32>(cap)),
            genes: buf("view.genes", bytes::<PackedGenes>(cap)),
            energy: buf("view.energy", bytes::<f32>(cap)),
            age: buf("view.age", bytes::<f32>(cap)),
            terrain,
            food: buf("view.food", bytes::<f32>(food_len)),
        },
    }
}
