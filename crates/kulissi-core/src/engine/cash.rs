//! Deciding cash movements: recording (posted at once or held pending), posting, voiding,
//! expiring, and overdraft limits. Every outflow is checked against the account's available
//! balance and its limit when it is recorded, so a pending outflow reserves its amount.
//! And the entries a posted movement makes (`State::post_cash_movement`).

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::{Command, CommandEnvelope, Event, Rejection, State, text};
use crate::cash::{CashMovement, CashMovementKind, CashMovementStatus, CashMovementType};
use crate::identifiers::Currency;
use crate::ledger::Sink;

/// The fields of a cash movement as asked for.
pub(super) struct Request<'a> {
    pub(super) reference: &'a str,
    pub(super) movement: CashMovementType,
    pub(super) account: &'a str,
    pub(super) to_account: Option<&'a str>,
    pub(super) currency: Currency,
    pub(super) amount: Decimal,
    pub(super) value_date: Date,
    pub(super) pending_until: Option<Date>,
}

fn account_id(state: &State, code: &str) -> Result<crate::ids::AccountId, Rejection> {
    state
        .refdata
        .accounts
        .id(&code.to_owned())
        .ok_or_else(|| Rejection::UnknownAccount(code.to_owned()))
}

/// Client money is segregated: deposits and withdrawals only on client accounts, the firm's
/// own movements only on house accounts, and transfers only between two house accounts or
/// two client accounts of one legal entity.
fn owners_fit(
    state: &State,
    r: &Request<'_>,
    account: crate::ids::AccountId,
    kind: CashMovementKind,
) -> Result<(), Rejection> {
    use crate::refdata::AccountOwner;
    let Some(from) = state.refdata.accounts.get(account) else {
        return Err(Rejection::UnknownAccount(r.account.to_owned()));
    };
    match (kind.is_client_money(), kind) {
        (Some(client), _) if client != (from.owner == AccountOwner::Client) => {
            Err(Rejection::CashMovementWrongOwner {
                account: r.account.to_owned(),
                movement: r.movement.code(),
                whose: if client { "a client's" } else { "the firm's" },
                needed: if client { "client" } else { "house" },
                found: from.owner.code(),
            })
        }
        (None, CashMovementKind::Transfer { to }) => {
            let Some(receiver) = state.refdata.accounts.get(to) else {
                return Err(Rejection::UnknownAccount(
                    r.to_account.unwrap_or_default().to_owned(),
                ));
            };
            let refuse = |reason| {
                Err(Rejection::TransferMixesClientMoney {
                    from: r.account.to_owned(),
                    to: r.to_account.unwrap_or_default().to_owned(),
                    reason,
                })
            };
            if receiver.owner != from.owner {
                refuse("one account is the firm's, the other a client's")
            } else if from.owner == AccountOwner::Client
                && receiver.legal_entity != from.legal_entity
            {
                refuse("client money does not move between legal entities")
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

pub(super) fn record(
    state: &State,
    business_date: Date,
    r: Request<'_>,
) -> Result<Vec<Event>, Rejection> {
    text("cash movement reference", r.reference)?;
    let account = account_id(state, r.account)?;
    let kind = match (r.movement, r.to_account) {
        (CashMovementType::Transfer, Some(to)) => {
            let to_id = account_id(state, to)?;
            if to_id == account {
                return Err(Rejection::TransferToItself {
                    account: to.to_owned(),
                });
            }
            CashMovementKind::Transfer { to: to_id }
        }
        (CashMovementType::Transfer, None) => {
            return Err(Rejection::TransferWithoutReceiver);
        }
        (_, Some(to)) => {
            return Err(Rejection::ReceiverWithoutTransfer {
                to_account: to.to_owned(),
            });
        }
        (CashMovementType::CapitalContribution, None) => CashMovementKind::CapitalContribution,
        (CashMovementType::ClientDeposit, None) => CashMovementKind::ClientDeposit,
        (CashMovementType::ClientWithdrawal, None) => CashMovementKind::ClientWithdrawal,
        (CashMovementType::CustodyFee, None) => CashMovementKind::CustodyFee,
        (CashMovementType::SettlementPenalty, None) => CashMovementKind::SettlementPenalty,
    };
    owners_fit(state, &r, account, kind)?;
    if r.amount <= Decimal::ZERO {
        return Err(Rejection::NonPositiveCashAmount(r.amount));
    }
    let minor = u32::from(r.currency.minor_units().unwrap_or(2));
    if r.amount.normalize().scale() > minor {
        return Err(Rejection::TooManyDecimals {
            line: None,
            amount: r.amount,
            currency: r.currency,
            minor,
        });
    }
    if let Some(until) = r.pending_until
        && (until < r.value_date.min(business_date))
    {
        return Err(Rejection::PendingUntilTooEarly { until });
    }
    let movement = CashMovement {
        id: state.cash.next_id(),
        reference: r.reference.into(),
        kind,
        account,
        currency: r.currency,
        amount: r.amount,
        value_date: r.value_date,
        pending_until: r.pending_until,
        status: if r.pending_until.is_some() {
            CashMovementStatus::Pending
        } else {
            CashMovementStatus::Posted
        },
    };
    if let Some(existing) = state.cash.by_reference(r.reference) {
        let same = CashMovement {
            id: existing.id,
            status: existing.status,
            ..movement.clone()
        };
        if *existing == same {
            return Ok(Vec::new());
        }
        return Err(Rejection::CashMovementReferenceReused {
            reference: r.reference.to_owned(),
        });
    }
    if kind.is_outflow() {
        let balance = state.cash.balance(account, r.currency);
        if !balance.allows(r.amount) {
            return Err(Rejection::Overdraft {
                account: r.account.to_owned(),
                currency: r.currency,
                available: balance.available(),
                limit: balance.overdraft_limit,
                amount: r.amount,
            });
        }
    }
    Ok(vec![Event::CashMovementRecorded(movement)])
}

fn pending<'s>(
    state: &'s State,
    reference: &str,
    action: &'static str,
) -> Result<Option<&'s CashMovement>, Rejection> {
    let m = state
        .cash
        .by_reference(reference)
        .ok_or_else(|| Rejection::UnknownCashMovement(reference.to_owned()))?;
    let refuse = |what: &str| {
        Err(Rejection::CashMovementNotPending {
            reference: reference.to_owned(),
            action,
            state: what.to_owned(),
        })
    };
    match (m.status, action) {
        (CashMovementStatus::Pending, _) => Ok(Some(m)),
        (CashMovementStatus::Posted, "posted") | (CashMovementStatus::Voided, "voided") => Ok(None),
        (CashMovementStatus::Posted, _) => refuse("already posted"),
        (CashMovementStatus::Voided, _) => refuse("voided"),
        (CashMovementStatus::Expired, _) => refuse("expired"),
    }
}

pub(super) fn post(
    state: &State,
    business_date: Date,
    reference: &str,
) -> Result<Vec<Event>, Rejection> {
    let Some(m) = pending(state, reference, "posted")? else {
        return Ok(Vec::new());
    };
    if let Some(until) = m.pending_until
        && business_date > until
    {
        return Err(Rejection::CashMovementNotPending {
            reference: reference.to_owned(),
            action: "posted",
            state: format!("past its last date, {until}"),
        });
    }
    Ok(vec![Event::CashMovementPosted { id: m.id }])
}

pub(super) fn void(state: &State, reference: &str, reason: &str) -> Result<Vec<Event>, Rejection> {
    text("reason", reason)?;
    let Some(m) = pending(state, reference, "voided")? else {
        return Ok(Vec::new());
    };
    Ok(vec![Event::CashMovementVoided {
        id: m.id,
        reason: reason.into(),
    }])
}

pub(super) fn expire(state: &State, date: Date) -> Vec<Event> {
    let ids: Vec<u64> = state
        .cash
        .iter()
        .filter(|m| m.status == CashMovementStatus::Pending)
        .filter(|m| m.pending_until.is_some_and(|until| until < date))
        .map(|m| m.id)
        .collect();
    if ids.is_empty() {
        return Vec::new();
    }
    vec![Event::CashMovementsExpired { date, ids }]
}

pub(super) fn overdraft_limit(
    state: &State,
    account: &str,
    currency: Currency,
    limit: Decimal,
) -> Result<Vec<Event>, Rejection> {
    let id = account_id(state, account)?;
    if limit < Decimal::ZERO {
        return Err(Rejection::NegativeOverdraftLimit(limit));
    }
    if state.cash.balance(id, currency).overdraft_limit == limit {
        return Ok(Vec::new());
    }
    Ok(vec![Event::OverdraftLimitSet {
        account: id,
        currency,
        limit,
    }])
}

/// Decides the commands of this family; the dispatcher in `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    Ok(match &envelope.command {
        Command::RecordCashMovement {
            reference,
            movement,
            account,
            to_account,
            currency,
            amount,
            value_date,
            pending_until,
        } => record(
            state,
            envelope.business_date,
            Request {
                reference,
                movement: *movement,
                account,
                to_account: to_account.as_deref(),
                currency: *currency,
                amount: *amount,
                value_date: *value_date,
                pending_until: *pending_until,
            },
        )?,
        Command::PostCashMovement { reference } => post(state, envelope.business_date, reference)?,
        Command::VoidCashMovement { reference, reason } => void(state, reference, reason)?,
        Command::ExpireCashMovements { date } => expire(state, *date),
        Command::SetOverdraftLimit {
            account,
            currency,
            limit,
        } => overdraft_limit(state, account, *currency, *limit)?,
        _ => return Err(super::wrong_family()),
    })
}

