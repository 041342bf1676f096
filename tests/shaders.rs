//! Every shader parses and validates with naga, and the WGSL structs match the
//! layouts declared in Rust (`src/gpu/layout.rs`). No GPU needed.

use evosim::gpu::layout::{declared, declared_constants};
use evosim::gpu::shaders::{PASSES, RENDER, source};

fn module(name: &str) -> naga::Module {
    let src = source(name);
    naga::front::wgsl::parse_str(&src)
        .unwrap_or_else(|e| panic!("{name}.wgsl: {}", e.emit_to_string(&src)))
}

#[test]
fn every_shader_parses_and_validates() {
    for (name, _) in PASSES.iter().chain(RENDER) {
        let m = module(name);
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&m)
        .unwrap_or_else(|e| panic!("{name}.wgsl: {}", e.emit_to_string(&source(name))));
    }
}

#[test]
fn shaders_stay_within_browser_limits() {
    for (name, _) in PASSES {
        let m = module(name);
        let info = naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&m)
        .unwrap();
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

#[test]
fn wgsl_structs_match_the_rust_layouts() {
    for (name, _) in PASSES.iter().chain(RENDER) {
        let m = module(name);
        let mut layouter = naga::proc::Layouter::default();
        layouter.update(m.to_ctx()).unwrap();
        for (ty_name, size, fields) in declared() {
            let Some((handle, ty)) = m
                .types
                .iter()
                .find(|(_, t)| t.name.as_deref() == Some(ty_name))
            else {
                continue;
            };
            let naga::TypeInner::Struct { members, span } = &ty.inner else {
                panic!("{ty_name} is not a struct");
            };
            assert_eq!(*span as usize, size, "{name}: size of {ty_name}");
            assert_eq!(layouter[handle].size as usize, size);
            for (field, offset) in fields {
                let m = members
                    .iter()
                    .find(|m| m.name.as_deref() == Some(field))
                    .unwrap_or_else(|| panic!("{ty_name}.{field} missing in WGSL"));
                assert_eq!(
                    m.offset as usize, offset,
                    "{name}: offset of {ty_name}.{field}"
                );
            }
        }
    }
}

#[test]
fn wgsl_constants_match_the_rust_values() {
    let mut seen = std::collections::BTreeSet::new();
    for (name, _) in PASSES {
        let m = module(name);
        for (_, c) in m.constants.iter() {
            let Some(cname) = c.name.as_deref() else {
                continue;
            };
            let Some(&(_, want)) = declared_constants().iter().find(|(n, _)| *n == cname) else {
                continue;
            };
            let got = match m.global_expressions[c.init] {
                naga::Expression::Literal(naga::Literal::U32(v)) => v as f64,
                naga::Expression::Literal(naga::Literal::I32(v)) => v as f64,
                naga::Expression::Literal(naga::Literal::F32(v)) => v as f64,
                ref other => panic!("{name}: {cname} is not a literal: {other:?}"),
            };
            assert_eq!(got, want, "{name}.wgsl: {cname}");
            seen.insert(cname.to_string());
        }
    }
    for (cname, _) in declared_constants() {
        assert!(
            seen.contains(cname),
            "{cname} is declared in Rust but in no shader"
        );
    }
}
