//! The `evosim` command line; its subcommands (headless runs, the viewer, the
//! benchmark, …) are parsed and run in `cli`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    skip_wayland_probe_without_runtime_dir();
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    ExitCode::SUCCESS
                }
                _ => {
                    // One line naming the problem, not clap's multi-line usage block.
                    let text = e.render().to_string();
                    let first = text
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("error: invalid arguments");
                    eprintln!("{first}");
                    ExitCode::from(2)
                }
            };
        }
    };
    args.init_logging();
    match cli::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(cli::CliError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(cli::CliError::Runtime(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Keeps Mesa's Vulkan device-select layer from probing for a Wayland
/// compositor where none can be reached.
///
/// The layer (an implicit layer of `mesa-vulkan-drivers`) connects to the
/// Wayland display on every adapter enumeration of an instance that enables
/// `VK_KHR_wayland_surface`, which wgpu always does. Without a usable
/// `XDG_RUNTIME_DIR` (a server, a container, CI) that connection cannot
/// succeed, and libwayland prints `error: XDG_RUNTIME_DIR is invalid or not
/// set in the environment.` although nothing failed. There the layer is
/// switched off by its own variable, `NODEVICE_SELECT=1`; that loses nothing,
/// as its only other work is the order of the adapters, and evosim picks its
/// adapter by power preference.
#[expect(
    unsafe_code,
    reason = "set_var is sound here: first in main, before any other thread exists"
)]
fn skip_wayland_probe_without_runtime_dir() {
    let runtime_dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(std::path::PathBuf::from)
        .is_some_and(|d| d.is_absolute() && d.is_dir());
    if !runtime_dir && std::env::var_os("NODEVICE_SELECT").is_none() {
        // SAFETY: no other thread exists yet that could read the environment.
        unsafe {
            std::env::set_var("NODEVICE_SELECT", "1");
        }
    }
}
