//! The experiment file (TOML): what varies, what is fixed, how long each
//! run lasts and what it records. [`Spec::from_toml`] reads it and checks it
//! whole; a problem is one [`SpecError`] naming the key.

use serde::Deserialize;

use crate::model::genes::GENE_NAMES;

/// A metric an experiment can record (see [`METRICS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metric {
    /// Living creatures.
    Population,
    /// Living creatures per tribe (a column per tribe).
    TribePopulation,
    /// Births so far.
    Births,
    /// Deaths so far (every cause).
    Deaths,
    /// Kills so far.
    Kills,
    /// Deaths by starvation so far.
    Starved,
    /// A gene's mean per tribe (a column per tribe).
    GeneMean(usize),
    /// A gene's standard deviation per tribe (a column per tribe).
    GeneStd(usize),
    /// Species with living members.
    SpeciesAlive,
    /// Species founded so far, the tribes' own included.
    SpeciesTotal,
    /// Food on the grid (energy units).
    Food,
}

/// The metric names the `record` list accepts; `GENE` is one of
/// [`GENE_NAMES`].
pub const METRICS: [&str; 11] = [
    "population",
    "tribe_population",
    "births",
    "deaths",
    "kills",
    "starved",
    "gene_mean.GENE",
    "gene_std.GENE",
    "species_alive",
    "species_total",
    "food",
];

impl Metric {
    /// The metric `name` names.
    pub fn parse(name: &str) -> Option<Self> {
        let gene = |g: &str| GENE_NAMES.iter().position(|n| *n == g);
        Some(match name {
            "population" => Metric::Population,
            "tribe_population" => Metric::TribePopulation,
            "births" => Metric::Births,
            "deaths" => Metric::Deaths,
            "kills" => Metric::Kills,
            "starved" => Metric::Starved,
            "species_alive" => Metric::SpeciesAlive,
            "species_total" => Metric::SpeciesTotal,
            "food" => Metric::Food,
            _ => match name.split_once('.') {
                Some(("gene_mean", g)) => Metric::GeneMean(gene(g)?),
                Some(("gene_std", g)) => Metric::GeneStd(gene(g)?),
                _ => return None,
            },
        })
    }

    /// Whether it has a column per tribe.
    pub fn per_tribe(&self) -> bool {
        matches!(
            self,
            Metric::TribePopulation | Metric::GeneMean(_) | Metric::GeneStd(_)
        )
    }
}

/// When a run stops before its last tick.
#[derive(Debug, Clone, PartialEq)]
pub enum StopWhen {
    /// Every creature is dead.
    Extinct,
    /// The tribe of this name has no living member.
    TribeExtinct(String),
    /// The population is above this many.
    PopulationAbove(u64),
}

impl StopWhen {
    /// Parses `extinct`, `tribe_extinct.NAME` or `population_above.N`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.split_once('.') {
            None if text == "extinct" => Some(StopWhen::Extinct),
            Some(("tribe_extinct", name)) if !name.is_empty() => {
                Some(StopWhen::TribeExtinct(name.to_string()))
            }
            Some(("population_above", n)) => n.parse().ok().map(StopWhen::PopulationAbove),
            _ => None,
        }
    }

    /// Its name in the runs table's `stop_reason`.
    pub fn reason(&self) -> String {
        match self {
            StopWhen::Extinct => "extinct".into(),
            StopWhen::TribeExtinct(n) => format!("tribe_extinct.{n}"),
            StopWhen::PopulationAbove(n) => format!("population_above.{n}"),
        }
    }
}

/// What a run writes at its end besides the tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keep {
    /// Its snapshot.
    pub snapshot: bool,
    /// Its species tree (Newick).
    pub phylogeny: bool,
    /// Its living species at the end (CSV).
    pub species_csv: bool,
}

/// The values of one varied key.
#[derive(Debug, Clone, PartialEq)]
pub struct Varied {
    /// The dotted key.
    pub key: String,
    /// Its values, in order.
    pub values: Vec<toml::Value>,
}

/// An experiment file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The base scenario file (`None`: the bundled default).
    pub scenario: Option<String>,
    /// The experiment seed; each run's seed follows from it and the run's
    /// index.
    pub seed: u64,
    /// Runs per combination of varied values.
    pub repetitions: u32,
    /// Ticks per run (fewer when a stop condition holds).
    pub ticks: u32,
    /// Ticks between recorded rows (and one at tick 0).
    pub every: u32,
    /// What each row records.
    pub record: Vec<Metric>,
    /// The `record` list as written, for the tables' column names.
    pub record_names: Vec<String>,
    /// Stop conditions.
    pub stop_when: Vec<StopWhen>,
    /// Fixed overrides, in file order.
    pub set: Vec<(String, toml::Value)>,
    /// Keys varied as a full product (the last one varies fastest).
    pub vary: Vec<Varied>,
    /// Keys that walk together, one step per combination of the product.
    pub zip: Vec<Varied>,
    /// What each run keeps at its end.
    pub keep: Keep,
}

