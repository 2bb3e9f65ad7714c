//! Netting a trade file (`kulissi settle net-file`): the trades of a CSV file summed per
//! (counterparty, isin, settle_date, currency) into the net quantity, the net cash and the
//! number of trades, written as CSV sorted on every column.
//!
//! The input has the header `trade_id,counterparty,isin,currency,trade_date,settle_date,
//! side,quantity,price` ([`NET_TRADE_COLUMNS`]; names may be quoted), one trade a line, no
//! quoting: `trade_id` an integer (BIGINT), `counterparty` an LEI with valid check digits,
//! `isin` an ISIN with a valid check digit, `currency` an active ISO 4217 code, both dates
//! `YYYY-MM-DD`, `side` `B` or `S`, `quantity` a whole number (0 to 2^63 − 1) and `price` a
//! decimal with at most 14 digits before the point and 4 after (DECIMAL(18,4)), no sign.
//! Line ends may be LF or CRLF; blank lines are skipped; the last line needs no line end.
//!
//! The output has the columns [`NET_COLUMNS`]: `net_qty` = Σ(+quantity for B, −quantity for
//! S), `net_cash` = Σ(−quantity × price for B, +quantity × price for S), exact (integers in
//! ten-thousandths, 128 bits) and written with exactly four decimals, `n_trades` the count.
//! Rows are sorted by counterparty, isin, settle_date and currency (byte order, which for
//! these fields is DuckDB's `ORDER BY ALL`), so the file is byte for byte what
//! `COPY (SELECT ... GROUP BY ALL ORDER BY ALL) TO ... (HEADER)` writes in DuckDB.
//!
//! The first error in file order stops the run, naming the file, the line as an editor
//! numbers it (the header is line 1), the column and what was expected. A sum that does
//! not fit (net quantity beyond 64 bits, net cash beyond 128) is an error, never a wrap.
//! Nothing is written unless the whole file is good.
//!
//! Stricter than DuckDB, which reads the same columns as VARCHAR, DATE, BIGINT and
//! DECIMAL(18,4): it refuses what DuckDB would take, rather than net it: identifiers with
//! wrong check digits or in lower case, a side other than `B` or `S` (which DuckDB's `CASE`
//! counts as a sale), a price with more than 4 decimals (which DuckDB rounds), signed
//! quantities and prices, and quoted fields. A net quantity beyond 64 bits is an error here
//! and a HUGEINT there.
//!
//! How it is fast: the file is split into two halves on a line boundary, read in 1 MiB
//! blocks (no memory map) and parsed on two threads by a hand-written byte parser that
//! allocates nothing per line. Counterparties, ISINs and (settlement date, currency) pairs
//! are interned to small integers, validated (check digits, calendar) only the first time a
//! half sees them; the groups are a hash map keyed by the three integers. The halves' maps
//! are merged, sorted by the ranks of their keys and written in one pass.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use kulissi_core::identifiers::{Currency, IdentifierError, Isin, Lei};
use kulissi_core::position::IdHasher;

/// The input's columns, in order.
pub const NET_TRADE_COLUMNS: [&str; 9] = [
    "trade_id",
    "counterparty",
    "isin",
    "currency",
    "trade_date",
    "settle_date",
    "side",
    "quantity",
    "price",
];

/// The output's header.
pub const NET_COLUMNS: &str = "counterparty,isin,settle_date,currency,net_qty,net_cash,n_trades";

/// Bytes read at a time by each thread; also the longest line accepted.
const BLOCK: usize = 1 << 20;

/// Below this many bytes of trades, one thread does it all.
const SPLIT_FROM: u64 = 4 << 20;

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetSummary {
    /// Trades read.
    pub trades: u64,
    /// Groups written (lines of the output after its header).
    pub groups: u64,
}

