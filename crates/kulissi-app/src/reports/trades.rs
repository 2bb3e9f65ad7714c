//! Trades: the current version of each trade (from the `trade_versions` read model), and one
//! trade version by version with who made each version, when, and its full economics (from
//! the event that made it).

use std::io::{self, Write};
use std::str::FromStr;

use kulissi_core::engine::{Event, codec};
use kulissi_core::trade::Economics;
use kulissi_store::{EventStore, TradeVersionRow};

use super::{Cell, Names, Report, ReportError};

/// A trade, by Kulissi's id or by its source system's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradeRef {
    /// Kulissi's trade id.
    Id(u64),
    /// The source system and its id for the trade.
    External {
        /// Source system.
        source: String,
        /// Its id.
        external_id: String,
    },
}

impl FromStr for TradeRef {
    type Err = String;

    /// A trade id (`12`) or `SOURCE:EXTERNAL_ID`.
    fn from_str(s: &str) -> Result<TradeRef, String> {
        if let Ok(id) = s.parse::<u64>() {
            return Ok(TradeRef::Id(id));
        }
        match s.split_once(':') {
            Some((source, external_id)) if !source.is_empty() && !external_id.is_empty() => {
                Ok(TradeRef::External {
                    source: source.to_owned(),
                    external_id: external_id.to_owned(),
                })
            }
            _ => Err(format!(
                "expected a trade id or SOURCE:EXTERNAL_ID, found '{s}'"
            )),
        }
    }
}

impl std::fmt::Display for TradeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TradeRef::Id(id) => write!(f, "{id}"),
            TradeRef::External {
                source,
                external_id,
            } => write!(f, "{external_id} from {source}"),
        }
    }
}

/// One trade version with the natural keys of what it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeLine {
    /// The version as the read model keeps it.
    pub version: TradeVersionRow,
    /// The instrument's ISIN.
    pub isin: String,
    /// The account's code.
    pub account: String,
    /// The book's code.
    pub book: String,
    /// The counterparty's LEI.
    pub counterparty: String,
}

impl TradeLine {
    fn new(version: TradeVersionRow, names: &Names) -> TradeLine {
        TradeLine {
            isin: names.get("instrument", version.instrument).to_owned(),
            account: names.get("account", version.account).to_owned(),
            book: names.get("book", version.book).to_owned(),
            counterparty: names.get("counterparty", version.counterparty).to_owned(),
            version,
        }
    }
}

/// The current version of each trade, by trade id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeList {
    /// The trades.
    pub trades: Vec<TradeLine>,
}

/// The current versions of at most `limit` trades with ids after `after`.
pub fn trade_list(
    store: &impl EventStore,
    after: u64,
    limit: usize,
) -> Result<TradeList, ReportError> {
    let versions = store.current_trades(after, limit)?;
    let names = Names::load(store)?;
    Ok(TradeList {
        trades: versions
            .into_iter()
            .map(|v| TradeLine::new(v, &names))
            .collect(),
    })
}

/// What the event of a version adds to the read model's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionDetails {
    /// A booking or an amendment: the full economics.
    Economics(Economics),
    /// A cancellation and why.
    Cancelled {
        /// Why.
        reason: String,
    },
    /// Nothing more (an event of another kind).
    None,
}

/// One version of a trade with who made it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeVersion {
    /// The version.
    pub line: TradeLine,
    /// Who made it (`person:ID` or `system:NAME`).
    pub actor: String,
    /// When it was recorded (wall time), if representable.
    pub recorded_at: Option<jiff::Timestamp>,
    /// What its event adds.
    pub details: VersionDetails,
}

/// One trade, version by version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeHistory {
    /// Kulissi's trade id.
    pub trade_id: u64,
    /// Its versions, first to last.
    pub versions: Vec<TradeVersion>,
}

/// The history of `trade`.
pub fn trade_history(
    store: &impl EventStore,
    trade: &TradeRef,
) -> Result<TradeHistory, ReportError> {
    let unknown = || ReportError::UnknownTrade(trade.clone());
    let trade_id = match trade {
        TradeRef::Id(id) => *id,
        TradeRef::External {
            source,
            external_id,
        } => store
            .trade_id_by_external(source, external_id)?
            .ok_or_else(unknown)?,
    };
    let rows = store.trade_versions(trade_id)?;
    if rows.is_empty() {
        return Err(unknown());
    }
    let names = Names::load(store)?;
    let mut versions = Vec::with_capacity(rows.len());
    for row in rows {
        let record = store
            .record(row.seq)?
            .ok_or_else(|| ReportError::ReadModel(format!("event {} is missing", row.seq)))?;
        // The full economics are in the event that made this version.
        let event = codec::decode(&record.payload)
            .map_err(|e| ReportError::ReadModel(format!("event {}: {e}", row.seq)))?;
        let details = match event {
            Event::TradeBooked { economics, .. } | Event::TradeAmended { economics, .. } => {
                VersionDetails::Economics(economics)
            }
            Event::TradeCancelled { reason, .. } => VersionDetails::Cancelled {
                reason: reason.into(),
            },
            _ => VersionDetails::None,
        };
        let recorded_at = jiff::Timestamp::from_microsecond(record.wall_time_us)
            .map_err(|e| ReportError::ReadModel(format!("event {}: wall time: {e}", row.seq)))?;
        versions.push(TradeVersion {
            line: TradeLine::new(row, &names),
            actor: record.actor.to_string(),
            recorded_at: Some(recorded_at),
            details,
        });
    }
    Ok(TradeHistory { trade_id, versions })
}

