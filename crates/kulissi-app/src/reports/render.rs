//! Writing a report: as a table for people, or as CSV or JSON for programs.
//!
//! CSV has a header line of column names, then one line per row; a field is quoted only
//! when it holds a comma, a quote or a line break (RFC 4180). JSON is one array of objects,
//! one per row, keyed by the column names in column order: whole numbers (ids, sequence
//! numbers, account codes) are numbers, amounts, quantities and prices are strings holding
//! the exact decimal, dates are `YYYY-MM-DD` strings and a missing value is `null`.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns for people (each report lays out its own).
    #[default]
    Table,
    /// Comma-separated values with a header line.
    Csv,
    /// An array of objects, amounts as strings.
    Json,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(format!("expected table, csv or json, found '{s}'")),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
        })
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number: an id, a sequence number, an account code.
    Integer(u64),
    /// An exact decimal: an amount, a quantity, a price.
    Decimal(Decimal),
    /// A date.
    Date(Date),
    /// Yes or no.
    Bool(bool),
    /// No value: empty in CSV, `null` in JSON.
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Decimal> for Cell {
    fn from(value: Decimal) -> Cell {
        Cell::Decimal(value)
    }
}

impl From<Date> for Cell {
    fn from(date: Date) -> Cell {
        Cell::Date(date)
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Integer(n)
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Integer(u64::from(n))
    }
}

impl From<u16> for Cell {
    fn from(n: u16) -> Cell {
        Cell::Integer(u64::from(n))
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Cell {
        value.map_or(Cell::Empty, Into::into)
    }
}

impl Cell {
    /// The value as CSV writes it (before quoting) and as a table shows it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Integer(n) => n.to_string(),
            Cell::Decimal(d) => d.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A report that can be written in every [`Format`].
pub trait Report {
    /// The column names of the CSV and JSON forms.
    fn columns(&self) -> &'static [&'static str];

    /// The rows of the CSV and JSON forms, one cell per column.
    fn rows(&self) -> Vec<Vec<Cell>>;

    /// The table form, for people.
    fn write_table(&self, out: &mut dyn Write) -> io::Result<()>;
}

/// Writes `report` to `out` in `format`.
pub fn render<R: Report + ?Sized>(
    report: &R,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => report.write_table(out),
        Format::Csv => write_csv(report.columns(), &report.rows(), out),
        Format::Json => write_json(report.columns(), &report.rows(), out),
    }
}

/// Writes rows as CSV under a header line of `columns` (RFC 4180 quoting).
pub fn write_csv(columns: &[&str], rows: &[Vec<Cell>], out: &mut dyn Write) -> io::Result<()> {
    let line = |fields: &mut dyn Iterator<Item = String>| -> String {
        let mut text = String::new();
        for (i, field) in fields.enumerate() {
            if i > 0 {
                text.push(',');
            }
            if field.contains([',', '"', '\n', '\r']) {
                text.push('"');
                text.push_str(&field.replace('"', "\"\""));
                text.push('"');
            } else {
                text.push_str(&field);
            }
        }
        text.push('\n');
        text
    };
    out.write_all(line(&mut columns.iter().map(|c| (*c).to_owned())).as_bytes())?;
    for row in rows {
        out.write_all(line(&mut row.iter().map(Cell::text)).as_bytes())?;
    }
    Ok(())
}

/// `text` as a JSON string literal.
fn json_string(text: &str, into: &mut String) {
    into.push('"');
    for c in text.chars() {
        match c {
            '"' => into.push_str("\\\""),
            '\\' => into.push_str("\\\\"),
            '\n' => into.push_str("\\n"),
            '\r' => into.push_str("\\r"),
            '\t' => into.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(into, "\\u{:04x}", u32::from(c));
            }
            c => into.push(c),
        }
    }
    into.push('"');
}

fn write_json(columns: &[&str], rows: &[Vec<Cell>], out: &mut dyn Write) -> io::Result<()> {
    let mut text = String::from("[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push('{');
        for (j, (column, cell)) in columns.iter().zip(row).enumerate() {
            if j > 0 {
                text.push(',');
            }
            json_string(column, &mut text);
            text.push(':');
            match cell {
                Cell::Integer(n) => text.push_str(&n.to_string()),
                Cell::Bool(b) => text.push_str(if *b { "true" } else { "false" }),
                Cell::Empty => text.push_str("null"),
                other => json_string(&other.text(), &mut text),
            }
        }
        text.push('}');
    }
    text.push_str("]\n");
    out.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    struct Two;

    impl Report for Two {
        fn columns(&self) -> &'static [&'static str] {
            &["name", "account", "amount", "date", "note"]
        }

        fn rows(&self) -> Vec<Vec<Cell>> {
            vec![
                vec![
                    "Cash, at \"banks\"".into(),
                    1100u16.into(),
                    Decimal::new(-123_450, 2).into(),
                    jiff::civil::date(2026, 6, 18).into(),
                    Cell::Empty,
                ],
                vec![
                    "line\nbreak\u{1}".into(),
                    0u64.into(),
                    Decimal::ZERO.into(),
                    Cell::Empty,
                    true.into(),
                ],
            ]
        }

        fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
            writeln!(out, "two rows")
        }
    }

    fn rendered(format: Format) -> String {
        let mut out = Vec::new();
        render(&Two, format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(
            rendered(Format::Csv),
            "name,account,amount,date,note\n\
             \"Cash, at \"\"banks\"\"\",1100,-1234.50,2026-06-18,\n\
             \"line\nbreak\u{1}\",0,0,,true\n"
        );
    }

    #[test]
    fn json_keeps_amounts_exact_and_columns_in_order() {
        assert_eq!(
            rendered(Format::Json),
            "[{\"name\":\"Cash, at \\\"banks\\\"\",\"account\":1100,\"amount\":\"-1234.50\",\
             \"date\":\"2026-06-18\",\"note\":null},\
             {\"name\":\"line\\nbreak\\u0001\",\"account\":0,\"amount\":\"0\",\"date\":null,\
             \"note\":true}]\n"
        );
    }

    #[test]
    fn table_is_the_report_s_own_and_formats_parse() {
        assert_eq!(rendered(Format::Table), "two rows\n");
        for format in [Format::Table, Format::Csv, Format::Json] {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        assert!("xml".parse::<Format>().is_err());
    }
}
