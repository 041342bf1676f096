//! The skeleton every compute pass shares. A pass declares its shader's
//! bindings once, in Rust ([`KernelDecl`]: WGSL name and type, access,
//! buffer), and which bindings each entry point uses; from that one
//! declaration come the WGSL binding lines (prepended to the shader by
//! [`super::shaders::source`]), each entry point's bind group layout and
//! pipeline, and its bind group, so that none of them can disagree. The pass
//! itself is a [`Kernel`] of its [`Shader`] (with the pass's own methods
//! where it needs more than [`Kernel::record`]).

use std::marker::PhantomData;

use super::GpuContext;
use super::buffers::Buffers;

/// How a shader reads a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `var<uniform>`.
    Uniform,
    /// `var<storage, read>`.
    Read,
    /// `var<storage, read_write>`.
    ReadWrite,
}

/// Where a binding's buffer comes from.
#[derive(Clone, Copy)]
pub enum Source {
    /// A buffer of the world's [`Buffers`].
    Shared(fn(&Buffers) -> &wgpu::Buffer),
    /// Buffer `k` of those the pass owns (given to [`Kernel::new`]).
    Own(usize),
}

/// One binding of a shader.
#[derive(Clone, Copy)]
pub struct Binding {
    /// WGSL variable name.
    pub name: &'static str,
    /// WGSL type.
    pub ty: &'static str,
    /// How the shader reads it.
    pub access: Access,
    /// Its buffer.
    pub source: Source,
}

/// A uniform of [`Buffers`].
pub const fn uniform(
    name: &'static str,
    ty: &'static str,
    get: fn(&Buffers) -> &wgpu::Buffer,
) -> Binding {
    own_or(Access::Uniform, name, ty, Source::Shared(get))
}

/// A storage buffer of [`Buffers`], read only.
pub const fn read(
    name: &'static str,
    ty: &'static str,
    get: fn(&Buffers) -> &wgpu::Buffer,
) -> Binding {
    own_or(Access::Read, name, ty, Source::Shared(get))
}

/// A storage buffer of [`Buffers`], read and written.
pub const fn read_write(
    name: &'static str,
    ty: &'static str,
    get: fn(&Buffers) -> &wgpu::Buffer,
) -> Binding {
    own_or(Access::ReadWrite, name, ty, Source::Shared(get))
}

/// A binding of the pass's own buffer `k`.
pub const fn own(access: Access, name: &'static str, ty: &'static str, k: usize) -> Binding {
    own_or(access, name, ty, Source::Own(k))
}

const fn own_or(access: Access, name: &'static str, ty: &'static str, source: Source) -> Binding {
    Binding {
        name,
        ty,
        access,
        source,
    }
}

/// The entry list of a shader with one entry point, `main`, using every binding.
pub const MAIN: &[(&str, &str)] = &[("main", "*")];

/// A shader's bindings (binding `k` is `bindings[k]`) and entry points.
pub struct KernelDecl {
    /// Shader name (`shaders/<shader>.wgsl`).
    pub shader: &'static str,
    /// Entry points, each with the names of the bindings it uses (space
    /// separated; `*`: all). Its pipeline layout holds only these, which
    /// keeps every entry point within the browsers' 10 storage buffers and
    /// lets two entry points see one buffer as read-only and as writable.
    pub entries: &'static [(&'static str, &'static str)],
    /// The bindings, in binding order.
    pub bindings: &'static [Binding],
}

impl KernelDecl {
    /// The WGSL declarations of the bindings.
    pub fn wgsl(&self) -> String {
        let mut s = String::new();
        for (k, b) in self.bindings.iter().enumerate() {
            let space = match b.access {
                Access::Uniform => "uniform",
                Access::Read => "storage, read",
                Access::ReadWrite => "storage, read_write",
            };
            s += &format!(
                "@group(0) @binding({k}) var<{space}> {}: {};\n",
                b.name, b.ty
            );
        }
        s
    }

    /// The bindings entry point `entry` uses, with their numbers.
    pub fn uses(&self, entry: &str) -> Vec<(u32, &Binding)> {
        let names = self
            .entries
            .iter()
            .find(|(e, _)| *e == entry)
            .unwrap_or_else(|| panic!("{} has no entry point {entry}", self.shader))
            .1;
        let all = names == "*";
        let names: Vec<&str> = names.split_whitespace().collect();
        let uses: Vec<(u32, &Binding)> = (0u32..)
            .zip(self.bindings)
            .filter(|(_, b)| all || names.contains(&b.name))
            .collect();
        assert!(
            all || uses.len() == names.len(),
            "{}::{entry} names a binding it does not declare",
            self.shader
        );
        uses
    }
}