/// Why a file could not be netted.
#[derive(Debug, thiserror::Error)]
pub enum NetFileError {
    /// The input could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The input.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The output could not be created or written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The output.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The first line is not the expected header.
    #[error("{file} line 1: expected the header {expected}, found '{found}'")]
    Header {
        /// The input, as given.
        file: String,
        /// The header expected.
        expected: String,
        /// What the line holds (escaped, shortened).
        found: String,
    },
    /// A line has too few or too many columns.
    #[error("{file} line {line}: expected 9 columns ({expected}), found {found}")]
    Columns {
        /// The input, as given.
        file: String,
        /// The line, as an editor numbers it.
        line: u64,
        /// The columns expected.
        expected: String,
        /// How many the line has.
        found: usize,
    },
    /// A field does not hold what its column needs.
    #[error("{file} line {line}, column {column}: expected {expected}, found '{found}'")]
    Field {
        /// The input, as given.
        file: String,
        /// The line, as an editor numbers it.
        line: u64,
        /// The column.
        column: &'static str,
        /// What the column needs.
        expected: &'static str,
        /// What the field holds (escaped, shortened).
        found: String,
    },
    /// An identifier that is not valid (check digits, unknown currency).
    #[error("{file} line {line}, column {column}: {source}")]
    Identifier {
        /// The input, as given.
        file: String,
        /// The line, as an editor numbers it.
        line: u64,
        /// The column.
        column: &'static str,
        /// What is wrong with it.
        source: Box<IdentifierError>,
    },
    /// A line longer than the parser reads at once.
    #[error("{file} line {line}: expected a line of at most {max} bytes")]
    LineTooLong {
        /// The input, as given.
        file: String,
        /// The line, as an editor numbers it.
        line: u64,
        /// The limit.
        max: usize,
    },
    /// A group's sum does not fit (at `line`, or 0 when the two halves were merged).
    #[error("{file}{}: the {what} of {group} overflows", at_line(*line))]
    Overflow {
        /// The input, as given.
        file: String,
        /// The line whose trade made it overflow; 0 when it overflowed merging the halves.
        line: u64,
        /// `net quantity`, `net cash` or `trade count`.
        what: &'static str,
        /// The group: counterparty,isin,settle_date,currency.
        group: String,
    },
}

fn at_line(line: u64) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" line {line}")
    }
}

/// Nets the trades of `input` into `output` (see the module documentation).
pub fn net_file(input: &Path, output: &Path) -> Result<NetSummary, NetFileError> {
    let file_name = input.display().to_string();
    let read_err = |source| NetFileError::Read {
        path: input.to_path_buf(),
        source,
    };
    let mut file = File::open(input).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    let data_start = read_header(&mut file, &file_name)?;
    let split = if size.saturating_sub(data_start) >= SPLIT_FROM {
        line_boundary(&mut file, data_start + (size - data_start) / 2, size).map_err(read_err)?
    } else {
        size
    };
    drop(file);

    let stop = AtomicBool::new(false);
    let (first, second) = std::thread::scope(|scope| {
        let second = (split < size).then(|| {
            let stop = &stop;
            scope.spawn(move || Half::run(input, split, size, stop))
        });
        // The first half always runs to its end: the second's line numbers need its count.
        let first = Half::run(input, data_start, split, &AtomicBool::new(false));
        if first.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        let second = second.map(|h| h.join());
        (first, second)
    });
    // The first half's error comes first in the file; the second half's lines follow the
    // header and the first half's.
    let mut first = first.map_err(|e| e.into_error(&file_name, 1, input))?;
    if let Some(second) = second {
        let second = second.map_err(|_| NetFileError::Read {
            path: input.to_path_buf(),
            source: io::Error::other("the second reading thread stopped"),
        })?;
        let second = second.map_err(|e| e.into_error(&file_name, 1 + first.lines, input))?;
        first.merge(second, &file_name)?;
    }
    let groups = first.write(output)?;
    Ok(NetSummary {
        trades: first.trades,
        groups,
    })
}

/// Reads and checks the header; returns the offset of the first data line.
fn read_header(file: &mut File, file_name: &str) -> Result<u64, NetFileError> {
    let mut head = Vec::with_capacity(4096);
    Read::by_ref(file)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|source| NetFileError::Read {
            path: PathBuf::from(file_name),
            source,
        })?;
    let end = head.iter().position(|&b| b == b'\n');
    let line = &head[..end.unwrap_or(head.len())];
    let mut names = line.strip_suffix(b"\r").unwrap_or(line);
    names = names.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(names);
    let matches = names.split(|&b| b == b',').count() == NET_TRADE_COLUMNS.len()
        && names
            .split(|&b| b == b',')
            .zip(NET_TRADE_COLUMNS)
            .all(|(found, name)| {
                let unquoted = found
                    .strip_prefix(b"\"")
                    .and_then(|f| f.strip_suffix(b"\""))
                    .unwrap_or(found);
                unquoted == name.as_bytes()
            });
    if !matches || (end.is_none() && head.len() == 64 * 1024) {
        return Err(NetFileError::Header {
            file: file_name.to_owned(),
            expected: NET_TRADE_COLUMNS.join(","),
            found: shown(line),
        });
    }
    Ok(end.map_or(head.len(), |e| e + 1) as u64)
}

