//! The issuers' announcements of the generated year (cash dividends, a 2-for-1 split) and
//! the split's effect on the share's typical price.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use kulissi_core::calendar::Convention;
use kulissi_core::engine::{Command, CommandEnvelope};
use kulissi_core::identifiers::Isin;
use kulissi_core::settlement::Market;
use rust_decimal::Decimal;

use super::{DemoFirm, DemoInstrument, FIRST_TRADE_DATE, envelope};

/// The share the generated year splits 2-for-1, and the split's ex-date: the first
/// Helsinki share whose place among the equities is 5 modulo 7 (no dividend is announced
/// for it), on Monday 15 June 2026.
pub(super) fn split_of(instruments: &[DemoInstrument]) -> Option<(Isin, Date)> {
    instruments
        .iter()
        .filter(|i| i.bond.is_none())
        .enumerate()
        .find(|(n, i)| i.market == Market::Xhel && n % 7 == 5)
        .map(|(_, i)| {
            let nominal = date(2026, 6, 15);
            let ex = i
                .market
                .settlement_calendar()
                .adjust(nominal, Convention::Following)
                .unwrap_or(nominal);
            (i.isin, ex)
        })
}

impl DemoFirm {
    /// A typical price in hundredths on `on`: halved from the split's ex-date for the share
    /// that splits.
    pub(super) fn price_cents(&self, i: &DemoInstrument, on: Date) -> u64 {
        match self.split {
            Some((isin, ex)) if isin == i.isin && on >= ex => (i.price_cents / 2).max(1),
            _ => i.price_cents,
        }
    }

    /// The issuers' announcements for the generated year: a cash dividend on one equity in
    /// seven (about 2% of its typical price; the record date one settlement day after the
    /// ex-date, the same day in the US; paid ten days later), and a 2-for-1 split of one
    /// Helsinki share in June.
    pub fn corporate_actions(&self) -> Vec<CommandEnvelope> {
        let time = jiff::tz::Offset::UTC
            .to_timestamp(FIRST_TRADE_DATE.to_datetime(jiff::civil::Time::midnight()))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut out = Vec::new();
        let equities = self.instruments.iter().filter(|i| i.bond.is_none());
        for (n, i) in equities.enumerate() {
            let calendar = i.market.settlement_calendar();
            if n % 7 == 3 {
                let nominal = date(2026, 3 + (n % 8) as i8, 10 + (n % 15) as i8);
                let Ok(ex) = calendar.adjust(nominal, Convention::Following) else {
                    continue;
                };
                let record = if i.market == Market::Xnys {
                    ex
                } else {
                    calendar.add_business_days(ex, 1).unwrap_or(ex)
                };
                let pay = calendar.add_business_days(record, 8).unwrap_or(record);
                let per_share = Decimal::new((i.price_cents / 50).max(1) as i64, 2);
                out.push(envelope(
                    Command::AnnounceCorporateAction {
                        reference: format!("DIV-2026-{}", i.isin),
                        isin: i.isin,
                        kind: kulissi_core::corporate_actions::CorporateActionKind::CashDividend {
                            amount_per_share: per_share,
                            currency: i.currency,
                        },
                        ex_date: ex,
                        record_date: record,
                        pay_date: pay,
                    },
                    time,
                ));
            }
        }
        if let Some((isin, ex)) = self.split {
            out.push(envelope(
                Command::AnnounceCorporateAction {
                    reference: format!("SPLIT-2026-{isin}"),
                    isin,
                    kind: kulissi_core::corporate_actions::CorporateActionKind::Split {
                        new: Decimal::TWO,
                        old: Decimal::ONE,
                    },
                    ex_date: ex,
                    record_date: ex,
                    pay_date: ex,
                },
                time,
            ));
        }
        out
    }
}
