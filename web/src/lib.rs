//! The evosim browser demo (see `web/index.html`): built for wasm32 only.
#![cfg(target_arch = "wasm32")]
