//! Draws the world from the simulation's buffers with `shaders/render.wgsl`:
//! on the GPU backend straight from the resident buffers (nothing is copied
//! to the CPU); on the CPU backend from buffers the viewer uploads each frame.

use super::camera::Camera;
use crate::Simulation;
use crate::gpu::GpuContext;
use crate::gpu::layout::ViewUniform;
use crate::gpu::shaders::source;
use crate::model::scenario::parse_color;

/// What the renderer draws, chosen in the viewer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Colour mode (see [`ViewUniform::mode`]).
    pub mode: u32,
    /// Draw the terrain.
    pub terrain: bool,
    /// Draw the food.
    pub food: bool,
    /// Highlighted slot.
    pub selected: Option<u32>,
}

/// Buffers the viewer fills itself on the CPU backend.
struct Upload {
    capacity: usize,
    pos: wgpu::Buffer,
    vel: wgpu::Buffer,
    tribe_flags: wgpu::Buffer,
    genes: wgpu::Buffer,
    energy: wgpu::Buffer,
    age: wgpu::Buffer,
    terrain: wgpu::Buffer,
    food: wgpu::Buffer,
}

/// The two pipelines and the view uniform.
pub struct WorldRenderer {
    background: wgpu::RenderPipeline,
    creatures: wgpu::RenderPipeline,
    /// One pixel per creature, when a creature would be smaller than that
    /// (a third of the vertex work: software rasterizers feel it).
    points: wgpu::RenderPipeline,
    as_points: bool,
    layout: wgpu::BindGroupLayout,
    uniform: wgpu::Buffer,
    upload: Option<Upload>,
    group: Option<wgpu::BindGroup>,
    instances: u32,
}

fn srgb_to_linear(c: u8) -> f32 {
    let x = c as f32 / 255.0;
    if x <= 0.04045 {
        x / 12.92
    } else {
        ((x + 0.055) / 1.055).powf(2.4)
    }
}

