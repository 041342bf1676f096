//! The runs of an experiment: every combination of the varied values, each
//! repeated, each with its own seed and its scenario built and checked
//! before the first run starts.

use super::spec::{Spec, SpecError};
use crate::model::overrides::{self, Override};
use crate::model::rng::{rng4, stream};
use crate::model::scenario::Scenario;

/// One run of an experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Its index (0-based): combinations in order, the repetitions of one
    /// combination next to each other.
    pub index: u32,
    /// Its seed.
    pub seed: u64,
    /// The varied keys' values, in [`Spec::varied_keys`] order.
    pub values: Vec<toml::Value>,
    /// Every override, fixed and varied, and the seed last: what
    /// `evosim run --set` takes to repeat the run alone.
    pub overrides: Vec<Override>,
    /// The scenario it runs.
    pub scenario: Scenario,
}

/// The seed of run `index` of an experiment with seed `seed`: a counter-based
/// hash of the two, so that any run's seed is known without the others. 63
/// bits, so that it is a TOML integer too.
pub fn run_seed(seed: u64, index: u32) -> u64 {
    let w = rng4(seed, 0, index, stream::EXPERIMENT);
    (((w[0] as u64) << 32) | w[1] as u64) & i64::MAX as u64
}

/// Every run of `spec` on `base`, each scenario checked: the first run whose
/// overrides do not make a valid scenario is the error (its index, its
/// varied values, the key and the reason).
pub fn runs(spec: &Spec, base: &Scenario) -> Result<Vec<Run>, SpecError> {
    let keys = spec.varied_keys();
    for key in spec
        .set
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(keys.iter().copied())
    {
        overrides::check_key(base, key).map_err(|e| SpecError {
            key: key.to_string(),
            reason: e.problem,
        })?;
    }
    for stop in &spec.stop_when {
        if let super::spec::StopWhen::TribeExtinct(name) = stop
            && !base.tribes.iter().any(|t| t.name == *name)
        {
            return Err(SpecError {
                key: "stop_when".into(),
                reason: format!("tribe_extinct.{name}: the scenario has no tribe {name:?}"),
            });
        }
    }
    let seed_given = spec.set.iter().any(|(k, _)| k == "seed") || keys.contains(&"seed");
    let dims: Vec<&[toml::Value]> = spec
        .vary
        .iter()
        .map(|v| v.values.as_slice())
        .chain(spec.zip.first().map(|z| z.values.as_slice()))
        .collect();
    let mut out = Vec::with_capacity(spec.combinations() * spec.repetitions as usize);
    for c in 0..spec.combinations() {
        // Mixed radix, the last dimension fastest.
        let mut rest = c;
        let mut pick = vec![0; dims.len()];
        for (d, values) in dims.iter().enumerate().rev() {
            pick[d] = rest % values.len();
            rest /= values.len();
        }
        let mut values: Vec<toml::Value> = (spec.vary.iter().zip(&pick))
            .map(|(v, &i)| v.values[i].clone())
            .collect();
        if let Some(&step) = pick.get(spec.vary.len()) {
            values.extend(spec.zip.iter().map(|z| z.values[step].clone()));
        }
        for r in 0..spec.repetitions {
            let index = (c * spec.repetitions as usize + r as usize) as u32;
            let mut o: Vec<Override> = spec
                .set
                .iter()
                .map(|(key, value)| (key.as_str(), value))
                .chain(keys.iter().copied().zip(&values))
                .map(|(key, value)| Override {
                    key: key.to_string(),
                    value: value.clone(),
                })
                .collect();
            if !seed_given {
                let seed = run_seed(spec.seed, index);
                o.push(Override {
                    key: "seed".into(),
                    value: toml::Value::Integer(seed as i64),
                });
            }
            let scenario = overrides::apply(base, &o).map_err(|e| {
                let given: Vec<String> = (keys.iter().zip(&values))
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                SpecError {
                    key: e.field.clone(),
                    reason: format!("{} (run {index}: {})", e.problem, given.join(", ")),
                }
            })?;
            out.push(Run {
                index,
                seed: scenario.seed,
                values: values.clone(),
                overrides: o,
                scenario,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file `text` and its runs on the default scenario.
    fn planned(text: &str) -> (Spec, Vec<Run>) {
        let spec = Spec::from_toml(text).unwrap();
        let runs = runs(&spec, &Scenario::default_scenario()).unwrap();
        (spec, runs)
    }

    #[test]
    fn a_product_and_a_zip_give_every_combination_once_last_key_fastest() {
        let (s, runs) = planned(
            r#"
            ticks = 10
            repetitions = 2
            [set]
            entities = 300
            [vary]
            "mutation.rate" = [0.1, 0.3, 0.5]
            "combat.damage" = { from = 5.0, to = 15.0, steps = 3 }
            [zip]
            "steering.flee" = [60.0, 80.0]
            "steering.hunt" = [50.0, 70.0]
            "#,
        );
        assert_eq!(runs.len(), 3 * 3 * 2 * 2);
        assert_eq!(
            s.varied_keys(),
            [
                "mutation.rate",
                "combat.damage",
                "steering.flee",
                "steering.hunt"
            ]
        );
        let f = |v: &toml::Value| v.as_float().unwrap();
        let combos: Vec<[f64; 4]> = runs
            .iter()
            .step_by(2)
            .map(|r| {
                [
                    f(&r.values[0]),
                    f(&r.values[1]),
                    f(&r.values[2]),
                    f(&r.values[3]),
                ]
            })
            .collect();
        assert_eq!(combos[0], [0.1, 5.0, 60.0, 50.0]);
        assert_eq!(
            combos[1],
            [0.1, 5.0, 80.0, 70.0],
            "the zip walks together, fastest"
        );
        assert_eq!(combos[2], [0.1, 10.0, 60.0, 50.0]);
        assert_eq!(combos[17], [0.5, 15.0, 80.0, 70.0]);
        let mut unique = combos.clone();
        unique.dedup();
        assert_eq!(unique.len(), 18);
        // Repetitions share the values, not the seed.
        assert_eq!(runs[0].values, runs[1].values);
        assert_ne!(runs[0].seed, runs[1].seed);
        // Run 3: the second repetition of combination 1.
        assert_eq!(runs[3].scenario.mutation.rate, 0.1);
        assert_eq!(runs[3].scenario.combat.damage, 5.0);
        assert_eq!(runs[3].scenario.steering.flee, 80.0);
        assert_eq!(runs[3].scenario.steering.hunt, 70.0);
    }

    #[test]
    fn each_seed_follows_from_the_experiment_seed_and_the_index_alone() {
        let text = "ticks = 5\nseed = 7\nrepetitions = 4\n[vary]\n\"mutation.rate\" = [0.1, 0.2]\n";
        let a = planned(text).1;
        for r in &a {
            assert_eq!(r.seed, run_seed(7, r.index));
            assert_eq!(r.scenario.seed, r.seed);
        }
        let seeds: std::collections::HashSet<u64> = a.iter().map(|r| r.seed).collect();
        assert_eq!(seeds.len(), a.len());
        let other = planned(&text.replace("seed = 7", "seed = 8")).1;
        assert_ne!(other[0].seed, a[0].seed);
        // A seed set by the file wins.
        assert_eq!(planned("ticks = 5\n[set]\nseed = 3\n").1[0].seed, 3);
    }

    /// Bad files, each with the key its error must name.
    const BAD: [(&str, &str); 9] = [
        ("ticks = 10\ncolour = 3\n", "colour"),
        ("ticks = 10\nrecord = [\"populations\"]\n", "record"),
        (
            "ticks = 10\n[vary]\n\"mutation.rat\" = [0.1]\n",
            "mutation.rat",
        ),
        (
            "ticks = 10\n[vary]\n\"mutation.rate\" = []\n",
            "vary.mutation.rate",
        ),
        (
            "ticks = 10\n[vary]\n\"mutation.rate\" = [0.1, 7.0]\n",
            "mutation.rate",
        ),
        ("ticks = 10\n[zip]\na = [1]\nb = [1, 2]\n", "zip.b"),
        ("ticks = 10\nstop_when = [\"bored\"]\n", "stop_when"),
        ("ticks = 0\n", "ticks"),
        ("[vary]\n\"mutation.rate\" = [0.1]\n", "ticks"),
    ];

    #[test]
    fn bad_files_name_the_key_and_the_reason() {
        for (text, key) in BAD {
            let e = Spec::from_toml(text)
                .and_then(|s| runs(&s, &Scenario::default_scenario()).map(|_| ()));
            let e = e.expect_err(text).to_string();
            assert!(e.contains(key), "{text:?}: {e}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
    }
}
