//! Field parsers shared by the formats: each turns text into a domain value or says what was
//! expected.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// A field parse failure: the message, without location (the caller adds it).
pub(crate) type FieldResult<T> = Result<T, String>;

pub(crate) fn text(value: &str) -> FieldResult<String> {
    let v = value.trim();
    if v.is_empty() {
        Err("expected a value, found nothing".into())
    } else {
        Ok(v.to_owned())
    }
}

pub(crate) fn decimal(value: &str) -> FieldResult<Decimal> {
    kulissi_core::money::parse_decimal(value).map_err(|_| {
        format!(
            "expected a decimal number such as 101.25, found '{}'",
            value.trim()
        )
    })
}

pub(crate) fn date(value: &str) -> FieldResult<Date> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("expected a date YYYY-MM-DD, found '{}'", value.trim()))
}

pub(crate) fn optional_date(value: &str) -> FieldResult<Option<Date>> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        date(value).map(Some)
    }
}

pub(crate) fn timestamp(value: &str) -> FieldResult<Timestamp> {
    value.trim().parse().map_err(|_| {
        format!(
            "expected a UTC timestamp such as 2026-06-18T09:30:00Z, found '{}'",
            value.trim()
        )
    })
}

/// Parses with the type's own `FromStr`, whose error says what is wrong.
pub(crate) fn parsed<T: FromStr>(value: &str) -> FieldResult<T>
where
    T::Err: std::fmt::Display,
{
    value.trim().parse::<T>().map_err(|e| e.to_string())
}
