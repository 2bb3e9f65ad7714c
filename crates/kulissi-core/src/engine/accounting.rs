//! Deciding the accounting commands: closing and reopening periods, closing a year, and
//! manual journal entries under four eyes (the checker is never the maker).

use jiff::civil::{Date, date};
use rust_decimal::Decimal;

use super::{Actor, Command, CommandEnvelope, Event, Rejection, State, text};
use crate::identifiers::{Currency, Lei};
use crate::ledger::{
    AccountType, CONTROL_ACCOUNTS, LedgerAccount, ManualEntry, ManualEntryStatus, closing_entry,
};

fn entity(state: &State, lei: &Lei) -> Result<crate::ids::LegalEntityId, Rejection> {
    state
        .refdata
        .legal_entities
        .id(lei)
        .ok_or(Rejection::UnknownLegalEntity(*lei))
}

pub(super) fn close_period(
    state: &State,
    lei: &Lei,
    through: Date,
) -> Result<Vec<Event>, Rejection> {
    let id = entity(state, lei)?;
    match state.periods.closed_through(id) {
        Some(closed) if closed == through => Ok(Vec::new()),
        Some(closed) if closed > through => Err(Rejection::AlreadyClosed {
            legal_entity: *lei,
            closed,
        }),
        _ => Ok(vec![Event::PeriodClosed {
            legal_entity: id,
            through,
        }]),
    }
}

pub(super) fn reopen_period(
    state: &State,
    lei: &Lei,
    from: Date,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    text("reason", reason)?;
    let id = entity(state, lei)?;
    match state.periods.closed_through(id) {
        Some(closed) if from <= closed => Ok(vec![Event::PeriodReopened {
            legal_entity: id,
            from,
            reason: reason.into(),
        }]),
        closed => Err(Rejection::NotClosed {
            legal_entity: *lei,
            from,
            closed,
        }),
    }
}

pub(super) fn close_year(state: &State, lei: &Lei, year: i16) -> Result<Vec<Event>, Rejection> {
    let id = entity(state, lei)?;
    if state.periods.closing(id, year).is_some() {
        return Ok(Vec::new());
    }
    if !(1900..=9999).contains(&year) {
        return Err(Rejection::YearOutOfRange { year });
    }
    Ok(vec![Event::YearClosed {
        legal_entity: id,
        year,
        lines: closing_entry(state.ledger.profit_and_loss_of(id, year)),
    }])
}

/// The last day of `year`.
pub(super) fn year_end(year: i16) -> Date {
    date(year, 12, 31)
}

pub(super) fn define_account(
    state: &State,
    lei: &Lei,
    account: &LedgerAccount,
) -> Result<Vec<Event>, Rejection> {
    let id = entity(state, lei)?;
    text("account name", &account.name)?;
    if AccountType::of_code(account.code) != Some(account.account_type) {
        return Err(Rejection::AccountNumbering {
            code: account.code,
            account_type: account.account_type,
        });
    }
    // The numbering fixes the type, so a default account can be renamed but not retyped.
    if state.chart_of(id).get(account.code) == Some(account) {
        return Ok(Vec::new());
    }
    Ok(vec![Event::LedgerAccountDefined {
        legal_entity: id,
        account: account.clone(),
    }])
}

pub(super) struct Proposal<'a> {
    pub(super) reference: &'a str,
    pub(super) legal_entity: &'a Lei,
    pub(super) effective_date: Date,
    pub(super) description: &'a str,
    pub(super) lines: &'a [(u16, Currency, Decimal)],
}

pub(super) fn propose(
    state: &State,
    maker: &Actor,
    p: Proposal<'_>,
) -> Result<Vec<Event>, Rejection> {
    text("journal entry reference", p.reference)?;
    text("description", p.description)?;
    let legal_entity = entity(state, p.legal_entity)?;
    let chart = state.chart_of(legal_entity);
    if p.lines.len() < 2 || p.lines.len() > 100 {
        return Err(Rejection::JournalEntryLines {
            found: p.lines.len(),
        });
    }
    for (i, (account, currency, amount)) in p.lines.iter().enumerate() {
        let line = i + 1;
        if chart.get(*account).is_none() {
            return Err(Rejection::NotInChart {
                line,
                account: *account,
            });
        }
        if CONTROL_ACCOUNTS.contains(account) {
            return Err(Rejection::ControlAccount {
                line,
                account: *account,
            });
        }
        if amount.is_zero() {
            return Err(Rejection::ZeroAmount { line });
        }
        let minor = u32::from(currency.minor_units().unwrap_or(2));
        if amount.normalize().scale() > minor {
            return Err(Rejection::TooManyDecimals {
                line: Some(line),
                amount: *amount,
                currency: *currency,
                minor,
            });
        }
    }
    let mut currencies: Vec<Currency> = p.lines.iter().map(|l| l.1).collect();
    currencies.sort_unstable_by_key(|c| c.code());
    currencies.dedup();
    for currency in currencies {
        let total: Decimal = p
            .lines
            .iter()
            .filter(|l| l.1 == currency)
            .map(|l| l.2)
            .sum();
        if !total.is_zero() {
            return Err(Rejection::Unbalanced {
                currency,
                excess: total,
            });
        }
    }
    let entry = ManualEntry {
        id: state.manual_entries.next_id(),
        reference: p.reference.into(),
        legal_entity,
        effective_date: p.effective_date,
        description: p.description.into(),
        lines: p.lines.to_vec(),
        maker: maker.to_string().into(),
        status: ManualEntryStatus::Proposed,
    };
    if let Some(existing) = state.manual_entries.by_reference(p.reference) {
        let same = ManualEntry {
            id: existing.id,
            status: existing.status,
            ..entry
        };
        if *existing == same {
            return Ok(Vec::new());
        }
        return Err(Rejection::JournalEntryReferenceReused {
            reference: p.reference.to_owned(),
        });
    }
    Ok(vec![Event::JournalEntryProposed(entry)])
}

