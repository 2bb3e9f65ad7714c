//! Corporate actions: every announcement with where each legal entity stands with it
//! ([`corporate_actions`]), and one dividend's entitlements per account with the holder of
//! record and the market claim ([`entitlements`]), from the engine's state.

use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::corporate_actions::{CorporateActionKind, Entitlement};
use kulissi_core::engine::State;
use rust_decimal::Decimal;

use super::{Cell, Report};

/// One announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorporateActionLine {
    /// Kulissi's id.
    pub id: u32,
    /// The announcement's reference.
    pub reference: String,
    /// `cash_dividend` or `split`.
    pub kind: &'static str,
    /// The instrument.
    pub isin: String,
    /// Ex-date.
    pub ex_date: Date,
    /// Record date.
    pub record_date: Date,
    /// Pay date.
    pub pay_date: Date,
    /// A dividend's amount per share and currency, or a split's ratio ("2:1").
    pub terms: String,
    /// Where it stands: announced, ex processed, paid, applied.
    pub status: &'static str,
}

/// Every corporate action announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorporateActionList {
    /// By id.
    pub actions: Vec<CorporateActionLine>,
}

/// The corporate actions of `state` (status over all legal entities: the furthest any got).
pub fn corporate_actions(state: &State) -> CorporateActionList {
    let ca = &state.corporate_actions;
    let actions = ca
        .actions
        .iter()
        .enumerate()
        .map(|(id, a)| {
            let id = id as u32;
            let (terms, status) = match a.kind {
                CorporateActionKind::CashDividend {
                    amount_per_share,
                    currency,
                } => {
                    let processed = ca.dividends.iter().filter(|((_, i), _)| *i == id);
                    let (mut ex, mut paid) = (false, false);
                    for (_, d) in processed {
                        ex |= d.ex_processed;
                        paid |= d.payments.is_some();
                    }
                    let status = if paid {
                        "paid"
                    } else if ex {
                        "ex processed"
                    } else {
                        "announced"
                    };
                    (format!("{amount_per_share} {currency} per share"), status)
                }
                CorporateActionKind::Split { new, old } => {
                    let applied = ca.splits.iter().any(|(_, i)| *i == id);
                    (
                        format!("{new}:{old}"),
                        if applied { "applied" } else { "announced" },
                    )
                }
            };
            CorporateActionLine {
                id,
                reference: a.reference.to_string(),
                kind: a.kind.code(),
                isin: state
                    .refdata
                    .instruments
                    .get(a.instrument)
                    .map(|i| i.isin.to_string())
                    .unwrap_or_default(),
                ex_date: a.ex_date,
                record_date: a.record_date,
                pay_date: a.pay_date,
                terms,
                status,
            }
        })
        .collect();
    CorporateActionList { actions }
}

impl Report for CorporateActionList {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "id",
            "reference",
            "kind",
            "isin",
            "ex_date",
            "record_date",
            "pay_date",
            "terms",
            "status",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.actions
            .iter()
            .map(|a| {
                vec![
                    a.id.into(),
                    a.reference.as_str().into(),
                    a.kind.into(),
                    a.isin.as_str().into(),
                    a.ex_date.into(),
                    a.record_date.into(),
                    a.pay_date.into(),
                    a.terms.as_str().into(),
                    a.status.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{:>4} {:<26} {:<14} {:<12} {:<10} {:<10} {:<10} {:<22} status",
            "id", "reference", "kind", "isin", "ex", "record", "pay", "terms"
        )?;
        for a in &self.actions {
            writeln!(
                out,
                "{:>4} {:<26} {:<14} {:<12} {:<10} {:<10} {:<10} {:<22} {}",
                a.id,
                a.reference,
                a.kind,
                a.isin,
                a.ex_date,
                a.record_date,
                a.pay_date,
                a.terms,
                a.status
            )?;
        }
        Ok(())
    }
}

/// One account's entitlement to a dividend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitlementLine {
    /// Account code.
    pub account: String,
    /// `house` or `client`.
    pub owner: &'static str,
    /// Quantity traded before the ex-date.
    pub entitled: Decimal,
    /// Quantity settled by the record date.
    pub of_record: Decimal,
    /// The market claim's quantity (entitled − of record).
    pub claim_quantity: Decimal,
    /// The amount due for the entitled quantity.
    pub amount: Decimal,
    /// The market claim's amount (claim quantity × amount per share; compensated at the
    /// CSD on the pay date).
    pub claim_amount: Decimal,
    /// Whether it has been paid.
    pub paid: bool,
}

