//! The general ledger's journal as the workbench drills into it: every line of every entry,
//! with the event that caused it, indexed by account, trade and event. It is derived from
//! the log by [`kulissi_app::JournalReader`] (the chain checked as it goes) and kept, so each
//! page reads only the events appended since the last one; nothing is stored twice.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::civil::Date;
use kulissi_api::problem::ApiError;
use kulissi_app::reports::{JournalBook, LoggedEntry};
use kulissi_app::{AppError, JournalReader};
use kulissi_core::identifiers::Currency;
use kulissi_store::{EventStore, ReadOnly};
use rust_decimal::Decimal;

/// One line of a journal entry.
#[derive(Debug, Clone)]
pub struct PostedLine {
    /// The entry's number, in log order (1 for the first entry).
    pub entry: u64,
    /// The event that caused it.
    pub seq: u64,
    /// What the entry records.
    pub kind: String,
    /// When the business event took effect.
    pub effective: Date,
    /// When it was posted.
    pub posted: Date,
    /// The trade it comes from.
    pub trade: Option<u64>,
    /// The ledger account.
    pub account: u16,
    /// The currency.
    pub currency: Currency,
    /// Debit positive, credit negative.
    pub amount: Decimal,
}

#[derive(Debug, Default)]
struct Index {
    reader: JournalReader,
    entry_list: Vec<LoggedEntry>,
    lines: Vec<PostedLine>,
    entries: u64,
    by_account: HashMap<u16, Vec<usize>>,
    by_trade: HashMap<u64, Vec<usize>>,
    by_seq: HashMap<u64, Vec<usize>>,
}

/// The journal, read on as the log grows.
#[derive(Debug, Default)]
pub struct Journal {
    index: Mutex<Index>,
}

/// Which lines to take.
#[derive(Debug, Clone, Copy)]
pub enum Lines {
    /// Posted to an account.
    Account(u16),
    /// Of a trade's entries.
    Trade(u64),
    /// Of an event's entries.
    Event(u64),
}

impl Journal {
    /// The lines asked for, in log order, after reading the events appended since.
    pub fn lines(&self, store: &dyn EventStore, which: Lines) -> Result<Vec<PostedLine>, ApiError> {
        let mut index = self
            .index
            .lock()
            .map_err(|_| ApiError::unavailable("the journal's lock was poisoned"))?;
        let index = &mut *index;
        read_on(index, store)?;
        let found = match which {
            Lines::Account(a) => index.by_account.get(&a),
            Lines::Trade(t) => index.by_trade.get(&t),
            Lines::Event(s) => index.by_seq.get(&s),
        };
        Ok(found
            .map(|ids| ids.iter().map(|i| index.lines[*i].clone()).collect())
            .unwrap_or_default())
    }

    /// Calls `f` with the whole journal (the state it leads to and every entry), after
    /// reading the events appended since: the ledger reports are made from it.
    pub fn with_book<R>(
        &self,
        store: &dyn EventStore,
        f: impl FnOnce(JournalBook<'_>) -> R,
    ) -> Result<R, ApiError> {
        let mut index = self
            .index
            .lock()
            .map_err(|_| ApiError::unavailable("the journal's lock was poisoned"))?;
        let index = &mut *index;
        read_on(index, store)?;
        Ok(f(JournalBook {
            state: index.reader.state(),
            entries: &index.entry_list,
        }))
    }
}

/// Reads the events appended since the last read into the index.
fn read_on(index: &mut Index, store: &dyn EventStore) -> Result<(), ApiError> {
    let mut added = Vec::new();
    let mut entries = index.entries;
    let entry_list = &mut index.entry_list;
    index
        .reader
        .read::<_, AppError>(&ReadOnly(store), None, |e| {
            entries += 1;
            entry_list.push((*e.header, e.lines.to_vec()));
            for (account, currency, amount) in e.lines {
                added.push(PostedLine {
                    entry: entries,
                    seq: e.seq,
                    kind: format!("{:?}", e.header.kind),
                    effective: e.header.effective_date,
                    posted: e.header.posting_date,
                    trade: e.header.trade_id.map(|t| t.0),
                    account: *account,
                    currency: *currency,
                    amount: *amount,
                });
            }
            Ok(())
        })
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    index.entries = entries;
    for line in added {
        let i = index.lines.len();
        index.by_account.entry(line.account).or_default().push(i);
        if let Some(t) = line.trade {
            index.by_trade.entry(t).or_default().push(i);
        }
        index.by_seq.entry(line.seq).or_default().push(i);
        index.lines.push(line);
    }
    Ok(())
}