/// The offset just after the first line end at or after `from` (or `size`).
fn line_boundary(file: &mut File, from: u64, size: u64) -> io::Result<u64> {
    file.seek(SeekFrom::Start(from))?;
    let mut block = vec![0u8; 64 * 1024];
    let mut at = from;
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            return Ok(size);
        }
        if let Some(i) = block[..n].iter().position(|&b| b == b'\n') {
            return Ok((at + i as u64 + 1).min(size));
        }
        at += n as u64;
    }
}

/// A field's text for a message: escaped, at most 60 bytes.
fn shown(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(60)];
    let mut s = cut.escape_ascii().to_string();
    if bytes.len() > cut.len() {
        s.push_str("...");
    }
    s
}

/// The columns, by index into [`NET_TRADE_COLUMNS`].
const TRADE_ID: usize = 0;
const COUNTERPARTY: usize = 1;
const ISIN: usize = 2;
const CURRENCY: usize = 3;
const TRADE_DATE: usize = 4;
const SETTLE_DATE: usize = 5;
const SIDE: usize = 6;
const QUANTITY: usize = 7;
const PRICE: usize = 8;

const EXPECT_TRADE_ID: &str = "an integer trade id such as 1042";
const EXPECT_LEI: &str = "a 20-character LEI in capitals such as 5493001KJTIIGC8Y1R12";
const EXPECT_ISIN: &str = "a 12-character ISIN in capitals such as FI0009000681";
const EXPECT_CURRENCY: &str = "a 3-letter ISO 4217 currency code in capitals such as EUR";
const EXPECT_DATE: &str = "a date YYYY-MM-DD";
const EXPECT_SIDE: &str = "B (buy) or S (sell)";
const EXPECT_QUANTITY: &str = "a whole number of units from 0 to 9223372036854775807";
const EXPECT_PRICE: &str =
    "a price with at most 14 digits before the point and 4 after, such as 101.25";

/// A problem on one line of a half, before it knows its file and line.
#[derive(Debug)]
enum Problem {
    Columns(usize),
    Field(usize, &'static str, Vec<u8>),
    Identifier(usize, IdentifierError),
    LineTooLong,
    Overflow(&'static str, String),
    Read(io::Error),
    /// The other half failed first; this one stopped.
    Stopped,
}

/// A problem and the line of the half it is on (1 = the half's first line).
#[derive(Debug)]
struct HalfError {
    line: u64,
    problem: Problem,
}

impl HalfError {
    fn into_error(self, file: &str, lines_before: u64, path: &Path) -> NetFileError {
        let file = file.to_owned();
        let line = lines_before + self.line;
        match self.problem {
            Problem::Columns(found) => NetFileError::Columns {
                file,
                line,
                expected: NET_TRADE_COLUMNS.join(","),
                found,
            },
            Problem::Field(column, expected, found) => NetFileError::Field {
                file,
                line,
                column: NET_TRADE_COLUMNS[column],
                expected,
                found: shown(&found),
            },
            Problem::Identifier(column, source) => NetFileError::Identifier {
                file,
                line,
                column: NET_TRADE_COLUMNS[column],
                source: Box::new(source),
            },
            Problem::LineTooLong => NetFileError::LineTooLong {
                file,
                line,
                max: BLOCK,
            },
            Problem::Overflow(what, group) => NetFileError::Overflow {
                file,
                line,
                what,
                group,
            },
            Problem::Read(source) => NetFileError::Read {
                path: path.to_path_buf(),
                source,
            },
            Problem::Stopped => NetFileError::Read {
                path: path.to_path_buf(),
                source: io::Error::other("stopped"),
            },
        }
    }
}

/// A fixed-size key, hashed eight bytes at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bytes<const N: usize>([u8; N]);

impl<const N: usize> std::hash::Hash for Bytes<N> {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut words = self.0.chunks_exact(8);
        for word in words.by_ref() {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            state.write_u64(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            state.write_u64(u64::from_le_bytes(w));
        }
    }
}

/// Fixed-size keys interned to dense ids, in the order first seen.
#[derive(Debug)]
struct Interner<const N: usize> {
    ids: HashMap<Bytes<N>, u32, IdHasher>,
    keys: Vec<[u8; N]>,
}

impl<const N: usize> Interner<N> {
    fn new() -> Self {
        Interner {
            ids: HashMap::with_capacity_and_hasher(1024, IdHasher),
            keys: Vec::new(),
        }
    }

    #[inline]
    fn get(&self, key: &[u8; N]) -> Option<u32> {
        self.ids.get(&Bytes(*key)).copied()
    }

    fn insert(&mut self, key: [u8; N]) -> u32 {
        let next = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        let id = *self.ids.entry(Bytes(key)).or_insert(next);
        if id == next {
            self.keys.push(key);
        }
        id
    }

    /// Each id's rank in the byte order of the keys.
    fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.keys.len() as u32).collect();
        order.sort_unstable_by_key(|&id| self.keys[id as usize]);
        let mut rank = vec![0u32; order.len()];
        for (r, id) in order.into_iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        rank
    }
}