impl WorldRenderer {
    /// Pipelines drawing into `format`.
    pub fn new(ctx: &GpuContext, format: wgpu::TextureFormat) -> Self {
        let d = &ctx.device;
        let module = d.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("view.shader"),
            source: wgpu::ShaderSource::Wgsl(source("render").into()),
        });
        let storage = |binding: u32, vis: wgpu::ShaderStages| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: vis,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only: true },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let both = wgpu::ShaderStages::VERTEX | wgpu::ShaderStages::FRAGMENT;
        let mut entries = vec![wgpu::BindGroupLayoutEntry {
            binding: 0,
            visibility: both,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Uniform,
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        }];
        for b in 1..=6 {
            entries.push(storage(b, wgpu::ShaderStages::VERTEX));
        }
        entries.push(storage(7, wgpu::ShaderStages::FRAGMENT));
        entries.push(storage(8, wgpu::ShaderStages::FRAGMENT));
        let layout = d.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("view.layout"),
            entries: &entries,
        });
        let pl = d.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("view.pipeline_layout"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = |label: &str, vs: &str, fs: &str, topology: wgpu::PrimitiveTopology| {
            d.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(label),
                layout: Some(&pl),
                vertex: wgpu::VertexState {
                    module: &module,
                    entry_point: Some(vs),
                    compilation_options: Default::default(),
                    buffers: &[],
                },
                fragment: Some(wgpu::FragmentState {
                    module: &module,
                    entry_point: Some(fs),
                    compilation_options: Default::default(),
                    targets: &[Some(wgpu::ColorTargetState {
                        format,
                        blend: None,
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                primitive: wgpu::PrimitiveState {
                    topology,
                    ..Default::default()
                },
                depth_stencil: None,
                multisample: wgpu::MultisampleState::default(),
                multiview_mask: None,
                cache: None,
            })
        };
        Self {
            background: pipeline(
                "view.background",
                "background_vs",
                "background_fs",
                wgpu::PrimitiveTopology::TriangleList,
            ),
            creatures: pipeline(
                "view.creatures",
                "creature_vs",
                "creature_fs",
                wgpu::PrimitiveTopology::TriangleList,
            ),
            points: pipeline(
                "view.creature_points",
                "creature_vs",
                "creature_fs",
                wgpu::PrimitiveTopology::PointList,
            ),
            as_points: false,
            uniform: d.create_buffer(&wgpu::BufferDescriptor {
                label: Some("view.uniform"),
                size: std::mem::size_of::<ViewUniform>() as u64,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            layout,
            upload: None,
            group: None,
            instances: 0,
        }
    }

    fn upload(ctx: &GpuContext, sim: &Simulation, up: &mut Option<Upload>) {
        let e = sim.entities();
        let cap = e.capacity();
        if up.as_ref().is_none_or(|u| u.capacity != cap) {
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
            let terrain = buf("view.terrain", t.cells.len() * 4);
            let words: Vec<u32> = t.cells.iter().map(|&c| c as u32).collect();
            ctx.queue
                .write_buffer(&terrain, 0, bytemuck::cast_slice(&words));
            *up = Some(Upload {
                capacity: cap,
                pos: buf("view.pos", cap * 8),
                vel: buf("view.vel", cap * 8),
                tribe_flags: buf("view.tribe_flags", cap * 4),
                genes: buf("view.genes", cap * 20),
                energy: buf("view.energy", cap * 4),
                age: buf("view.age", cap * 4),
                terrain,
                food: buf("view.food", sim.food().amount.len() * 4),
            });
        }
        let u = up.as_ref().expect("allocated above");
        let q = &ctx.queue;
        let fits = |b: &wgpu::Buffer, bytes: usize| b.size() as usize >= bytes;
        if fits(&u.genes, cap * 20) {
            q.write_buffer(&u.pos, 0, bytemuck::cast_slice(&e.pos));
            q.write_buffer(&u.vel, 0, bytemuck::cast_slice(&e.vel));
            q.write_buffer(&u.tribe_flags, 0, bytemuck::cast_slice(&e.tribe_flags));
            q.write_buffer(&u.genes, 0, bytemuck::cast_slice(&e.genes));
            q.write_buffer(&u.energy, 0, bytemuck::cast_slice(&e.energy));
            q.write_buffer(&u.age, 0, bytemuck::cast_slice(&e.age));
        }
        let food = &sim.food().amount;
        if fits(&u.food, food.len() * 4) {
            q.write_buffer(&u.food, 0, bytemuck::cast_slice(food));
        }
    }

    /// Prepares the frame: uniform, and the bind group over the simulation's
    /// buffers (uploading them first on the CPU backend).
    pub fn prepare(
        &mut self,
        ctx: &GpuContext,
        sim: &Simulation,
        camera: &Camera,
        size: [f32; 2],
        style: &Style,
    ) {
        let p = sim.params();
        let world = [p.world.width, p.world.height];
        let view_w = size[0] / camera.zoom;
        let view_h = size[1] / camera.zoom;
        // Copies of the world each side so that the view is covered.
        let tiles = |view: f32, len: f32| ((view / len - 1.0) * 0.5).ceil().max(0.0) as u32;
        let (tiles_x, tiles_y) = (tiles(view_w, world[0]), tiles(view_h, world[1]));
        let mut tribe_colors = [[0.8, 0.8, 0.8, 1.0]; 16];
        for (k, t) in sim.scenario().tribes.iter().take(16).enumerate() {
            let c = parse_color(&t.color).unwrap_or([200; 3]);
            tribe_colors[k] = [
                srgb_to_linear(c[0]),
                srgb_to_linear(c[1]),
                srgb_to_linear(c[2]),
                1.0,
            ];
        }
        let terrain = &sim.terrain().grid;
        let food = &sim.food().grid;
        let (group, capacity) = match sim.gpu_view() {
            Some((_, b)) => {
                self.upload = None;
                (
                    self.bind(
                        ctx,
                        [
                            &b.pos,
                            &b.vel,
                            &b.tribe_flags,
                            &b.genes,
                            &b.energy,
                            &b.age,
                            &b.terrain,
                            &b.food_amount,
                        ],
                    ),
                    sim.live_end() as u32,
                )
            }
            None => {
                Self::upload(ctx, sim, &mut self.upload);
                let u = self.upload.as_ref().expect("uploaded");
                (
                    self.bind(
                        ctx,
                        [
                            &u.pos,
                            &u.vel,
                            &u.tribe_flags,
                            &u.genes,
                            &u.energy,
                            &u.age,
                            &u.terrain,
                            &u.food,
                        ],
                    ),
                    sim.live_end() as u32,
                )
            }
        };
        let uni = ViewUniform {
            center: camera.center,
            scale: [2.0 * camera.zoom / size[0], 2.0 * camera.zoom / size[1]],
            world,
            viewport: size,
            tiles_x,
            tiles_y,
            capacity: capacity.max(1),
            mode: style.mode,
            selected: style.selected.unwrap_or(crate::cpu::NONE),
            size: (4.0 / camera.zoom).max(3.0),
            energy_max: p.energy.max,
            lifespan: p.energy.lifespan,
            show_terrain: style.terrain as u32,
            terrain_cols: terrain.cols,
            terrain_rows: terrain.rows,
            food_cols: food.cols,
            food_rows: food.rows,
            show_food: style.food as u32,
            food_max: p.food.capacity * 3.0,
            _pad0: 0,
            tribe_colors,
        };
        ctx.queue
            .write_buffer(&self.uniform, 0, bytemuck::bytes_of(&uni));
        self.group = Some(group);
        self.instances = capacity * (2 * tiles_x + 1) * (2 * tiles_y + 1);
        // Crowded and far out (a creature's own 3 wu under 1.5 px, over
        // 50,000 slots drawn): a pixel each.
        self.as_points = 3.0 * camera.zoom < 1.5 && self.instances > 50_000;
    }

    fn bind(&self, ctx: &GpuContext, b: [&wgpu::Buffer; 8]) -> wgpu::BindGroup {
        let mut entries = vec![wgpu::BindGroupEntry {
            binding: 0,
            resource: self.uniform.as_entire_binding(),
        }];
        for (k, buf) in b.iter().enumerate() {
            entries.push(wgpu::BindGroupEntry {
                binding: k as u32 + 1,
                resource: buf.as_entire_binding(),
            });
        }
        ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("view.group"),
            layout: &self.layout,
            entries: &entries,
        })
    }

    /// Draws the background and the creatures into `pass`.
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>) {
        let Some(group) = &self.group else { return };
        pass.set_bind_group(0, group, &[]);
        pass.set_pipeline(&self.background);
        pass.draw(0..3, 0..1);
        if self.as_points {
            pass.set_pipeline(&self.points);
            pass.draw(0..1, 0..self.instances);
        } else {
            pass.set_pipeline(&self.creatures);
            pass.draw(0..3, 0..self.instances);
        }
    }
}
