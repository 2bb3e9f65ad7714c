//! Reconciling two position files (`kulissi recon files`): our positions against the
//! custodian's, matched on key columns, one numeric column compared; every difference is a
//! break, written as CSV sorted by the key.
//!
//! Both files are CSV with a header row (names may be quoted; fields may not: no field may
//! hold a comma or a quote), LF or CRLF line ends, blank lines skipped. `--key` names the key
//! columns (default `account,isin`), `--compare` the compared column (default `quantity`),
//! optionally with an absolute tolerance (`quantity:5`): a whole or decimal number, at most
//! 9 decimals, optionally signed. A key may appear once in each file: a second occurrence is
//! an error naming both lines.
//!
//! The output has the key columns, `internal_X` and `custodian_X` (`internal_qty` and
//! `custodian_qty` when X is `quantity`, the names of `recon_duckdb.py --out`) and `kind`:
//! `missing_at_custodian` (ours only), `extra_at_custodian` (theirs only) or `qty_diff`
//! (both, differing by more than the tolerance); an absent side is an empty field. Numbers
//! are written canonically (no plus sign, no leading zeros, no trailing decimal zeros).
//! Rows are sorted field by field in byte order, so on the same input the file is byte for
//! byte what DuckDB writes for `FULL OUTER JOIN ... WHERE i.quantity IS DISTINCT FROM
//! c.quantity ORDER BY account, isin`.
//!
//! An error stops the run, naming the file, the line as an editor numbers it (the header is
//! line 1), the column and what was expected: a file's first bad line (ours reported before
//! the custodian's), or a key's second occurrence. Nothing is written then.
//!
//! How it is fast: each file is read in 8 MiB blocks and parsed on its own thread by a byte
//! parser; each row (its key inline when 24 bytes or shorter, else in an arena; its line; its
//! value) goes straight into one of 1,024 partitions by the top bits of its key's hash. The
//! partitions are then joined two threads at a time, each with a table of our rows small
//! enough to stay in cache, probed by the custodian's rows of the same partition. Only the
//! breaks (about 1% of the rows) are sorted. Peak memory is the rows (48 bytes each), not
//! the files.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Decimal places numbers are kept to.
const SCALE: u32 = 9;

/// Why two files could not be reconciled.
#[derive(Debug, thiserror::Error)]
pub enum ReconFileError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A line of a file is not what it should be.
    #[error("{file} line {line}{}: {problem}", column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
    Line {
        /// The file.
        file: String,
        /// The line as an editor numbers it.
        line: u64,
        /// The column, when one is at fault.
        column: Option<String>,
        /// What was expected, and what was found.
        problem: String,
    },
    /// The options do not fit the files.
    #[error("{0}")]
    Options(String),
}

/// What to match on and compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconSpec {
    /// The key columns, in sort order.
    pub key: Vec<String>,
    /// The compared column.
    pub compare: String,
    /// The absolute tolerance (in units of the column), as given.
    pub tolerance: Option<String>,
}

impl Default for ReconSpec {
    fn default() -> Self {
        ReconSpec {
            key: vec!["account".into(), "isin".into()],
            compare: "quantity".into(),
            tolerance: None,
        }
    }
}

/// What a run found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconSummary {
    /// Our rows.
    pub internal: u64,
    /// The custodian's rows.
    pub custodian: u64,
    /// Ours only.
    pub missing_at_custodian: u64,
    /// Theirs only.
    pub extra_at_custodian: u64,
    /// Both, different.
    pub qty_diff: u64,
}

impl ReconSummary {
    /// Every break.
    pub fn breaks(&self) -> u64 {
        self.missing_at_custodian + self.extra_at_custodian + self.qty_diff
    }
}

/// Partitions by the top bits of the key's hash: each partition's table fits in cache.
const PARTITION_BITS: u32 = 10;
const PARTITIONS: usize = 1 << PARTITION_BITS;

/// Keys up to this long are kept in the row; longer ones in the side's arena.
const INLINE: usize = 24;

/// Bytes read at a time.
const BLOCK: usize = 8 << 20;

/// One row: its key (inline, or the arena offset in its first eight bytes), the key's
/// length, its line, its value (scaled by 10^9).
#[derive(Debug, Clone, Copy)]
struct Row {
    key: [u8; INLINE],
    len: u16,
    line: u32,
    value: i128,
}

/// A parsed file: its rows by partition, the arena of keys too long to inline.
struct Side {
    name: String,
    partitions: Vec<Vec<Row>>,
    arena: Vec<u8>,
    rows: u64,
}

