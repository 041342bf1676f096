//! Every shader parses and validates with naga; each entry point binds
//! exactly the bindings its pass declares; and the structs and constants
//! shared with Rust (`src/gpu/layout.rs`, their WGSL generated from it) come
//! out of naga as Rust encodes them, field by field. No GPU needed.

use evosim::gpu::KERNELS;
use evosim::gpu::layout::{prelude, shared_constants, shared_structs};
use evosim::gpu::shaders::{COMPUTE, RENDER, source};
use evosim::gpu::wgsl::{Const, Declared, Field};

fn parse(name: &str, src: &str) -> naga::Module {
    naga::front::wgsl::parse_str(src)
        .unwrap_or_else(|e| panic!("{name}.wgsl: {}", e.emit_to_string(src)))
}

fn module(name: &str) -> naga::Module {
    parse(name, &source(name))
}

fn validate(name: &str, m: &naga::Module) -> naga::valid::ModuleInfo {
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::empty(),
    )
    .validate(m)
    .unwrap_or_else(|e| panic!("{name}.wgsl: {}", e.emit_to_string(&source(name))))
}

#[test]
fn every_shader_parses_and_validates() {
    for (name, _) in COMPUTE.iter().chain(RENDER) {
        validate(name, &module(name));
    }
}

#[test]
fn every_pass_names_shader_files_that_exist_and_have_bindings() {
    use evosim::common::pass::Pass;
    use evosim::gpu::KERNELS;
    for p in Pass::ALL {
        for file in p.shaders() {
            assert!(COMPUTE.iter().any(|(n, _)| n == file), "{p}: {file}");
            assert!(KERNELS.iter().any(|k| k.shader == *file), "{p}: {file}");
            assert_eq!(Pass::of_shader(file), Some(p));
        }
        assert_eq!(p.gpu_timed(), !p.shaders().is_empty(), "{p}");
    }
}

#[test]
fn shaders_stay_within_browser_limits() {
    for (name, _) in COMPUTE {
        let m = module(name);
        let info = validate(name, &m);
        for (k, ep) in m.entry_points.iter().enumerate() {
            let [x, y, z] = ep.workgroup_size;
            assert!(
                x * y * z <= 256,
                "{name}::{} has {} invocations per workgroup",
                ep.name,
                x * y * z
            );
            let used = info.get_entry_point(k);
            let storage = m
                .global_variables
                .iter()
                .filter(|(h, g)| {
                    matches!(g.space, naga::AddressSpace::Storage { .. }) && !used[*h].is_empty()
                })
                .count();
            assert!(
                storage <= 10,
                "{name}::{} binds {storage} storage buffers (browsers allow 10)",
                ep.name
            );
        }
    }
}

/// The declared entry points are the shader's, and each one's pipeline
/// layout (the bindings it declares) holds exactly the bindings it uses.
#[test]
fn entry_points_bind_exactly_what_they_use() {
    for decl in KERNELS {
        let name = decl.shader;
        assert!(
            COMPUTE.iter().any(|(n, _)| *n == name),
            "{name} is not a pass shader"
        );
        let m = module(name);
        let info = validate(name, &m);
        let declared: Vec<&str> = decl.entries.iter().map(|(e, _)| *e).collect();
        let in_shader: Vec<&str> = m.entry_points.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(declared, in_shader, "{name}: entry points");
        for (k, ep) in m.entry_points.iter().enumerate() {
            let used = info.get_entry_point(k);
            let mut got: Vec<u32> = m
                .global_variables
                .iter()
                .filter(|(h, _)| !used[*h].is_empty())
                .filter_map(|(_, g)| g.binding.as_ref().map(|b| b.binding))
                .collect();
            got.sort_unstable();
            let want: Vec<u32> = decl.uses(&ep.name).iter().map(|(b, _, _)| *b).collect();
            assert_eq!(got, want, "{name}::{}: bindings used vs declared", ep.name);
        }
    }
}

/// Where struct `d` differs in `m` from how Rust encodes it, if anywhere.
fn check_struct(m: &naga::Module, d: &Declared) -> Result<(), String> {
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(m.to_ctx()).map_err(|e| e.to_string())?;
    let (handle, ty) = m
        .types
        .iter()
        .find(|(_, t)| t.name.as_deref() == Some(d.name))
        .ok_or(format!("{} missing in WGSL", d.name))?;
    let naga::TypeInner::Struct { members, span } = &ty.inner else {
        return Err(format!("{} is not a struct", d.name));
    };
    if members.len() != d.fields.len() {
        return Err(format!(
            "{}: {} fields in WGSL, {} in Rust",
            d.name,
            members.len(),
            d.fields.len()
        ));
    }
    for (f, w) in members.iter().zip(&d.fields) {
        let name = f.name.as_deref().unwrap_or("");
        let (offset, size) = (f.offset as usize, layouter[f.ty].size as usize);
        if (name, offset, size) != (w.name, w.offset, w.size) {
            return Err(format!(
                "{}: WGSL has {name} at {offset} ({size} bytes), Rust {} at {} ({} bytes)",
                d.name, w.name, w.offset, w.size
            ));
        }
    }
    if *span as usize != d.size || layouter[handle].size as usize != d.size {
        return Err(format!(
            "{}: {span} bytes in WGSL, {} in Rust",
            d.name, d.size
        ));
    }
    Ok(())
}

