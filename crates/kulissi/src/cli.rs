//! The command-line grammar. Names and flags are a public interface: tools and people script
//! against them, so change them only with a deprecation.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use jiff::civil::Date;
use kulissi_app::reports::{DateBasis, Format};
use kulissi_core::calendar::Calendar;
use kulissi_core::identifiers::IdentifierKind;
use kulissi_core::settlement::Market;

mod recon;
mod server;
pub(crate) use recon::ReconCommand;
pub(crate) use server::{DocsCommand, TokenCommand, UserCommand};

/// Kulissi: the back office for banks, brokers and asset managers.
#[derive(Debug, Parser)]
#[command(name = "kulissi", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// The database: a SQLite file path (default `kulissi.db` in the current directory).
    #[arg(
        long,
        global = true,
        env = "KULISSI_DATABASE",
        default_value = "kulissi.db"
    )]
    pub(crate) db: std::path::PathBuf,
    /// Who is acting, `person:ID` or `system:NAME` (default: `person:` and the login name).
    #[arg(long, global = true, env = "KULISSI_ACTOR")]
    pub(crate) actor: Option<String>,
    /// The business date commands belong to (default: today, UTC).
    #[arg(long, global = true, value_parser = parse_date)]
    pub(crate) business_date: Option<Date>,
    /// Snapshot the engine state every N events written (0: never); start-up loads the
    /// newest snapshot and replays only the events after it.
    #[arg(
        long,
        global = true,
        env = "KULISSI_SNAPSHOT_EVERY",
        default_value_t = 1_000_000
    )]
    pub(crate) snapshot_every: u64,
    /// The sender's idempotency key for the one command this invocation runs (`settle`,
    /// `eod`, `cash ...`, `ledger propose|approve|...`): run again under the same key, it is
    /// acknowledged as already done; under the same key with other content, refused. Import
    /// lines carry their own (`message_id`, or one derived from the line).
    #[arg(long, global = true, env = "KULISSI_MESSAGE_ID")]
    pub(crate) message_id: Option<String>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run Kulissi on demo data: a generated broker books trades into the database
    /// (`--db`, here `kulissi-demo.db` unless given) and shows what it keeps.
    Demo {
        /// Trades to book.
        #[arg(long, default_value_t = 10_000)]
        trades: u64,
        /// Print the summary and stop, without serving the workbench.
        #[arg(long)]
        no_serve: bool,
        /// Where the workbench listens.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
    /// Create the database, or bring its schema up to date.
    Init,
    /// Import reference data or trades from a file; all of the file or none of it.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Generate the demo firm and N trades from a seed into the database.
    Generate {
        /// Trades to book.
        #[arg(long)]
        trades: u64,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Then run the back office on them: the opening capital, the custodians'
        /// settlement confirmations of the trades due by the last trade date (most in full,
        /// some in two parts, some failing), and the end of day of that date and the next
        /// business day with prices and FX rates.
        #[arg(long)]
        back_office: bool,
        /// Also write every command it runs, in order, to FILE as the JSON lines `import
        /// messages` reads (for another store or an outside model of the journal).
        #[arg(long, value_name = "FILE")]
        to: Option<std::path::PathBuf>,
    },
    /// Trades: current versions and history.
    #[command(subcommand)]
    Trades(TradesCommand),
    /// Positions as of a business date (trade-date and settlement-date quantities), or as of
    /// a log sequence number.
    Positions {
        /// Business date (default: the business date).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Instead, the positions right after this log sequence number (replays the log).
        #[arg(long, conflicts_with = "as_of")]
        as_of_seq: Option<u64>,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// The general ledger.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Settlement: `settle TRADE --quantity Q --date D --reference R` records the
    /// custodian's confirmation that (part of) a trade settled; `settle net-file` nets a
    /// trade file.
    Settle(SettleArgs),
    /// Reconciliation: `recon files` reconciles two position files (no database).
    #[command(subcommand)]
    Recon(ReconCommand),
    /// Run a legal entity's end of day: mark positions to market at the recorded prices and
    /// revalue foreign-currency balances at the recorded FX rates (import them as `price`
    /// and `fx_rate` lines). Refused, naming them, when prices or rates are missing or stale.
    Eod {
        /// The business date to close, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// The legal entity (LEI); may be left out when there is only one.
        #[arg(long)]
        legal_entity: Option<String>,
    },
    /// Cash movements that are not trades (record them by importing `cash_movement` lines).
    #[command(subcommand)]
    Cash(CashCommand),
    /// Corporate actions (announce them by importing `corporate_action` lines): the list,
    /// and a dividend's entitlements with holders of record and market claims.
    #[command(subcommand, name = "corporate-actions")]
    CorporateActions(CorporateActionsCommand),
    /// Replay the log from scratch, check the chain and the invariants, and compare with the
    /// stored read models. Exit 0 when all agree, 1 naming the first sequence that does not.
    Verify,
    /// Validate identifiers (ISIN, LEI, BIC, IBAN, CUSIP, currency, MIC).
    #[command(subcommand)]
    Id(IdCommand),
    /// Business-day calendars and settlement dates.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Benchmarks, each ending with one JSON line of figures.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Snapshots of the engine state (taken every `--snapshot-every` events anyway).
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Serve the REST API (and its OpenAPI document at /api/openapi.json) until stopped
    /// (Ctrl-C or SIGTERM: requests in flight finish first).
    Serve {
        /// Address to listen on (overrides the configuration).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// A TOML configuration file (see docs/configuration.md).
        #[arg(long)]
        config: Option<std::path::PathBuf>,
    },
    /// Users of the staff directory (operators' commands; people use the API).
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Documentation generated from the code.
    #[command(subcommand)]
    Docs(DocsCommand),
}

/// `settle`: a confirmation (the arguments) or a subcommand, not both.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct SettleArgs {
    /// What to do instead of recording a confirmation.
    #[command(subcommand)]
    pub(crate) command: Option<SettleCommand>,
    /// The confirmation to record.
    #[command(flatten)]
    pub(crate) confirm: Option<ConfirmArgs>,
}