impl Side {
    fn key<'a>(&'a self, row: &'a Row) -> &'a [u8] {
        let len = usize::from(row.len);
        if len <= INLINE {
            &row.key[..len]
        } else {
            let mut at = [0u8; 8];
            at.copy_from_slice(&row.key[..8]);
            let at = u64::from_le_bytes(at) as usize;
            &self.arena[at..at + len]
        }
    }
}

fn line_error(file: &str, line: u64, column: Option<&str>, problem: String) -> ReconFileError {
    ReconFileError::Line {
        file: file.to_owned(),
        line,
        column: column.map(str::to_owned),
        problem,
    }
}

/// A number scaled by 10^9: digits, an optional sign and point, at most 9 decimals.
fn number(text: &[u8]) -> Option<i128> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 38 {
        return None;
    }
    let mut value: i128 = 0;
    let mut decimals: Option<u32> = None;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                value = value.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return None,
        }
    }
    let decimals = decimals.unwrap_or(0);
    if decimals > SCALE || (decimals == 0 && digits.last() == Some(&b'.')) {
        return None;
    }
    let value = value.checked_mul(10i128.checked_pow(SCALE - decimals)?)?;
    Some(if negative { -value } else { value })
}

/// A scaled number written canonically.
fn write_number(out: &mut Vec<u8>, value: i128) {
    if value < 0 {
        out.push(b'-');
    }
    let magnitude = value.unsigned_abs();
    let scale = 10u128.pow(SCALE);
    let (whole, mut fraction) = (magnitude / scale, magnitude % scale);
    out.extend_from_slice(whole.to_string().as_bytes());
    if fraction != 0 {
        let mut width = SCALE as usize;
        while fraction % 10 == 0 {
            fraction /= 10;
            width -= 1;
        }
        out.push(b'.');
        out.extend_from_slice(format!("{fraction:0width$}").as_bytes());
    }
}

fn header_names(header: &[u8]) -> Vec<String> {
    header
        .split(|b| *b == b',')
        .map(|f| {
            let f = f.strip_suffix(b"\r").unwrap_or(f);
            let f = f
                .strip_prefix(b"\"")
                .and_then(|f| f.strip_suffix(b"\""))
                .unwrap_or(f);
            String::from_utf8_lossy(f).into_owned()
        })
        .collect()
}

/// What a side's parser needs to know of its header.
struct Layout {
    names: Vec<String>,
    key_columns: Vec<usize>,
    compared: usize,
}

/// Reads and parses one file in blocks, rows scattered into partitions by key hash.
fn read_side(path: &Path, spec: &ReconSpec) -> Result<Side, ReconFileError> {
    use std::io::Read;
    let name = path.display().to_string();
    let io = |source| ReconFileError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let expected_rows = (size / 30) as usize;
    let per_partition = expected_rows / PARTITIONS + expected_rows / PARTITIONS / 8 + 16;
    let mut side = Side {
        name,
        partitions: (0..PARTITIONS)
            .map(|_| Vec::with_capacity(per_partition))
            .collect(),
        arena: Vec::new(),
        rows: 0,
    };
    let mut buffer: Vec<u8> = Vec::with_capacity(BLOCK * 2);
    let mut layout: Option<Layout> = None;
    let mut line: u64 = 0;
    let mut starts: Vec<usize> = Vec::new();
    let mut eof = false;
    while !eof {
        let before = buffer.len();
        buffer.resize(before + BLOCK, 0);
        let read = file.read(&mut buffer[before..]).map_err(io)?;
        buffer.truncate(before + read);
        eof = read == 0;
        // Whole lines only, except at the end of the file.
        let complete = if eof {
            buffer.len()
        } else {
            match buffer.iter().rposition(|b| *b == b'\n') {
                Some(p) => p + 1,
                None => continue,
            }
        };
        let mut at = 0;
        while at < complete {
            let end = buffer[at..complete]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(complete, |p| at + p);
            line += 1;
            let mut record = &buffer[at..end];
            if let Some(stripped) = record.strip_suffix(b"\r") {
                record = stripped;
            }
            match &layout {
                None => {
                    let l = header_layout(&side.name, record, spec)?;
                    starts = vec![0; l.names.len() + 1];
                    layout = Some(l);
                }
                Some(l) if !record.is_empty() => {
                    parse_row(&mut side, l, record, line, &mut starts)?;
                }
                Some(_) => {}
            }
            at = end + 1;
        }
        buffer.drain(..complete.min(buffer.len()));
    }
    if layout.is_none() {
        header_layout(&side.name, b"", spec)?;
    }
    Ok(side)
}

