//! The `evosim` command line; its subcommands (headless runs, the viewer, the
//! benchmark, …) are parsed and run in `cli`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
