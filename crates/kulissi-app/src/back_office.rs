//! The demo firm's year run as a back office runs it: the opening capital, the clients'
//! deposits, the issuers' announcements and the central banks' rates first; then week by
//! week the trades of the week, each day's settlement (the day's trades instructed, the
//! custodians' matching and fail statuses), the custodians' confirmations of what fell
//! due, and the end of day of the week's last business day (asset servicing, settlement
//! penalties, prices, FX rates, accruals, marks, revaluations); after the last trade, two
//! more ends of day, then the custodians' and banks' statements of the last day reconciled
//! (with a few planted breaks). `kulissi generate --back-office` and
//! `kulissi demo` run it; every command goes through the engine, and `record` sees each one
//! before it runs (to write the firm as a file another store or an outside model reads).

use jiff::civil::{Date, Weekday};
use kulissi_core::calendar::{Calendar, CalendarName};
use kulissi_core::engine::CommandEnvelope;
use kulissi_store::EventStore;

use crate::generator::DemoFirm;
use crate::{AppError, Writer};

/// What the run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackOfficeRun {
    /// Trades booked.
    pub booked: u64,
    /// Trades already booked (a run repeated books nothing twice).
    pub already_booked: u64,
    /// Settlement confirmations recorded.
    pub confirmations: u64,
    /// The last day whose settlement (instructions, statuses) was run.
    pub settlement_through: Option<Date>,
    /// Ends of day run (a day closed before is not closed again).
    pub ends_of_day: u64,
    /// The last end of day.
    pub last_end_of_day: Option<Date>,
}

