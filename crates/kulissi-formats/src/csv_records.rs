//! What every CSV import of this crate does the same way: read the header (names in any
//! case, each once), check the columns against what the file kind allows and needs, then
//! hand each record to the caller with its line as an editor numbers it (the header is
//! line 1; a record spanning lines is named by its first), stopping when the error
//! collector is full.

use std::collections::HashMap;
use std::io::Read;

use crate::MAX_LINES;
use crate::error::Collector;
use crate::trades::CsvFields;

/// Which columns a kind of file has.
pub(crate) struct Columns<'a> {
    /// The columns it may have; `None`: any (others are ignored).
    pub(crate) allowed: Option<&'a [&'a str]>,
    /// The columns it must have.
    pub(crate) required: &'a [&'a str],
    /// Said after "missing column" (what a file of this kind has), when not empty.
    pub(crate) hint: &'a str,
    /// The file's names for our columns (its name, lower case → ours), when it has its own.
    pub(crate) rename: &'a [(String, String)],
}

/// Calls `each` with every record's line and fields; header problems are pushed to
/// `errors` (and no record is read then).
pub(crate) fn for_each_record(
    input: impl Read,
    errors: &mut Collector,
    columns: &Columns<'_>,
    mut each: impl FnMut(u64, &CsvFields<'_>, &mut Collector),
) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(1, None, format!("cannot read the header row: {e}"));
            return;
        }
    };
    let mut index = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        let name = name.to_ascii_lowercase();
        let name = columns
            .rename
            .iter()
            .find(|(theirs, _)| *theirs == name)
            .map_or(name, |(_, ours)| ours.clone());
        if let Some(allowed) = columns.allowed
            && !allowed.contains(&name.as_str())
        {
            errors.push(
                1,
                Some(&name),
                format!("unknown column, expected one of {}", allowed.join(", ")),
            );
        } else if index.insert(name.clone(), i).is_some() {
            errors.push(1, Some(&name), "column appears twice");
        }
    }
    for required in columns.required {
        if !index.contains_key(*required) {
            let message = if columns.hint.is_empty() {
                "missing column".to_owned()
            } else {
                format!("missing column: {}", columns.hint)
            };
            errors.push(1, Some(required), message);
        }
    }
    if !errors.errors.is_empty() {
        return;
    }
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if line > MAX_LINES {
                    errors.push(
                        line,
                        None,
                        format!("the file has more than {MAX_LINES} lines; split it"),
                    );
                    break;
                }
                let fields = CsvFields {
                    index: &index,
                    record: &record,
                };
                each(line, &fields, errors);
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(line, None, format!("not a valid CSV record: {e}"));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
        if errors.full() {
            break;
        }
    }
}
