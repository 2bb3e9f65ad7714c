//! `kulissi`: the back office's command-line interface and, as more capabilities land, the
//! wiring of engine, store and doors.
//!
//! Exit status: 0 on success, 1 when a check gives a negative verdict (`id check` on an
//! invalid value), 2 on a bad argument, with a one-line error on stderr. Scripts rely on
//! these, and on the output formats documented per command.

mod cli;
mod commands;
mod store;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::Cli;

/// Exit status for a bad argument or a command that cannot run.
const EXIT_BAD_ARGUMENT: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return report_usage_error(&err),
    };
    let mut stdout = std::io::stdout().lock();
    match commands::run(cli, &mut stdout) {
        Ok(status) => {
            // A closed pipe (`kulissi ... | head`) is not an error worth reporting.
            let _ = stdout.flush();
            ExitCode::from(status)
        }
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", one_line(&err));
            ExitCode::from(EXIT_BAD_ARGUMENT)
        }
    }
}

/// The error and its causes on one line, leaving out a cause whose text is already in the
/// line (an error that shows its source's text and also keeps the source, as a store's
/// database error does).
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// A reader that stopped reading (`kulissi trades list | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Help and version go to stdout with status 0; anything else is a bad argument, reported
/// on one line of stderr (clap's first paragraph, joined) with status 2.
fn report_usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(EXIT_BAD_ARGUMENT)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = err.render().to_string();
            let first: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .skip_while(|l| l.is_empty())
                .take_while(|l| !l.is_empty())
                .collect();
            eprintln!("{}", first.join(" "));
            ExitCode::from(EXIT_BAD_ARGUMENT)
        }
    }
}