/// A group: interned counterparty, ISIN and (settlement date, currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct GroupKey {
    counterparty: u32,
    isin: u32,
    settle: u32,
}

/// A group's sums.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    /// In ten-thousandths.
    cash: i128,
    quantity: i64,
    trades: u64,
}

/// A trade parsed, waiting to be added to its group.
#[derive(Debug, Clone, Copy)]
struct Parsed {
    key: GroupKey,
    quantity: i64,
    cash: i128,
    line: u64,
}

/// Trades parsed before they are added to their groups.
const BATCH: usize = 64;

/// One half of the file: its interned keys and groups.
#[derive(Debug)]
struct Half {
    counterparties: Interner<20>,
    isins: Interner<12>,
    /// Settlement date (10 bytes) then currency (3).
    settles: Interner<13>,
    /// Trade dates seen valid, and the last one.
    trade_dates: Vec<[u8; 10]>,
    last_trade_date: [u8; 10],
    /// The currencies seen valid: a bit per code, AAA = 0 to ZZZ = 26^3 - 1.
    currencies: Vec<u64>,
    groups: HashMap<GroupKey, Sums, IdHasher>,
    batch: Vec<Parsed>,
    trades: u64,
    /// Lines read (including blank ones).
    lines: u64,
}

impl Half {
    fn new() -> Half {
        Half {
            counterparties: Interner::new(),
            isins: Interner::new(),
            settles: Interner::new(),
            trade_dates: Vec::new(),
            last_trade_date: [0; 10],
            currencies: vec![0; (26 * 26 * 26) / 64 + 1],
            groups: HashMap::with_capacity_and_hasher(1 << 16, IdHasher),
            batch: Vec::with_capacity(BATCH),
            trades: 0,
            lines: 0,
        }
    }

