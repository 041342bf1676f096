//! `evosim sweep`: an experiment file's runs on every core, each finished run
//! kept as it ends, the tables in Parquet; `evosim sweep merge` joins shards.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use evosim::experiment::store::Part;
use evosim::experiment::{Fault, Plan, Summary, Sweep, SweepError, merge, tables};

use super::CliError;

/// Options of `evosim sweep`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    merge: Option<MergeCommand>,
    /// The experiment file (TOML): the scenario, what is fixed and what
    /// varies, repetitions, ticks, what to record (see experiments/ and the
    /// README's Experiments section).
    #[arg(value_name = "FILE", required = true)]
    file: Option<PathBuf>,
    /// The output folder: runs.parquet, steps.parquet, experiment.json, and
    /// parts/ with one file per finished run (what --resume and merge read).
    #[arg(long, value_name = "DIR", required_unless_present = "dry_run")]
    out: Option<PathBuf>,
    /// Runs at a time; default: one per core.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
    /// Worker threads of each run. The results do not depend on it.
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    threads_per_run: u32,
    /// Run only every N-th run starting at I (0 ≤ I < N), to spread a sweep
    /// over machines by hand; join the outputs with `evosim sweep merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Continue the sweep in --out: run only the runs without a part there.
    #[arg(long)]
    resume: bool,
    /// Print the runs (index, varied values, seed) and the `evosim run` line
    /// that repeats each alone, and run nothing.
    #[arg(long)]
    dry_run: bool,
    /// No progress bar or summary.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, clap::Subcommand)]
enum MergeCommand {
    /// Join the output folders of a sweep's shards into one: `evosim sweep
    /// merge OUT DIR…`.
    Merge {
        /// The folder to write (new or empty).
        #[arg(value_name = "OUT")]
        out: PathBuf,
        /// The shards' folders.
        #[arg(value_name = "DIR", required = true)]
        dirs: Vec<PathBuf>,
    },
}

/// Parses `I/N`.
fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not a shard I/N with 0 ≤ I < N (example: 0/4)");
    let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
    let (i, n): (u32, u32) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    (i < n).then_some((i, n)).ok_or_else(bad)
}

fn cli_error(e: SweepError) -> CliError {
    match e {
        SweepError::Usage(m) => CliError::Usage(m),
        SweepError::Io(m) => CliError::Runtime(anyhow::anyhow!(m)),
    }
}

/// Runs `evosim sweep`.
pub fn sweep(a: SweepArgs) -> Result<(), CliError> {
    if let Some(MergeCommand::Merge { out, dirs }) = a.merge {
        let summary = merge(&out, &dirs).map_err(cli_error)?;
        if !a.quiet {
            eprintln!(
                "evosim sweep merge: {} folders into {}",
                dirs.len(),
                out.display()
            );
        }
        return report(&summary, &out, a.quiet);
    }
    let file = a.file.as_deref().expect("clap requires FILE");
    let plan = plan(file, a.shard)?;
    if a.dry_run {
        return print_runs(&plan, file);
    }
    let out = a.out.as_deref().expect("clap requires --out");
    let fault = match std::env::var("EVOSIM_FAULT") {
        Ok(v) => Some(Fault::parse(&v).map_err(|m| CliError::Usage(format!("EVOSIM_FAULT: {m}")))?),
        Err(_) => None,
    };
    let mut sweep = Sweep::open(plan, out, a.resume)
        .map_err(cli_error)?
        .with_fault(fault);
    let pending = sweep.pending();
    let all = sweep.plan().selected.len();
    let jobs = a.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |j| j as usize,
    );
    if !a.quiet {
        eprintln!(
            "evosim sweep: {} runs{}{} ({} to run), {} at a time, {} thread{} each -> {}",
            all,
            a.shard
                .map(|(i, n)| format!(" in shard {i}/{n}"))
                .unwrap_or_default(),
            if all == pending.len() {
                String::new()
            } else {
                format!(", {} finished before", all - pending.len())
            },
            pending.len(),
            jobs.min(pending.len().max(1)),
            a.threads_per_run,
            if a.threads_per_run == 1 { "" } else { "s" },
            out.display()
        );
    }
    let mut progress = Progress::new(pending.len(), a.quiet);
    sweep
        .run_local(jobs, a.threads_per_run as usize, |p| progress.done(p))
        .map_err(cli_error)?;
    progress.finish();
    let summary = sweep.finish().map_err(cli_error)?;
    report(&summary, out, a.quiet)
}