/// A compute shader of a pass: its declaration.
pub trait Shader {
    /// The shader's bindings and entry points.
    const DECL: KernelDecl;
}

/// A pass: shader `S`'s pipelines (one per entry point) and their bind
/// groups over the world's buffers.
pub struct Kernel<S: Shader> {
    layouts: Vec<wgpu::BindGroupLayout>,
    pipelines: Vec<wgpu::ComputePipeline>,
    groups: Vec<wgpu::BindGroup>,
    shader: PhantomData<S>,
}

impl<S: Shader> Kernel<S> {
    /// Builds the pipelines and binds them to `b`.
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        Self::with_own(ctx, b, &[])
    }

    /// Builds the pipelines and binds them to `b` and the pass's own
    /// buffers `own`.
    pub fn with_own(ctx: &GpuContext, b: &Buffers, own: &[&wgpu::Buffer]) -> Self {
        let mut k = Self::unbound(ctx);
        k.groups = k.bind(ctx, b, own);
        k
    }

    /// Builds the pipelines only, for [`Self::dispatch_in`] with bind groups
    /// from [`Self::bind`].
    pub fn unbound(ctx: &GpuContext) -> Self {
        let (d, decl) = (&ctx.device, &S::DECL);
        let name = decl.shader;
        let module = d.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(&format!("sim.shader.{name}")),
            source: wgpu::ShaderSource::Wgsl(super::shaders::source(name).into()),
        });
        let (mut layouts, mut pipelines) = (Vec::new(), Vec::new());
        for &(entry, _) in decl.entries {
            let layout = d.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some(&format!("sim.layout.{name}.{entry}")),
                entries: &layout_entries(&decl.uses(entry)),
            });
            let pipeline_layout = d.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some(&format!("sim.layout.{name}.{entry}")),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
            pipelines.push(d.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(&format!("sim.pipeline.{name}.{entry}")),
                layout: Some(&pipeline_layout),
                module: &module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: None,
            }));
            layouts.push(layout);
        }
        Self {
            layouts,
            pipelines,
            groups: Vec::new(),
            shader: PhantomData,
        }
    }

    /// Bind groups (one per entry point) over other buffers, for
    /// [`Self::dispatch_in`].
    pub fn bind(
        &self,
        ctx: &GpuContext,
        b: &Buffers,
        own: &[&wgpu::Buffer],
    ) -> Vec<wgpu::BindGroup> {
        let decl = &S::DECL;
        let buffer = |s: Source| match s {
            Source::Shared(get) => get(b),
            Source::Own(k) => own[k],
        };
        (decl.entries.iter().zip(&self.layouts))
            .map(|(&(entry, _), layout)| {
                let entries: Vec<wgpu::BindGroupEntry<'_>> = (decl.uses(entry).into_iter())
                    .map(|(k, binding)| wgpu::BindGroupEntry {
                        binding: k,
                        resource: buffer(binding.source).as_entire_binding(),
                    })
                    .collect();
                ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some(&format!("sim.{}.{entry}", decl.shader)),
                    layout,
                    entries: &entries,
                })
            })
            .collect()
    }

    /// Records every entry point, in order, each over `items` invocations.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, items: u32) {
        for &(entry, _) in S::DECL.entries {
            self.dispatch(pass, entry, items);
        }
    }

    /// Records entry point `entry` over `items` invocations (nothing for none).
    pub fn dispatch(&self, pass: &mut wgpu::ComputePass<'_>, entry: &str, items: u32) {
        self.dispatch_in(pass, entry, &self.groups, items);
    }

    /// [`Self::dispatch`] with bind groups from [`Self::bind`].
    pub fn dispatch_in(
        &self,
        pass: &mut wgpu::ComputePass<'_>,
        entry: &str,
        groups: &[wgpu::BindGroup],
        items: u32,
    ) {
        let (x, y) = super::dispatch::groups(items);
        if x == 0 {
            return;
        }
        let k = (S::DECL.entries.iter())
            .position(|(e, _)| *e == entry)
            .unwrap_or_else(|| panic!("{} has no entry point {entry}", S::DECL.shader));
        pass.set_pipeline(&self.pipelines[k]);
        pass.set_bind_group(0, &groups[k], &[]);
        pass.dispatch_workgroups(x, y, 1);
    }
}

fn layout_entries(uses: &[(u32, &Binding)]) -> Vec<wgpu::BindGroupLayoutEntry> {
    uses.iter()
        .map(|&(k, b)| wgpu::BindGroupLayoutEntry {
            binding: k,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: match b.access {
                    Access::Uniform => wgpu::BufferBindingType::Uniform,
                    Access::Read => wgpu::BufferBindingType::Storage { read_only: true },
                    Access::ReadWrite => wgpu::BufferBindingType::Storage { read_only: false },
                },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        })
        .collect()
}