    /// Reads and nets the lines in `[start, end)` of `path` (`start` begins a line).
    fn run(path: &Path, start: u64, end: u64, stop: &AtomicBool) -> Result<Half, HalfError> {
        let mut half = Half::new();
        let read_error = |source| HalfError {
            line: 0,
            problem: Problem::Read(source),
        };
        let mut file = File::open(path).map_err(read_error)?;
        file.seek(SeekFrom::Start(start)).map_err(read_error)?;
        let mut reader = file.take(end.saturating_sub(start));
        let mut buf = vec![0u8; BLOCK];
        let mut filled = 0;
        loop {
            if stop.load(Ordering::Relaxed) {
                return Err(HalfError {
                    line: half.lines,
                    problem: Problem::Stopped,
                });
            }
            let n = loop {
                match reader.read(&mut buf[filled..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(read_error(e)),
                }
            };
            if n == 0 {
                if filled > 0 {
                    // The last line has no line end: give it one.
                    buf.truncate(filled);
                    buf.push(b'\n');
                    let len = buf.len();
                    half.lines(&buf[..len])?;
                }
                return Ok(half);
            }
            filled += n;
            let Some(last) = buf[..filled].iter().rposition(|&b| b == b'\n') else {
                if filled == buf.len() {
                    return Err(HalfError {
                        line: half.lines + 1,
                        problem: Problem::LineTooLong,
                    });
                }
                continue;
            };
            half.lines(&buf[..=last])?;
            buf.copy_within(last + 1..filled, 0);
            filled -= last + 1;
        }
    }

    /// Nets the lines of `region`, which ends with a line end.
    fn lines(&mut self, region: &[u8]) -> Result<(), HalfError> {
        let mut p = 0;
        while p < region.len() {
            self.lines += 1;
            p = self.line(region, p).map_err(|problem| HalfError {
                line: self.lines,
                problem,
            })?;
            if self.batch.len() == BATCH {
                self.add_batch()?;
            }
        }
        self.add_batch()
    }

    /// Adds the parsed trades to their groups. Apart from parsing, the lookups have no
    /// dependencies on each other, so the processor overlaps their cache misses.
    fn add_batch(&mut self) -> Result<(), HalfError> {
        for i in 0..self.batch.len() {
            let trade = self.batch[i];
            let sums = self.groups.entry(trade.key).or_default();
            let what = match (
                sums.quantity.checked_add(trade.quantity),
                sums.cash.checked_add(trade.cash),
            ) {
                (Some(q), Some(c)) => {
                    sums.quantity = q;
                    sums.cash = c;
                    sums.trades += 1;
                    continue;
                }
                (None, _) => "net quantity",
                (_, None) => "net cash",
            };
            return Err(HalfError {
                line: trade.line,
                problem: Problem::Overflow(what, self.group_name(trade.key)),
            });
        }
        self.trades += self.batch.len() as u64;
        self.batch.clear();
        Ok(())
    }

    /// Nets the line starting at `p`; returns where the next one starts.
    #[inline]
    fn line(&mut self, r: &[u8], start: usize) -> Result<usize, Problem> {
        match r.get(start) {
            Some(b'\n') => return Ok(start + 1),
            Some(b'\r') if r.get(start + 1) == Some(&b'\n') => return Ok(start + 2),
            _ => {}
        }
        let p = integer(r, start, TRADE_ID, EXPECT_TRADE_ID, true)?.1;
        let (counterparty, p) = self.counterparty(r, p)?;
        let (isin, p) = self.isin(r, p)?;
        let currency_at = p;
        let p = self.currency(r, p)?;
        let p = self.trade_date(r, p)?;
        let settle_at = p;
        let p = fixed(r, p, 10, SETTLE_DATE, EXPECT_DATE)?;
        let settle = self.settle(r, settle_at, currency_at)?;
        let buy = match (r.get(p), r.get(p + 1)) {
            (Some(b'B'), Some(b',')) => true,
            (Some(b'S'), Some(b',')) => false,
            _ => return Err(field_problem(r, p, SIDE, EXPECT_SIDE)),
        };
        let (quantity, p) = integer(r, p + 2, QUANTITY, EXPECT_QUANTITY, false)?;
        let (price, p) = price(r, p)?;
        let quantity = quantity as i64; // at most i64::MAX, checked by `integer`
        let cash = i128::from(quantity) * i128::from(price);
        let (quantity, cash) = if buy {
            (quantity, -cash)
        } else {
            (-quantity, cash)
        };
        self.batch.push(Parsed {
            key: GroupKey {
                counterparty,
                isin,
                settle,
            },
            quantity,
            cash,
            line: self.lines,
        });
        Ok(p)
    }

    fn group_name(&self, key: GroupKey) -> String {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let settle = self.settles.keys[key.settle as usize];
        format!(
            "{},{},{},{}",
            text(&self.counterparties.keys[key.counterparty as usize]),
            text(&self.isins.keys[key.isin as usize]),
            text(&settle[..10]),
            text(&settle[10..])
        )
    }

    #[inline]
    fn counterparty(&mut self, r: &[u8], p: usize) -> Result<(u32, usize), Problem> {
        if r.get(p + 20) == Some(&b',')
            && let Some(id) = self.counterparties.get(&array(r, p))
        {
            return Ok((id, p + 21));
        }
        let (field, next) = field(r, p, COUNTERPARTY)?;
        let key = canonical(field, COUNTERPARTY, EXPECT_LEI, |s| {
            Lei::parse(s).map(|l| l.to_string())
        })?;
        Ok((self.counterparties.insert(key), next))
    }

    #[inline]
    fn isin(&mut self, r: &[u8], p: usize) -> Result<(u32, usize), Problem> {
        if r.get(p + 12) == Some(&b',')
            && let Some(id) = self.isins.get(&array(r, p))
        {
            return Ok((id, p + 13));
        }
        let (field, next) = field(r, p, ISIN)?;
        let key = canonical(field, ISIN, EXPECT_ISIN, |s| {
            Isin::parse(s).map(|i| i.to_string())
        })?;
        Ok((self.isins.insert(key), next))
    }

    #[inline]
    fn trade_date(&mut self, r: &[u8], p: usize) -> Result<usize, Problem> {
        if r.get(p + 10) == Some(&b',') {
            let date: [u8; 10] = array(r, p);
            if date == self.last_trade_date && date != [0; 10] {
                return Ok(p + 11);
            }
            if self.trade_dates.contains(&date) {
                self.last_trade_date = date;
                return Ok(p + 11);
            }
        }
        let (field, next) = field(r, p, TRADE_DATE)?;
        let date: [u8; 10] = valid_date(field)
            .ok_or_else(|| Problem::Field(TRADE_DATE, EXPECT_DATE, field.to_vec()))?;
        self.trade_dates.push(date);
        self.last_trade_date = date;
        Ok(next)
    }

    /// Checks the currency at `p` (3 capitals, an active ISO 4217 code); returns where the
    /// next field starts.
    #[inline]
    fn currency(&mut self, r: &[u8], p: usize) -> Result<usize, Problem> {
        let code = match (r.get(p), r.get(p + 1), r.get(p + 2), r.get(p + 3)) {
            (Some(&a), Some(&b), Some(&c), Some(b','))
                if a.is_ascii_uppercase() && b.is_ascii_uppercase() && c.is_ascii_uppercase() =>
            {
                [a, b, c]
            }
            _ => return Err(field_problem(r, p, CURRENCY, EXPECT_CURRENCY)),
        };
        let bit = code
            .iter()
            .fold(0usize, |v, &b| v * 26 + usize::from(b - b'A'));
        if self.currencies[bit / 64] & (1 << (bit % 64)) == 0 {
            let text = std::str::from_utf8(&code)
                .map_err(|_| Problem::Field(CURRENCY, EXPECT_CURRENCY, code.to_vec()))?;
            Currency::parse(text).map_err(|e| Problem::Identifier(CURRENCY, e))?;
            self.currencies[bit / 64] |= 1 << (bit % 64);
        }
        Ok(p + 4)
    }

    /// The (settlement date, currency) id; both fields have been seen to be 10 and 3 bytes
    /// long.
    #[inline]
    fn settle(&mut self, r: &[u8], settle_at: usize, currency_at: usize) -> Result<u32, Problem> {
        let mut key = [0u8; 13];
        key[..10].copy_from_slice(&r[settle_at..settle_at + 10]);
        key[10..].copy_from_slice(&r[currency_at..currency_at + 3]);
        if let Some(id) = self.settles.get(&key) {
            return Ok(id);
        }
        if valid_date(&key[..10]).is_none() {
            return Err(Problem::Field(SETTLE_DATE, EXPECT_DATE, key[..10].to_vec()));
        }
        Ok(self.settles.insert(key))
    }

    /// Adds `other`'s groups to this half's.
    fn merge(&mut self, other: Half, file: &str) -> Result<(), NetFileError> {
        let counterparties: Vec<u32> = other
            .counterparties
            .keys
            .iter()
            .map(|k| self.counterparties.insert(*k))
            .collect();
        let isins: Vec<u32> = other
            .isins
            .keys
            .iter()
            .map(|k| self.isins.insert(*k))
            .collect();
        let settles: Vec<u32> = other
            .settles
            .keys
            .iter()
            .map(|k| self.settles.insert(*k))
            .collect();
        for (key, sums) in other.groups {
            let key = GroupKey {
                counterparty: counterparties[key.counterparty as usize],
                isin: isins[key.isin as usize],
                settle: settles[key.settle as usize],
            };
            let mine = self.groups.entry(key).or_default();
            let what = match (
                mine.quantity.checked_add(sums.quantity),
                mine.cash.checked_add(sums.cash),
                mine.trades.checked_add(sums.trades),
            ) {
                (Some(quantity), Some(cash), Some(trades)) => {
                    *mine = Sums {
                        cash,
                        quantity,
                        trades,
                    };
                    continue;
                }
                (None, _, _) => "net quantity",
                (_, None, _) => "net cash",
                (_, _, None) => "trade count",
            };
            return Err(NetFileError::Overflow {
                file: file.to_owned(),
                line: 0,
                what,
                group: self.group_name(key),
            });
        }
        self.trades += other.trades;
        self.lines += other.lines;
        Ok(())
    }

    /// Writes the groups sorted; returns how many.
    fn write(&self, output: &Path) -> Result<u64, NetFileError> {
        let counterparty_rank = self.counterparties.ranks();
        let isin_rank = self.isins.ranks();
        let settle_rank = self.settles.ranks();
        let mut rows: Vec<(u128, GroupKey, Sums)> = self
            .groups
            .iter()
            .map(|(k, s)| {
                let order = (u128::from(counterparty_rank[k.counterparty as usize]) << 64)
                    | (u128::from(isin_rank[k.isin as usize]) << 32)
                    | u128::from(settle_rank[k.settle as usize]);
                (order, *k, *s)
            })
            .collect();
        rows.sort_unstable_by_key(|r| r.0);

        let write_err = |source| NetFileError::Write {
            path: output.to_path_buf(),
            source,
        };
        let mut out = io::BufWriter::with_capacity(BLOCK, File::create(output).map_err(write_err)?);
        let mut line = Vec::with_capacity(256);
        line.extend_from_slice(NET_COLUMNS.as_bytes());
        line.push(b'\n');
        for (_, key, sums) in &rows {
            let settle = &self.settles.keys[key.settle as usize];
            line.extend_from_slice(&self.counterparties.keys[key.counterparty as usize]);
            line.push(b',');
            line.extend_from_slice(&self.isins.keys[key.isin as usize]);
            line.push(b',');
            line.extend_from_slice(&settle[..10]);
            line.push(b',');
            line.extend_from_slice(&settle[10..]);
            line.push(b',');
            push_int(&mut line, i128::from(sums.quantity), 0);
            line.push(b',');
            push_int(&mut line, sums.cash, 4);
            line.push(b',');
            push_int(&mut line, i128::from(sums.trades), 0);
            line.push(b'\n');
            if line.len() > 64 * 1024 {
                out.write_all(&line).map_err(write_err)?;
                line.clear();
            }
        }
        out.write_all(&line).map_err(write_err)?;
        out.flush().map_err(write_err)?;
        Ok(rows.len() as u64)
    }
}

/// `N` bytes from `p`; the caller has checked that `r` holds them.
#[inline]
fn array<const N: usize>(r: &[u8], p: usize) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&r[p..p + N]);
    a
}

