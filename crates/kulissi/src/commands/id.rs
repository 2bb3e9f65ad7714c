//! `kulissi id check KIND VALUE`.

use std::io::Write;

use crate::cli::IdCommand;

/// Exit status of a negative verdict.
const EXIT_INVALID: u8 = 1;

pub(crate) fn run(command: IdCommand, out: &mut impl Write) -> anyhow::Result<u8> {
    match command {
        IdCommand::Check { kind, value } => match kind.validate(&value) {
            Ok(_) => {
                writeln!(out, "valid")?;
                Ok(0)
            }
            Err(reason) => {
                writeln!(out, "invalid: {reason}")?;
                Ok(EXIT_INVALID)
            }
        },
    }
}
