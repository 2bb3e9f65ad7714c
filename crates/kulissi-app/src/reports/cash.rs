//! Cash balances: every account's posted, held and available cash per currency, with its
//! overdraft limit, from the cash sub-ledger of the engine's state.

use std::io::{self, Write};

use kulissi_core::engine::State;
use kulissi_core::identifiers::Currency;
use rust_decimal::Decimal;

use super::{Cell, Report};

/// One account's cash in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashBalanceLine {
    /// Account code.
    pub account: String,
    /// Currency.
    pub currency: Currency,
    /// Posted cash (trade settlements and posted movements).
    pub posted: Decimal,
    /// Outflows held by pending movements.
    pub held: Decimal,
    /// What may still be paid out: posted less held plus the overdraft limit.
    pub available: Decimal,
    /// The overdraft limit (0: none).
    pub overdraft_limit: Decimal,
}

/// Cash per account and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashBalances {
    /// By account code, then currency code.
    pub balances: Vec<CashBalanceLine>,
}

/// The cash balances of `state`.
pub fn cash_balances(state: &State) -> CashBalances {
    let mut balances: Vec<CashBalanceLine> = state
        .cash
        .balances()
        .filter_map(|((account, currency), b)| {
            Some(CashBalanceLine {
                account: state.refdata.accounts.get(account)?.code.clone(),
                currency,
                posted: b.posted,
                held: b.held,
                available: b.available(),
                overdraft_limit: b.overdraft_limit,
            })
        })
        .collect();
    balances.sort_by(|a, b| (&a.account, a.currency.code()).cmp(&(&b.account, b.currency.code())));
    CashBalances { balances }
}

impl Report for CashBalances {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "account",
            "currency",
            "posted",
            "held",
            "available",
            "overdraft_limit",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.balances
            .iter()
            .map(|b| {
                vec![
                    b.account.as_str().into(),
                    b.currency.code().into(),
                    b.posted.into(),
                    b.held.into(),
                    b.available.into(),
                    b.overdraft_limit.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{:<16} {:<4} {:>18} {:>14} {:>18} {:>14}",
            "account", "ccy", "posted", "held", "available", "overdraft"
        )?;
        for b in &self.balances {
            writeln!(
                out,
                "{:<16} {:<4} {:>18} {:>14} {:>18} {:>14}",
                b.account,
                b.currency.code(),
                b.posted.to_string(),
                b.held.to_string(),
                b.available.to_string(),
                b.overdraft_limit.to_string()
            )?;
        }
        Ok(())
    }
}
