//! Conversions between Kulissi's types and PostgreSQL's wire types.

use std::error::Error;

use bytes::{BufMut, BytesMut};
use jiff::civil::Date;
use postgres::types::{FromSql, IsNull, ToSql, Type, accepts, to_sql_checked};

/// PostgreSQL's epoch for `date`: 2000-01-01.
const PG_EPOCH: Date = jiff::civil::date(2000, 1, 1);

/// A civil date as PostgreSQL `date` (days since 2000-01-01 in binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PgDate(pub(crate) Date);

impl ToSql for PgDate {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        let days = PG_EPOCH.until(self.0)?.get_days();
        out.put_i32(days);
        Ok(IsNull::No)
    }
    accepts!(DATE);
    to_sql_checked!();
}

impl<'a> FromSql<'a> for PgDate {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<PgDate, Box<dyn Error + Sync + Send>> {
        let bytes: [u8; 4] = raw.try_into().map_err(|_| "a date is 4 bytes")?;
        let days = i32::from_be_bytes(bytes);
        Ok(PgDate(PG_EPOCH.checked_add(jiff::Span::new().days(days))?))
    }
    accepts!(DATE);
}

/// Escapes a value for COPY's text format (backslash, tab, newline, carriage return).
pub(crate) fn copy_text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}