pub(super) fn decide_proposal(
    state: &State,
    checker: &Actor,
    reference: &str,
    rejection: Option<&str>,
) -> Result<Vec<Event>, Rejection> {
    let entry = state
        .manual_entries
        .by_reference(reference)
        .ok_or_else(|| Rejection::UnknownJournalEntry(reference.to_owned()))?;
    let wanted = if rejection.is_some() {
        ManualEntryStatus::Rejected
    } else {
        ManualEntryStatus::Posted
    };
    match entry.status {
        ManualEntryStatus::Proposed => {}
        status if status == wanted => return Ok(Vec::new()),
        status => {
            return Err(Rejection::JournalEntryDecided {
                reference: reference.to_owned(),
                status,
            });
        }
    }
    if !matches!(checker, Actor::Person(_)) {
        return Err(Rejection::CheckerNotAPerson {
            reference: reference.to_owned(),
            checker: checker.clone(),
        });
    }
    let checker_name = checker.to_string();
    let maker = entry.maker.strip_prefix("person:").unwrap_or(&entry.maker);
    super::controls::check_checker(
        state,
        checker,
        maker,
        crate::controls::approvals::ApprovalKind::ManualJournal,
    )?;
    if *entry.maker == *checker_name {
        return Err(Rejection::FourEyes {
            reference: reference.to_owned(),
            maker: checker_name,
        });
    }
    Ok(vec![match rejection {
        None => Event::JournalEntryApproved {
            id: entry.id,
            checker: checker_name.into(),
        },
        Some(reason) => {
            text("reason", reason)?;
            Event::JournalEntryRejected {
                id: entry.id,
                checker: checker_name.into(),
                reason: reason.into(),
            }
        }
    }])
}

/// A period may only be closed once it has ended: closing through a date after the business
/// date would shut the books on days that have not happened.
fn not_after_business_date(end: Date, business_date: Date) -> Result<(), Rejection> {
    if end > business_date {
        return Err(Rejection::PeriodNotEnded { end, business_date });
    }
    Ok(())
}

/// Decides the commands of this family; the dispatcher in `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    Ok(match &envelope.command {
        Command::ClosePeriod {
            legal_entity,
            through,
        } => {
            not_after_business_date(*through, envelope.business_date)?;
            close_period(state, legal_entity, *through)?
        }
        Command::ReopenPeriod {
            legal_entity,
            from,
            reason,
        } => reopen_period(state, legal_entity, *from, reason)?,
        Command::CloseYear { legal_entity, year } => {
            not_after_business_date(year_end(*year), envelope.business_date)?;
            close_year(state, legal_entity, *year)?
        }
        Command::DefineLedgerAccount {
            legal_entity,
            account,
        } => define_account(state, legal_entity, account)?,
        Command::ProposeJournalEntry {
            reference,
            legal_entity,
            effective_date,
            description,
            lines,
        } => propose(
            state,
            &envelope.actor,
            Proposal {
                reference,
                legal_entity,
                effective_date: *effective_date,
                description,
                lines,
            },
        )?,
        Command::ApproveJournalEntry { reference } => {
            decide_proposal(state, &envelope.actor, reference, None)?
        }
        Command::RejectJournalEntry { reference, reason } => {
            decide_proposal(state, &envelope.actor, reference, Some(reason))?
        }
        _ => return Err(super::wrong_family()),
    })
}

/// The proposed manual entry `id`, which the event `kind` approves or rejects.
pub(super) fn proposed_entry<'a>(
    entries: &'a crate::ledger::ManualEntries,
    kind: &'static str,
    id: u64,
) -> Result<&'a crate::ledger::ManualEntry, super::ApplyError> {
    let entry = entries.get(id).ok_or(super::ApplyError::Unknown {
        event: kind,
        what: "journal entry",
        id,
    })?;
    let found = match entry.status {
        crate::ledger::ManualEntryStatus::Proposed => return Ok(entry),
        crate::ledger::ManualEntryStatus::Posted => "posted",
        crate::ledger::ManualEntryStatus::Rejected => "rejected",
    };
    Err(super::ApplyError::WrongStatus {
        event: kind,
        what: "journal entry",
        id,
        found,
        wanted: "proposed",
    })
}
