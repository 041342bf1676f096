//! The package's headless `Simulation`: one simulation per Web Worker
//! (`sim-worker.js`), driven by [`sim_call`] with the calls of
//! [`SimCall`]. No canvas and no GPU: the CPU backend on rayon's pool (the
//! threaded build's Web Workers where the page is cross-origin isolated),
//! so that a page gets the same state hash as `evosim run`.

use std::cell::RefCell;

use evosim::model::genes::{GENE_COUNT, GENE_NAMES, code, decode};
use evosim::{Backend, Simulation};
use wasm_bindgen::prelude::*;

use crate::protocol::{Figures, SimCall, from_js, to_js};
use crate::world;

thread_local! {
    static SIM: RefCell<Option<Simulation>> = const { RefCell::new(None) };
}

/// Runs one call on this worker's simulation and returns its result: the
/// figures (`create`, `load`, `step`, `figures`), the stats object, the
/// hash, a typed array (a new copy, one row per living creature in slot
/// order), a snapshot's bytes, or undefined. A bad call or a failing step
/// throws an `Error` with the message.
#[wasm_bindgen(js_name = simCall, unchecked_return_type = "unknown")]
pub fn sim_call(
    #[wasm_bindgen(unchecked_param_type = "SimCall")] call: JsValue,
) -> Result<JsValue, JsError> {
    crate::page::install_panic_hook();
    let call: SimCall = from_js(call, "Simulation").map_err(|e| JsError::new(&e))?;
    run(call).map_err(|e| JsError::new(&e))
}

fn figures(sim: &Simulation) -> JsValue {
    to_js(&Figures {
        tick: sim.tick(),
        population: sim.population(),
        threads: sim.threads(),
        gene_names: GENE_NAMES.iter().map(|g| g.to_string()).collect(),
    })
}

fn run(call: SimCall) -> Result<JsValue, String> {
    match call {
        SimCall::Create { options } => {
            let scenario = world::scenario(options.scenario, options.entities, options.seed)?;
            // 0: rayon's global pool (sim-worker.js sized it to `threads`).
            let sim = Simulation::new(scenario, Backend::Cpu, 0).map_err(|e| e.to_string())?;
            let out = figures(&sim);
            SIM.with(|s| *s.borrow_mut() = Some(sim));
            Ok(out)
        }
        SimCall::Load { bytes } => {
            let sim = Simulation::from_snapshot(&bytes, Backend::Cpu, 0, None)
                .map_err(|e| format!("cannot load the snapshot: {e}"))?;
            let out = figures(&sim);
            SIM.with(|s| *s.borrow_mut() = Some(sim));
            Ok(out)
        }
        SimCall::Free => {
            SIM.with(|s| s.borrow_mut().take());
            Ok(JsValue::UNDEFINED)
        }
        call => SIM.with(|s| {
            let mut s = s.borrow_mut();
            let sim = s
                .as_mut()
                .ok_or("the simulation was freed (free() was called)")?;
            on(sim, call)
        }),
    }
}

/// A call on a living simulation.
fn on(sim: &mut Simulation, call: SimCall) -> Result<JsValue, String> {
    let living: Vec<usize> = {
        let e = sim.entities();
        (0..e.capacity()).filter(|&i| e.alive(i)).collect()
    };
    let e = sim.entities();
    let f32s = |v: Vec<f32>| JsValue::from(js_sys::Float32Array::from(&v[..]));
    Ok(match call {
        SimCall::Step { n } => {
            if !(n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX)) {
                return Err(format!("step({n}): a whole number of ticks, 0 or more"));
            }
            for _ in 0..n as u32 {
                sim.step()
                    .map_err(|e| format!("the simulation stopped at tick {}: {e}", sim.tick()))?;
            }
            figures(sim)
        }
        SimCall::Figures => figures(sim),
        SimCall::Stats => to_js(&sim.stats()),
        SimCall::StateHash => JsValue::from_str(&format!("{:016x}", sim.state_hash())),
        SimCall::Positions => f32s(living.iter().flat_map(|&i| e.pos[i]).collect()),
        SimCall::Velocities => f32s(living.iter().flat_map(|&i| e.vel[i]).collect()),
        SimCall::Energy => f32s(living.iter().map(|&i| e.energy[i]).collect()),
        SimCall::Genes => f32s(
            living
                .iter()
                .flat_map(|&i| (0..GENE_COUNT).map(move |k| decode(k, code(&e.genes[i], k))))
                .collect(),
        ),
        SimCall::Tribes => {
            let v: Vec<u16> = living.iter().map(|&i| e.tribe(i)).collect();
            js_sys::Uint16Array::from(&v[..]).into()
        }
        SimCall::Species => {
            let book = sim.species();
            let v: Vec<u32> = living.iter().map(|&i| book.species_of(i)).collect();
            js_sys::Uint32Array::from(&v[..]).into()
        }
        SimCall::Save => {
            let bytes = sim.to_snapshot().map_err(|e| e.to_string())?;
            js_sys::Uint8Array::from(&bytes[..]).into()
        }
        SimCall::Create { .. } | SimCall::Load { .. } | SimCall::Free => unreachable!(),
    })
}
