//! Overrides of a scenario by dotted key: `mutation.rate = 0.3`,
//! `tribes.Wolves.count = 400`, `entities = 2000`.
//!
//! The keys are those `evosim params` prints (a parameter table and a field,
//! `food.regrow_rate`), the scenario's own fields (`seed`, `capacity`,
//! `name`), `entities` (the whole population, resized at the same density as
//! `--entities` does), and a tribe's fields by its name:
//! `tribes.NAME.count`, `tribes.NAME.color`, `tribes.NAME.spawn_radius`,
//! `tribes.NAME.genes.GENE.mean` and `tribes.NAME.genes.GENE.spread`. A key
//! that names nothing, a value of the wrong type or a value out of its range
//! is an error that names the key.

use super::genes::GENE_NAMES;
use super::scenario::Scenario;
use super::validate::InvalidField;

/// One override: a dotted key and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The dotted key.
    pub key: String,
    /// The value, as TOML.
    pub value: toml::Value,
}

impl Override {
    /// Parses `KEY=VALUE` (the command line's `--set`). The value is read as
    /// TOML (`0.3`, `400`, `true`, `"text"`, `[1, 2]`); a bare word that is
    /// not TOML is taken as a string (`#ff0000`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (key, value) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?} is not of the form KEY=VALUE"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("{text:?} has no key before '='"));
        }
        let value = value.trim();
        let value = match toml::from_str::<toml::Table>(&format!("v = {value}")) {
            Ok(mut t) => t.remove("v").unwrap_or(toml::Value::String(value.into())),
            Err(_) => toml::Value::String(value.into()),
        };
        Ok(Self {
            key: key.to_string(),
            value,
        })
    }

    /// The value as command-line text (`KEY=VALUE` reads it back).
    pub fn value_text(&self) -> String {
        match &self.value {
            toml::Value::String(s) if !s.contains(char::is_whitespace) => s.clone(),
            v => v.to_string(),
        }
    }
}

impl std::fmt::Display for Override {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.key, self.value_text())
    }
}

/// `scenario` with `overrides` applied in order (`entities` first, wherever
/// it stands), then validated whole.
pub fn apply(scenario: &Scenario, overrides: &[Override]) -> Result<Scenario, InvalidField> {
    let mut s = scenario.clone();
    for o in overrides.iter().filter(|o| o.key == "entities") {
        let n = o
            .value
            .as_integer()
            .filter(|&n| n > 0)
            .ok_or_else(|| invalid(&o.key, format!("{} is not a positive integer", o.value)))?;
        s = s.scaled_to(n as u64).map_err(|e| InvalidField {
            field: o.key.clone(),
            problem: e.problem,
        })?;
    }
    let mut doc = toml::Value::try_from(&s).map_err(|e| invalid("scenario", e.to_string()))?;
    for o in overrides.iter().filter(|o| o.key != "entities") {
        set(&mut doc, o)?;
    }
    let s: Scenario = doc
        .try_into()
        .map_err(|e: toml::de::Error| invalid("scenario", e.to_string()))?;
    s.validate()?;
    Ok(s)
}

/// Whether `key` names something an override can set in `scenario`
/// (checked without a value: for an experiment's varied keys).
pub fn check_key(scenario: &Scenario, key: &str) -> Result<(), InvalidField> {
    if key == "entities" {
        return Ok(());
    }
    let mut doc =
        toml::Value::try_from(scenario).map_err(|e| invalid("scenario", e.to_string()))?;
    slot(&mut doc, key).map(|_| ())
}

fn invalid(key: &str, problem: impl Into<String>) -> InvalidField {
    InvalidField {
        field: key.to_string(),
        problem: problem.into(),
    }
}

/// Sets `o.value` at `o.key` in the scenario's TOML, keeping its type.
fn set(doc: &mut toml::Value, o: &Override) -> Result<(), InvalidField> {
    let place = slot(doc, &o.key)?;
    let value = match (&*place, &o.value) {
        // An integer where a number is expected.
        (toml::Value::Float(_), toml::Value::Integer(n)) => toml::Value::Float(*n as f64),
        (old, new) if old.same_type(new) => new.clone(),
        (old, new) => {
            return Err(invalid(
                &o.key,
                format!("{new} is not a {} like its default {old}", old.type_str()),
            ));
        }
    };
    *place = value;
    Ok(())
}

/// The value `key` names in the scenario's TOML (a gene left out of a
/// tribe's table is filled in with its default distribution first).
fn slot<'a>(doc: &'a mut toml::Value, key: &str) -> Result<&'a mut toml::Value, InvalidField> {
    let parts: Vec<&str> = key.split('.').collect();
    let unknown = || invalid(key, "no such parameter (`evosim params` lists them)");
    if parts.first() == Some(&"tribes") {
        return tribe_slot(doc, key, &parts[1..]);
    }
    let mut at = doc;
    for (k, part) in parts.iter().enumerate() {
        let table = at.as_table_mut().ok_or_else(unknown)?;
        at = table.get_mut(*part).ok_or_else(unknown)?;
        // Only leaves are set: a whole table is not a parameter.
        if k + 1 == parts.len() && at.is_table() {
            return Err(unknown());
        }
    }
    if parts.len() == 1 && parts[0] == "tribes" {
        return Err(unknown());
    }
    Ok(at)
}

