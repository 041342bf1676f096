//! The buffers the renderer draws from: the simulation's resident ones on the
//! GPU backend (nothing copied), uploads of its state on the CPU backend —
//! into storage buffers, or on WebGL2 (no storage buffers in its shaders)
//! into data textures.

use super::view::{DrawBuffers, DrawData, DrawSource, DrawTextures};
use crate::Simulation;
use crate::gpu::GpuContext;
use crate::model::genes::PackedGenes;

/// Bytes of `n` values of `T`.
fn bytes<T>(n: usize) -> usize {
    n * std::mem::size_of::<T>()
}

/// Bytes of the food quanta of `cells` cells (16 bits each) in whole words.
fn food_bytes(cells: usize) -> usize {
    cells.next_multiple_of(2) * 2
}

/// Buffers filled from the CPU backend's state.
struct Upload {
    /// Entity slots they hold.
    capacity: usize,
    /// Food cells they hold.
    food_len: usize,
    buffers: DrawBuffers,
}

/// Data textures filled from the CPU backend's state (WebGL2).
struct TextureUpload {
    /// Entity slots they hold.
    capacity: usize,
    /// Food cells they hold.
    food_len: usize,
    /// pos, vel, tribe_flags, genes, energy, age, terrain, food.
    textures: [wgpu::Texture; 8],
    /// Whether the arrays fit the device's texture size (else nothing is
    /// written and nothing drawn).
    fits: bool,
    draw: DrawTextures,
}

/// Which buffers the renderer was given last, so that it rebinds only when
/// they change.
#[derive(Default)]
pub(super) struct Draw {
    upload: Option<Upload>,
    textures: Option<TextureUpload>,
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
        let buffers = match sim.gpu().map(|g| g.buffers()) {
            Some(b) => {
                self.upload = None;
                let buffers = DrawBuffers {
                    pos: b.pos.clone(),
                    vel: b.vel.clone(),
                    tribe_flags: b.tribe_flags.clone(),
                    genes_a: b.genes_a.clone(),
                    genes_b: b.genes_b.clone(),
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
                DrawData::Buffers(buffers)
            }
            None if ctx.draw_from_textures => {
                self.last_gpu_pos = None;
                self.upload_textures(sim, ctx)
            }
            None => {
                self.last_gpu_pos = None;
                DrawData::Buffers(self.upload(sim, ctx))
            }
        };
        DrawSource {
            id: self.id,
            data: buffers,
            live_end: sim.live_end() as u32,
            terrain_dims: [terrain.cols, terrain.rows],
            // The world's grid: `sim.food()` would read the GPU's food back.
            food_dims: [sim.food_grid().cols, sim.food_grid().rows],
        }
    }

    /// Writes the CPU backend's state into the upload buffers (made again
    /// when the capacity or the food grid changed).
    fn upload(&mut self, sim: &Simulation, ctx: &GpuContext) -> DrawBuffers {
        let e = sim.entities();
        let cap = e.capacity();
        let food = &sim.food().quanta;
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
        if fits(&b.genes_a, bytes::<[u32; 4]>(cap)) {
            q.write_buffer(&b.pos, 0, bytemuck::cast_slice(&e.pos));
            q.write_buffer(&b.vel, 0, bytemuck::cast_slice(&e.vel));
            q.write_buffer(&b.tribe_flags, 0, bytemuck::cast_slice(&e.tribe_flags));
            let (genes_a, genes_b) = crate::gpu::buffers::split_genes(&e.genes);
            q.write_buffer(&b.genes_a, 0, bytemuck::cast_slice(&genes_a));
            q.write_buffer(&b.genes_b, 0, bytemuck::cast_slice(&genes_b));
            q.write_buffer(&b.energy, 0, bytemuck::cast_slice(&e.energy));
            q.write_buffer(&b.age, 0, bytemuck::cast_slice(&e.age));
        }
        if fits(&b.food, food_bytes(food.len())) {
            // Queue writes are whole words: an odd cell count takes a pad.
            if food.len().is_multiple_of(2) {
                q.write_buffer(&b.food, 0, bytemuck::cast_slice(food));
            } else {
                let mut padded = food.clone();
                padded.push(0);
                q.write_buffer(&b.food, 0, bytemuck::cast_slice(&padded));
            }
        }
        b.clone()
    }
}

impl Draw {
    /// Writes the CPU backend's state (the slots below the live end, the
    /// food) into the data textures (made again, terrain written, when the
    /// capacity or the food grid changed).
    fn upload_textures(&mut self, sim: &Simulation, ctx: &GpuContext) -> DrawData {
        let e = sim.entities();
        let cap = e.capacity();
        let food = &sim.food().quanta;
        if self
            .textures
            .as_ref()
            .is_none_or(|u| u.capacity != cap || u.food_len != food.len())
        {
            self.textures = Some(allocate_textures(ctx, sim));
            self.id += 1;
        }
        let u = self.textures.as_ref().expect("allocated above");
        if u.fits {
            let live = sim.live_end().min(cap);
            let w = u.draw.width;
            let t = &u.textures;
            write_rows(ctx, &t[0], w, 8, bytemuck::cast_slice(&e.pos[..live]));
            write_rows(ctx, &t[1], w, 8, bytemuck::cast_slice(&e.vel[..live]));
            write_rows(
                ctx,
                &t[2],
                w,
                4,
                bytemuck::cast_slice(&e.tribe_flags[..live]),
            );
            write_rows(ctx, &t[3], w, 4, bytemuck::cast_slice(&e.genes[..live]));
            write_rows(ctx, &t[4], w, 4, bytemuck::cast_slice(&e.energy[..live]));
            write_rows(ctx, &t[5], w, 4, bytemuck::cast_slice(&e.age[..live]));
            write_rows(ctx, &t[7], w, 2, bytemuck::cast_slice(food));
        }
        DrawData::Textures(u.draw.clone())
    }
}

