//! A sweep's output folder: `experiment.json` (the manifest), one part file
//! per finished run under `parts/`, the files runs keep, and the tables
//! assembled from the parts.
//!
//! A part is written under a temporary name, synced and renamed, so that a
//! sweep killed at any moment leaves whole parts only: the runs with a part
//! are finished, the others are run again by a resumed sweep.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::sweep::SweepError;

/// The type of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Whole numbers (64-bit).
    Int,
    /// Floating point (64-bit).
    Float,
    /// Text.
    Text,
    /// True or false.
    Bool,
}

/// A column of the tables besides the fixed ones: a varied key or a metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Its name: the dotted key, or the metric's column name.
    pub name: String,
    /// Its type.
    pub kind: Kind,
}

/// One run's status in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunStatus {
    /// The run's index.
    pub run: u32,
    /// `ok`, `stopped` or `failed`.
    pub status: String,
}

/// `experiment.json`: what the folder holds, written before the first run
/// and again, with the runs' statuses, when the tables are written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The version of evosim that ran it.
    pub evosim: String,
    /// The experiment file as given on the command line.
    pub file: String,
    /// Its text.
    pub text: String,
    /// A hash of the text and of the scenario it starts from (hex): a
    /// resumed or merged sweep must have the same.
    pub hash: String,
    /// Runs in the whole experiment.
    pub runs: u32,
    /// The shard `[I, N]` this folder holds (every N-th run from I), if any.
    pub shard: Option<[u32; 2]>,
    /// The varied keys' columns, in the file's order.
    pub varied: Vec<Column>,
    /// The metrics' columns, in the order of `record`.
    pub metrics: Vec<Column>,
    /// Each finished run's status, ascending run (filled when the tables
    /// are written).
    #[serde(default)]
    pub statuses: Vec<RunStatus>,
}

/// One finished run: everything its rows in the two tables hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// The run's index.
    pub run: u32,
    /// Its seed.
    pub seed: u64,
    /// The varied keys' values, in the manifest's order.
    pub values: Vec<serde_json::Value>,
    /// `ok`, `stopped` or `failed`.
    pub status: String,
    /// The stop condition that ended it (status `stopped`).
    pub reason: Option<String>,
    /// Why it failed (status `failed`).
    pub error: Option<String>,
    /// Ticks run.
    pub ticks: u32,
    /// Wall time (s).
    pub wall_s: f64,
    /// The recorded rows: the tick and the metrics' values (`None` for a
    /// value that is not a finite number).
    pub rows: Vec<(u32, Vec<Option<f64>>)>,
    /// The metrics at the last tick run (empty when it failed).
    pub last: Vec<Option<f64>>,
    /// Files the run keeps (name, bytes): written beside the part, before
    /// it.
    #[serde(skip)]
    pub files: Vec<(String, Vec<u8>)>,
}

impl Part {
    /// The part with the files it keeps as one byte string, for an executor
    /// that carries results between processes or machines: its JSON, a
    /// line with the files' names and lengths (JSON), then their bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(self).expect("a part serialises");
        out.push(b'\n');
        let index: Vec<(&str, usize)> = (self.files.iter())
            .map(|(name, bytes)| (name.as_str(), bytes.len()))
            .collect();
        out.extend(serde_json::to_vec(&index).expect("names and lengths serialise"));
        out.push(b'\n');
        for (_, bytes) in &self.files {
            out.extend_from_slice(bytes);
        }
        out
    }

    /// Reads [`Self::to_bytes`]'s form back.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SweepError> {
        let bad = |what: &str| SweepError::Io(format!("not a part: {what}"));
        let mut lines = bytes.splitn(3, |&b| b == b'\n');
        let (Some(head), Some(index), Some(mut rest)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(bad("fewer than three sections"));
        };
        let mut part: Part = serde_json::from_slice(head).map_err(|e| bad(&e.to_string()))?;
        let index: Vec<(String, usize)> =
            serde_json::from_slice(index).map_err(|e| bad(&e.to_string()))?;
        for (name, len) in index {
            if len > rest.len() || name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(bad(&format!("the file {name:?}")));
            }
            let (bytes, tail) = rest.split_at(len);
            part.files.push((name, bytes.to_vec()));
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(bad("bytes after the last file"));
        }
        Ok(part)
    }
}

