//! The journal the engine derives from its events (issue: the ledger driven by the engine).
//!
//! One entry per trade event and one per settlement confirmation, with lines netted by
//! account, so that a plain purchase reads Dr securities at cost / Cr unsettled purchases and
//! a plain sale reads Dr unsettled sales / Cr securities at cost / Cr realised P&L.
//!
//! The account's owner decides the rules: house trades are the firm's own trading (§7),
//! client trades agency business (§7.1), which never touches the firm's trading accounts
//! and moves client money (1150 at banks, 2500 owed to clients) one for one.
//!
//! The trade rule keeps securities at cost (longs) and securities sold short (shorts) equal
//! to the positions' cost sub-ledger by construction: the consideration of the version replaced is reversed and the new one's is
//! booked through realised P&L, and every touched position's change of cost is booked
//! between securities at cost and realised P&L. A sale in order therefore realises gross
//! minus the cost released; a trade reported late, an amendment or a cancellation that
//! re-orders average cost corrects realised P&L by exactly the change of cost.

use crate::ids::{LegalEntityId, TradeId};
use jiff::civil::Date;
use rust_decimal::Decimal;

use super::chart::codes::*;
use super::journal::{EntryError, JournalEntry, JournalLine};
use crate::identifiers::Currency;
use crate::money::RoundingMode;
use crate::refdata::AccountOwner;
use crate::trade::{Side, TradeRecord};

/// What a derived journal entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A trade was booked.
    TradeBooked,
    /// A trade was amended: the old version reversed, the new one booked.
    TradeAmended,
    /// A trade was cancelled: its version reversed.
    TradeCancelled,
    /// (Part of) a trade settled.
    Settlement,
    /// End-of-day mark-to-market of positions.
    MarkToMarket,
    /// End-of-day revaluation of foreign-currency balances. Every end of day hands one on,
    /// without lines when nothing was revalued: it marks where the day closed.
    FxRevaluation,
    /// End-of-day translation of foreign-currency trading securities.
    FxTranslation,
    /// End-of-day accrual of interest on house bond positions.
    InterestAccrual,
    /// A split versioned positions (cost re-folded for trades after its ex-date).
    SplitApplied {
        /// The corporate action (id).
        action: u32,
    },
    /// A dividend's ex-date: the house's entitlements receivable.
    DividendEntitled {
        /// The corporate action (id).
        action: u32,
    },
    /// A dividend paid to the house and to clients.
    DividendPaid {
        /// The corporate action (id).
        action: u32,
    },
    /// A bond's coupon paid to the holders of record.
    CouponPaid {
        /// The bond (id).
        instrument: crate::ids::InstrumentId,
    },
    /// A bond redeemed at maturity.
    BondRedeemed {
        /// The bond (id).
        instrument: crate::ids::InstrumentId,
    },
    /// A cash movement other than a trade's settlement was posted.
    CashMovement {
        /// The movement's id.
        id: u64,
    },
    /// A manual journal entry was approved.
    Manual {
        /// The entry's id.
        id: u64,
    },
    /// A year's income and expenses were closed into retained earnings.
    YearEndClose {
        /// The year.
        year: i16,
    },
    /// A year-end close was reversed when its year was reopened.
    YearEndCloseReversed {
        /// The year.
        year: i16,
    },
    /// CSDR settlement penalties accrued (payable, receivable, recharged to clients).
    SettlementPenalties,
}