fn header_layout(file: &str, header: &[u8], spec: &ReconSpec) -> Result<Layout, ReconFileError> {
    let names = header_names(header);
    let column = |wanted: &str| {
        names.iter().position(|n| n == wanted).ok_or_else(|| {
            line_error(
                file,
                1,
                Some(wanted),
                format!("missing column; the header has {}", names.join(",")),
            )
        })
    };
    let key_columns = spec
        .key
        .iter()
        .map(|k| column(k))
        .collect::<Result<Vec<_>, _>>()?;
    let compared = column(&spec.compare)?;
    Ok(Layout {
        names,
        key_columns,
        compared,
    })
}

/// Parses one non-empty record into its partition.
fn parse_row(
    side: &mut Side,
    layout: &Layout,
    record: &[u8],
    line: u64,
    starts: &mut [usize],
) -> Result<(), ReconFileError> {
    let names = &layout.names;
    let width = names.len();
    let mut fields = 1;
    starts[0] = 0;
    for (i, b) in record.iter().enumerate() {
        match *b {
            b',' => {
                if fields == width {
                    return Err(line_error(
                        &side.name,
                        line,
                        None,
                        format!("expected {width} columns, found more"),
                    ));
                }
                starts[fields] = i + 1;
                fields += 1;
            }
            b'"' => {
                return Err(line_error(
                    &side.name,
                    line,
                    names.get(fields - 1).map(String::as_str),
                    "a quoted field; fields may not be quoted".into(),
                ));
            }
            _ => {}
        }
    }
    if fields != width {
        return Err(line_error(
            &side.name,
            line,
            None,
            format!("expected {width} columns, found {fields}"),
        ));
    }
    starts[width] = record.len() + 1;
    let field = |c: usize| &record[starts[c]..starts[c + 1] - 1];
    let mut key = [0u8; INLINE];
    let mut len = 0usize;
    let mut long: Vec<u8> = Vec::new();
    for (n, &k) in layout.key_columns.iter().enumerate() {
        let f = field(k);
        if f.is_empty() {
            return Err(line_error(
                &side.name,
                line,
                Some(&names[k]),
                "empty; a key column needs a value".into(),
            ));
        }
        let part: &[u8] = if n > 0 { b"," } else { b"" };
        for piece in [part, f] {
            if len + piece.len() <= INLINE && long.is_empty() {
                key[len..len + piece.len()].copy_from_slice(piece);
            } else {
                if long.is_empty() {
                    long.extend_from_slice(&key[..len]);
                }
                long.extend_from_slice(piece);
            }
            len += piece.len();
        }
    }
    let compared = field(layout.compared);
    let value = number(compared).ok_or_else(|| {
        line_error(
            &side.name,
            line,
            Some(&names[layout.compared]),
            format!(
                "expected a number with at most {SCALE} decimals, found '{}'",
                String::from_utf8_lossy(compared)
            ),
        )
    })?;
    let len16 = u16::try_from(len).map_err(|_| {
        line_error(
            &side.name,
            line,
            None,
            "a key longer than 65,535 bytes".into(),
        )
    })?;
    let line32 = u32::try_from(line)
        .map_err(|_| line_error(&side.name, line, None, "more than 4 billion lines".into()))?;
    let h = if long.is_empty() {
        hash(&key[..len])
    } else {
        hash(&long)
    };
    if !long.is_empty() {
        let at = side.arena.len() as u64;
        side.arena.extend_from_slice(&long);
        key[..8].copy_from_slice(&at.to_le_bytes());
    }
    side.partitions[(h >> (64 - PARTITION_BITS)) as usize].push(Row {
        key,
        len: len16,
        line: line32,
        value,
    });
    side.rows += 1;
    Ok(())
}

/// FxHash over bytes, eight at a time.
fn hash(key: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = key.len() as u64;
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    // Mix the low bits into the high ones, which pick the partition.
    h ^= h >> 29;
    h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 32)
}

/// A break: the key, our value, theirs.
struct Break {
    key: Vec<u8>,
    ours: Option<i128>,
    theirs: Option<i128>,
}

/// Field-wise byte order of two keys joined with commas.
fn key_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let rank = |x: u8| if x == b',' { 0u16 } else { u16::from(x) + 1 };
    a.iter().map(|x| rank(*x)).cmp(b.iter().map(|x| rank(*x)))
}

