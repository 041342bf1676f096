//! What a run records: each metric's columns and their values now.

use super::spec::Metric;
use crate::Simulation;

/// The columns of `metric` (named `name` in the file) for tribes named
/// `tribes`: one column, or one per tribe (`tribe_population.Grazers`).
pub fn columns(name: &str, metric: &Metric, tribes: &[String]) -> Vec<String> {
    if metric.per_tribe() {
        tribes.iter().map(|t| format!("{name}.{t}")).collect()
    } else {
        vec![name.to_string()]
    }
}

/// Whether the metric's values are counts (whole numbers) rather than
/// measurements.
pub fn is_count(metric: &Metric) -> bool {
    !matches!(
        metric,
        Metric::GeneMean(_) | Metric::GeneStd(_) | Metric::Food
    )
}

/// The values of `metrics` in `sim` now, in column order (see [`columns`]).
/// Gene statistics of a tribe without members are 0.
pub fn measure(sim: &Simulation, metrics: &[Metric]) -> Vec<f64> {
    let c = sim.counters();
    let genes = metrics
        .iter()
        .any(|m| matches!(m, Metric::GeneMean(_) | Metric::GeneStd(_)))
        .then(|| sim.gene_stats());
    let mut out = Vec::new();
    for m in metrics {
        match m {
            Metric::Population => out.push(sim.population() as f64),
            Metric::TribePopulation => out.extend(c.tribes.iter().map(|t| t.population as f64)),
            Metric::Births => out.push(c.total(|t| t.births) as f64),
            Metric::Deaths => out.push(c.total(|t| t.deaths) as f64),
            Metric::Kills => out.push(c.total(|t| t.kills) as f64),
            Metric::Starved => out.push(c.total(|t| t.starved) as f64),
            Metric::GeneMean(g) | Metric::GeneStd(g) => {
                let stats = genes.as_ref().expect("computed above");
                out.extend(stats.iter().map(|tribe| {
                    let s = &tribe[*g];
                    f64::from(if matches!(m, Metric::GeneMean(_)) {
                        s.mean
                    } else {
                        s.std
                    })
                }));
            }
            Metric::SpeciesAlive => out.push(sim.species().alive_count() as f64),
            Metric::SpeciesTotal => out.push(sim.species().total() as f64),
            Metric::Food => out.push(sim.food().total()),
        }
    }
    out
}