impl EntryKind {
    /// A short description for people ("Trade 12 booked").
    pub fn describe(self, trade_id: Option<TradeId>) -> String {
        let id = trade_id.unwrap_or_default();
        match self {
            EntryKind::TradeBooked => format!("Trade {id} booked"),
            EntryKind::TradeAmended => format!("Trade {id} amended"),
            EntryKind::TradeCancelled => format!("Trade {id} cancelled"),
            EntryKind::Settlement => format!("Settlement of trade {id}"),
            EntryKind::MarkToMarket => "Mark to market".to_owned(),
            EntryKind::FxRevaluation => "FX revaluation".to_owned(),
            EntryKind::FxTranslation => "FX translation of trading securities".to_owned(),
            EntryKind::InterestAccrual => "Interest accrual".to_owned(),
            EntryKind::SplitApplied { action } => format!("Split (corporate action {action})"),
            EntryKind::DividendEntitled { action } => {
                format!("Dividend entitlement (corporate action {action})")
            }
            EntryKind::DividendPaid { action } => {
                format!("Dividend paid (corporate action {action})")
            }
            EntryKind::CouponPaid { instrument } => format!("Coupon of instrument {instrument}"),
            EntryKind::BondRedeemed { instrument } => {
                format!("Redemption of instrument {instrument}")
            }
            EntryKind::CashMovement { id } => format!("Cash movement {id}"),
            EntryKind::Manual { id } => format!("Manual journal entry {id}"),
            EntryKind::YearEndClose { year } => format!("Year-end close {year}"),
            EntryKind::YearEndCloseReversed { year } => {
                format!("Reversal of year-end close {year}")
            }
            EntryKind::SettlementPenalties => "Settlement penalties".to_owned(),
        }
    }
}

/// Where and when a derived entry belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryHeader {
    /// What it records.
    pub kind: EntryKind,
    /// The date the business event takes effect (trade date, settlement date).
    pub effective_date: Date,
    /// The date it is posted on: the effective date, unless that falls in a closed period.
    pub posting_date: Date,
    /// The trade it comes from, if any.
    pub trade_id: Option<TradeId>,
    /// The legal entity (id) whose books it is in.
    pub legal_entity: LegalEntityId,
}

/// Receives the entries the engine derives as it applies events: one call per entry, with
/// its lines netted by account and currency (debit positive, none zero, balanced per
/// currency). The only entry without lines is an end of day's closing marker
/// ([`EntryKind::FxRevaluation`] when nothing was revalued).
pub trait Journal {
    /// Whether entries are wanted at all; when not, the engine collects nothing.
    const ENABLED: bool = true;
    /// One entry.
    fn entry(&mut self, header: &EntryHeader, lines: &[(u16, Currency, Decimal)]);
}

/// A journal that keeps nothing: the engine's hot path, which only keeps balances.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJournal;

impl Journal for NoJournal {
    const ENABLED: bool = false;
    fn entry(&mut self, _: &EntryHeader, _: &[(u16, Currency, Decimal)]) {}
}

impl<F: FnMut(&EntryHeader, &[(u16, Currency, Decimal)])> Journal for F {
    fn entry(&mut self, header: &EntryHeader, lines: &[(u16, Currency, Decimal)]) {
        self(header, lines)
    }
}

/// Where a rule sends its amounts: account, currency, debit-positive amount. The same rule
/// feeds a journal entry (collecting lines) and the running balances (adding them up).
pub trait Sink {
    /// Adds `amount` (debit positive) to `account` in `currency`.
    fn post(&mut self, account: u16, currency: Currency, amount: Decimal);
}

impl Sink for Vec<JournalLine> {
    fn post(&mut self, account: u16, currency: Currency, amount: Decimal) {
        self.push(JournalLine::debit(account, currency, amount));
    }
}

/// A trade version and whose account it is on, which decides its rules: a house trade is
/// the firm's own trading (docs/domain.md §7), a client trade is agency business (§7.1).
pub type Version<'a> = (&'a TradeRecord, AccountOwner);