/// The custodian's confirmation that (part of) a trade settled.
#[derive(Debug, Args)]
pub(crate) struct ConfirmArgs {
    /// The trade, as SOURCE:EXTERNAL_ID.
    pub(crate) trade: String,
    /// Quantity settled by this confirmation.
    #[arg(long)]
    pub(crate) quantity: String,
    /// Effective settlement date, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: Date,
    /// The custodian's reference for the confirmation (resubmitting it changes nothing).
    #[arg(long)]
    pub(crate) reference: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SettleCommand {
    /// Instruct a day: every live trade traded on or before the date that is neither settled
    /// nor instructed gets an instruction (netted by the netting sets; a net that gains
    /// members is cancelled and issued again); writes the instructions issued that day (not
    /// cancelled) as
    /// ISO 20022 sese.023 files (one per instruction, in --out), CSV or JSON.
    Instructions {
        /// The business date instructed, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// sese.023, csv or json.
        #[arg(long, default_value = "csv")]
        format: String,
        /// The directory the sese.023 files go to (required for sese.023).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// The settlement queue: every instruction with its status, reasons, what has settled,
    /// age past its intended settlement date; filtered by status, date, counterparty.
    Queue {
        /// Only this status (instructed, acknowledged, rejected, unmatched, matched,
        /// partially_settled, failing, settled, cancelled; `open` for all but the last two).
        #[arg(long)]
        status: Option<String>,
        /// Only instructions intended to settle on this date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        /// Only instructions facing this counterparty (LEI).
        #[arg(long)]
        counterparty: Option<String>,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// The settlement exception queue: statuses and confirmations the engine could not fit
    /// (unknown reference, out of order, amount outside tolerance).
    Exceptions {
        /// Only those not yet resolved.
        #[arg(long)]
        open: bool,
        /// Output: a table, or CSV or JSON.
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// Resolve an exception on the queue.
    Resolve {
        /// Its number.
        id: u64,
        /// How it was resolved.
        #[arg(long)]
        resolution: String,
    },
    /// Resend a rejected instruction once its cause (an SSI, an account) is repaired.
    Resend {
        /// The instruction's reference.
        reference: String,
    },
    /// Put an instruction on hold.
    Hold {
        /// The instruction's reference.
        reference: String,
    },
    /// Release an instruction from hold.
    Release {
        /// The instruction's reference.
        reference: String,
    },
    /// The day's trades netted under the counterparties' netting sets (import
    /// `netting_set` lines): net instructions with their trade counts, and gross ones.
    Net {
        /// The intended settlement date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// A month's CSDR penalties per counterparty and currency: payable, receivable, net.
    Penalties {
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// Trades unsettled after their intended settlement date: age, bucket, buy-in
    /// extension date and the CSDR penalty accrued; totals per counterparty and bucket.
    Fails {
        /// The date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        as_of: Date,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// Net a trade file per (counterparty, isin, settle_date, currency); needs no database.
    ///
    /// Reads the CSV header
    /// trade_id,counterparty,isin,currency,trade_date,settle_date,side,quantity,price and
    /// writes net quantity, exact net cash and trade count per group, sorted: the columns
    /// and order of DuckDB's `GROUP BY ALL ... ORDER BY ALL`. The first bad line stops it,
    /// naming line and column; nothing is written then.
    NetFile {
        /// The trade file (CSV).
        #[arg(long)]
        trades: std::path::PathBuf,
        /// The netted file to write (CSV:
        /// counterparty,isin,settle_date,currency,net_qty,net_cash,n_trades).
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// Reference data and messages (prices, FX rates, cash movements, trades, settlement
    /// confirmations), JSON lines (see `kulissi_formats::refdata` for the fields).
    #[command(alias = "messages")]
    Refdata {
        /// The file.
        file: std::path::PathBuf,
    },
    /// Trades, CSV (with the documented header) or JSON lines (`.jsonl`, `.ndjson`).
    Trades {
        /// The file.
        file: std::path::PathBuf,
    },
    /// What a custodian says about our settlement instructions: an ISO 20022 sese.024
    /// status advice or sese.025 confirmation (XML), or the CSV status file (see
    /// `kulissi_formats::settlement_status`). Exactly once; a status for an unknown
    /// reference goes to the exception queue (`kulissi settle exceptions`).
    SettlementStatus {
        /// The file.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CorporateActionsCommand {
    /// Every corporate action announced, with its dates, terms and status.
    List {
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// A dividend's entitlements per account: entitled (traded before the ex-date), of
    /// record (settled by the record date), the market claim, the amount, whether paid.
    Entitlements {
        /// The action's id or reference.
        #[arg(long)]
        event: String,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CashCommand {
    /// Post a pending movement (no later than its last date).
    Post {
        /// Its reference.
        reference: String,
    },
    /// Void a pending movement.
    Void {
        /// Its reference.
        reference: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Expire pending movements whose last date is before DATE.
    Expire {
        /// The date reached.
        #[arg(long, value_parser = parse_date)]
        date: Date,
    },
    /// Set an account's overdraft limit in a currency (0: no overdraft).
    Limit {
        /// Account code.
        #[arg(long)]
        account: String,
        /// Currency.
        #[arg(long)]
        currency: String,
        /// The limit.
        #[arg(long)]
        limit: String,
    },
    /// Every account's posted, held and available cash per currency.
    Balances {
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum LedgerCommand {
    /// Every account's balance per currency, with totals and profit: the trial balance as
    /// the log stands, or of the entries dated on or before `--as-of` (effective dates
    /// unless `--by posting`).
    TrialBalance {
        /// Date to report as of (default: every entry).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Which date of an entry counts: `effective` (when the event took effect) or
        /// `posting` (when it was posted: the first open day for an entry effective in a
        /// closed period, so a closed period's report never changes).
        #[arg(long, default_value = "effective", value_parser = basis_parser())]
        by: DateBasis,
        /// Only this legal entity's books (LEI; default: every entity).
        #[arg(long)]
        legal_entity: Option<String>,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// One account's entries between two dates (effective dates unless `--by posting`),
    /// with opening, running and closing balances per currency, each line naming its event
    /// (sequence number) and trade.
    Statement {
        /// Account code, e.g. 1100.
        #[arg(long)]
        account: u16,
        /// First date.
        #[arg(long, value_parser = parse_date)]
        from: Date,
        /// Last date.
        #[arg(long, value_parser = parse_date)]
        to: Date,
        /// Which date of an entry counts: `effective` or `posting`.
        #[arg(long, default_value = "effective", value_parser = basis_parser())]
        by: DateBasis,
        /// Only this legal entity's books (LEI; default: every entity).
        #[arg(long)]
        legal_entity: Option<String>,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// The balance sheet as of a date (effective dates unless `--by posting`): per currency,
    /// then converted into the reporting currency at the closing rates recorded on or before
    /// that date.
    BalanceSheet {
        /// Date to report as of (default: every entry).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Which date of an entry counts: `effective` or `posting`.
        #[arg(long, default_value = "effective", value_parser = basis_parser())]
        by: DateBasis,
        /// Only this legal entity's books (LEI; default: every entity).
        #[arg(long)]
        legal_entity: Option<String>,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// The income statement of the entries dated between two dates (effective dates unless
    /// `--by posting`): per currency, then converted into the reporting currency at the
    /// closing rates of the last date.
    IncomeStatement {
        /// First date.
        #[arg(long, value_parser = parse_date)]
        from: Date,
        /// Last date.
        #[arg(long, value_parser = parse_date)]
        to: Date,
        /// Which date of an entry counts: `effective` or `posting`.
        #[arg(long, default_value = "effective", value_parser = basis_parser())]
        by: DateBasis,
        /// Only this legal entity's books (LEI; default: every entity).
        #[arg(long)]
        legal_entity: Option<String>,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// Close the accounting periods through a date: later entries effective on or before it
    /// post on the first open day.
    Close {
        /// The last date closed.
        #[arg(long, value_parser = parse_date)]
        through: Date,
        /// The legal entity (LEI); may be left out when there is only one.
        #[arg(long)]
        legal_entity: Option<String>,
    },
    /// Reopen closed periods from a date (exceptional; the reason is logged); a year-end
    /// close of a reopened year is reversed.
    Reopen {
        /// The first date reopened.
        #[arg(long, value_parser = parse_date)]
        from: Date,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The legal entity (LEI); may be left out when there is only one.
        #[arg(long)]
        legal_entity: Option<String>,
    },
    /// Close a year: lock it and move its income and expenses into retained earnings.
    CloseYear {
        /// The year.
        #[arg(long)]
        year: i16,
        /// The legal entity (LEI); may be left out when there is only one.
        #[arg(long)]
        legal_entity: Option<String>,
    },
    /// Propose a manual journal entry; it posts when another person approves it.
    Propose {
        /// Your reference for it.
        #[arg(long)]
        reference: String,
        /// The date it takes effect.
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// What it is for.
        #[arg(long)]
        description: String,
        /// A line as ACCOUNT:CURRENCY:AMOUNT, debit positive (e.g. 5500:EUR:120.00 and
        /// 2200:EUR:-120.00); two or more, balanced per currency.
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
        /// The legal entity (LEI); may be left out when there is only one.
        #[arg(long)]
        legal_entity: Option<String>,
    },
    /// Approve a proposed manual journal entry (not your own): it posts.
    Approve {
        /// Its reference.
        reference: String,
    },
    /// Reject a proposed manual journal entry.
    Reject {
        /// Its reference.
        reference: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// The whole journal for plain-text accounting tools.
    Export {
        /// hledger (also read by ledger) or beancount.
        #[arg(long, value_parser = ["hledger", "ledger", "beancount"])]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        to: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TradesCommand {
    /// The current version of each trade, by trade id.
    List {
        /// Show trades with ids after this one.
        #[arg(long, default_value_t = 0)]
        after: u64,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Output: a table, or CSV or JSON (amounts as exact decimal strings).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
    /// One trade, version by version.
    Show {
        /// Kulissi's trade id, or SOURCE:EXTERNAL_ID.
        trade: String,
        /// Output: a table, or CSV or JSON (one row per version).
        #[arg(long, default_value = "table", value_parser = format_parser())]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Book generated trades end to end on SQLite, beside a raw-insert baseline.
    Booking {
        /// Number of trades.
        #[arg(long, default_value_t = 1_000_000)]
        trades: u64,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directory for the scratch databases (default: the system temp directory).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    /// The server over HTTP on loopback: a trivial authenticated GET, then booking trades
    /// with an API token; throughput and p50/p99 of each, and their ratio.
    Http {
        /// Trades to book (the load stops earlier at --seconds).
        #[arg(long, default_value_t = 400_000)]
        trades: u64,
        /// Keep-alive connections (each waits for its answer: the commit batch, and so the
        /// throughput, grows with them).
        #[arg(long, default_value_t = 128)]
        connections: usize,
        /// The most seconds each load runs.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directory for the scratch database (default: the system temp directory).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    /// Every page of the workbench on the demo firm (built in a scratch database, served on
    /// loopback): the server's time per page as one browser session sees it, p50, p99 and
    /// max over ROUNDS requests each, beside `/health` in the same run.
    Pages {
        /// Trades of the demo firm.
        #[arg(long, default_value_t = 10_000)]
        trades: u64,
        /// Requests per page.
        #[arg(long, default_value_t = 100)]
        rounds: usize,
        /// The p99 each page should stay under, in milliseconds.
        #[arg(long, default_value_t = 200)]
        target_ms: u64,
        /// Directory for the scratch database (default: the system temp directory).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    /// Start-up on the database as it is: replay from the first event, write a snapshot,
    /// open from it (medians of RUNS).
    Startup {
        /// Runs of each measurement.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Crash-test helper: books trades through group commit from several threads and prints
    /// each acknowledged external id, until killed or done.
    #[command(hide = true)]
    CrashChild {
        /// First trade number.
        #[arg(long)]
        start: u64,
        /// Number of trades.
        #[arg(long)]
        count: u64,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SnapshotCommand {
    /// Snapshot the engine state at the head of the log now.
    Take,
    /// List the stored snapshots, newest first.
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum IdCommand {
    /// Print `valid` (exit 0) or `invalid: REASON` (exit 1).
    Check {
        /// One of: isin, lei, bic, iban, cusip, currency, mic.
        #[arg(value_parser = parse_kind)]
        kind: IdentifierKind,
        /// The value to check.
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CalendarCommand {
    /// List the calendars and the markets with their settlement calendars.
    List,
    /// Print `true` if DATE is a business day, else `false`.
    IsBusinessDay {
        /// Calendar name, or several joined with '+' (TARGET+XNYS).
        #[arg(long, value_parser = parse_calendar)]
        calendar: Calendar,
        /// Date, YYYY-MM-DD.
        #[arg(value_parser = parse_date)]
        date: Date,
    },
    /// Print DATE moved by N business days (QuantLib's advance: N=0 rolls a holiday forward).
    AddBusinessDays {
        /// Calendar name, or several joined with '+'.
        #[arg(long, value_parser = parse_calendar)]
        calendar: Calendar,
        /// Start date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// Business days to add; negative goes back.
        #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(-100_000..=100_000))]
        days: i64,
    },
    /// Print the weekday holidays of a year, one date a line.
    Holidays {
        /// Calendar name, or several joined with '+'.
        #[arg(long, value_parser = parse_calendar)]
        calendar: Calendar,
        /// Year, e.g. 2026.
        #[arg(long, value_parser = clap::value_parser!(i16).range(1583..=9998))]
        year: i16,
        /// Also print each holiday's name after a tab.
        #[arg(long)]
        names: bool,
    },
    /// Print the intended settlement date of a regular-way trade.
    SettlementDate {
        /// The market's operating MIC (XHEL, XNYS, ...).
        #[arg(long, value_parser = parse_market)]
        market: Market,
        /// Trade date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        trade_date: Date,
    },
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|e| format!("expected a date YYYY-MM-DD ({e})"))
}

/// `table`, `csv` or `json`.
fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(["table", "csv", "json"]).try_map(|s| s.parse::<Format>())
}

/// `effective` or `posting`.
fn basis_parser() -> impl TypedValueParser<Value = DateBasis> {
    PossibleValuesParser::new(["effective", "posting"]).try_map(|s| s.parse::<DateBasis>())
}

fn parse_calendar(s: &str) -> Result<Calendar, String> {
    s.parse()
        .map_err(|e: kulissi_core::calendar::CalendarError| e.to_string())
}

fn parse_market(s: &str) -> Result<Market, String> {
    s.parse()
        .map_err(|e: kulissi_core::settlement::SettlementError| e.to_string())
}

fn parse_kind(s: &str) -> Result<IdentifierKind, String> {
    s.parse()
}
