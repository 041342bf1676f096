//! The world model: everything that defines a simulation's state and rules.

pub mod count;
pub mod entities;
pub mod food;
pub mod genes;
pub mod grid;
pub mod overrides;
pub mod params;
pub mod quanta;
pub mod rng;
pub mod scenario;
pub mod spawn;
pub mod terrain;
pub mod validate;
