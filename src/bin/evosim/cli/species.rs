//! `evosim run`'s species outputs: `--species-csv`, `--phylogeny`, and the
//! species lines of the summary and of `--json`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;

use evosim::Simulation;
use evosim::species::SpeciesBook;

/// The `--species-csv` file: a header, then one row per living species
/// every `--stats-every` ticks.
pub struct SpeciesCsv(csv::Writer<BufWriter<File>>);

impl SpeciesCsv {
    /// Creates `path` and writes the header and the rows of the current tick.
    pub fn create(path: &Path, sim: &Simulation) -> anyhow::Result<Self> {
        let f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = Self(csv::Writer::from_writer(BufWriter::new(f)));
        w.0.write_record(SpeciesBook::csv_header())?;
        w.rows(sim)?;
        Ok(w)
    }

    /// Writes a row per living species at the current tick.
    pub fn rows(&mut self, sim: &Simulation) -> csv::Result<()> {
        for r in sim.species().csv_records(sim.tick()) {
            self.0.write_record(r)?;
        }
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Writes the species tree (Newick, one line) to `path`.
pub fn write_phylogeny(path: &Path, sim: &Simulation) -> anyhow::Result<()> {
    let mut f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    writeln!(f, "{}", sim.phylogeny()).with_context(|| format!("cannot write {}", path.display()))
}

/// The summary's species line.
pub fn summary_line(sim: &Simulation) -> String {
    let b = sim.species();
    let extinct = b.total() - b.alive_count();
    let mut living: Vec<_> = b.list.iter().filter(|s| s.alive()).collect();
    living.sort_by_key(|s| std::cmp::Reverse(s.population));
    let largest: Vec<String> = living
        .iter()
        .take(5)
        .map(|s| format!("s{} {}", s.id, s.population))
        .collect();
    format!(
        "species: {} alive, {} founded in all ({} extinct); largest: {}",
        b.alive_count(),
        b.total(),
        extinct,
        largest.join(", ")
    )
}
