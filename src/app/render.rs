//! Draws the world from the simulation's buffers with `shaders/render.wgsl`:
//! on the GPU backend straight from the resident buffers (nothing is copied
//! to the CPU); on the CPU backend from buffers the simulation thread
//! uploads after each batch of ticks (see [`super::runner`]). On WebGL2,
//! whose shaders cannot read storage buffers, from data textures instead
//! (`shaders/render_textures.wgsl`, [`GpuContext::draw_from_textures`]):
//! the same drawing, creatures always as triangles (no compute pass).

use glam::Vec2;

use super::camera::Camera;
use super::runner::{DrawData, DrawSource, SimView};
use crate::gpu::GpuContext;
use crate::gpu::layout::ViewUniform;
use crate::gpu::shaders::source;
use crate::gpu::wgsl::uniform_bytes;
use crate::model::quanta::Quantum;
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
    /// Species whose members are highlighted (the rest dimmed).
    pub highlight: Option<u32>,
}

/// The two pipelines and the view uniform.
pub struct WorldRenderer {
    background: wgpu::RenderPipeline,
    creatures: wgpu::RenderPipeline,
    /// Creatures as one pixel each (crowded and far out).
    as_points: bool,
    /// The compute pass writing one pixel per creature into `splat_target`,
    /// and its target's layout (none when drawing from textures).
    splat: Option<(wgpu::ComputePipeline, wgpu::BindGroupLayout)>,
    /// One word per pixel of the target, its size, and its bind group.
    splat_target: Option<(wgpu::Buffer, [u32; 2], wgpu::BindGroup)>,
    layout: wgpu::BindGroupLayout,
    uniform: wgpu::Buffer,
    /// The bind group and the [`super::runner::DrawSource`] id it binds.
    group: Option<(u64, wgpu::BindGroup)>,
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
    /// Pipelines drawing into `format`, reading the state from storage
    /// buffers or, where [`GpuContext::draw_from_textures`], from data
    /// textures.
    pub fn new(ctx: &GpuContext, format: wgpu::TextureFormat) -> Self {
        let d = &ctx.device;
        let textures = ctx.draw_from_textures;
        let module = d.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("view.shader"),
            source: wgpu::ShaderSource::Wgsl(
                source(if textures {
                    "render_textures"
                } else {
                    "render"
                })
                .into(),
            ),
        });
        let layout = bind_layout(d, textures);
        let splat_layout = (!textures).then(|| splat_layout(d));
        let pl = d.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("view.pipeline_layout"),
            // Group 1 (the splat target) only with the compute pass.
            bind_group_layouts: &[Some(&layout), splat_layout.as_ref()]
                [..1 + usize::from(!textures)],
            immediate_size: 0,
        });
        let splat = splat_layout.map(|sl| {
            let pipeline = d.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some("view.splat"),
                layout: Some(&pl),
                module: &module,
                entry_point: Some("splat_creatures"),
                compilation_options: Default::default(),
                cache: None,
            });
            (pipeline, sl)
        });
        let pipeline = |label, vs, fs| render_pipeline(d, &pl, &module, format, label, vs, fs);
        Self {
            background: pipeline("view.background", "background_vs", "background_fs"),
            creatures: pipeline("view.creatures", "creature_vs", "creature_fs"),
            as_points: false,
            splat,
            splat_target: None,
            uniform: d.create_buffer(&wgpu::BufferDescriptor {
                label: Some("view.uniform"),
                size: <ViewUniform as encase::ShaderSize>::SHADER_SIZE.get(),
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            layout,
            group: None,
            instances: 0,
        }
    }

    /// Prepares the frame: the uniform, and the bind group over the
    /// simulation's buffers (made again only when they change).
    pub fn prepare(
        &mut self,
        ctx: &GpuContext,
        sim: &SimView,
        camera: &Camera,
        size: Vec2,
        style: &Style,
    ) {
        let Some(draw) = &sim.draw else {
            self.group = None;
            return;
        };
        if self.group.as_ref().is_none_or(|(id, _)| *id != draw.id) {
            self.group = self.bind(ctx, &draw.data).map(|g| (draw.id, g));
        }
        let mut uni = view_uniform(sim, draw, camera, size, style);
        self.instances = uni.capacity * (2 * uni.tiles_x + 1) * (2 * uni.tiles_y + 1);
        // Crowded and far out (a creature's own 3 wu under 1.5 px, over
        // 50,000 slots drawn): a pixel each, splatted by a compute pass.
        // (Not without the compute pass: on WebGL2 always triangles.)
        self.as_points = self.splat.is_some() && 3.0 * camera.zoom < 1.5 && self.instances > 50_000;
        uni.corners = if self.as_points { 0 } else { 3 };
        self.fit_splat_target(ctx, [size.x.max(1.0) as u32, size.y.max(1.0) as u32]);
        ctx.queue
            .write_buffer(&self.uniform, 0, &uniform_bytes(&uni));
    }

    /// Makes the splat target (one word per pixel) `px` pixels, if it is not.
    fn fit_splat_target(&mut self, ctx: &GpuContext, px: [u32; 2]) {
        let Some((_, splat_layout)) = &self.splat else {
            return;
        };
        if self.splat_target.as_ref().is_some_and(|t| t.1 == px) {
            return;
        }
        let bytes = (px[0] as u64 * px[1] as u64 * 4).max(256);
        let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("view.splat"),
            size: bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("view.splat_group"),
            layout: splat_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: buffer.as_entire_binding(),
            }],
        });
        self.splat_target = Some((buffer, px, group));
    }

    /// The bind group over `data`, if it is what this renderer reads (the
    /// GPU backend's buffers cannot be drawn from textures: none then).
    fn bind(&self, ctx: &GpuContext, data: &DrawData) -> Option<wgpu::BindGroup> {
        let mut entries = vec![wgpu::BindGroupEntry {
            binding: 0,
            resource: self.uniform.as_entire_binding(),
        }];
        match data {
            DrawData::Buffers(b) if self.splat.is_some() => {
                for (k, buf) in b.in_binding_order().into_iter().enumerate() {
                    entries.push(wgpu::BindGroupEntry {
                        binding: k as u32 + 1,
                        resource: buf.as_entire_binding(),
                    });
                }
            }
            DrawData::Textures(t) if self.splat.is_none() => {
                for (k, view) in t.views.iter().enumerate() {
                    entries.push(wgpu::BindGroupEntry {
                        binding: k as u32 + 1,
                        resource: wgpu::BindingResource::TextureView(view),
                    });
                }
            }
            _ => return None,
        }
        Some(ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("view.group"),
            layout: &self.layout,
            entries: &entries,
        }))
    }

    /// Records the work before the render pass: when creatures are drawn
    /// as pixels, clearing the splat target and splatting them.
    pub fn record(&self, enc: &mut wgpu::CommandEncoder) {
        let (Some((_, group)), Some((target, _, splat_group)), Some((splat, _))) =
            (&self.group, &self.splat_target, &self.splat)
        else {
            return;
        };
        if !self.as_points || self.instances == 0 {
            return;
        }
        enc.clear_buffer(target, 0, None);
        let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("view.splat"),
            timestamp_writes: None,
        });
        pass.set_pipeline(splat);
        pass.set_bind_group(0, group, &[]);
        pass.set_bind_group(1, splat_group, &[]);
        let groups = self.instances.div_ceil(64);
        let x = groups.min(32_768);
        pass.dispatch_workgroups(x, groups.div_ceil(x), 1);
    }

    /// Draws the background and the creatures into `pass`.
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>) {
        let Some((_, group)) = &self.group else {
            return;
        };
        pass.set_bind_group(0, group, &[]);
        match (&self.splat, &self.splat_target) {
            (Some(_), Some((_, _, splat_group))) => pass.set_bind_group(1, splat_group, &[]),
            (Some(_), None) => return,
            (None, _) => {}
        }
        pass.set_pipeline(&self.background);
        pass.draw(0..3, 0..1);
        if !self.as_points {
            pass.set_pipeline(&self.creatures);
            pass.draw(0..3 * self.instances, 0..1);
        }
    }
}