/// A dividend's entitlements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entitlements {
    /// The action (id).
    pub action: u32,
    /// Its reference.
    pub reference: String,
    /// By account code.
    pub lines: Vec<EntitlementLine>,
}

/// Why entitlements cannot be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntitlementsError {
    /// No such action.
    #[error("no corporate action {0}")]
    Unknown(String),
    /// A split has no entitlements to cash.
    #[error("corporate action {0} is a split: it versions positions and pays nothing")]
    Split(String),
}

/// The entitlements of the action with id or reference `event`: as booked when processed
/// (the house's on the ex-date, everyone's once paid).
pub fn entitlements(state: &State, event: &str) -> Result<Entitlements, EntitlementsError> {
    let ca = &state.corporate_actions;
    let id = event
        .parse::<u32>()
        .ok()
        .filter(|id| ca.get(*id).is_some())
        .or_else(|| ca.id(event))
        .ok_or_else(|| EntitlementsError::Unknown(event.to_owned()))?;
    let action = ca
        .get(id)
        .ok_or_else(|| EntitlementsError::Unknown(event.to_owned()))?;
    let CorporateActionKind::CashDividend {
        amount_per_share,
        currency,
    } = action.kind
    else {
        return Err(EntitlementsError::Split(event.to_owned()));
    };
    let mut lines = Vec::new();
    for ((_, i), d) in &ca.dividends {
        if *i != id {
            continue;
        }
        let (list, paid): (&[Entitlement], bool) = match &d.payments {
            Some(p) => (p, true),
            None => (&d.receivables, false),
        };
        for e in list {
            let account = state.refdata.accounts.get(e.account);
            lines.push(EntitlementLine {
                account: account.map(|a| a.code.clone()).unwrap_or_default(),
                owner: account.map_or("house", |a| a.owner.code()),
                entitled: e.entitled,
                of_record: e.of_record,
                claim_quantity: e.claim_quantity(),
                amount: e.amount,
                claim_amount: kulissi_core::money::RoundingMode::HalfUp
                    .round_to_currency(e.claim_quantity() * amount_per_share, currency),
                paid,
            });
        }
    }
    lines.sort_by(|a, b| a.account.cmp(&b.account));
    Ok(Entitlements {
        action: id,
        reference: action.reference.to_string(),
        lines,
    })
}

impl Report for Entitlements {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "account",
            "owner",
            "entitled",
            "of_record",
            "claim_quantity",
            "amount",
            "claim_amount",
            "paid",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.lines
            .iter()
            .map(|l| {
                vec![
                    l.account.as_str().into(),
                    l.owner.into(),
                    l.entitled.into(),
                    l.of_record.into(),
                    l.claim_quantity.into(),
                    l.amount.into(),
                    l.claim_amount.into(),
                    l.paid.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "Entitlements to corporate action {} ({})",
            self.action, self.reference
        )?;
        writeln!(
            out,
            "{:<14} {:<6} {:>14} {:>14} {:>14} {:>16} {:>14} paid",
            "account", "owner", "entitled", "of record", "claim qty", "amount", "claim"
        )?;
        for l in &self.lines {
            writeln!(
                out,
                "{:<14} {:<6} {:>14} {:>14} {:>14} {:>16} {:>14} {}",
                l.account,
                l.owner,
                l.entitled.to_string(),
                l.of_record.to_string(),
                l.claim_quantity.to_string(),
                l.amount.to_string(),
                l.claim_amount.to_string(),
                if l.paid { "yes" } else { "no" }
            )?;
        }
        Ok(())
    }
}