/// Posts the consideration and charges of `record`, mirrored when `sign` is −1.
fn consideration((record, owner): Version<'_>, sign: Decimal, sink: &mut impl Sink) {
    let e = &record.economics;
    let ccy = record.terms.currency;
    let principal = e.gross + e.accrued;
    match owner {
        AccountOwner::House => {
            match record.terms.side {
                Side::Buy => {
                    sink.post(REALISED_PNL, ccy, sign * e.gross);
                    sink.post(ACCRUED_INTEREST, ccy, sign * e.accrued);
                    sink.post(UNSETTLED_PURCHASES, ccy, -sign * principal);
                }
                Side::Sell => {
                    sink.post(UNSETTLED_SALES, ccy, sign * principal);
                    sink.post(ACCRUED_INTEREST, ccy, -sign * e.accrued);
                    sink.post(REALISED_PNL, ccy, -sign * e.gross);
                }
            }
            sink.post(COMMISSION_EXPENSE, ccy, sign * e.commission);
            sink.post(EXCHANGE_FEES, ccy, sign * e.fees);
            sink.post(TRANSACTION_TAXES, ccy, sign * e.taxes);
            sink.post(FEES_PAYABLE, ccy, -sign * (e.commission + e.fees));
        }
        AccountOwner::Client => {
            // The client owes (or is owed) the net amount; the market is owed (or owes) the
            // principal; the commission is the firm's income; fees and taxes are collected
            // for the exchange and the tax authority.
            let charges = e.commission + e.fees + e.taxes;
            match record.terms.side {
                Side::Buy => {
                    sink.post(RECEIVABLE_FROM_CLIENTS, ccy, sign * (principal + charges));
                    sink.post(PAYABLE_TO_MARKET, ccy, -sign * principal);
                }
                Side::Sell => {
                    sink.post(RECEIVABLE_FROM_MARKET, ccy, sign * principal);
                    sink.post(PAYABLE_TO_CLIENTS, ccy, -sign * (principal - charges));
                }
            }
            sink.post(COMMISSION_INCOME, ccy, -sign * e.commission);
            sink.post(FEES_PAYABLE, ccy, -sign * e.fees);
        }
    }
    sink.post(TAXES_PAYABLE, ccy, -sign * e.taxes);
}

/// A position's cost basis before and after a trade event, in its currency. A long
/// position's cost is carried in securities at cost (an asset), a short position's (negative)
/// in securities sold short (a liability).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostChange {
    /// The position's currency.
    pub currency: Currency,
    /// Cost basis before (negative for a short).
    pub before: Decimal,
    /// Cost basis after.
    pub after: Decimal,
}

/// The rule for a trade event (see [`post_trade_event`]), into any sink. `cost_changes`
/// are those of house positions only: a client's securities are not the firm's.
pub fn trade_event(
    old: Option<Version<'_>>,
    new: Option<Version<'_>>,
    cost_changes: &[CostChange],
    sink: &mut impl Sink,
) {
    if let Some(old) = old {
        consideration(old, Decimal::NEGATIVE_ONE, sink);
    }
    if let Some(new) = new {
        consideration(new, Decimal::ONE, sink);
    }
    for c in cost_changes {
        let zero = Decimal::ZERO;
        sink.post(
            SECURITIES_AT_COST,
            c.currency,
            c.after.max(zero) - c.before.max(zero),
        );
        sink.post(
            SECURITIES_SOLD_SHORT,
            c.currency,
            c.after.min(zero) - c.before.min(zero),
        );
        sink.post(REALISED_PNL, c.currency, c.before - c.after);
    }
}

/// The rule for a settlement part (see [`post_settlement_part`]), into any sink.
pub fn settlement_part(
    (record, owner): Version<'_>,
    settled_before: Decimal,
    settled_after: Decimal,
    sink: &mut impl Sink,
) {
    let e = &record.economics;
    let ccy = record.terms.currency;
    let part = |amount: Decimal| {
        settled_part(record, settled_after, amount) - settled_part(record, settled_before, amount)
    };
    let principal = part(e.gross + e.accrued);
    let taxes = part(e.taxes);
    sink.post(TAXES_PAYABLE, ccy, taxes);
    match owner {
        AccountOwner::House => {
            let fees = part(e.commission + e.fees);
            sink.post(FEES_PAYABLE, ccy, fees);
            // Cash is the sum of the parts, so the entry balances whatever the rounding.
            match record.terms.side {
                Side::Buy => {
                    sink.post(UNSETTLED_PURCHASES, ccy, principal);
                    sink.post(CASH, ccy, -(principal + fees + taxes));
                }
                Side::Sell => {
                    sink.post(CASH, ccy, principal - fees - taxes);
                    sink.post(UNSETTLED_SALES, ccy, -principal);
                }
            }
        }
        AccountOwner::Client => {
            let (commission, fees) = (part(e.commission), part(e.fees));
            let charges = commission + fees + taxes;
            sink.post(FEES_PAYABLE, ccy, fees);
            // The market leg moves client money; the client's balance takes the net; the
            // charges leave client money for the firm's account, fees and taxes are paid on.
            match record.terms.side {
                Side::Buy => {
                    let net = principal + charges;
                    sink.post(PAYABLE_TO_MARKET, ccy, principal);
                    sink.post(CLIENT_MONEY_AT_BANKS, ccy, -net);
                    sink.post(CLIENT_MONEY, ccy, net);
                    sink.post(RECEIVABLE_FROM_CLIENTS, ccy, -net);
                }
                Side::Sell => {
                    let net = principal - charges;
                    sink.post(CLIENT_MONEY_AT_BANKS, ccy, net);
                    sink.post(RECEIVABLE_FROM_MARKET, ccy, -principal);
                    sink.post(PAYABLE_TO_CLIENTS, ccy, net);
                    sink.post(CLIENT_MONEY, ccy, -net);
                }
            }
            sink.post(CASH, ccy, commission);
        }
    }
}

