//! The grammar of `kulissi recon`: reconciliations run through the engine, their breaks
//! worked by people, and the file mode.

use clap::Subcommand;
use jiff::civil::Date;
use kulissi_app::reports::Format;

use super::{format_parser, parse_date};

#[derive(Debug, Subcommand)]
pub(crate) enum ReconCommand {
    /// Run a reconciliation: a statement (CSV) against our side as of its date. The four
    /// definitions: house-positions and client-assets (safekeeping_account,isin,quantity),
    /// house-cash (cash_account,currency,amount), client-money (currency,amount). A
    /// statement is loaded once; breaks open, update or close.
    Run {
        /// house-positions, client-assets, house-cash or client-money.
        #[arg(long)]
        definition: String,
        /// The statement: CSV, or ISO 20022 semt.002 (positions) or camt.053 (cash).
        #[arg(long)]
        statement: std::path::PathBuf,
        /// The statement date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        as_of: Date,
        /// The legal entity (LEI), when there are several.
        #[arg(long)]
        legal_entity: Option<String>,
        /// The statement's source, whose saved column mapping reads a CSV statement.
        #[arg(long)]
        source: Option<String>,
    },
    /// Save how a source names a reconciliation's columns, e.g. --map
    /// safekeeping_account=Account --map quantity=Position (then recon run --source NAME).
    Mapping {
        /// The source's name.
        #[arg(long)]
        source: String,
        /// The reconciliation.
        #[arg(long)]
        definition: String,
        /// OUR_COLUMN=THEIR_COLUMN, once per column it names otherwise.
        #[arg(long = "map")]
        maps: Vec<String>,
    },
    /// Affirm a day's trades against a counterparty confirmation file (CSV:
    /// counterparty,isin,side,quantity,price,trade_date,settlement_date,reference, side as
    /// ours: buy or sell). Mismatched and unknown confirmations and unconfirmed trades are
    /// confirmation breaks. A file is loaded once.
    Confirmations {
        /// The confirmation file (CSV).
        #[arg(long)]
        file: std::path::PathBuf,
        /// The trade date confirmed, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        as_of: Date,
        /// The legal entity (LEI), when there are several.
        #[arg(long)]
        legal_entity: Option<String>,
    },
    /// Whether trades with an open confirmation break wait before they are instructed.
    BlockUnconfirmed {
        /// true or false.
        #[arg(action = clap::ArgAction::Set)]
        block: bool,
    },
    /// The breaks: both sides, status, owner, age in business days, bucket, escalation;
    /// and the runs' auto-match rates.
    Breaks {
        /// Only the open ones.
        #[arg(long)]
        open: bool,
        /// Age them to this date (default: the business date).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Output: a table, or CSV or JSON.
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// Set a reconciliation's tolerance: absolute, or relative to our value, whichever is
    /// wider (quantities exact and amounts to the cent unless set).
    Tolerance {
        /// house-positions, client-assets, house-cash or client-money.
        #[arg(long)]
        definition: String,
        /// Absolute (e.g. 1.00).
        #[arg(long, default_value = "0")]
        absolute: rust_decimal::Decimal,
        /// Relative (e.g. 0.000001).
        #[arg(long, default_value = "0")]
        relative: rust_decimal::Decimal,
    },
    /// Assign a break to a person.
    Assign {
        /// The break.
        id: u64,
        /// Who owns it from now.
        #[arg(long)]
        to: String,
    },
    /// Move a break: investigating, pending_internal or pending_counterparty.
    Move {
        /// The break.
        id: u64,
        /// The status.
        #[arg(long)]
        status: String,
    },
    /// Comment on a break.
    Comment {
        /// The break.
        id: u64,
        /// The comment.
        #[arg(long)]
        text: String,
    },
    /// Resolve a break with a resolution code.
    Resolve {
        /// The break.
        id: u64,
        /// The resolution code (booked-late, custodian-error, timing, ...).
        #[arg(long)]
        code: String,
        /// The comment.
        #[arg(long)]
        comment: String,
    },
    /// Ask to write a break off (another person approves it with approve-write-off).
    WriteOff {
        /// The break.
        id: u64,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Approve another person's write-off.
    ApproveWriteOff {
        /// The break.
        id: u64,
    },
    /// Reconcile our positions file against the custodian's; needs no database.
    ///
    /// Both are CSV with a header (unquoted fields). A break is a key on one side only or
    /// a compared value differing by more than the tolerance; the breaks are written sorted
    /// by the key with the columns KEY...,internal_qty,custodian_qty,kind (kind:
    /// missing_at_custodian, extra_at_custodian, qty_diff), what `recon_duckdb.py --out`
    /// writes. The first bad line stops it, naming line and column; nothing is written then.
    Files {
        /// Our positions (CSV).
        #[arg(long)]
        ours: std::path::PathBuf,
        /// The custodian's positions (CSV).
        #[arg(long)]
        theirs: std::path::PathBuf,
        /// The key columns, comma-separated, in sort order.
        #[arg(long, default_value = "account,isin")]
        key: String,
        /// The compared column, and optionally an absolute tolerance: quantity or quantity:5.
        #[arg(long, default_value = "quantity")]
        compare: String,
        /// The breaks file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}
