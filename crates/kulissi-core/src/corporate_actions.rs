//! Asset servicing (docs/domain.md §6 and §7.2): corporate actions announced by issuers
//! (cash dividends, splits), bond coupons and redemptions from each bond's own terms, and
//! what the engine keeps of having processed them.
//!
//! Entitlements are computed from a position's entries in cost order (its live trades and
//! the splits that versioned it), with two views of the same position:
//!
//! - **entitled**: the trade-date quantity of trades dated before the ex-date: who bought
//!   cum-dividend is owed the dividend;
//! - **of record**: the quantity of trades whose contractual settlement date is on or
//!   before the record date: who the issuer's agent pays.
//!
//! The difference is a market claim: a trade dated before the ex-date that settles after
//! the record date moves the dividend from the holder of record to its rightful owner. The
//! CSD compensates claims on the pay date, so the cash the firm receives is the entitled
//! amount; the entitlements report shows the claim. Coupons go to the holder of record at
//! the close of the business day before the payment date (trades settled before it);
//! redemption closes every position at par on the maturity date.
//!
//! House entitlements are the firm's income (a dividend receivable on the ex-date, cash on
//! the pay date; coupons against accrued interest); a client's are client money on the pay
//! date, never the firm's income.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::identifiers::Currency;
use crate::ids::{AccountId, InstrumentId, LegalEntityId};
use crate::position::{EntryKind, Position};
use crate::trade::TradeRecord;

/// What an issuer announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CorporateActionKind {
    /// A cash dividend of `amount_per_share` in `currency`.
    CashDividend {
        /// Per share held.
        amount_per_share: Decimal,
        /// The dividend's currency.
        currency: Currency,
    },
    /// A split: `new` shares for every `old` held (2 for 1: new 2, old 1).
    Split {
        /// Shares after.
        new: Decimal,
        /// Shares before.
        old: Decimal,
    },
}

impl CorporateActionKind {
    /// Its name in files and on screens.
    pub fn code(&self) -> &'static str {
        match self {
            CorporateActionKind::CashDividend { .. } => "cash_dividend",
            CorporateActionKind::Split { .. } => "split",
        }
    }
}

/// A corporate action as announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorporateAction {
    /// The announcement's reference (the idempotency key), e.g. the issuer's event id.
    pub reference: Arc<str>,
    /// The instrument (id).
    pub instrument: InstrumentId,
    /// What it is.
    pub kind: CorporateActionKind,
    /// The first day the instrument trades without it (a split's effective date).
    pub ex_date: Date,
    /// Holders settled by the close of this day are paid (US T+1: the ex-date).
    pub record_date: Date,
    /// The day the dividend is paid.
    pub pay_date: Date,
}

/// One account's entitlement to a corporate action or a coupon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entitlement {
    /// The account (id).
    pub account: AccountId,
    /// The quantity entitled (traded before the ex-date).
    pub entitled: Decimal,
    /// The quantity of record (settled by the record date).
    pub of_record: Decimal,
    /// The amount due for the entitled quantity, rounded half-up to the currency.
    pub amount: Decimal,
}

impl Entitlement {
    /// The quantity a market claim moves: positive when the firm's account is owed by the
    /// holder of record, negative when it must pass the income on.
    pub fn claim_quantity(&self) -> Decimal {
        self.entitled - self.of_record
    }
}

/// A coupon or redemption paid to one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BondPayment {
    /// The account (id).
    pub account: AccountId,
    /// The nominal it is paid on.
    pub nominal: Decimal,
    /// The amount, rounded half-up to the currency.
    pub amount: Decimal,
}

/// A dividend a legal entity has processed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DividendProcessing {
    /// The house entitlements booked on the ex-date (receivables until paid).
    pub receivables: Vec<Entitlement>,
    /// Whether its ex-date has been processed.
    pub ex_processed: bool,
    /// The payments made on the pay date (house and client), once paid.
    pub payments: Option<Vec<Entitlement>>,
}

/// The corporate actions announced, and what each legal entity has processed of them and of
/// its bonds' coupons and redemptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorporateActions {
    /// Every action, by id (its index).
    pub actions: Vec<CorporateAction>,
    /// Ids by reference.
    pub by_reference: HashMap<Arc<str>, u32>,
    /// Dividends processed, by legal entity and action id.
    pub dividends: BTreeMap<(LegalEntityId, u32), DividendProcessing>,
    /// Splits applied, by legal entity and action id.
    pub splits: BTreeSet<(LegalEntityId, u32)>,
    /// The last coupon date paid, by legal entity and bond.
    pub coupons_paid: BTreeMap<(LegalEntityId, InstrumentId), Date>,
    /// Bonds redeemed, by legal entity.
    pub redeemed: BTreeSet<(LegalEntityId, InstrumentId)>,
}

impl CorporateActions {
    /// The action with `id`.
    pub fn get(&self, id: u32) -> Option<&CorporateAction> {
        self.actions.get(id as usize)
    }

    /// The id of the action announced under `reference`.
    pub fn id(&self, reference: &str) -> Option<u32> {
        self.by_reference.get(reference).copied()
    }

    /// The id the next action gets.
    pub fn next_id(&self) -> u32 {
        self.actions.len() as u32
    }

    /// Records an announcement.
    pub fn announce(&mut self, action: CorporateAction) {
        self.by_reference
            .insert(action.reference.clone(), self.actions.len() as u32);
        self.actions.push(action);
    }
}

/// A position's quantity over its entries in cost order, counting only the trades `count`
/// keeps, in the units of shares before `cutoff`: a split with an earlier ex-date multiplies
/// what has been counted so far, a later one does not apply; a redemption closes it.
pub fn quantity_where<'a>(
    position: &Position,
    trade: impl Fn(crate::ids::TradeId) -> Option<&'a TradeRecord>,
    count: impl Fn(&TradeRecord) -> bool,
    cutoff: Date,
) -> Decimal {
    let mut quantity = Decimal::ZERO;
    for (kind, order, value) in position.entries() {
        match kind {
            EntryKind::Trade => {
                if trade(order.2).is_some_and(&count) {
                    quantity += value;
                }
            }
            EntryKind::Split if order.0 < cutoff => quantity *= value,
            EntryKind::Split => {}
            EntryKind::Redemption => quantity = Decimal::ZERO,
        }
    }
    quantity
}