/// Sums lines by account and currency, dropping those that net to zero.
fn net_lines(lines: Vec<JournalLine>) -> Vec<JournalLine> {
    let mut out: Vec<JournalLine> = Vec::new();
    for line in lines {
        match out
            .iter_mut()
            .find(|l| l.account == line.account && l.currency == line.currency)
        {
            Some(l) => {
                let net = l.net() + line.net();
                *l = JournalLine::debit(l.account, l.currency, net);
            }
            None => out.push(JournalLine::debit(line.account, line.currency, line.net())),
        }
    }
    out.retain(|l| !l.net().is_zero());
    out
}

/// The entry of one trade event: `old` is the live version it replaces (none for a
/// booking), `new` the live version it leaves (none for a cancellation), `cost_changes` the
/// change of cost of every position it touched, by currency. `None` when nothing moves.
pub fn post_trade_event(
    date: Date,
    trade_id: TradeId,
    old: Option<Version<'_>>,
    new: Option<Version<'_>>,
    cost_changes: &[CostChange],
) -> Result<Option<JournalEntry>, EntryError> {
    let mut lines = Vec::new();
    trade_event(old, new, cost_changes, &mut lines);
    let lines = net_lines(lines);
    if lines.is_empty() {
        return Ok(None);
    }
    let what = match (old, new) {
        (None, Some(_)) => "booked",
        (Some(_), Some(_)) => "amended",
        _ => "cancelled",
    };
    JournalEntry::new(
        date,
        format!("Trade {trade_id} {what}"),
        Some(trade_id),
        lines,
    )
    .map(Some)
}

/// The amounts a trade has settled when `settled` of its quantity has: each amount pro rata,
/// rounded half-up to the currency, and exactly the whole once all of it has settled.
fn settled_part(record: &TradeRecord, settled: Decimal, amount: Decimal) -> Decimal {
    let total = record.terms.quantity.value();
    if settled >= total || total.is_zero() {
        return amount;
    }
    let dp = u32::from(record.terms.currency.minor_units().unwrap_or(2));
    RoundingMode::HalfUp.round(amount * settled / total, dp)
}

/// The entry of a settlement confirmation that takes a trade from `settled_before` to
/// `settled_after` of its quantity: the unsettled balance and payables of that part against
/// cash. Pro rata per confirmation, the last one settling whatever remains, so a trade
/// settled in parts posts exactly what it would have posted at once.
pub fn post_settlement_part(
    date: Date,
    (record, owner): Version<'_>,
    settled_before: Decimal,
    settled_after: Decimal,
) -> Result<Option<JournalEntry>, EntryError> {
    let mut lines = Vec::new();
    settlement_part((record, owner), settled_before, settled_after, &mut lines);
    let lines = net_lines(lines);
    match JournalEntry::new(
        date,
        format!("Settlement of trade {}", record.trade_id),
        Some(record.trade_id),
        lines,
    ) {
        Ok(entry) => Ok(Some(entry)),
        Err(EntryError::Empty) => Ok(None),
        Err(e) => Err(e),
    }
}