#[test]
fn wgsl_structs_match_the_rust_layouts() {
    let structs = shared_structs();
    for (name, _) in COMPUTE.iter().chain(RENDER) {
        let m = module(name);
        for d in &structs {
            check_struct(&m, d).unwrap_or_else(|e| panic!("{name}.wgsl: {e}"));
        }
    }
}

/// A field added on one side only fails the check, on either side.
#[test]
fn a_field_on_one_side_only_fails_the_check() {
    let structs = shared_structs();
    let step = structs.iter().find(|d| d.name == "StepUniform").unwrap();
    let text = prelude();
    check_struct(&parse("prelude", &text), step).unwrap();
    // In WGSL only.
    let wgsl_only = text.replace(
        "struct StepUniform {\n",
        "struct StepUniform {\n    extra: u32,\n",
    );
    assert_ne!(wgsl_only, text);
    let e = check_struct(&parse("altered", &wgsl_only), step).unwrap_err();
    assert!(e.contains("StepUniform"), "{e}");
    // In Rust only.
    let mut rust_only = step.clone();
    let last = rust_only.fields.last().unwrap().clone();
    rust_only.fields.push(Field {
        name: "extra",
        offset: last.offset + last.size,
        ..last
    });
    rust_only.size += 4;
    assert!(check_struct(&parse("prelude", &text), &rust_only).is_err());
    // Moved (same size, other offset).
    let mut moved = step.clone();
    moved.fields.swap(0, 1);
    assert!(check_struct(&parse("prelude", &text), &moved).is_err());
}

/// A constant's value as naga evaluated it, flattened.
fn value(m: &naga::Module, e: naga::Handle<naga::Expression>) -> Vec<f64> {
    match &m.global_expressions[e] {
        naga::Expression::Literal(naga::Literal::U32(v)) => vec![*v as f64],
        naga::Expression::Literal(naga::Literal::F32(v)) => vec![*v as f64],
        naga::Expression::Compose { components, .. } => {
            components.iter().flat_map(|&c| value(m, c)).collect()
        }
        other => panic!("not a literal: {other:?}"),
    }
}

#[test]
fn wgsl_constants_have_the_rust_values() {
    let m = module("steer");
    for (name, c) in shared_constants() {
        let (_, k) = m
            .constants
            .iter()
            .find(|(_, k)| k.name.as_deref() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("{name} missing in WGSL"));
        let want: Vec<f64> = match c {
            Const::U32(v) => vec![v as f64],
            Const::F32(v) => vec![v as f64],
            Const::F32s(v) => v.iter().map(|&x| x as f64).collect(),
            Const::Vec3s(v) => v.iter().flatten().map(|&x| x as f64).collect(),
        };
        assert_eq!(value(&m, k.init), want, "{name}");
    }
}

/// The viewer's WebGL2 shader (`render_textures`) translates to GLSL ES
/// 3.00, as wgpu's GL backend does in the browser, for each of its entry
/// points; and it reads no storage buffer.
#[test]
fn the_webgl2_render_shader_translates_to_glsl_es_300() {
    use naga::back::glsl;
    let name = "render_textures";
    let m = module(name);
    let info = validate(name, &m);
    assert!(
        m.global_variables
            .iter()
            .all(|(_, g)| !matches!(g.space, naga::AddressSpace::Storage { .. })),
        "{name} declares a storage buffer"
    );
    let options = glsl::Options {
        version: glsl::Version::Embedded {
            version: 300,
            is_webgl: true,
        },
        writer_flags: glsl::WriterFlags::empty(),
        binding_map: Default::default(),
        zero_initialize_workgroup_memory: true,
    };
    let mut entries = Vec::new();
    for ep in &m.entry_points {
        let pipeline = glsl::PipelineOptions {
            shader_stage: ep.stage,
            entry_point: ep.name.clone(),
            multiview: None,
        };
        let mut out = String::new();
        glsl::Writer::new(
            &mut out,
            &m,
            &info,
            &options,
            &pipeline,
            naga::proc::BoundsCheckPolicies::default(),
        )
        .and_then(|mut w| w.write())
        .unwrap_or_else(|e| panic!("{name}::{}: {e}", ep.name));
        assert!(out.starts_with("#version 300 es"), "{}", &out[..40]);
        entries.push(ep.name.as_str());
    }
    assert_eq!(
        entries,
        [
            "creature_vs",
            "creature_fs",
            "background_vs",
            "background_fs"
        ]
    );
}
