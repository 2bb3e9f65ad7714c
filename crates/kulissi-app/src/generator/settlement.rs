//! The demo firm's settlement day as its custodians report it: the day's trades instructed,
//! most matched on the trade date, some unmatched for a day with a reason first; the trades
//! fated to fail reported failing on their intended settlement date (a delivery for lack of
//! securities, a receipt for the counterparty's lack of securities or, one in four, for our
//! lack of cash), except half of those that never settle, which were never matched (CMIS);
//! and the central banks' overnight-credit rates that price cash fails.
//! The fate of a trade (settles, settles in parts, fails) is the one
//! [`DemoFirm::settlements`] confirms, drawn from the same seed.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use kulissi_core::engine::{Command, CommandEnvelope, State};
use kulissi_core::identifiers::{Currency, IdentifierError};
use kulissi_core::settlement::instruction::reference_of;
use kulissi_core::settlement::lifecycle::StatusReport;
use kulissi_core::trade::{Side, TradeStatus};
use rust_decimal::Decimal;

use super::{DemoFirm, FIRST_TRADE_DATE, Rng, envelope};

/// Whether a trade is fated to fail, and whether it then stays open (the draws of its
/// settlement seed, as [`DemoFirm::settlements`] draws them).
pub(super) fn fate(seed: u64, trade_id: u64) -> (bool, bool) {
    let mut rng = Rng::new(seed ^ trade_id.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    if rng.below(20) != 0 {
        return (false, false);
    }
    let _late = rng.below(20);
    (true, rng.below(5) == 0)
}

impl DemoFirm {
    /// The central banks' overnight-credit rates in force for the demo year (ECB marginal
    /// lending facility, Riksbank, Danmarks Nationalbank, Norges Bank lending rates).
    pub fn central_bank_rates(&self) -> Result<Vec<CommandEnvelope>, IdentifierError> {
        let from = date(2025, 12, 31);
        let time = jiff::tz::Offset::UTC
            .to_timestamp(from.to_datetime(jiff::civil::Time::midnight()))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut commands = Vec::new();
        for (currency, thousandths_of_percent) in [
            ("EUR", 2_400),
            ("SEK", 2_750),
            ("DKK", 2_000),
            ("NOK", 4_500),
        ] {
            commands.push(envelope(
                Command::RecordCentralBankRate {
                    currency: Currency::parse(currency)?,
                    date: from,
                    rate: Decimal::new(thousandths_of_percent, 5),
                },
                time,
            ));
        }
        Ok(commands)
    }

    /// What the settlement desk and the custodians do on `day`: instruct the trades traded
    /// by then, and report the statuses of the day (matching of the day's trades, fails of
    /// the instructions due that day). Deterministic from `seed`.
    pub fn settlement_day(&self, state: &State, seed: u64, day: Date) -> Vec<CommandEnvelope> {
        let time = jiff::tz::Offset::UTC
            .to_timestamp(day.to_datetime(jiff::civil::Time::constant(16, 0, 0, 0)))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut commands = vec![envelope(Command::InstructSettlement { date: day }, time)];
        if day < FIRST_TRADE_DATE {
            return commands;
        }
        let status = |reference: &str, status, reasons: &[&str], on: Date| {
            envelope(
                Command::RecordSettlementStatus {
                    reference: reference.to_owned(),
                    status,
                    reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
                    date: on,
                },
                time,
            )
        };
        for stored in state.trades.iter() {
            let r = &stored.record;
            let t = &r.terms;
            if r.status != TradeStatus::Live || !r.settled_quantity.is_zero() {
                continue;
            }
            let reference = reference_of(r);
            let mut rng = Rng::new(seed ^ r.trade_id.0.wrapping_mul(0x2545_f491_4f6c_dd1d));
            let (fails, stays_open) = fate(seed, r.trade_id.0);
            // Half the fails that never settle were never matched: the counterparty never
            // instructed (CMIS), so they age unmatched and unpenalised.
            let never_matched = stays_open && r.trade_id.0 % 2 == 0;
            if t.trade_date == day && never_matched {
                commands.push(status(&reference, StatusReport::Unmatched, &["CMIS"], day));
            } else if t.trade_date == day {
                // One in forty is unmatched for a day: the counterparty's instruction
                // differs, or is missing, until it is corrected.
                if rng.below(40) == 0 {
                    let reason = ["DDAT", "DQUA", "DMON", "CMIS"][rng.below(4) as usize];
                    commands.push(status(&reference, StatusReport::Unmatched, &[reason], day));
                    let next = day.tomorrow().unwrap_or(day);
                    commands.push(status(&reference, StatusReport::Matched, &[], next));
                } else {
                    commands.push(status(&reference, StatusReport::Matched, &[], day));
                }
            }
            if t.settlement_date == day && fails && !never_matched {
                let reason = match t.side {
                    Side::Sell => "LACK",
                    Side::Buy if rng.below(4) == 0 => "MONY",
                    Side::Buy => "CLAC",
                };
                commands.push(status(&reference, StatusReport::Failing, &[reason], day));
            }
        }
        commands
    }
}
