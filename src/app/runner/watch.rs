//! `--watch-shaders`: the shader folder looked at a few times a second; an
//! edited file's pipelines are rebuilt in the running simulation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use web_time::Instant;

use crate::Simulation;
use crate::gpu::shaders;

/// How often the watched folder is looked at.
pub(super) const WATCH_EVERY: Duration = Duration::from_millis(250);

/// The shader folder being watched (no files in the browser: nothing is
/// watched there).
pub(super) struct ShaderWatch {
    dir: PathBuf,
    /// Modification time of each shader file, as last seen.
    seen: HashMap<String, SystemTime>,
    last_look: Option<Instant>,
    /// Files reloaded so far.
    pub reloads: u64,
}

impl ShaderWatch {
    pub fn new(dir: PathBuf) -> Self {
        let mut w = Self {
            dir,
            seen: Default::default(),
            last_look: None,
            reloads: 0,
        };
        // What is there now is the starting point, not a change.
        let _ = w.changed();
        w
    }

    /// Rebuilds `sim`'s pipelines of the shader files edited since the last
    /// look; a file that fails keeps the last good pipelines and is
    /// reported. Returns the last file's report, if any file changed.
    pub fn reload_changed(&mut self, sim: &mut Simulation) -> Option<String> {
        let mut report = None;
        for (file, text) in self.changed() {
            let previous = shaders::set_override(&file, Some(text));
            let line = match sim.reload_shader(&file) {
                Ok(()) => {
                    self.reloads += 1;
                    let line = format!("reloaded shader {file}");
                    log::info!("{line}");
                    line
                }
                Err(e) => {
                    // The last good text stays in force for every later build.
                    shaders::set_override(&file, previous);
                    let line = format!(
                        "shader {file} not reloaded (the last good one keeps running): {e}"
                    );
                    log::warn!("{line}");
                    line
                }
            };
            report = Some(line);
        }
        report
    }

    /// The shader files changed since the last look (at most every
    /// [`WATCH_EVERY`]): (name as in [`crate::gpu::shaders`], text).
    fn changed(&mut self) -> Vec<(String, String)> {
        if self.last_look.is_some_and(|t| t.elapsed() < WATCH_EVERY) {
            return Vec::new();
        }
        self.last_look = Some(Instant::now());
        let mut out = Vec::new();
        for (name, path) in shader_files(&self.dir) {
            let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) else {
                continue;
            };
            if self.seen.insert(name.clone(), modified) == Some(modified) {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((name, text));
            }
        }
        out
    }
}

/// The shader files in `dir` and `dir/common/`: (name as in
/// [`crate::gpu::shaders`], path).
fn shader_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for (sub, prefix) in [("", ""), ("common", "common/")] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in rd.flatten() {
            let path = entry.path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if path.extension().and_then(|e| e.to_str()) != Some("wgsl") {
                continue;
            }
            let name = if prefix.is_empty() {
                stem.to_string()
            } else {
                format!("{prefix}{stem}.wgsl")
            };
            if shaders::is_shader(&name) {
                files.push((name, path));
            }
        }
    }
    files
}
