//! The general ledger's journal written for plain-text accounting tools: hledger (and
//! ledger, which reads the same syntax) and beancount. Both are outside oracles: their
//! balances of the export must equal Kulissi's trial balance, account by account and
//! currency by currency.
//!
//! Accounts are named `Type:CODE-Name`, e.g. `Assets:1100-Cash-at-banks`, so that both
//! tools accept them and a person still reads the chart. Every transaction is dated on its
//! posting date and carries the effective date, the sequence number of the event that caused
//! it and the trade, so an entry leads back to the log.

use std::io::{self, Write};

use kulissi_core::identifiers::Currency;
use kulissi_core::ledger::{AccountType, ChartOfAccounts, EntryHeader};
use rust_decimal::Decimal;

/// Which tool's syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// hledger / ledger journal.
    Hledger,
    /// beancount.
    Beancount,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hledger" | "ledger" => Ok(ExportFormat::Hledger),
            "beancount" => Ok(ExportFormat::Beancount),
            other => Err(format!(
                "export format '{other}': expected hledger or beancount"
            )),
        }
    }
}

/// The exported name of account `code`: its type, its code and its name with every run of
/// characters other than ASCII letters and digits turned into one dash (`&` reads `and`).
/// A code outside the chart is exported under the type its range stands for, as
/// `Expenses:5600`.
pub fn account_name(chart: &ChartOfAccounts, code: u16) -> String {
    let root = |t: AccountType| match t {
        AccountType::Asset => "Assets",
        AccountType::Liability => "Liabilities",
        AccountType::Equity => "Equity",
        AccountType::Income => "Income",
        AccountType::Expense => "Expenses",
    };
    let Some(account) = chart.get(code) else {
        return format!(
            "{}:{code}",
            root(AccountType::of_code(code).unwrap_or(AccountType::Asset))
        );
    };
    let root = root(account.account_type);
    let mut name = format!("{root}:{code}");
    let mut dash = true;
    for c in account.name.replace('&', " and ").chars() {
        if c.is_ascii_alphanumeric() {
            if dash {
                name.push('-');
                dash = false;
            }
            name.push(c);
        } else {
            dash = true;
        }
    }
    name
}

/// Writes a journal, entry by entry: [`JournalWriter::entry`] for each, then
/// [`JournalWriter::finish`].
#[derive(Debug)]
pub struct JournalWriter<W: Write> {
    out: W,
    format: ExportFormat,
    names: std::collections::HashMap<u16, String>,
    chart: ChartOfAccounts,
    entries: u64,
}

impl<W: Write> JournalWriter<W> {
    /// Starts a journal: the header and, for beancount, an `open` for every account of the
    /// chart (accounts outside it are opened as they first appear).
    pub fn new(
        mut out: W,
        format: ExportFormat,
        chart: ChartOfAccounts,
        operating_currency: Currency,
    ) -> io::Result<JournalWriter<W>> {
        let names: std::collections::HashMap<u16, String> = chart
            .iter()
            .map(|a| (a.code, account_name(&chart, a.code)))
            .collect();
        match format {
            ExportFormat::Hledger => {
                writeln!(
                    out,
                    "; Kulissi general ledger, exported for hledger and ledger"
                )?;
                writeln!(
                    out,
                    "; posting date=effective date; seq is the event's sequence number"
                )?;
                writeln!(out)?;
            }
            ExportFormat::Beancount => {
                writeln!(out, "; Kulissi general ledger, exported for beancount")?;
                writeln!(out, "option \"title\" \"Kulissi general ledger\"")?;
                writeln!(
                    out,
                    "option \"operating_currency\" \"{}\"",
                    operating_currency.code()
                )?;
                writeln!(out)?;
            }
        }
        // Every account of the chart, declared (hledger) or opened (beancount) up front.
        let mut codes: Vec<_> = names.iter().collect();
        codes.sort();
        for (_, name) in codes {
            match format {
                ExportFormat::Hledger => writeln!(out, "account {name}")?,
                ExportFormat::Beancount => writeln!(out, "1900-01-01 open {name}")?,
            }
        }
        writeln!(out)?;
        Ok(JournalWriter {
            out,
            format,
            names,
            chart,
            entries: 0,
        })
    }

