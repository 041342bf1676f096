//! The one message protocol between the package's JavaScript (`evosim.js`,
//! `worker.js`, `sim-worker.js`) and this crate, and the records of the
//! package's API: options, status, events. Each type is declared here
//! once; serde carries it across (`serde-wasm-bindgen`) and tsify derives
//! its TypeScript declaration into the package's `.d.ts`, where
//! `evosim.d.ts` imports it. A message that does not fit its type is
//! refused with serde's message, which names the field.

use serde::{Deserialize, Serialize};
use tsify::Tsify;
use wasm_bindgen::prelude::*;

mod headless;
mod viewer;

pub use headless::{Figures, SimCall, SimulationOptions};
pub use viewer::{
    BackendName, BenchOptions, BenchRow, FromWorker, Isolation, Mode, Modifiers, PointerKind,
    Present, StartViewer, Status, ToWorker, ViewerOptions,
};

/// A count: a number (3000) or text with a suffix (`"10k"`, `"1.5m"`).
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(untagged)]
pub enum Count {
    /// A whole number.
    Number(f64),
    /// `"3000"`, `"10k"`, `"1.5m"`.
    Text(String),
}

/// A scenario: its TOML text, or its table as an object (the TOML's keys,
/// e.g. `{ seed: 7, world: { width: 800 } }`).
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(untagged)]
pub enum ScenarioSource {
    /// TOML text.
    Text(String),
    /// The scenario's table.
    Table(#[tsify(type = "Record<string, unknown>")] toml::Table),
}

/// Converts a JS value into `T`, with serde's message (naming the field)
/// when it does not fit.
pub fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T, String> {
    serde_wasm_bindgen::from_value(v).map_err(|e| {
        let e = e.to_string();
        format!("{what}: {}", e.trim_start_matches("Error: "))
    })
}

/// `v` as a plain JS value: maps as objects, `None` as null, bytes as a
/// `Uint8Array`.
pub fn to_js<T: Serialize>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|e| JsValue::from_str(&format!("evosim: cannot convert a message: {e}")))
}