/// A problem with an experiment file: the key and the reason, one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct SpecError {
    /// The key (dotted) or section at fault.
    pub key: String,
    /// What is wrong.
    pub reason: String,
}

fn err(key: impl Into<String>, reason: impl Into<String>) -> SpecError {
    SpecError {
        key: key.into(),
        reason: reason.into(),
    }
}

/// The file as TOML gives it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    scenario: Option<String>,
    #[serde(default = "one")]
    seed: u64,
    #[serde(default = "one32")]
    repetitions: u32,
    ticks: u32,
    every: Option<u32>,
    #[serde(default = "default_record")]
    record: Vec<String>,
    #[serde(default)]
    stop_when: Vec<String>,
    #[serde(default)]
    keep: Vec<String>,
    #[serde(default)]
    set: toml::Table,
    #[serde(default)]
    vary: toml::Table,
    #[serde(default)]
    zip: toml::Table,
}

fn one() -> u64 {
    1
}

fn one32() -> u32 {
    1
}

fn default_record() -> Vec<String> {
    vec!["population".into()]
}

/// The most runs one experiment may have.
pub const MAX_RUNS: u64 = 1 << 20;

impl Spec {
    /// Reads an experiment file's text and checks it: every key known,
    /// every metric and stop condition understood, every varied list
    /// non-empty, the zipped lists of one length, a range's steps at least
    /// one. (The scenario keys and values are checked by the plan, which
    /// builds every run's scenario before any run starts.)
    pub fn from_toml(text: &str) -> Result<Self, SpecError> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let message = e.message().lines().next().unwrap_or("invalid TOML").trim();
            let key = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}")
                })
                .unwrap_or_else(|| "the file".into());
            err(key, message)
        })?;
        if raw.ticks == 0 {
            return Err(err("ticks", "must be at least 1"));
        }
        let every = raw.every.unwrap_or(raw.ticks);
        if every == 0 {
            return Err(err("every", "must be at least 1"));
        }
        if raw.repetitions == 0 {
            return Err(err("repetitions", "must be at least 1"));
        }
        let genes = GENE_NAMES.join(", ");
        let known = format!("{}; GENE one of {genes}", METRICS.join(", "));
        let record = parse_all("record", "metric", &raw.record, Metric::parse, &known)?;
        if record.is_empty() {
            return Err(err("record", "names no metric"));
        }
        let known = "extinct, tribe_extinct.NAME, population_above.N";
        let stop_when = parse_all(
            "stop_when",
            "condition",
            &raw.stop_when,
            StopWhen::parse,
            known,
        )?;
        let mut keep = Keep::default();
        for k in &raw.keep {
            match k.as_str() {
                "snapshot" => keep.snapshot = true,
                "phylogeny" => keep.phylogeny = true,
                "species_csv" => keep.species_csv = true,
                _ => {
                    return Err(err(
                        "keep",
                        format!("unknown output {k:?} (known: snapshot, phylogeny, species_csv)"),
                    ));
                }
            }
        }
        let set = flatten(&raw.set);
        let vary = flatten(&raw.vary)
            .into_iter()
            .map(|(k, v)| varied("vary", k, v))
            .collect::<Result<Vec<_>, _>>()?;
        let zip = flatten(&raw.zip)
            .into_iter()
            .map(|(k, v)| varied("zip", k, v))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(first) = zip.first()
            && let Some(other) = zip.iter().find(|z| z.values.len() != first.values.len())
        {
            return Err(err(
                format!("zip.{}", other.key),
                format!(
                    "{} values, but zip.{} has {}: zipped keys walk together",
                    other.values.len(),
                    first.key,
                    first.values.len()
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for key in set
            .iter()
            .map(|(k, _)| k)
            .chain(vary.iter().chain(&zip).map(|v| &v.key))
        {
            if !seen.insert(key.clone()) {
                return Err(err(key.clone(), "given twice (in set, vary or zip)"));
            }
        }
        let spec = Spec {
            scenario: raw.scenario,
            seed: raw.seed,
            repetitions: raw.repetitions,
            ticks: raw.ticks,
            every,
            record,
            record_names: raw.record,
            stop_when,
            set,
            vary,
            zip,
            keep,
        };
        let runs = spec.combinations() as u64 * spec.repetitions as u64;
        if runs > MAX_RUNS {
            return Err(err("vary", format!("{runs} runs (at most {MAX_RUNS})")));
        }
        Ok(spec)
    }

    /// The number of combinations of varied values (1 when nothing varies).
    pub fn combinations(&self) -> usize {
        let product: usize = self.vary.iter().map(|v| v.values.len()).product();
        product * self.zip.first().map_or(1, |z| z.values.len())
    }

    /// The varied keys, in column order: the product's, then the zipped.
    pub fn varied_keys(&self) -> Vec<&str> {
        self.vary
            .iter()
            .chain(&self.zip)
            .map(|v| v.key.as_str())
            .collect()
    }
}

/// Each of `items` parsed, or the first that is not understood as an
/// error under `key` (what it is: `noun`; the names understood: `known`).
fn parse_all<T>(
    key: &str,
    noun: &str,
    items: &[String],
    parse: fn(&str) -> Option<T>,
    known: &str,
) -> Result<Vec<T>, SpecError> {
    items
        .iter()
        .map(|s| parse(s).ok_or_else(|| err(key, format!("unknown {noun} {s:?} (known: {known})"))))
        .collect()
}

/// A table's entries as dotted keys: `"food.regrow_rate" = 1` and
/// `[set.food] regrow_rate = 1` both give `food.regrow_rate`. A table that
/// is a range (`{ from, to, steps }`) is a value, not a level.
fn flatten(t: &toml::Table) -> Vec<(String, toml::Value)> {
    let mut out = Vec::new();
    for (k, v) in t {
        match v {
            toml::Value::Table(inner) if !inner.contains_key("from") => {
                for (sub, value) in flatten(inner) {
                    out.push((format!("{k}.{sub}"), value));
                }
            }
            _ => out.push((k.clone(), v.clone())),
        }
    }
    out
}

/// A varied key's values: a list, or a range `{ from, to, steps, log }`.
fn varied(section: &str, key: String, v: toml::Value) -> Result<Varied, SpecError> {
    let at = format!("{section}.{key}");
    let values = match v {
        toml::Value::Array(values) => values,
        toml::Value::Table(t) => range(&at, &t)?,
        other => {
            return Err(err(
                at,
                format!("{other} is neither a list of values nor a range {{ from, to, steps }}"),
            ));
        }
    };
    if values.is_empty() {
        return Err(err(at, "no values: the product would be empty"));
    }
    Ok(Varied { key, values })
}

/// The values of a range: `steps` values from `from` to `to` inclusive,
/// evenly spaced (geometrically with `log = true`).
fn range(at: &str, t: &toml::Table) -> Result<Vec<toml::Value>, SpecError> {
    for k in t.keys() {
        if !["from", "to", "steps", "log"].contains(&k.as_str()) {
            return Err(err(
                format!("{at}.{k}"),
                "unknown key in a range (known: from, to, steps, log)",
            ));
        }
    }
    let num = |k: &str| {
        let v = t
            .get(k)
            .ok_or_else(|| err(format!("{at}.{k}"), "missing"))?;
        v.as_float()
            .or_else(|| v.as_integer().map(|n| n as f64))
            .filter(|x| x.is_finite())
            .ok_or_else(|| err(format!("{at}.{k}"), format!("{v} is not a number")))
    };
    let (from, to) = (num("from")?, num("to")?);
    let steps = t
        .get("steps")
        .ok_or_else(|| err(format!("{at}.steps"), "missing"))?
        .as_integer()
        .filter(|&n| (1..=MAX_RUNS as i64).contains(&n))
        .ok_or_else(|| {
            err(
                format!("{at}.steps"),
                "must be a whole number of at least 1",
            )
        })? as usize;
    let log = match t.get("log") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| err(format!("{at}.log"), "must be true or false"))?,
    };
    if log && (from <= 0.0 || to <= 0.0) {
        return Err(err(at, "a log range needs from and to above 0"));
    }
    let integers = t.get("from").is_some_and(|v| v.is_integer())
        && t.get("to").is_some_and(|v| v.is_integer())
        && !log;
    Ok((0..steps)
        .map(|i| {
            let f = if steps == 1 {
                0.0
            } else {
                i as f64 / (steps - 1) as f64
            };
            let x = if log {
                (from.ln() + f * (to.ln() - from.ln())).exp()
            } else {
                from + f * (to - from)
            };
            if integers && (x - x.round()).abs() < 1e-9 {
                toml::Value::Integer(x.round() as i64)
            } else {
                toml::Value::Float(x)
            }
        })
        .collect())
}
