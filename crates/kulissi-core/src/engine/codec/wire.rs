//! The codec's wire primitives: LEB128 varints, decimals as a sign-and-scale byte and a
//! varint mantissa, dates, timestamps, length-prefixed text, and the composite trade terms
//! and economics; a reader that never panics and says where bytes went wrong.

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

use super::DecodeError;
use crate::identifiers::{Bic, Currency, Isin, Lei, Mic};
use crate::money::{Price, Quantity};
use crate::refdata::InstrumentType;
use crate::settlement::Market;
use crate::trade::{Economics, Side, TradeTerms};

pub(crate) struct Writer<'a>(pub(crate) &'a mut Vec<u8>);

impl Writer<'_> {
    pub(crate) fn year(&mut self, year: i16) {
        self.0.extend_from_slice(&year.to_le_bytes());
    }
    pub(crate) fn lines(&mut self, lines: &[(u16, Currency, Decimal)]) {
        self.u64(lines.len() as u64);
        for (account, currency, amount) in lines {
            self.u32(u32::from(*account));
            self.str(currency.code());
            self.decimal(*amount);
        }
    }
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    /// LEB128: seven bits a byte, low first, high bit set on all but the last.
    pub(crate) fn varint(&mut self, mut v: u128) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    pub(crate) fn u32(&mut self, v: impl Into<u32>) {
        let v: u32 = v.into();
        self.varint(u128::from(v));
    }
    pub(crate) fn u64(&mut self, v: impl Into<u64>) {
        let v: u64 = v.into();
        self.varint(u128::from(v));
    }
    pub(crate) fn fixed64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.varint(s.len() as u128);
        self.0.extend_from_slice(s.as_bytes());
    }
    /// One byte of sign (high bit) and scale (0–28), then the mantissa's magnitude as a
    /// varint: `4222626.67` takes five bytes instead of sixteen.
    pub(crate) fn decimal(&mut self, d: Decimal) {
        let sign = if d.is_sign_negative() { 0x80 } else { 0 };
        self.0.push(sign | d.scale() as u8);
        self.varint(d.mantissa().unsigned_abs());
    }
    pub(crate) fn date(&mut self, d: Date) {
        self.0.extend_from_slice(&d.year().to_le_bytes());
        self.0.push(d.month() as u8);
        self.0.push(d.day() as u8);
    }
    pub(crate) fn timestamp(&mut self, t: Timestamp) {
        self.0.extend_from_slice(&t.as_second().to_le_bytes());
        self.0
            .extend_from_slice(&t.subsec_nanosecond().to_le_bytes());
    }
    pub(crate) fn market(&mut self, m: Market) {
        self.u8(Market::ALL.iter().position(|x| *x == m).unwrap_or(0) as u8);
    }
    pub(crate) fn instrument_type(&mut self, t: InstrumentType) {
        self.u8(match t {
            InstrumentType::Equity => 0,
            InstrumentType::Bond => 1,
            InstrumentType::Fund => 2,
        });
    }
    pub(crate) fn terms(&mut self, t: &TradeTerms) {
        self.u32(t.legal_entity);
        self.u32(t.book);
        self.str(&t.trader);
        self.u32(t.counterparty);
        self.u32(t.account);
        self.u32(t.instrument);
        self.u8(match t.side {
            Side::Buy => 0,
            Side::Sell => 1,
        });
        self.decimal(t.quantity.value());
        self.decimal(t.price.value());
        self.str(t.currency.code());
        self.date(t.trade_date);
        self.timestamp(t.trade_time);
        self.str(t.venue.as_str());
        self.date(t.settlement_date);
    }
    pub(crate) fn economics(&mut self, e: &Economics) {
        for d in [e.gross, e.accrued, e.commission, e.fees, e.taxes, e.net] {
            self.decimal(d);
        }
        self.u32(e.our_ssi);
        self.u32(e.their_ssi);
    }
}

pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) offset: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn error(&self, what: String) -> DecodeError {
        DecodeError {
            what,
            offset: self.offset,
        }
    }
    pub(crate) fn take<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let slice = self
            .bytes
            .get(self.offset..self.offset + N)
            .ok_or_else(|| self.error(format!("unexpected end, {N} more bytes needed")))?;
        self.offset += N;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }
    pub(crate) fn year(&mut self) -> Result<i16, DecodeError> {
        Ok(i16::from_le_bytes(self.take::<2>()?))
    }
    pub(crate) fn lines(&mut self) -> Result<Vec<(u16, Currency, Decimal)>, DecodeError> {
        let mut lines = Vec::new();
        for _ in 0..self.u64()? {
            let account = self.u32()?;
            let account =
                u16::try_from(account).map_err(|_| self.error(format!("account {account}")))?;
            lines.push((account, self.currency()?, self.decimal()?));
        }
        Ok(lines)
    }
    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take::<1>()?[0])
    }
    pub(crate) fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(self.error(format!("bad boolean {n}"))),
        }
    }
    pub(crate) fn varint(&mut self) -> Result<u128, DecodeError> {
        // The first nine bytes (63 bits) accumulate in a u64: every id, count and almost every
        // mantissa ends there.
        let mut small: u64 = 0;
        for i in 0..9 {
            let Some(&byte) = self.bytes.get(self.offset) else {
                break;
            };
            self.offset += 1;
            small |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(u128::from(small));
            }
            if i == 8 {
                return self.varint_tail(u128::from(small));
            }
        }
        Err(self.error("unexpected end, 1 more bytes needed".to_owned()))
    }
    /// The rest of a varint longer than nine bytes, `value` holding its first 63 bits.
    fn varint_tail(&mut self, mut value: u128) -> Result<u128, DecodeError> {
        for i in 9..19 {
            let [byte] = self.take()?;
            value |= u128::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error("a varint longer than 19 bytes".to_owned()))
    }
    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        if let Some(&byte) = self.bytes.get(self.offset)
            && byte < 0x80
        {
            // One byte: most ids and counts (a fast path for replays and snapshots).
            self.offset += 1;
            return Ok(u32::from(byte));
        }
        let v = self.varint()?;
        u32::try_from(v).map_err(|_| self.error(format!("{v} does not fit 32 bits")))
    }
    pub(crate) fn u64(&mut self) -> Result<u64, DecodeError> {
        if let Some(&byte) = self.bytes.get(self.offset)
            && byte < 0x80
        {
            self.offset += 1;
            return Ok(u64::from(byte));
        }
        let v = self.varint()?;
        u64::try_from(v).map_err(|_| self.error(format!("{v} does not fit 64 bits")))
    }
    pub(crate) fn fixed64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.take()?))
    }
    pub(crate) fn string(&mut self) -> Result<String, DecodeError> {
        self.text().map(str::to_owned)
    }
    /// Text borrowed from the bytes (no allocation).
    pub(crate) fn text(&mut self) -> Result<&'a str, DecodeError> {
        let len = usize::try_from(self.varint()?)
            .map_err(|_| self.error("text length overflows".to_owned()))?;
        let slice = self
            .bytes
            .get(self.offset..self.offset + len)
            .ok_or_else(|| self.error(format!("text of {len} bytes runs past the end")))?;
        let s =
            std::str::from_utf8(slice).map_err(|_| self.error("text is not UTF-8".to_owned()))?;
        self.offset += len;
        Ok(s)
    }
    pub(crate) fn decimal(&mut self) -> Result<Decimal, DecodeError> {
        let [head] = self.take()?;
        let scale = u32::from(head & 0x7f);
        let magnitude = self.varint()?;
        let mantissa = i128::try_from(magnitude)
            .map_err(|_| self.error("decimal mantissa overflows".to_owned()))?;
        let mantissa = if head & 0x80 != 0 {
            -mantissa
        } else {
            mantissa
        };
        Decimal::try_from_i128_with_scale(mantissa, scale)
            .map_err(|e| self.error(format!("not a decimal (scale {scale}): {e}")))
    }
    pub(crate) fn date(&mut self) -> Result<Date, DecodeError> {
        let year = i16::from_le_bytes(self.take()?);
        let [month] = self.take()?;
        let [day] = self.take()?;
        Date::new(year, month as i8, day as i8).map_err(|e| self.error(format!("bad date: {e}")))
    }
    pub(crate) fn timestamp(&mut self) -> Result<Timestamp, DecodeError> {
        let seconds = i64::from_le_bytes(self.take()?);
        let nanos = i32::from_le_bytes(self.take()?);
        Timestamp::new(seconds, nanos).map_err(|e| self.error(format!("bad timestamp: {e}")))
    }
    pub(crate) fn parsed<T, E: std::fmt::Display>(
        &mut self,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<T, DecodeError> {
        let start = self.offset;
        let s = self.string()?;
        parse(&s).map_err(|e| DecodeError {
            what: e.to_string(),
            offset: start,
        })
    }
    pub(crate) fn lei(&mut self) -> Result<Lei, DecodeError> {
        self.parsed(Lei::parse)
    }
    pub(crate) fn isin(&mut self) -> Result<Isin, DecodeError> {
        self.parsed(Isin::parse)
    }
    pub(crate) fn bic(&mut self) -> Result<Bic, DecodeError> {
        self.parsed(Bic::parse)
    }
    pub(crate) fn currency(&mut self) -> Result<Currency, DecodeError> {
        self.parsed(Currency::parse)
    }
    pub(crate) fn mic(&mut self) -> Result<Mic, DecodeError> {
        self.parsed(Mic::parse)
    }
    pub(crate) fn market(&mut self) -> Result<Market, DecodeError> {
        let n = self.u8()?;
        Market::ALL
            .get(usize::from(n))
            .copied()
            .ok_or_else(|| self.error(format!("unknown market {n}")))
    }
    pub(crate) fn instrument_type(&mut self) -> Result<InstrumentType, DecodeError> {
        match self.u8()? {
            0 => Ok(InstrumentType::Equity),
            1 => Ok(InstrumentType::Bond),
            2 => Ok(InstrumentType::Fund),
            n => Err(self.error(format!("unknown instrument type {n}"))),
        }
    }
    pub(crate) fn terms(&mut self) -> Result<TradeTerms, DecodeError> {
        Ok(TradeTerms {
            legal_entity: self.u32()?.into(),
            book: self.u32()?.into(),
            trader: self.string()?.into(),
            counterparty: self.u32()?.into(),
            account: self.u32()?.into(),
            instrument: self.u32()?.into(),
            side: match self.u8()? {
                0 => Side::Buy,
                1 => Side::Sell,
                n => return Err(self.error(format!("unknown side {n}"))),
            },
            quantity: Quantity::new(self.decimal()?),
            price: Price::new(self.decimal()?),
            currency: self.currency()?,
            trade_date: self.date()?,
            trade_time: self.timestamp()?,
            venue: self.mic()?,
            settlement_date: self.date()?,
        })
    }
    pub(crate) fn economics(&mut self) -> Result<Economics, DecodeError> {
        Ok(Economics {
            gross: self.decimal()?,
            accrued: self.decimal()?,
            commission: self.decimal()?,
            fees: self.decimal()?,
            taxes: self.decimal()?,
            net: self.decimal()?,
            our_ssi: self.u32()?.into(),
            their_ssi: self.u32()?.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_varints_round_trip_at_their_limits() {
        let values = [
            "0",
            "0.00",
            "-0.01",
            "4222626.67",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "-1.5",
        ];
        for text in values {
            let d: Decimal = text.parse().unwrap();
            let mut out = Vec::new();
            Writer(&mut out).decimal(d);
            let mut r = Reader {
                bytes: &out,
                offset: 0,
            };
            let back = r.decimal().unwrap();
            assert_eq!((back, back.scale()), (d, d.scale()), "{text}");
            assert_eq!(r.offset, out.len());
        }
        for v in [0u64, 127, 128, 16_383, 16_384, u64::MAX] {
            let mut out = Vec::new();
            Writer(&mut out).u64(v);
            assert_eq!(
                Reader {
                    bytes: &out,
                    offset: 0
                }
                .u64()
                .unwrap(),
                v
            );
        }
        // A varint that never ends, and a scale of 29, are errors.
        assert!(
            Reader {
                bytes: &[0xff; 30],
                offset: 0
            }
            .varint()
            .is_err()
        );
        assert!(
            Reader {
                bytes: &[29, 1],
                offset: 0
            }
            .decimal()
            .is_err()
        );
    }
}