/// The field starting at `p` and where the next one starts; a line end before the last
/// column is too few columns.
fn field(r: &[u8], p: usize, column: usize) -> Result<(&[u8], usize), Problem> {
    let end = r[p..]
        .iter()
        .position(|&b| b == b',' || b == b'\n')
        .map_or(r.len(), |i| p + i);
    if r.get(end) == Some(&b',') {
        Ok((&r[p..end], end + 1))
    } else {
        Err(Problem::Columns(column + 1))
    }
}

/// The error for the field at `p` (or the column count, if the line ends there).
#[cold]
fn field_problem(r: &[u8], p: usize, column: usize, expected: &'static str) -> Problem {
    let end = r[p..]
        .iter()
        .position(|&b| b == b',' || b == b'\n')
        .map_or(r.len(), |i| p + i);
    if column < PRICE && r.get(end) != Some(&b',') {
        return Problem::Columns(column + 1);
    }
    let text = &r[p..end];
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    Problem::Field(column, expected, text.to_vec())
}

/// A fixed-width field followed by a comma; returns where the next field starts.
#[inline]
fn fixed(
    r: &[u8],
    p: usize,
    width: usize,
    column: usize,
    expected: &'static str,
) -> Result<usize, Problem> {
    if r.get(p + width) == Some(&b',') && !r[p..p + width].iter().any(|&b| b == b',' || b == b'\n')
    {
        Ok(p + width + 1)
    } else {
        Err(field_problem(r, p, column, expected))
    }
}

