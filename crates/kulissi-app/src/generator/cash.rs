//! The demo firm's money before its first trade: the opening capital of its house accounts
//! and its clients' deposits.

use jiff::Timestamp;
use kulissi_core::engine::{Command, CommandEnvelope};
use kulissi_core::identifiers::{Currency, IdentifierError};
use rust_decimal::Decimal;

use super::{DemoFirm, FIRST_TRADE_DATE, envelope};

impl DemoFirm {
    /// The clients' opening deposits: each client account pays the equivalent of about
    /// EUR 250 million into client money in each currency the firm trades, before the first
    /// trade, so that no client's balance goes into debit over a generated year.
    pub fn client_deposits(&self) -> Result<Vec<CommandEnvelope>, IdentifierError> {
        let value_date = FIRST_TRADE_DATE.yesterday().unwrap_or(FIRST_TRADE_DATE);
        let time = jiff::tz::Offset::UTC
            .to_timestamp(value_date.to_datetime(jiff::civil::Time::constant(12, 0, 0, 0)))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut out = Vec::new();
        for code in self.accounts.iter().filter(|c| c.starts_with("CLIENT")) {
            for (currency, millions) in [
                ("EUR", 250),
                ("SEK", 2_800),
                ("DKK", 1_870),
                ("GBP", 215),
                ("USD", 270),
            ] {
                out.push(envelope(
                    Command::RecordCashMovement {
                        reference: format!("DEPOSIT-{code}-{currency}"),
                        movement: kulissi_core::cash::CashMovementType::ClientDeposit,
                        account: code.clone(),
                        to_account: None,
                        currency: Currency::parse(currency)?,
                        amount: Decimal::from(millions) * Decimal::from(1_000_000),
                        value_date,
                        pending_until: None,
                    },
                    time,
                ));
            }
        }
        Ok(out)
    }

    /// The opening capital: EUR 500 million paid into each house account's cash before the
    /// first trade, so the firm's cash starts from its equity.
    pub fn opening_capital(&self) -> Result<Vec<CommandEnvelope>, IdentifierError> {
        let eur = Currency::parse("EUR")?;
        let value_date = FIRST_TRADE_DATE.yesterday().unwrap_or(FIRST_TRADE_DATE);
        let time = jiff::tz::Offset::UTC
            .to_timestamp(value_date.to_datetime(jiff::civil::Time::midnight()))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        Ok(self
            .accounts
            .iter()
            .filter(|code| code.starts_with("HOUSE"))
            .map(|code| {
                envelope(
                    Command::RecordCashMovement {
                        reference: format!("CAPITAL-{code}"),
                        movement: kulissi_core::cash::CashMovementType::CapitalContribution,
                        account: code.clone(),
                        to_account: None,
                        currency: eur,
                        amount: Decimal::new(50_000_000_000, 2),
                        value_date,
                        pending_until: None,
                    },
                    time,
                )
            })
            .collect())
    }
}
