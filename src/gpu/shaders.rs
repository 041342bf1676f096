//! Shader sources: each pass file is compiled with the structs and constants
//! shared with Rust ([`super::layout::prelude`]), the shared code of
//! `shaders/common/` and the pass's bindings (its
//! [`super::kernel::KernelDecl`]) prepended (WGSL has no includes).
//!
//! The sources are built in; [`set_override`] replaces one file's text for
//! every pipeline built afterwards (the viewer's `--watch-shaders`, with
//! [`crate::gpu::world::GpuWorld::reload`]).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

fn overrides() -> &'static Mutex<HashMap<String, String>> {
    static O: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    O.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Replaces the text of shader file `file` (`steer`, `common/rng.wgsl`:
/// the names of [`COMPUTE`] and [`COMMON`]) for the pipelines built from now
/// on; `None` goes back to the built-in text. Returns the previous override.
pub fn set_override(file: &str, text: Option<String>) -> Option<String> {
    let mut o = overrides().lock().unwrap_or_else(|p| p.into_inner());
    match text {
        Some(t) => o.insert(file.to_string(), t),
        None => o.remove(file),
    }
}

/// Whether `file` names a shader of [`COMPUTE`] or [`COMMON`].
pub fn is_shader(file: &str) -> bool {
    COMPUTE.iter().chain(COMMON).any(|(n, _)| *n == file)
}

fn text_of(file: &str, built_in: &str) -> String {
    let o = overrides().lock().unwrap_or_else(|p| p.into_inner());
    o.get(file).cloned().unwrap_or_else(|| built_in.to_string())
}

/// Shared code, in order.
pub const COMMON: &[(&str, &str)] = &[
    (
        "common/rng.wgsl",
        include_str!("../../shaders/common/rng.wgsl"),
    ),
    (
        "common/grid.wgsl",
        include_str!("../../shaders/common/grid.wgsl"),
    ),
    (
        "common/genes.wgsl",
        include_str!("../../shaders/common/genes.wgsl"),
    ),
    (
        "common/step.wgsl",
        include_str!("../../shaders/common/step.wgsl"),
    ),
    (
        "common/steer_io.wgsl",
        include_str!("../../shaders/common/steer_io.wgsl"),
    ),
];

/// Every compute shader file: (name, source without the shared code). The
/// passes of the tick name theirs in [`crate::common::pass::Pass::shaders`]; the
/// rest are helpers outside the pass list (`participants`, `write_back`,
/// `stats`) and the RNG's test vector check.
pub const COMPUTE: &[(&str, &str)] = &[
    ("rng_check", include_str!("../../shaders/rng_check.wgsl")),
    ("hash_count", include_str!("../../shaders/hash_count.wgsl")),
    ("hash_scan", include_str!("../../shaders/hash_scan.wgsl")),
    (
        "hash_scatter",
        include_str!("../../shaders/hash_scatter.wgsl"),
    ),
    ("integrate", include_str!("../../shaders/integrate.wgsl")),
    (
        "food_regrow",
        include_str!("../../shaders/food_regrow.wgsl"),
    ),
    ("feed", include_str!("../../shaders/feed.wgsl")),
    ("steer", include_str!("../../shaders/steer.wgsl")),
    (
        "emit_events",
        include_str!("../../shaders/emit_events.wgsl"),
    ),
    ("gather", include_str!("../../shaders/gather.wgsl")),
    ("reorder", include_str!("../../shaders/reorder.wgsl")),
    ("region_of", include_str!("../../shaders/region_of.wgsl")),
    (
        "participants",
        include_str!("../../shaders/participants.wgsl"),
    ),
    ("write_back", include_str!("../../shaders/write_back.wgsl")),
    ("stats", include_str!("../../shaders/stats.wgsl")),
];

/// Render shaders (the viewer): each is `shaders/render.wgsl` (the drawing,
/// [`RENDER_BODY`]) after the file named here, which declares how it reads
/// the state: `render` from storage buffers (WebGPU, Vulkan, Metal, DX12),
/// `render_textures` from data textures (WebGL2, whose shaders cannot read
/// storage buffers).
pub const RENDER: &[(&str, &str)] = &[
    ("render", include_str!("../../shaders/render_storage.wgsl")),
    (
        "render_textures",
        include_str!("../../shaders/render_textures.wgsl"),
    ),
];

/// The drawing itself, shared by every [`RENDER`] shader.
pub const RENDER_BODY: &str = include_str!("../../shaders/render.wgsl");

/// The full source of pass `name`: the structs and constants shared with
/// Rust ([`super::layout::prelude`]), the shared code, the pass's bindings
/// (its [`super::kernel::KernelDecl`]), then the pass. A [`RENDER`] shader:
/// the prelude, the genes' code, its data file, then [`RENDER_BODY`] (only
/// what drawing needs, so that WebGL2's GLSL gets nothing it cannot take).
pub fn source(name: &str) -> String {
    let mut s = super::layout::prelude();
    if let Some((_, data)) = RENDER.iter().find(|(n, _)| *n == name) {
        for (file, text) in COMMON.iter().filter(|(f, _)| *f == "common/genes.wgsl") {
            s += &format!("// ---- {file}\n{}\n", text_of(file, text));
        }
        s += &format!("// ---- {name}.wgsl\n{}\n", data);
        s += &format!("// ---- render.wgsl\n{}", RENDER_BODY);
        return s;
    }
    let pass = COMPUTE
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("unknown shader {name}"))
        .1;
    for (file, text) in COMMON {
        s += &format!("// ---- {file}\n{}\n", text_of(file, text));
    }
    if let Some(k) = super::KERNELS.iter().find(|k| k.shader == name) {
        s += &format!("// ---- bindings (src/gpu/{name}.rs)\n{}\n", k.wgsl());
    }
    s += &format!("// ---- {name}.wgsl\n{}", text_of(name, pass));
    s
}

/// A compute pipeline for `entry` of shader `name`, with its layout derived
/// from the shader (for shaders that declare their own bindings: `rng_check`).
pub fn pipeline(device: &wgpu::Device, name: &str, entry: &str) -> wgpu::ComputePipeline {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(&format!("sim.shader.{name}")),
        source: wgpu::ShaderSource::Wgsl(source(name).into()),
    });
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(&format!("sim.pipeline.{name}.{entry}")),
        layout: None,
        module: &module,
        entry_point: Some(entry),
        compilation_options: Default::default(),
        cache: None,
    })
}