/// An identifier that must be exactly what its parser writes back (upper case, no spaces).
fn canonical<const N: usize>(
    field: &[u8],
    column: usize,
    expected: &'static str,
    parse: impl Fn(&str) -> Result<String, IdentifierError>,
) -> Result<[u8; N], Problem> {
    if field.len() != N
        || !field
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Err(Problem::Field(column, expected, field.to_vec()));
    }
    let text =
        std::str::from_utf8(field).map_err(|_| Problem::Field(column, expected, field.to_vec()))?;
    let value = parse(text).map_err(|e| Problem::Identifier(column, e))?;
    if value.as_bytes() != field {
        return Err(Problem::Field(column, expected, field.to_vec()));
    }
    let mut key = [0u8; N];
    key.copy_from_slice(field);
    Ok(key)
}

/// A date `YYYY-MM-DD` (year 0001 to 9999) that exists.
fn valid_date(field: &[u8]) -> Option<[u8; 10]> {
    let date: [u8; 10] = field.try_into().ok()?;
    let digits = |range: std::ops::Range<usize>| -> Option<i16> {
        date[range].iter().try_fold(0i16, |v, &b| {
            b.is_ascii_digit().then(|| v * 10 + i16::from(b - b'0'))
        })
    };
    if date[4] != b'-' || date[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    (year >= 1 && jiff::civil::Date::new(year, month, day).is_ok()).then_some(date)
}

/// An unsigned integer of 1 to 19 digits, at most `i64::MAX` (with `signed`, also `-` and
/// down to `i64::MIN`), followed by a comma; returns its magnitude and where the next field
/// starts.
#[inline]
fn integer(
    r: &[u8],
    p: usize,
    column: usize,
    expected: &'static str,
    signed: bool,
) -> Result<(u64, usize), Problem> {
    let negative = signed && r.get(p) == Some(&b'-');
    let from = p + usize::from(negative);
    let mut value: u64 = 0;
    let mut i = from;
    while let Some(&b) = r.get(i) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 || i - from == 19 {
            break;
        }
        value = value * 10 + u64::from(digit);
        i += 1;
    }
    let limit = if negative {
        i64::MAX as u64 + 1
    } else {
        i64::MAX as u64
    };
    if i > from && r.get(i) == Some(&b',') && value <= limit {
        Ok((value, i + 1))
    } else {
        Err(field_problem(r, p, column, expected))
    }
}