    /// Writes one entry (none for an entry without lines: an end of day's closing marker).
    pub fn entry(
        &mut self,
        seq: u64,
        header: &EntryHeader,
        lines: &[(u16, Currency, Decimal)],
    ) -> io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        for (account, _, _) in lines {
            if !self.names.contains_key(account) {
                let name = account_name(&self.chart, *account);
                if self.format == ExportFormat::Beancount {
                    writeln!(self.out, "1900-01-01 open {name}")?;
                }
                self.names.insert(*account, name);
            }
        }
        let description = header.kind.describe(header.trade_id);
        let out = &mut self.out;
        match self.format {
            ExportFormat::Hledger => {
                write!(out, "{}", header.posting_date)?;
                if header.effective_date != header.posting_date {
                    write!(out, "={}", header.effective_date)?;
                }
                write!(out, " {description}  ; seq:{seq}")?;
                if let Some(trade) = header.trade_id {
                    write!(out, ", trade:{trade}")?;
                }
                writeln!(out)?;
                self.postings("    ", lines)?;
            }
            ExportFormat::Beancount => {
                writeln!(out, "{} * \"{description}\"", header.posting_date)?;
                writeln!(out, "  seq: {seq}")?;
                if let Some(trade) = header.trade_id {
                    writeln!(out, "  trade: {trade}")?;
                }
                writeln!(out, "  effective: {}", header.effective_date)?;
                self.postings("  ", lines)?;
            }
        }
        writeln!(self.out)?;
        self.entries += 1;
        Ok(())
    }

    /// One line per posting: account, amount, commodity.
    fn postings(&mut self, indent: &str, lines: &[(u16, Currency, Decimal)]) -> io::Result<()> {
        for (account, currency, amount) in lines {
            writeln!(
                self.out,
                "{indent}{}  {} {}",
                self.names[account],
                plain(*amount),
                currency.code()
            )?;
        }
        Ok(())
    }

    /// Flushes and returns the number of entries written.
    pub fn finish(mut self) -> io::Result<u64> {
        self.out.flush()?;
        Ok(self.entries)
    }
}

/// A decimal as plain digits with a dot and its own scale (no exponent, no grouping), as
/// both tools read it.
fn plain(amount: Decimal) -> String {
    amount.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Date;
    use kulissi_core::ids::{LegalEntityId, TradeId};
    use kulissi_core::ledger::{EntryKind, codes};

    fn eur() -> Currency {
        "EUR".parse().unwrap()
    }

    #[test]
    fn accounts_are_named_by_type_code_and_name() {
        let chart = ChartOfAccounts::broker_dealer();
        assert_eq!(
            account_name(&chart, codes::CASH),
            "Assets:1100-Cash-at-banks"
        );
        assert_eq!(
            account_name(&chart, codes::REALISED_PNL),
            "Income:4100-Realised-trading-P-and-L"
        );
        assert_eq!(account_name(&chart, 5600), "Expenses:5600");
    }

    fn sample(format: ExportFormat) -> String {
        let mut out = Vec::new();
        let mut w =
            JournalWriter::new(&mut out, format, ChartOfAccounts::broker_dealer(), eur()).unwrap();
        let date: Date = "2025-07-14".parse().unwrap();
        let header = EntryHeader {
            kind: EntryKind::TradeBooked,
            effective_date: date,
            posting_date: date,
            trade_id: Some(TradeId(1)),
            legal_entity: LegalEntityId(0),
        };
        w.entry(
            7,
            &header,
            &[
                (
                    codes::SECURITIES_AT_COST,
                    eur(),
                    "20000.00".parse().unwrap(),
                ),
                (
                    codes::UNSETTLED_PURCHASES,
                    eur(),
                    "-20000.00".parse().unwrap(),
                ),
            ],
        )
        .unwrap();
        assert_eq!(w.finish().unwrap(), 1);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn an_entry_for_hledger() {
        let text = sample(ExportFormat::Hledger);
        assert!(
            text.contains(
                "2025-07-14 Trade 1 booked  ; seq:7, trade:1\n    \
             Assets:1200-Trading-securities-at-cost  20000.00 EUR\n    \
             Liabilities:2100-Unsettled-purchases-payable  -20000.00 EUR\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn an_entry_for_beancount() {
        let text = sample(ExportFormat::Beancount);
        assert!(text.contains("1900-01-01 open Assets:1100-Cash-at-banks\n"));
        assert!(
            text.contains(
                "2025-07-14 * \"Trade 1 booked\"\n  seq: 7\n  trade: 1\n  effective: 2025-07-14\n  \
             Assets:1200-Trading-securities-at-cost  20000.00 EUR\n"
            ),
            "{text}"
        );
    }
}