/// Reads and plans the experiment file: every run's scenario checked.
fn plan(file: &Path, shard: Option<(u32, u32)>) -> Result<Plan, CliError> {
    Plan::from_file(file, shard).map_err(cli_error)
}

/// `--dry-run`: the runs as a table, then each one's `evosim run` line. A
/// reader that stops early (`| head`) is not an error.
fn print_runs(plan: &Plan, file: &Path) -> Result<(), CliError> {
    use std::fmt::Write as _;
    let mut out = String::new();
    let keys: Vec<&str> = plan.spec.varied_keys();
    let cell = |v: &toml::Value| match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once("run".to_string())
            .chain(keys.iter().map(|k| k.to_string()))
            .chain(["seed".to_string()])
            .collect(),
    ];
    for &k in &plan.selected {
        let r = &plan.runs[k as usize];
        rows.push(
            std::iter::once(r.index.to_string())
                .chain(r.values.iter().map(cell))
                .chain([r.seed.to_string()])
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = (r.iter().zip(&widths))
            .map(|(s, w)| format!("{s:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let _ = writeln!(out, "\n# each run alone ({} ticks):", plan.spec.ticks);
    let scenario =
        (plan.spec.scenario.as_ref()).map(|s| evosim::experiment::sweep::scenario_path(file, s));
    for &k in &plan.selected {
        let r = &plan.runs[k as usize];
        let mut line = format!("evosim run --ticks {}", plan.spec.ticks);
        if let Some(s) = &scenario {
            line += &format!(" --scenario {}", quote(&s.display().to_string()));
        }
        for o in &r.overrides {
            if o.key == "seed" {
                continue;
            }
            line += &format!(" --set {}", quote(&format!("{}={}", o.key, cell(&o.value))));
        }
        line += &format!(" --seed {}", r.seed);
        let _ = writeln!(out, "{line}");
    }
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Runtime(anyhow::anyhow!("writing the runs: {e}")))
        }
        _ => Ok(()),
    }
}

/// `s` quoted for a POSIX shell where it needs it.
fn quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-=/:+,@".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The summary line and the exit status: 1 when a run failed.
fn report(s: &Summary, out: &Path, quiet: bool) -> Result<(), CliError> {
    if !quiet {
        let missing = if s.missing.is_empty() {
            String::new()
        } else {
            let shown: Vec<String> = s.missing.iter().take(10).map(u32::to_string).collect();
            format!(
                "; {} runs without a part (not run yet): {}{}",
                s.missing.len(),
                shown.join(", "),
                if s.missing.len() > 10 { ", …" } else { "" }
            )
        };
        eprintln!(
            "evosim sweep: {} ok, {} stopped, {} failed{missing}; tables {} and {}",
            s.ok,
            s.stopped,
            s.failed,
            out.join(tables::RUNS).display(),
            out.join(tables::STEPS).display()
        );
    }
    if s.failed > 0 {
        return Err(CliError::Runtime(anyhow::anyhow!(
            "{} of {} runs failed (their errors are in {}'s error column)",
            s.failed,
            s.ok + s.stopped + s.failed,
            out.join(tables::RUNS).display()
        )));
    }
    Ok(())
}

/// The progress of the runs: a bar on a terminal, a line per tenth of the
/// runs elsewhere.
struct Progress {
    bar: ProgressBar,
    terminal: bool,
    quiet: bool,
    total: usize,
    done: usize,
    failed: usize,
    start: Instant,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = if quiet || !terminal {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(total as u64)
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} run {pos}/{len} [{bar:30}] {elapsed} elapsed, ETA {eta} {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Self {
            bar,
            terminal,
            quiet,
            total,
            done: 0,
            failed: 0,
            start: Instant::now(),
        }
    }

    fn done(&mut self, p: &Part) {
        self.done += 1;
        if p.status == "failed" {
            self.failed += 1;
            let error = p.error.as_deref().unwrap_or("");
            self.bar
                .suspend(|| eprintln!("evosim sweep: run {} failed: {error}", p.run));
        }
        self.bar.set_message(if self.failed > 0 {
            format!("{} failed", self.failed)
        } else {
            String::new()
        });
        self.bar.inc(1);
        let tenth = |n: usize| n * 10 / self.total.max(1);
        if !self.quiet && !self.terminal && tenth(self.done) != tenth(self.done - 1) {
            eprintln!(
                "evosim sweep: {}/{} runs done, {} failed, {:.0} s",
                self.done,
                self.total,
                self.failed,
                self.start.elapsed().as_secs_f64()
            );
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