/// The price, the last field, in ten-thousandths (below 10^18), and where the next line
/// starts.
#[inline]
fn price(r: &[u8], p: usize) -> Result<(i64, usize), Problem> {
    let mut value: u64 = 0;
    let mut i = p;
    while let Some(&b) = r.get(i) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 || i - p == 14 {
            break;
        }
        value = value * 10 + u64::from(digit);
        i += 1;
    }
    let whole = i - p;
    let mut scale = 10_000;
    if whole > 0 && r.get(i) == Some(&b'.') {
        i += 1;
        let from = i;
        while let Some(&b) = r.get(i) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 || i - from == 4 {
                break;
            }
            value = value * 10 + u64::from(digit);
            scale /= 10;
            i += 1;
        }
        if i == from {
            return Err(price_problem(r, p));
        }
    }
    // At most 14 + 4 digits read: value < 10^18, and value × scale < 10^18.
    let next = match (r.get(i), r.get(i + 1)) {
        (Some(b'\n'), _) => i + 1,
        (Some(b'\r'), Some(b'\n')) => i + 2,
        (Some(b','), _) => return Err(too_many_columns(r, i)),
        _ => return Err(price_problem(r, p)),
    };
    if whole == 0 {
        return Err(price_problem(r, p));
    }
    match i64::try_from(value * scale) {
        Ok(v) => Ok((v, next)),
        Err(_) => Err(price_problem(r, p)),
    }
}

#[cold]
fn price_problem(r: &[u8], p: usize) -> Problem {
    field_problem(r, p, PRICE, EXPECT_PRICE)
}

#[cold]
fn too_many_columns(r: &[u8], comma: usize) -> Problem {
    let end = r[comma..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(r.len(), |i| comma + i);
    let extra = r[comma..end].iter().filter(|&&b| b == b',').count();
    Problem::Columns(NET_TRADE_COLUMNS.len() + extra)
}

/// Appends `value / 10^decimals` with exactly `decimals` decimals.
fn push_int(out: &mut Vec<u8>, value: i128, decimals: usize) {
    let mut digits = [0u8; 48];
    let mut n = 0;
    let mut v = value.unsigned_abs();
    // 128-bit division is a library call: divide in 64 bits once the value fits.
    while v > u128::from(u64::MAX) {
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
    }
    let mut v = v as u64;
    while v > 0 || n <= decimals {
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
    }
    if value < 0 {
        out.push(b'-');
    }
    for i in (0..n).rev() {
        out.push(digits[i]);
        if i == decimals && decimals > 0 {
            out.push(b'.');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_with_their_decimals() {
        let s = |v, d| {
            let mut out = Vec::new();
            push_int(&mut out, v, d);
            String::from_utf8(out).unwrap_or_default()
        };
        assert_eq!(s(0, 4), "0.0000");
        assert_eq!(s(-5000, 4), "-0.5000");
        assert_eq!(s(3, 4), "0.0003");
        assert_eq!(s(-1_234_567_891, 4), "-123456.7891");
        assert_eq!(s(0, 0), "0");
        assert_eq!(s(-42, 0), "-42");
        assert_eq!(s(i128::MIN, 4).len(), 41);
    }

    #[test]
    fn dates_must_exist() {
        assert!(valid_date(b"2028-02-29").is_some());
        assert!(valid_date(b"2026-02-29").is_none());
        assert!(valid_date(b"0000-01-01").is_none());
        assert!(valid_date(b"2026-1-01x").is_none());
    }
}