/// The view uniform for drawing `draw` (of `sim`) through `camera` into
/// `size` pixels; creatures as triangles (`corners` 3).
fn view_uniform(
    sim: &SimView,
    draw: &DrawSource,
    camera: &Camera,
    size: Vec2,
    style: &Style,
) -> ViewUniform {
    let p = &sim.params;
    let world = Vec2::new(p.world.width, p.world.height);
    let view = size / camera.zoom;
    // Copies of the world each side so that the view is covered.
    let tiles = |view: f32, len: f32| ((view / len - 1.0) * 0.5).ceil().max(0.0) as u32;
    let [terrain_cols, terrain_rows] = draw.terrain_dims;
    let [food_cols, food_rows] = draw.food_dims;
    ViewUniform {
        center: camera.center,
        scale: 2.0 * camera.zoom / size,
        world,
        viewport: size,
        tiles_x: tiles(view.x, world.x),
        tiles_y: tiles(view.y, world.y),
        capacity: draw.live_end.max(1),
        mode: style.mode,
        selected: style.selected.unwrap_or(crate::common::NONE),
        size: (4.0 / camera.zoom).max(3.0),
        energy_max: p.energy.max,
        lifespan: p.energy.lifespan,
        show_terrain: style.terrain as u32,
        terrain_cols,
        terrain_rows,
        food_cols,
        food_rows,
        show_food: style.food as u32,
        // In quanta: the renderer reads the cells' whole quanta.
        food_max: p.food.capacity * 3.0 * Quantum::new(&p.food, &p.terrain).per_unit,
        corners: 3,
        highlight: style
            .highlight
            .map_or(crate::common::NONE, |s| s & crate::species::TAG_MASK),
        tribe_colors: tribe_colors(sim).map(glam::Vec4::from),
    }
}