/// `tribes.NAME.FIELD` or `tribes.NAME.genes.GENE.mean|spread`.
fn tribe_slot<'a>(
    doc: &'a mut toml::Value,
    key: &str,
    rest: &[&str],
) -> Result<&'a mut toml::Value, InvalidField> {
    let tribes = doc
        .get_mut("tribes")
        .and_then(|t| t.as_array_mut())
        .ok_or_else(|| invalid(key, "the scenario has no tribes"))?;
    let names: Vec<String> = tribes
        .iter()
        .filter_map(|t| t.get("name").and_then(|n| n.as_str()).map(str::to_string))
        .collect();
    let (name, fields) = match rest {
        [name, fields @ ..] if !fields.is_empty() => (*name, fields),
        _ => {
            return Err(invalid(
                key,
                "a tribe's key is tribes.NAME.FIELD (for example tribes.Grazers.count)",
            ));
        }
    };
    let tribe = tribes
        .iter_mut()
        .find(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
        .ok_or_else(|| {
            invalid(
                key,
                format!("no tribe named {name:?} (tribes: {})", names.join(", ")),
            )
        })?
        .as_table_mut()
        .ok_or_else(|| invalid(key, "a tribe is not a table"))?;
    match fields {
        [field @ ("count" | "color" | "spawn_radius")] => {
            if !tribe.contains_key(*field) {
                // Absent optional fields start from their defaults.
                tribe.insert((*field).to_string(), toml::Value::Float(500.0));
            }
            Ok(tribe.get_mut(*field).expect("inserted above"))
        }
        ["genes", gene, stat @ ("mean" | "spread")] => {
            let k = GENE_NAMES.iter().position(|g| g == gene).ok_or_else(|| {
                invalid(
                    key,
                    format!("no gene {gene:?} (genes: {})", GENE_NAMES.join(", ")),
                )
            })?;
            let genes = tribe
                .entry("genes")
                .or_insert_with(|| toml::Value::Table(Default::default()))
                .as_table_mut()
                .ok_or_else(|| invalid(key, "a tribe's genes are not a table"))?;
            if !genes.contains_key(*gene) {
                // A gene left out has its default distribution; start there.
                let scenario_default = super::scenario::GeneSpecs::default().get(k);
                let spec = toml::Value::try_from(scenario_default)
                    .map_err(|e| invalid(key, e.to_string()))?;
                genes.insert((*gene).to_string(), spec);
            }
            let spec = genes
                .get_mut(*gene)
                .and_then(|g| g.as_table_mut())
                .ok_or_else(|| invalid(key, "a gene's distribution is not a table"))?;
            Ok(spec.entry(*stat).or_insert(toml::Value::Float(0.0)))
        }
        _ => Err(invalid(
            key,
            "a tribe's fields are count, color, spawn_radius and genes.GENE.mean or \
             genes.GENE.spread",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(text: &str) -> Override {
        Override::parse(text).unwrap()
    }

    #[test]
    fn parameters_tribes_and_genes_are_set_by_dotted_key() {
        let base = Scenario::default_scenario();
        let name = base.tribes[1].name.clone();
        let s = apply(
            &base,
            &[
                o("mutation.rate=0.3"),
                o("food.regrow_rate=1"),
                o("seed=99"),
                o(&format!("tribes.{name}.count=123")),
                o(&format!("tribes.{name}.genes.speed.mean=20")),
                o(&format!("tribes.{name}.genes.speed.spread=0.5")),
            ],
        )
        .unwrap();
        assert_eq!(s.mutation.rate, 0.3);
        assert_eq!(s.food.regrow_rate, 1.0);
        assert_eq!(s.seed, 99);
        assert_eq!(s.tribes[1].count, 123);
        let speed = s.tribes[1].genes.speed.unwrap();
        assert_eq!((speed.mean, speed.spread), (20.0, 0.5));
        // Nothing else moved.
        assert_eq!(s.tribes[0], base.tribes[0]);
        assert_eq!(s.world, base.world);
    }

    #[test]
    fn entities_resizes_first_wherever_it_stands() {
        let base = Scenario::default_scenario();
        let name = base.tribes[0].name.clone();
        let s = apply(
            &base,
            &[o(&format!("tribes.{name}.count=10")), o("entities=2000")],
        )
        .unwrap();
        assert_eq!(s.tribes[0].count, 10, "the tribe's count after the resize");
        let resized = base.scaled_to(2000).unwrap();
        assert_eq!(s.world, resized.world);
    }

    #[test]
    fn bad_keys_types_and_values_name_the_key() {
        let base = Scenario::default_scenario();
        for (text, names) in [
            ("mutation.rat=0.3", "mutation.rat"),
            ("mutation=0.3", "mutation"),
            ("mutation.rate=high", "mutation.rate"),
            ("mutation.rate=-1", "mutation.rate"),
            ("tribes.Nobody.count=3", "Nobody"),
            ("tribes.count=3", "tribes.count"),
            ("entities=0", "entities"),
        ] {
            let e = apply(&base, &[o(text)]).expect_err(text);
            assert!(e.to_string().contains(names), "{text}: {e}");
        }
        assert!(Override::parse("no equals sign").is_err());
        assert!(check_key(&base, "steering.flee").is_ok());
        assert!(check_key(&base, "steering.fle").is_err());
    }

    #[test]
    fn values_read_as_toml_or_as_a_bare_word() {
        assert_eq!(o("a.b=3").value, toml::Value::Integer(3));
        assert_eq!(o("a.b = 0.5").value, toml::Value::Float(0.5));
        assert_eq!(
            o("a.b=#ff0000").value,
            toml::Value::String("#ff0000".into())
        );
        assert_eq!(o("a.b=#ff0000").to_string(), "a.b=#ff0000");
        assert_eq!(o("a.b=0.5").to_string(), "a.b=0.5");
    }
}