/// The header of the table of trades.
const TRADE_HEADER: &str = "   trade ver status    source:external id       isin         side     quantity        price ccy trade date settle     net amount       account";

impl Report for TradeList {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "trade_id",
            "version",
            "status",
            "source",
            "external_id",
            "isin",
            "side",
            "quantity",
            "price",
            "currency",
            "trade_date",
            "settlement_date",
            "net",
            "account",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.trades
            .iter()
            .map(|t| {
                let v = &t.version;
                vec![
                    v.trade_id.into(),
                    v.version.into(),
                    v.status.into(),
                    (&*v.source).into(),
                    (&*v.external_id).into(),
                    t.isin.as_str().into(),
                    v.side.into(),
                    v.quantity.into(),
                    v.price.into(),
                    (&*v.currency).into(),
                    v.trade_date.into(),
                    v.settlement_date.into(),
                    v.net.into(),
                    t.account.as_str().into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{TRADE_HEADER}")?;
        for t in &self.trades {
            let v = &t.version;
            writeln!(
                out,
                "{:>8} {:>3} {:<9} {:<24} {:<12} {:<4} {:>12} {:>12} {:<3} {} {} {:>16} {:<12}",
                v.trade_id,
                v.version,
                v.status,
                format!("{}:{}", v.source, v.external_id),
                t.isin,
                v.side,
                v.quantity.to_string(),
                v.price.to_string(),
                v.currency,
                v.trade_date,
                v.settlement_date,
                v.net.to_string(),
                t.account,
            )?;
        }
        Ok(())
    }
}

impl Report for TradeHistory {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "trade_id",
            "version",
            "status",
            "seq",
            "actor",
            "recorded_at",
            "source",
            "external_id",
            "book",
            "counterparty",
            "side",
            "quantity",
            "isin",
            "price",
            "currency",
            "trade_date",
            "settlement_date",
            "account",
            "gross",
            "accrued",
            "commission",
            "fees",
            "taxes",
            "net",
            "cancel_reason",
        ]
    }

    /// One row per version; the economics are empty for a cancellation, the reason for the
    /// others. `net` is the read model's (the economics' net for a booking or amendment).
    fn rows(&self) -> Vec<Vec<Cell>> {
        self.versions
            .iter()
            .map(|t| {
                let v = &t.line.version;
                let e = match &t.details {
                    VersionDetails::Economics(e) => Some(e),
                    _ => None,
                };
                let reason = match &t.details {
                    VersionDetails::Cancelled { reason } => Some(reason.as_str()),
                    _ => None,
                };
                vec![
                    v.trade_id.into(),
                    v.version.into(),
                    v.status.into(),
                    v.seq.into(),
                    t.actor.as_str().into(),
                    t.recorded_at.map(|at| at.to_string()).into(),
                    (&*v.source).into(),
                    (&*v.external_id).into(),
                    t.line.book.as_str().into(),
                    t.line.counterparty.as_str().into(),
                    v.side.into(),
                    v.quantity.into(),
                    t.line.isin.as_str().into(),
                    v.price.into(),
                    (&*v.currency).into(),
                    v.trade_date.into(),
                    v.settlement_date.into(),
                    t.line.account.as_str().into(),
                    e.map(|e| e.gross).into(),
                    e.map(|e| e.accrued).into(),
                    e.map(|e| e.commission).into(),
                    e.map(|e| e.fees).into(),
                    e.map(|e| e.taxes).into(),
                    v.net.into(),
                    reason.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "trade {}: {} version(s)",
            self.trade_id,
            self.versions.len()
        )?;
        for t in &self.versions {
            let v = &t.line.version;
            let when = t.recorded_at.map(|at| at.to_string()).unwrap_or_default();
            writeln!(
                out,
                "\nversion {} ({}), event {} by {} at {when}",
                v.version, v.status, v.seq, t.actor
            )?;
            writeln!(
                out,
                "  {}:{}  book {}  counterparty {}",
                v.source, v.external_id, t.line.book, t.line.counterparty
            )?;
            writeln!(
                out,
                "  {} {} {} at {} {}  trade date {}  settles {}  account {}",
                v.side,
                v.quantity,
                t.line.isin,
                v.price,
                v.currency,
                v.trade_date,
                v.settlement_date,
                t.line.account
            )?;
            match &t.details {
                VersionDetails::Economics(e) => writeln!(
                    out,
                    "  gross {}  accrued {}  commission {}  fees {}  taxes {}  net {}",
                    e.gross, e.accrued, e.commission, e.fees, e.taxes, e.net
                )?,
                VersionDetails::Cancelled { reason } => writeln!(out, "  cancelled: {reason}")?,
                VersionDetails::None => {}
            }
        }
        Ok(())
    }
}