/// Joins one partition: our rows in a table of indices (tagged with hash bits), the
/// custodian's probing it; the breaks in no order. A key twice on one side is an error.
fn join_partition(
    ours: &Side,
    theirs: &Side,
    p: usize,
    tolerance: i128,
    table: &mut Vec<u32>,
    matched: &mut Vec<bool>,
    breaks: &mut Vec<Break>,
) -> Result<(), ReconFileError> {
    let our_rows = &ours.partitions[p];
    let their_rows = &theirs.partitions[p];
    let capacity = (our_rows.len() * 2).next_power_of_two().max(16);
    let mask = capacity - 1;
    table.clear();
    table.resize(capacity, 0);
    matched.clear();
    matched.resize(our_rows.len(), false);
    for (i, row) in our_rows.iter().enumerate() {
        let key = ours.key(row);
        let mut slot = (hash(key) as usize) & mask;
        loop {
            let entry = table[slot];
            if entry == 0 {
                table[slot] = i as u32 + 1;
                break;
            }
            let other = &our_rows[entry as usize - 1];
            if ours.key(other) == key {
                return Err(line_error(
                    &ours.name,
                    u64::from(row.line),
                    None,
                    format!(
                        "key {} appears again (first on line {})",
                        String::from_utf8_lossy(key),
                        other.line
                    ),
                ));
            }
            slot = (slot + 1) & mask;
        }
    }
    let mut extras: Vec<&Row> = Vec::new();
    for row in their_rows {
        let key = theirs.key(row);
        let mut slot = (hash(key) as usize) & mask;
        let found = loop {
            let entry = table[slot];
            if entry == 0 {
                break None;
            }
            let i = entry as usize - 1;
            if ours.key(&our_rows[i]) == key {
                break Some(i);
            }
            slot = (slot + 1) & mask;
        };
        match found {
            Some(i) => {
                if std::mem::replace(&mut matched[i], true) {
                    return Err(line_error(
                        &theirs.name,
                        u64::from(row.line),
                        None,
                        format!("key {} appears again", String::from_utf8_lossy(key)),
                    ));
                }
                let our = our_rows[i].value;
                if (our - row.value).abs() > tolerance {
                    breaks.push(Break {
                        key: key.to_vec(),
                        ours: Some(our),
                        theirs: Some(row.value),
                    });
                }
            }
            None => extras.push(row),
        }
    }
    // A key twice among the custodian's extras.
    extras.sort_unstable_by(|a, b| theirs.key(a).cmp(theirs.key(b)).then(a.line.cmp(&b.line)));
    if let Some(pair) = extras
        .windows(2)
        .find(|w| theirs.key(w[0]) == theirs.key(w[1]))
    {
        return Err(line_error(
            &theirs.name,
            u64::from(pair[1].line),
            None,
            format!(
                "key {} appears again",
                String::from_utf8_lossy(theirs.key(pair[1]))
            ),
        ));
    }
    for row in extras {
        breaks.push(Break {
            key: theirs.key(row).to_vec(),
            ours: None,
            theirs: Some(row.value),
        });
    }
    for (i, row) in our_rows.iter().enumerate() {
        if !matched[i] {
            breaks.push(Break {
                key: ours.key(row).to_vec(),
                ours: Some(row.value),
                theirs: None,
            });
        }
    }
    Ok(())
}

/// Joins the partitions `range` (one thread's share).
fn join_partitions(
    ours: &Side,
    theirs: &Side,
    range: std::ops::Range<usize>,
    tolerance: i128,
) -> Result<Vec<Break>, (u64, ReconFileError)> {
    let (mut table, mut matched, mut breaks) = (Vec::new(), Vec::new(), Vec::new());
    for p in range {
        join_partition(
            ours,
            theirs,
            p,
            tolerance,
            &mut table,
            &mut matched,
            &mut breaks,
        )
        .map_err(|e| (error_line(&e), e))?;
    }
    Ok(breaks)
}

/// The line an error names (for reporting the first in file order), ours before theirs.
fn error_line(e: &ReconFileError) -> u64 {
    match e {
        ReconFileError::Line { line, .. } => *line,
        _ => 0,
    }
}

