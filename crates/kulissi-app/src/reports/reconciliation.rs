//! The reconciliation break workbench (docs/domain.md §8): every break with its class,
//! both sides, the difference, where it stands and who owns it, its age in business days
//! (TARGET) and bucket, and whether it escalates (older than five business days or worth
//! more than 1,000,000 in its currency).

use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::calendar::{Calendar, CalendarName};
use kulissi_core::engine::State;
use kulissi_core::reconciliation::{age_bucket, escalates};
use rust_decimal::Decimal;

use super::{Cell, Report};

/// One break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakLine {
    /// Its number.
    pub id: u64,
    /// The reconciliation.
    pub definition: &'static str,
    /// The key, fields joined with `/`.
    pub key: String,
    /// The class.
    pub class: &'static str,
    /// Our value.
    pub ours: Option<Decimal>,
    /// The statement's.
    pub theirs: Option<Decimal>,
    /// Theirs − ours.
    pub difference: Decimal,
    /// Where it stands.
    pub status: &'static str,
    /// Who owns it.
    pub assignee: String,
    /// First found.
    pub opened: Date,
    /// Last found.
    pub last_seen: Date,
    /// Business days from first found to the report date.
    pub age: i64,
    /// The age bucket.
    pub bucket: &'static str,
    /// Whether it goes to the head of operations.
    pub escalate: bool,
    /// The resolution code, once resolved.
    pub resolution: String,
}

/// The breaks, and the runs' auto-match rates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreaksReport {
    /// The date ages are counted to.
    pub as_of: Date,
    /// The breaks, by id.
    pub lines: Vec<BreakLine>,
    /// Per run: reconciliation, statement date, statement, items, matched.
    pub runs: Vec<(&'static str, Date, String, u64, u64)>,
}

/// The breaks of `state` (only the open ones when `open`), aged to `as_of`.
pub fn recon_breaks(state: &State, open: bool, as_of: Date) -> BreaksReport {
    let calendar = Calendar::from(CalendarName::Target);
    let threshold = Decimal::from(1_000_000);
    let book = &state.reconciliations;
    let lines = book
        .breaks
        .iter()
        .filter(|b| !open || b.status.is_open())
        .map(|b| {
            let age = calendar.business_days_between(b.opened, as_of).max(0);
            let difference = b.finding.difference();
            BreakLine {
                id: b.id,
                definition: b.definition.name(),
                key: b.finding.key.join("/"),
                class: b.finding.class.name(),
                ours: b.finding.ours,
                theirs: b.finding.theirs,
                difference,
                status: b.status.name(),
                assignee: b.assignee.as_deref().unwrap_or("").to_owned(),
                opened: b.opened,
                last_seen: b.last_seen,
                age,
                bucket: age_bucket(age),
                escalate: b.status.is_open() && escalates(age, difference, threshold),
                resolution: b
                    .resolution
                    .as_ref()
                    .map_or(String::new(), |(code, _)| code.to_string()),
            }
        })
        .collect();
    let runs = book
        .runs
        .iter()
        .map(|r| {
            (
                r.definition.name(),
                r.as_of,
                r.statement.to_string(),
                r.items,
                r.matched,
            )
        })
        .collect();
    BreaksReport { as_of, lines, runs }
}

impl Report for BreaksReport {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "id",
            "definition",
            "key",
            "class",
            "ours",
            "theirs",
            "difference",
            "status",
            "assignee",
            "opened",
            "last_seen",
            "age",
            "bucket",
            "escalate",
            "resolution",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        let value = |v: Option<Decimal>| v.map_or(Cell::Empty, Cell::from);
        self.lines
            .iter()
            .map(|l| {
                vec![
                    l.id.into(),
                    l.definition.into(),
                    l.key.as_str().into(),
                    l.class.into(),
                    value(l.ours),
                    value(l.theirs),
                    l.difference.into(),
                    l.status.into(),
                    l.assignee.as_str().into(),
                    l.opened.into(),
                    l.last_seen.into(),
                    (l.age as u64).into(),
                    l.bucket.into(),
                    l.escalate.into(),
                    l.resolution.as_str().into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "Reconciliation breaks as of {}: {}",
            self.as_of,
            self.lines.len()
        )?;
        writeln!(
            out,
            "{:>4} {:<15} {:<28} {:<16} {:>14} {:>14} {:>14} {:<20} {:>4} {:<5} esc",
            "id",
            "definition",
            "key",
            "class",
            "ours",
            "theirs",
            "difference",
            "status",
            "age",
            "bkt"
        )?;
        let show = |v: Option<Decimal>| v.map_or(String::from("-"), |v| v.to_string());
        for l in &self.lines {
            writeln!(
                out,
                "{:>4} {:<15} {:<28} {:<16} {:>14} {:>14} {:>14} {:<20} {:>4} {:<5} {}",
                l.id,
                l.definition,
                l.key,
                l.class,
                show(l.ours),
                show(l.theirs),
                l.difference.to_string(),
                l.status,
                l.age,
                l.bucket,
                if l.escalate { "yes" } else { "" }
            )?;
        }
        if !self.runs.is_empty() {
            writeln!(out, "\nRuns (auto-match rate = matched / items)")?;
            for (definition, as_of, statement, items, matched) in &self.runs {
                let rate = if *items == 0 {
                    String::from("-")
                } else {
                    let pct =
                        Decimal::from(*matched) * Decimal::ONE_HUNDRED / Decimal::from(*items);
                    format!("{}%", pct.round_dp(1))
                };
                writeln!(
                    out,
                    "  {as_of} {definition:<15} {statement}: {matched} of {items} matched ({rate})"
                )?;
            }
        }
        Ok(())
    }
}