/// A sweep's output folder.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
}

const MANIFEST: &str = "experiment.json";
const PARTS: &str = "parts";
const KEPT: &str = "runs";

impl Store {
    /// Opens `dir` for `manifest`'s sweep: a new or empty folder is set up;
    /// a folder holding the same sweep is continued when `resume` is set
    /// (its finished runs are returned); anything else is an error.
    pub fn open(
        dir: &Path,
        manifest: &Manifest,
        resume: bool,
    ) -> Result<(Self, BTreeSet<u32>), SweepError> {
        let store = Self {
            dir: dir.to_path_buf(),
        };
        let shown = dir.display();
        match store.manifest() {
            Ok(old) => {
                if !resume {
                    return Err(SweepError::Usage(format!(
                        "{shown} already holds a sweep: --resume continues it, or give another \
                         --out"
                    )));
                }
                if old.hash != manifest.hash || old.shard != manifest.shard {
                    return Err(SweepError::Usage(format!(
                        "{shown} holds another sweep (its experiment file, scenario or shard \
                         differ): give another --out"
                    )));
                }
            }
            Err(_) if dir.join(MANIFEST).exists() => {
                return Err(SweepError::Usage(format!(
                    "{shown}/{MANIFEST} cannot be read: not a sweep's folder"
                )));
            }
            Err(_) => {
                let stray = fs::read_dir(dir).into_iter().flatten().flatten().any(|e| {
                    e.file_name() != PARTS
                        || fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_some())
                });
                if stray {
                    return Err(SweepError::Usage(format!(
                        "{shown} is not empty and holds no sweep: give another --out"
                    )));
                }
            }
        }
        fs::create_dir_all(dir.join(PARTS))
            .map_err(|e| SweepError::io(&format!("cannot create {shown}"), e))?;
        store.write_manifest(manifest)?;
        let done = store.finished()?;
        Ok((store, done))
    }

    /// The folder `dir` as it is, to read (see [`Self::open`] to write).
    pub fn at(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads `experiment.json`.
    pub fn manifest(&self) -> Result<Manifest, SweepError> {
        let path = self.dir.join(MANIFEST);
        let text = fs::read_to_string(&path)
            .map_err(|e| SweepError::io(&format!("cannot read {}", path.display()), e))?;
        serde_json::from_str(&text)
            .map_err(|e| SweepError::Usage(format!("{}: {e}", path.display())))
    }

    /// Writes `experiment.json` (atomically).
    pub fn write_manifest(&self, m: &Manifest) -> Result<(), SweepError> {
        let text = serde_json::to_string_pretty(m).expect("a manifest serialises");
        write_atomic(&self.dir.join(MANIFEST), text.as_bytes())
    }

    /// The runs with a part, ascending. Temporary files a killed sweep left
    /// are removed.
    pub fn finished(&self) -> Result<BTreeSet<u32>, SweepError> {
        let dir = self.dir.join(PARTS);
        let mut done = BTreeSet::new();
        let list = fs::read_dir(&dir)
            .map_err(|e| SweepError::io(&format!("cannot read {}", dir.display()), e))?;
        for entry in list.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            } else if let Some(run) = part_index(&name) {
                done.insert(run);
            }
        }
        Ok(done)
    }

    /// Writes a finished run: the files it keeps, then its part (the part
    /// last: a run with a part has everything).
    pub fn put(&self, part: &Part) -> Result<(), SweepError> {
        if !part.files.is_empty() {
            let kept = self.dir.join(KEPT);
            fs::create_dir_all(&kept)
                .map_err(|e| SweepError::io(&format!("cannot create {}", kept.display()), e))?;
            for (name, bytes) in &part.files {
                write_atomic(&kept.join(name), bytes)?;
            }
        }
        let text = serde_json::to_vec(part).expect("a part serialises");
        write_atomic(&self.part_path(part.run), &text)
    }

    /// Reads run `run`'s part.
    pub fn get(&self, run: u32) -> Result<Part, SweepError> {
        let path = self.part_path(run);
        let bytes = fs::read(&path)
            .map_err(|e| SweepError::io(&format!("cannot read {}", path.display()), e))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| SweepError::Io(format!("{}: not a part file: {e}", path.display())))
    }

    /// Copies run `run`'s part (and the files it kept) from `other`.
    pub fn copy_from(&self, other: &Store, run: u32) -> Result<(), SweepError> {
        let prefix = format!("run-{run:06}.");
        if let Ok(list) = fs::read_dir(other.dir.join(KEPT)) {
            let kept = self.dir.join(KEPT);
            for entry in list.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    fs::create_dir_all(&kept).map_err(|e| {
                        SweepError::io(&format!("cannot create {}", kept.display()), e)
                    })?;
                    let bytes = fs::read(entry.path()).map_err(|e| {
                        SweepError::io(&format!("cannot read {}", entry.path().display()), e)
                    })?;
                    write_atomic(&kept.join(entry.file_name()), &bytes)?;
                }
            }
        }
        let bytes = fs::read(other.part_path(run)).map_err(|e| {
            SweepError::io(
                &format!("cannot read {}", other.part_path(run).display()),
                e,
            )
        })?;
        write_atomic(&self.part_path(run), &bytes)
    }

    fn part_path(&self, run: u32) -> PathBuf {
        self.dir.join(PARTS).join(format!("run-{run:06}.json"))
    }
}

