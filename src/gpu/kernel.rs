//! The skeleton every compute pass shares. A pass declares its shader's
//! bindings once, in Rust ([`KernelDecl`]: its uniform and the buffers it
//! reads and writes, each a [`View`] with its WGSL name and type), and which
//! bindings each entry point uses; from that one declaration come the WGSL
//! binding lines (prepended to the shader by [`super::shaders::source`]),
//! each entry point's bind group layout and pipeline, and its bind group, so
//! that none of them can disagree. The pass itself is a [`Kernel`] of its
//! [`Shader`] (with methods of its own where it needs more than
//! [`Kernel::record`]), or a [`RecordKernel`] when it owns a record buffer.

use std::marker::PhantomData;

use super::buffers::Buffers;
use super::wgsl::WgslStruct;
use super::{GpuContext, GpuError};

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
    /// Buffer `k` of those the pass owns (given to [`Kernel::with_own`]).
    Own(usize),
}

/// A buffer as a shader sees it: its WGSL name and type (the world's
/// buffers have one each, in [`super::views`]).
#[derive(Clone, Copy)]
pub struct View {
    /// WGSL variable name.
    pub name: &'static str,
    /// WGSL type.
    pub ty: &'static str,
    /// The buffer.
    pub source: Source,
}

impl View {
    /// A buffer of [`Buffers`].
    pub const fn of(
        name: &'static str,
        ty: &'static str,
        get: fn(&Buffers) -> &wgpu::Buffer,
    ) -> Self {
        let source = Source::Shared(get);
        Self { name, ty, source }
    }

    /// The uniform `u` of type `T`.
    pub const fn uniform<T: WgslStruct>(get: fn(&Buffers) -> &wgpu::Buffer) -> Self {
        Self::of("u", T::NAME, get)
    }

    /// The pass's own buffer `k`.
    pub const fn own(name: &'static str, ty: &'static str, k: usize) -> Self {
        let source = Source::Own(k);
        Self { name, ty, source }
    }

    /// The same buffer under another name (for a second binding of it).
    pub const fn named(self, name: &'static str) -> Self {
        Self { name, ..self }
    }

    /// The same buffer as another type (`array<vec4<f32>>` for `array<f32>`).
    pub const fn typed(self, ty: &'static str) -> Self {
        Self { ty, ..self }
    }
}

/// The entry list of a shader with one entry point, `main`, using every binding.
const MAIN: &[(&str, &str)] = &[("main", "*")];

/// A shader's bindings and entry points. Binding 0 is the uniform, then
/// come the read-only storage buffers, then the read-write ones.
pub struct KernelDecl {
    /// Shader name (`shaders/<shader>.wgsl`).
    pub shader: &'static str,
    /// The uniform (binding 0).
    pub uniform: View,
    /// Storage buffers read only.
    pub read: &'static [View],
    /// Storage buffers read and written.
    pub read_write: &'static [View],
    /// Entry points, each with the names of the bindings it uses (space
    /// separated; `*`: all). Its pipeline layout holds only these, which
    /// keeps every entry point within the browsers' 10 storage buffers and
    /// lets two entry points see one buffer as read-only and as writable.
    pub entries: &'static [(&'static str, &'static str)],
    /// Buffers of [`Buffers`] zeroed before the pass ([`Kernel::clear`]).
    pub zeroed: &'static [View],
}

impl KernelDecl {
    /// Shader `shader` with uniform `uniform` and one entry point, `main`,
    /// that uses every binding.
    pub const fn new(shader: &'static str, uniform: View) -> Self {
        Self {
            shader,
            uniform,
            read: &[],
            read_write: &[],
            entries: MAIN,
            zeroed: &[],
        }
    }

    /// With these storage buffers read only.
    pub const fn read(self, read: &'static [View]) -> Self {
        Self { read, ..self }
    }

    /// With these storage buffers read and written.
    pub const fn read_write(self, read_write: &'static [View]) -> Self {
        Self { read_write, ..self }
    }

    /// With these entry points (each with the bindings it uses, as the
    /// field `entries` says).
    pub const fn entries(self, entries: &'static [(&'static str, &'static str)]) -> Self {
        Self { entries, ..self }
    }

    /// With these buffers zeroed before the pass.
    pub const fn zeroed(self, zeroed: &'static [View]) -> Self {
        Self { zeroed, ..self }
    }

    /// Every binding with its number and access.
    pub fn bindings(&self) -> impl Iterator<Item = (u32, Access, &View)> {
        let uniform = std::iter::once((Access::Uniform, &self.uniform));
        let read = self.read.iter().map(|v| (Access::Read, v));
        let read_write = self.read_write.iter().map(|v| (Access::ReadWrite, v));
        (0u32..)
            .zip(uniform.chain(read).chain(read_write))
            .map(|(k, (a, v))| (k, a, v))
    }

