//! The world an API call's options describe: the scenario (TOML text or a
//! table), its seed, resized to a population, in the command line's order
//! (`evosim run --scenario S --seed N --entities E`), so that the same
//! options give the same world as natively.

use evosim::Scenario;
use evosim::model::count::parse_count;

use crate::protocol::{Count, ScenarioSource};

/// The most entities a page may ask for.
pub const MAX_ENTITIES: u64 = 2_000_000;

/// The largest seed a JS number holds exactly (2^53).
const MAX_SEED: f64 = 9_007_199_254_740_992.0;

/// `entities` as a count (`3000`, `"10k"`), at most [`MAX_ENTITIES`].
pub fn count(entities: &Count) -> Result<u64, String> {
    let bad = |what: String| format!("option entities: {what}");
    let n = match entities {
        Count::Number(n) if n.fract() == 0.0 && *n >= 0.0 => *n as u64,
        Count::Number(n) => return Err(bad(format!("{n} is not a whole count"))),
        Count::Text(t) => parse_count(t).map_err(|e| bad(e.to_string()))?,
    };
    if n == 0 || n > MAX_ENTITIES {
        return Err(bad(format!("{n}: a count from 1 to 2M (10k, 1.5m, 3000)")));
    }
    Ok(n)
}

/// The scenario the options describe.
pub fn scenario(
    source: Option<ScenarioSource>,
    entities: Option<Count>,
    seed: Option<f64>,
) -> Result<Scenario, String> {
    let mut s = match source {
        None => Scenario::default_scenario(),
        Some(ScenarioSource::Text(text)) => {
            Scenario::from_toml(&text, "option scenario").map_err(|e| e.to_string())?
        }
        Some(ScenarioSource::Table(table)) => {
            let text = toml::to_string(&table)
                .map_err(|e| format!("option scenario: not a TOML table ({e})"))?;
            Scenario::from_toml(&text, "option scenario").map_err(|e| e.to_string())?
        }
    };
    if let Some(seed) = seed {
        if !(seed >= 0.0 && seed.fract() == 0.0 && seed <= MAX_SEED) {
            return Err(format!(
                "option seed: {seed} is not a whole number from 0 to 2^53"
            ));
        }
        s.seed = seed as u64;
    }
    if let Some(n) = entities {
        s = s.scaled_to(count(&n)?).map_err(|e| e.to_string())?;
    }
    Ok(s)
}