/// The name a run's kept file gets: `run-000042.snapshot`.
pub fn kept_name(run: u32, what: &str) -> String {
    format!("run-{run:06}.{what}")
}

/// The run a part file's name names.
fn part_index(name: &str) -> Option<u32> {
    name.strip_prefix("run-")?
        .strip_suffix(".json")?
        .parse()
        .ok()
}

/// Writes `bytes` to `path` under a temporary name, synced, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SweepError> {
    let tmp = path.with_extension(match path.extension() {
        Some(e) => format!("{}.tmp", e.to_string_lossy()),
        None => "tmp".into(),
    });
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|e| SweepError::io(&format!("cannot write {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(files: Vec<(String, Vec<u8>)>) -> Part {
        Part {
            run: 3,
            seed: 7,
            values: vec![0.25.into(), "a\nb".into()],
            status: "ok".into(),
            reason: None,
            error: None,
            ticks: 20,
            wall_s: 0.5,
            rows: vec![
                (0, vec![Some(1.0), None]),
                (20, vec![Some(0.1 + 0.2), Some(-0.0)]),
            ],
            last: vec![Some(0.1 + 0.2), Some(-0.0)],
            files,
        }
    }

    #[test]
    fn a_part_and_its_files_cross_as_bytes_unchanged() {
        for files in [
            vec![],
            vec![
                ("run-000003.newick".into(), b"(a:1)\n\n;".to_vec()),
                ("run-000003.evosnap".into(), vec![0, 10, 255, 10]),
                ("run-000003.species.csv".into(), vec![]),
            ],
        ] {
            let p = part(files);
            assert_eq!(Part::from_bytes(&p.to_bytes()).unwrap(), p);
        }
    }

    #[test]
    fn damaged_part_bytes_are_errors() {
        let p = part(vec![("run-000003.newick".into(), b"(a);".to_vec())]);
        let bytes = p.to_bytes();
        for cut in [0, 10, bytes.len() - 1] {
            assert!(Part::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Part::from_bytes(&longer).is_err());
        let sneaky = part(vec![("../x".into(), b"(a);".to_vec())]).to_bytes();
        assert!(
            Part::from_bytes(&sneaky).is_err(),
            "a name outside the folder"
        );
    }
}