    /// The WGSL declarations of the bindings.
    pub fn wgsl(&self) -> String {
        let mut s = String::new();
        for (k, access, v) in self.bindings() {
            let space = match access {
                Access::Uniform => "uniform",
                Access::Read => "storage, read",
                Access::ReadWrite => "storage, read_write",
            };
            s += &format!(
                "@group(0) @binding({k}) var<{space}> {}: {};\n",
                v.name, v.ty
            );
        }
        // Genes in two buffers: whole genomes through accessors.
        let genes = super::views::GENES_B.name;
        if let Some((_, access, _)) = self.bindings().find(|(_, _, v)| v.name == genes) {
            s += super::views::LOAD_GENES;
            if access == Access::ReadWrite {
                s += super::views::STORE_GENES;
            }
        }
        s
    }

    /// The bindings entry point `entry` uses.
    pub fn uses(&self, entry: &str) -> Vec<(u32, Access, &View)> {
        let names = self
            .entries
            .iter()
            .find(|(e, _)| *e == entry)
            .unwrap_or_else(|| panic!("{} has no entry point {entry}", self.shader))
            .1;
        let all = names == "*";
        let names: Vec<&str> = names.split_whitespace().collect();
        let uses: Vec<(u32, Access, &View)> = self
            .bindings()
            .filter(|(_, _, v)| all || names.contains(&v.name))
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
                label: Some(&format!("sim.bind_layout.{name}.{entry}")),
                entries: &layout_entries(&decl.uses(entry)),
            });
            let pipeline_layout = d.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some(&format!("sim.pipeline_layout.{name}.{entry}")),
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

    /// Binds the pipelines again to `b` (after its buffers were replaced:
    /// [`Buffers::grow_slots`]), without building them again. For passes
    /// without buffers of their own.
    pub fn rebind(&mut self, ctx: &GpuContext, b: &Buffers) {
        self.groups = self.bind(ctx, b, &[]);
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
                    .map(|(k, _, v)| wgpu::BindGroupEntry {
                        binding: k,
                        resource: buffer(v.source).as_entire_binding(),
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

    /// Zeroes the buffers the pass wants zeroed (before its compute pass).
    pub fn clear(&self, enc: &mut wgpu::CommandEncoder, b: &Buffers) {
        for v in S::DECL.zeroed {
            if let Source::Shared(get) = v.source {
                enc.clear_buffer(get(b), 0, None);
            }
        }
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

/// A pass whose own buffer 0 holds records of type `T`, allocated for a
/// power of two of them and grown as needed (`participants`' output,
/// `write_back`'s input).
pub struct RecordKernel<S: Shader, T> {
    /// The pass.
    pub kernel: Kernel<S>,
    /// The records.
    pub records: wgpu::Buffer,
    record: PhantomData<T>,
}

impl<S: Shader, T: WgslStruct> RecordKernel<S, T> {
    /// Builds the pass over `b` with room for `records` records.
    pub fn new(ctx: &GpuContext, b: &Buffers, records: u64) -> Result<Self, GpuError> {
        let bytes = records.max(1).next_power_of_two() * T::SHADER_SIZE.get();
        let label = format!("sim.{}.records", S::DECL.shader);
        let buffer = ctx.storage(&label, bytes, wgpu::BufferUsages::empty())?;
        Ok(Self {
            kernel: Kernel::with_own(ctx, b, &[&buffer]),
            records: buffer,
            record: PhantomData,
        })
    }

    /// Binds the pass again to `b` and its records (see [`Kernel::rebind`]).
    pub fn rebind(&mut self, ctx: &GpuContext, b: &Buffers) {
        self.kernel.groups = self.kernel.bind(ctx, b, &[&self.records]);
    }

    /// Records the buffer holds.
    pub fn capacity(&self) -> u64 {
        self.records.size() / T::SHADER_SIZE.get()
    }

    /// Bytes of the record buffer.
    pub fn bytes(&self) -> u64 {
        self.records.size()
    }

    /// Makes room for `records` records.
    pub fn reserve(&mut self, ctx: &GpuContext, b: &Buffers, records: u64) -> Result<(), GpuError> {
        if records > self.capacity() {
            *self = Self::new(ctx, b, records)?;
        }
        Ok(())
    }

    /// Records the pass over `items` invocations.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, items: u32) {
        self.kernel.record(pass, items);
    }
}

fn layout_entries(uses: &[(u32, Access, &View)]) -> Vec<wgpu::BindGroupLayoutEntry> {
    uses.iter()
        .map(|&(k, access, _)| wgpu::BindGroupLayoutEntry {
            binding: k,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: match access {
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