/// Reconciles `internal` against `custodian` by `spec` and writes the breaks to `output`.
pub fn recon_files(
    internal: &Path,
    custodian: &Path,
    spec: &ReconSpec,
    output: &Path,
) -> Result<ReconSummary, ReconFileError> {
    if spec.key.is_empty() {
        return Err(ReconFileError::Options(
            "--key needs at least one column".into(),
        ));
    }
    let tolerance = match &spec.tolerance {
        None => 0,
        Some(t) => number(t.as_bytes()).filter(|t| *t >= 0).ok_or_else(|| {
            ReconFileError::Options(format!(
                "--compare {}:{t}: the tolerance must be a number, zero or more, at most {SCALE} decimals",
                spec.compare
            ))
        })?,
    };
    let started = std::time::Instant::now();
    let timing = std::env::var_os("KULISSI_RECON_TIMING").is_some();
    let phase = |what: &str| {
        if timing {
            eprintln!("{:>8.3} s  {what}", started.elapsed().as_secs_f64());
        }
    };
    let (ours, theirs) = std::thread::scope(|scope| {
        let ours = scope.spawn(|| read_side(internal, spec));
        let theirs = read_side(custodian, spec);
        (ours.join(), theirs)
    });
    let ours = ours.map_err(|_| ReconFileError::Options("a reader thread failed".into()))??;
    let theirs = theirs?;
    phase("parsed");
    let half = PARTITIONS / 2;
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(|| join_partitions(&ours, &theirs, 0..half, tolerance));
        let second = join_partitions(&ours, &theirs, half..PARTITIONS, tolerance);
        (first.join(), second)
    });
    phase("joined");
    let first = first.map_err(|_| ReconFileError::Options("a joining thread failed".into()))?;
    let mut breaks = match (first, second) {
        (Ok(mut a), Ok(b)) => {
            a.extend(b);
            a
        }
        (Err((_, e)), Ok(_)) | (Ok(_), Err((_, e))) => return Err(e),
        (Err((la, a)), Err((lb, b))) => return Err(if la <= lb { a } else { b }),
    };
    breaks.sort_unstable_by(|a, b| key_order(&a.key, &b.key));
    phase("breaks sorted");
    let mut summary = ReconSummary {
        internal: ours.rows,
        custodian: theirs.rows,
        ..ReconSummary::default()
    };
    let io = |source| ReconFileError::Io {
        path: output.to_owned(),
        source,
    };
    let file = File::create(output).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let (internal_name, custodian_name) = if spec.compare == "quantity" {
        ("internal_qty".to_owned(), "custodian_qty".to_owned())
    } else {
        (
            format!("internal_{}", spec.compare),
            format!("custodian_{}", spec.compare),
        )
    };
    let header = format!(
        "{},{internal_name},{custodian_name},kind\n",
        spec.key.join(",")
    );
    out.write_all(header.as_bytes()).map_err(io)?;
    let mut line = Vec::with_capacity(128);
    for b in &breaks {
        line.clear();
        line.extend_from_slice(&b.key);
        line.push(b',');
        if let Some(v) = b.ours {
            write_number(&mut line, v);
        }
        line.push(b',');
        if let Some(v) = b.theirs {
            write_number(&mut line, v);
        }
        let kind: &[u8] = match (b.ours, b.theirs) {
            (Some(_), None) => {
                summary.missing_at_custodian += 1;
                b",missing_at_custodian\n"
            }
            (None, _) => {
                summary.extra_at_custodian += 1;
                b",extra_at_custodian\n"
            }
            (Some(_), Some(_)) => {
                summary.qty_diff += 1;
                b",qty_diff\n"
            }
        };
        line.extend_from_slice(kind);
        out.write_all(&line).map_err(io)?;
    }
    out.flush().map_err(io)?;
    phase("written");
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_exactly_and_written_canonically() {
        let n = |s: &str| number(s.as_bytes());
        assert_eq!(n("12"), Some(12_000_000_000));
        assert_eq!(n("-0.5"), Some(-500_000_000));
        assert_eq!(n("+007"), Some(7_000_000_000));
        assert_eq!(n("1.0000000001"), None, "ten decimals");
        assert_eq!(n("1."), None);
        assert_eq!(n(""), None);
        assert_eq!(n("1e5"), None);
        let w = |v: i128| {
            let mut out = Vec::new();
            write_number(&mut out, v);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(w(12_000_000_000), "12");
        assert_eq!(w(-500_000_000), "-0.5");
        assert_eq!(w(1_250_000_000), "1.25");
        assert_eq!(w(0), "0");
    }

    #[test]
    fn keys_sort_field_by_field() {
        use std::cmp::Ordering::*;
        assert_eq!(
            key_order(b"A,Z", b"A B,A"),
            Less,
            "field A before field 'A B'"
        );
        assert_eq!(key_order(b"ACC1,X", b"ACC1,X"), Equal);
        assert_eq!(
            key_order(b"ACC2,A", b"ACC10,A"),
            Greater,
            "bytes, not numbers"
        );
    }
}
