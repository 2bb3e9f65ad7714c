//! `kulissi calendar ...`: business days, holidays and settlement dates.

use std::io::Write;

use kulissi_core::calendar::CalendarName;
use kulissi_core::settlement::Market;

use crate::cli::CalendarCommand;

pub(crate) fn run(command: CalendarCommand, out: &mut impl Write) -> anyhow::Result<u8> {
    match command {
        CalendarCommand::List => {
            for name in CalendarName::ALL {
                writeln!(out, "{:<14} {}", name.code(), name.description())?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{:<6} {:<24} settlement cycle by trade date",
                "market", "settlement calendar"
            )?;
            for market in Market::ALL {
                let history: Vec<String> = market
                    .cycle_history()
                    .iter()
                    .map(|c| format!("T+{} from {}", c.business_days, c.from_trade_date))
                    .collect();
                let calendar = market.settlement_calendar().to_string();
                writeln!(
                    out,
                    "{:<6} {calendar:<24} {}",
                    market.mic(),
                    history.join(", ")
                )?;
            }
        }
        CalendarCommand::IsBusinessDay { calendar, date } => {
            writeln!(out, "{}", calendar.is_business_day(date))?;
        }
        CalendarCommand::AddBusinessDays {
            calendar,
            date,
            days,
        } => {
            writeln!(out, "{}", calendar.add_business_days(date, days)?)?;
        }
        CalendarCommand::Holidays {
            calendar,
            year,
            names,
        } => {
            for day in calendar.holidays(year) {
                match calendar.holiday_name(day) {
                    Some(name) if names => writeln!(out, "{day}\t{name}")?,
                    _ => writeln!(out, "{day}")?,
                }
            }
        }
        CalendarCommand::SettlementDate { market, trade_date } => {
            writeln!(out, "{}", market.intended_settlement_date(trade_date)?)?;
        }
    }
    Ok(0)
}
