//! What each command does. Commands write to the `out` they are given (stdout in
//! production, a buffer in tests) and return the process exit status.

mod bench;
mod calendar;
mod demo;
mod id;

use std::io::Write;

use crate::cli::Command;

/// Runs `command`; `Ok(status)` is the exit status, `Err` a failure reported with status 2.
pub(crate) fn run(command: Command, out: &mut impl Write) -> anyhow::Result<u8> {
    match command {
        Command::Demo => demo::run(out),
        Command::Id(cmd) => id::run(cmd, out),
        Command::Calendar(cmd) => calendar::run(cmd, out),
        Command::Bench(crate::cli::BenchCommand::Booking { trades, seed, dir }) => {
            bench::booking(trades, seed, dir.as_deref(), out)
        }
    }
}