/// The first 16 tribes' colours, linear RGBA (the rest light grey).
fn tribe_colors(sim: &SimView) -> [[f32; 4]; 16] {
    let mut out = [[0.8, 0.8, 0.8, 1.0]; 16];
    for (k, t) in sim.scenario.tribes.iter().take(16).enumerate() {
        let c = parse_color(&t.color).unwrap_or([200; 3]);
        out[k] = [
            srgb_to_linear(c[0]),
            srgb_to_linear(c[1]),
            srgb_to_linear(c[2]),
            1.0,
        ];
    }
    out
}

/// The view's bind group layout (group 0): the uniform and the
/// simulation's state, as storage buffers (also visible to the splat
/// compute pass) or as data textures.
fn bind_layout(d: &wgpu::Device, textures: bool) -> wgpu::BindGroupLayout {
    let draw = wgpu::ShaderStages::VERTEX | wgpu::ShaderStages::FRAGMENT;
    let all = draw | wgpu::ShaderStages::COMPUTE;
    let entry = |binding: u32, visibility: wgpu::ShaderStages, ty: wgpu::BindingType| {
        wgpu::BindGroupLayoutEntry {
            binding,
            visibility,
            ty,
            count: None,
        }
    };
    let buffer = |ty: wgpu::BufferBindingType| wgpu::BindingType::Buffer {
        ty,
        has_dynamic_offset: false,
        min_binding_size: None,
    };
    let mut entries = vec![entry(
        0,
        if textures { draw } else { all },
        buffer(wgpu::BufferBindingType::Uniform),
    )];
    if textures {
        let float = wgpu::TextureSampleType::Float { filterable: false };
        let uint = wgpu::TextureSampleType::Uint;
        // pos, vel, tribe_flags, genes, energy, age, terrain, food.
        let kinds = [float, float, uint, uint, float, float, uint, uint];
        entries.extend(kinds.into_iter().enumerate().map(|(k, sample_type)| {
            let ty = wgpu::BindingType::Texture {
                sample_type,
                view_dimension: wgpu::TextureViewDimension::D2,
                multisampled: false,
            };
            entry(k as u32 + 1, draw, ty)
        }));
    } else {
        let read_only = buffer(wgpu::BufferBindingType::Storage { read_only: true });
        entries.extend((1..=9).map(|b| entry(b, all, read_only)));
    }
    d.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("view.layout"),
        entries: &entries,
    })
}

/// The splat target's layout (group 1): one word per pixel.
fn splat_layout(d: &wgpu::Device) -> wgpu::BindGroupLayout {
    d.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("view.splat_layout"),
        entries: &[wgpu::BindGroupLayoutEntry {
            binding: 0,
            visibility: wgpu::ShaderStages::FRAGMENT | wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only: false },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        }],
    })
}

/// A triangle-list pipeline of `module`'s entry points `vs` and `fs`,
/// drawing into `format`.
fn render_pipeline(
    d: &wgpu::Device,
    layout: &wgpu::PipelineLayout,
    module: &wgpu::ShaderModule,
    format: wgpu::TextureFormat,
    label: &str,
    vs: &str,
    fs: &str,
) -> wgpu::RenderPipeline {
    d.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some(label),
        layout: Some(layout),
        vertex: wgpu::VertexState {
            module,
            entry_point: Some(vs),
            compilation_options: Default::default(),
            buffers: &[],
        },
        fragment: Some(wgpu::FragmentState {
            module,
            entry_point: Some(fs),
            compilation_options: Default::default(),
            targets: &[Some(wgpu::ColorTargetState {
                format,
                blend: None,
                write_mask: wgpu::ColorWrites::ALL,
            })],
        }),
        primitive: wgpu::PrimitiveState {
            topology: wgpu::PrimitiveTopology::TriangleList,
            ..Default::default()
        },
        depth_stencil: None,
        multisample: wgpu::MultisampleState::default(),
        multiview_mask: None,
        cache: None,
    })
}
