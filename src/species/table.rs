//! The species CSV's records: `evosim run --species-csv` and a sweep's
//! `keep = ["species_csv"]` write them.

use super::SpeciesBook;
use crate::common::NONE;

impl SpeciesBook {
    /// The columns of the species CSV (`evosim run --species-csv`, a
    /// sweep's `keep = ["species_csv"]`): tick, species, parent species
    /// (empty for a tribe's own), tribe, living members, founding tick, then
    /// each gene's mean.
    pub fn csv_header() -> Vec<String> {
        ["tick", "species", "parent", "tribe", "count", "founded"]
            .into_iter()
            .map(String::from)
            .chain(
                crate::model::genes::GENE_NAMES
                    .iter()
                    .map(|g| format!("mean_{g}")),
            )
            .collect()
    }

    /// One CSV record per living species at tick `tick` (see
    /// [`Self::csv_header`]).
    pub fn csv_records(&self, tick: u32) -> Vec<Vec<String>> {
        self.list
            .iter()
            .filter(|s| s.alive())
            .map(|s| {
                let parent = if s.parent == NONE {
                    String::new()
                } else {
                    s.parent.to_string()
                };
                [
                    tick.to_string(),
                    s.id.to_string(),
                    parent,
                    s.tribe.to_string(),
                    s.population.to_string(),
                    s.founded.to_string(),
                ]
                .into_iter()
                .chain(s.gene_means().map(|m| format!("{m:.4}")))
                .collect()
            })
            .collect()
    }
}