/// Words per slot in the genes texture.
const GENE_WORDS: usize = std::mem::size_of::<PackedGenes>() / 4;

/// Data textures for drawing the CPU backend's state on WebGL2, as wide as
/// the device allows (up to 4,096 texels), terrain written once.
fn allocate_textures(ctx: &GpuContext, sim: &Simulation) -> TextureUpload {
    let limit = ctx.device.limits().max_texture_dimension_2d;
    let width = limit.min(4096);
    let cap = sim.entities().capacity();
    let t = sim.terrain();
    let food_len = sim.food().quanta.len();
    let rows = |n: usize| (n.div_ceil(width as usize)).max(1) as u32;
    let fits = [cap * GENE_WORDS, t.cells.len(), food_len]
        .iter()
        .all(|&n| rows(n) <= limit);
    if !fits {
        log::warn!(
            "the world is too large to draw here: its arrays do not fit this device's \
             {limit}-texel textures (the simulation runs on)"
        );
    }
    let tex = |label: &str, n: usize, format: wgpu::TextureFormat| {
        let (w, h) = if fits { (width, rows(n)) } else { (1, 1) };
        ctx.device.create_texture(&wgpu::TextureDescriptor {
            label: Some(label),
            size: wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        })
    };
    use wgpu::TextureFormat::{R16Uint, R32Float, R32Uint, Rg32Float};
    let textures = [
        tex("view.pos", cap, Rg32Float),
        tex("view.vel", cap, Rg32Float),
        tex("view.tribe_flags", cap, R32Uint),
        tex("view.genes", cap * GENE_WORDS, R32Uint),
        tex("view.energy", cap, R32Float),
        tex("view.age", cap, R32Float),
        tex("view.terrain", t.cells.len(), R32Uint),
        tex("view.food", food_len, R16Uint),
    ];
    if fits {
        let words: Vec<u32> = t.cells.iter().map(|&c| c as u32).collect();
        write_rows(ctx, &textures[6], width, 4, bytemuck::cast_slice(&words));
    }
    let views = textures
        .each_ref()
        .map(|t| t.create_view(&wgpu::TextureViewDescriptor::default()));
    TextureUpload {
        capacity: cap,
        food_len,
        fits,
        draw: DrawTextures {
            views,
            width: if fits { width } else { 1 },
        },
        textures,
    }
}

/// Writes `data` (texels of `texel_bytes` each) into `texture` row by row,
/// `width` texels a row, from the first texel: the full rows in one copy,
/// the rest of the last row in another.
fn write_rows(
    ctx: &GpuContext,
    texture: &wgpu::Texture,
    width: u32,
    texel_bytes: u32,
    data: &[u8],
) {
    let n = data.len() / texel_bytes as usize;
    let (full, rest) = (n as u32 / width, n as u32 % width);
    let copy = |y: u32, w: u32, h: u32, bytes: &[u8]| {
        ctx.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture,
                mip_level: 0,
                origin: wgpu::Origin3d { x: 0, y, z: 0 },
                aspect: wgpu::TextureAspect::All,
            },
            bytes,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(w * texel_bytes),
                rows_per_image: Some(h),
            },
            wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: 1,
            },
        );
    };
    let split = (full * width * texel_bytes) as usize;
    if full > 0 {
        copy(0, width, full, &data[..split]);
    }
    if rest > 0 {
        copy(
            full,
            rest,
            1,
            &data[split..split + (rest * texel_bytes) as usize],
        );
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
    // One byte a cell, four a word, as the simulation's GPU buffer holds it.
    let mut packed = t.cells.to_vec();
    packed.resize(packed.len().next_multiple_of(4), 0);
    let terrain = buf("view.terrain", packed.len());
    if terrain.size() as usize >= packed.len() {
        ctx.queue.write_buffer(&terrain, 0, &packed);
    }
    let food_len = sim.food().quanta.len();
    Upload {
        capacity: cap,
        food_len,
        buffers: DrawBuffers {
            pos: buf("view.pos", bytes::<[f32; 2]>(cap)),
            vel: buf("view.vel", bytes::<[f32; 2]>(cap)),
            tribe_flags: buf("view.tribe_flags", bytes::<u32>(cap)),
            genes_a: buf("view.genes_a", bytes::<[u32; 4]>(cap)),
            genes_b: buf("view.genes_b", bytes::<u32>(cap)),
            energy: buf("view.energy", bytes::<f32>(cap)),
            age: buf("view.age", bytes::<f32>(cap)),
            terrain,
            food: buf("view.food", food_bytes(food_len)),
        },
    }
}