impl State {
    /// The entries of a posted cash movement, posted on its value date or its entity's
    /// first open day: cash (or client money at banks) against its contra account; for a
    /// transfer between two legal entities, one entry in each entity's books (the sender is
    /// owed by the receiver); for a transfer within one entity, none.
    pub(super) fn post_cash_movement<J: crate::ledger::Journal>(
        &mut self,
        m: &CashMovement,
        journal: &mut J,
    ) {
        let entity = self.entity_of(m.account);
        let header = |legal_entity: crate::ids::LegalEntityId| crate::ledger::EntryHeader {
            kind: crate::ledger::EntryKind::CashMovement { id: m.id },
            effective_date: m.value_date,
            posting_date: self.periods.posting_date(legal_entity, m.value_date),
            trade_id: None,
            legal_entity,
        };
        let cash_at_banks = crate::ledger::codes::CASH;
        if let crate::cash::CashMovementKind::Transfer { to } = m.kind {
            let receiver = self.entity_of(to);
            if receiver == entity {
                return;
            }
            let (from, into) = (header(entity), header(receiver));
            self.ledger.apply(&from, journal, |sink| {
                sink.post(crate::ledger::codes::DUE_FROM_GROUP, m.currency, m.amount);
                sink.post(cash_at_banks, m.currency, -m.amount);
            });
            self.ledger.apply(&into, journal, |sink| {
                sink.post(cash_at_banks, m.currency, m.amount);
                sink.post(crate::ledger::codes::DUE_TO_GROUP, m.currency, -m.amount);
            });
            return;
        }
        let Some(contra) = m.kind.contra_account() else {
            return;
        };
        let cash = if m.kind.is_outflow() {
            -m.amount
        } else {
            m.amount
        };
        let header = header(entity);
        self.ledger.apply(&header, journal, |sink| {
            sink.post(m.kind.cash_account(), m.currency, cash);
            sink.post(contra, m.currency, -cash);
        });
    }
}

/// The pending cash movement `id`, which the event `kind` posts, voids or expires.
pub(super) fn pending_movement<'a>(
    cash: &'a crate::cash::CashLedger,
    kind: &'static str,
    id: u64,
) -> Result<&'a crate::cash::CashMovement, super::ApplyError> {
    let movement = cash.get(id).ok_or(super::ApplyError::Unknown {
        event: kind,
        what: "cash movement",
        id,
    })?;
    let found = match movement.status {
        crate::cash::CashMovementStatus::Pending => return Ok(movement),
        crate::cash::CashMovementStatus::Posted => "posted",
        crate::cash::CashMovementStatus::Voided => "voided",
        crate::cash::CashMovementStatus::Expired => "expired",
    };
    Err(super::ApplyError::WrongStatus {
        event: kind,
        what: "cash movement",
        id,
        found,
        wanted: "pending",
    })
}