/// Why the run stopped.
#[derive(Debug, thiserror::Error)]
pub enum BackOfficeError {
    /// The store or the writer failed.
    #[error(transparent)]
    App(#[from] AppError),
    /// A generated command was refused (a bug in the generator, never input).
    #[error("generated {what} was refused: {reason}")]
    Refused {
        /// Which command.
        what: String,
        /// The engine's reason.
        reason: String,
    },
    /// The recorder failed.
    #[error("writing the commands: {0}")]
    Record(#[from] std::io::Error),
    /// A date out of the calendars' range.
    #[error("calendar: {0}")]
    Calendar(String),
}

fn atomic<S: EventStore>(
    writer: &mut Writer<S>,
    record: &mut dyn FnMut(&[CommandEnvelope]) -> std::io::Result<()>,
    what: &str,
    commands: &[CommandEnvelope],
) -> Result<(), BackOfficeError> {
    record(commands)?;
    if let Err((i, rejection)) = writer.execute_atomic(commands)? {
        return Err(BackOfficeError::Refused {
            what: format!("{what} (command {i})"),
            reason: rejection.to_string(),
        });
    }
    Ok(())
}

/// Runs the demo firm's back office over `count` trades from `seed` (the reference data
/// must be in the store already). `progress` is told the trades booked so far.
pub fn run_back_office<S: EventStore + Send>(
    writer: &mut Writer<S>,
    firm: &DemoFirm,
    seed: u64,
    count: u64,
    record: &mut dyn FnMut(&[CommandEnvelope]) -> std::io::Result<()>,
    progress: &mut dyn FnMut(u64),
) -> Result<BackOfficeRun, BackOfficeError> {
    let calendar = Calendar::from(CalendarName::Target);
    let calendar_error =
        |e: kulissi_core::calendar::CalendarError| BackOfficeError::Calendar(e.to_string());
    let capital = firm
        .opening_capital()
        .map_err(|e| BackOfficeError::Calendar(e.to_string()))?;
    atomic(writer, record, "opening capital", &capital)?;
    let deposits = firm
        .client_deposits()
        .map_err(|e| BackOfficeError::Calendar(e.to_string()))?;
    atomic(writer, record, "client deposit", &deposits)?;
    atomic(
        writer,
        record,
        "corporate action",
        &firm.corporate_actions(),
    )?;
    let rates = firm
        .central_bank_rates()
        .map_err(|e| BackOfficeError::Calendar(e.to_string()))?;
    atomic(writer, record, "central bank rate", &rates)?;

    let mut run = BackOfficeRun::default();
    let mut stream = firm.trades(seed, count).peekable();
    let end_of_day = |writer: &mut Writer<S>,
                      record: &mut dyn FnMut(&[CommandEnvelope]) -> std::io::Result<()>,
                      run: &mut BackOfficeRun,
                      date: Date|
     -> Result<(), BackOfficeError> {
        // Each day since the last: the trades instructed, their matching and fails.
        let mut day = match run.settlement_through {
            Some(last) => last
                .tomorrow()
                .map_err(|e| BackOfficeError::Calendar(e.to_string()))?,
            // The first time, from the first trade's date.
            None => writer
                .state()
                .trades
                .iter()
                .map(|t| t.record.terms.trade_date)
                .min()
                .map_or(date, |first| first.min(date)),
        };
        while day <= date {
            let commands = firm.settlement_day(writer.state(), seed, day);
            atomic(writer, record, &format!("settlement of {day}"), &commands)?;
            day = day
                .tomorrow()
                .map_err(|e| BackOfficeError::Calendar(e.to_string()))?;
        }
        run.settlement_through = Some(date);
        // The custodians confirm what fell due by the day, then the day is closed.
        let confirmations = firm.settlements(writer.state(), seed, date);
        for chunk in confirmations.chunks(crate::MAX_BATCH) {
            record(chunk)?;
            for answer in writer.execute(chunk)? {
                if let Err(rejection) = answer {
                    return Err(BackOfficeError::Refused {
                        what: "settlement confirmation".into(),
                        reason: rejection.to_string(),
                    });
                }
                run.confirmations += 1;
            }
        }
        // A day closed before (the run repeated) is not closed again.
        let closed = writer
            .state()
            .refdata
            .legal_entities
            .id(&firm.legal_entity)
            .and_then(|entity| {
                writer
                    .state()
                    .valuations
                    .last_end_of_day
                    .get(&entity)
                    .copied()
            });
        if closed.is_none_or(|last| last < date) {
            let commands = firm
                .end_of_day(seed, date)
                .map_err(|e| BackOfficeError::Calendar(e.to_string()))?;
            atomic(writer, record, &format!("end of day {date}"), &commands)?;
            run.ends_of_day += 1;
        }
        run.last_end_of_day = Some(date);
        Ok(())
    };
    while let Some(first) = stream.peek() {
        // The week of the next trade closes on its last business day.
        let day = trade_date(first).unwrap_or(Date::MIN);
        let mut close = day;
        while close.weekday() != Weekday::Friday {
            close = close
                .tomorrow()
                .map_err(|e| BackOfficeError::Calendar(e.to_string()))?;
        }
        let close = calendar
            .adjust(close, kulissi_core::calendar::Convention::Preceding)
            .map_err(calendar_error)?
            .max(day);
        let mut week: Vec<CommandEnvelope> = Vec::new();
        while let Some(next) = stream.peek() {
            if trade_date(next).is_some_and(|d| d > close) {
                break;
            }
            week.extend(stream.next());
        }
        for chunk in week.chunks(crate::MAX_BATCH) {
            record(chunk)?;
            for answer in writer.execute(chunk)? {
                match answer {
                    Ok(receipt) if receipt.is_duplicate() => run.already_booked += 1,
                    Ok(_) => run.booked += 1,
                    Err(rejection) => {
                        return Err(BackOfficeError::Refused {
                            what: "trade".into(),
                            reason: rejection.to_string(),
                        });
                    }
                }
            }
            progress(run.booked + run.already_booked);
        }
        end_of_day(writer, record, &mut run, close)?;
    }
    // Two more business days: what the last trades settle, and the day after.
    if let Some(last) = run.last_end_of_day {
        let mut day = last;
        for _ in 0..2 {
            day = calendar.add_business_days(day, 1).map_err(calendar_error)?;
            end_of_day(writer, record, &mut run, day)?;
        }
        // The custodians' and banks' statements of the last day, reconciled (a statement
        // loaded before, when the run is repeated, is not loaded again).
        let statements = firm.statements(writer.state(), seed, day);
        for statement in &statements {
            record(std::slice::from_ref(statement))?;
            if let Err((_, rejection)) = writer.execute_atomic(std::slice::from_ref(statement))?
                && !matches!(
                    rejection,
                    kulissi_core::engine::Rejection::StatementLoaded { .. }
                )
            {
                return Err(BackOfficeError::Refused {
                    what: "reconciliation".into(),
                    reason: rejection.to_string(),
                });
            }
        }
    }
    Ok(run)
}

fn trade_date(envelope: &CommandEnvelope) -> Option<Date> {
    match &envelope.command {
        kulissi_core::engine::Command::BookTrade(t) => Some(t.trade_date),
        _ => None,
    }
}
