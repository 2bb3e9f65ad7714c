//! [`PostgresStore`]: the [`EventStore`] on PostgreSQL.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use kulissi_store::snapshot::SNAPSHOT_CHUNK;
use kulissi_store::{
    CashRow, ChainHead, CommitBatch, EventStore, LogRecord, PositionRow, ReadModels, ReferenceRow,
    Snapshot, StoreError, TradeVersionRow,
};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Row};
use rust_decimal::Decimal;

use crate::migrations::MIGRATIONS;
use crate::types::{PgDate, copy_text};

fn db(e: postgres::Error) -> StoreError {
    StoreError::database(e)
}

/// How often, and how long apart, a writer whose connection dropped tries to reconnect.
const RECONNECT_ATTEMPTS: u32 = 30;
const RECONNECT_PAUSE: Duration = Duration::from_millis(500);

/// Idle reader connections kept.
const POOL_SIZE: usize = 4;

/// The event log and read models in one PostgreSQL database.
pub struct PostgresStore {
    url: String,
    writer: Client,
    head: Option<ChainHead>,
    readers: Mutex<Vec<Client>>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the URL: it may carry a password.
        f.debug_struct("PostgresStore")
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects and brings the schema up to date (`kulissi init`).
    pub fn create(url: &str) -> Result<PostgresStore, StoreError> {
        let mut client = connect(url)?;
        client
            .batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            .map_err(db)?;
        migrate(&mut client)?;
        Self::finish_open(url, client)
    }

    /// Connects to an initialised database; refuses an uninitialised one or a schema newer
    /// than this program knows.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let mut client = connect(url)?;
        let initialised: bool = client
            .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
            .map_err(db)?
            .get(0);
        if !initialised {
            return Err(StoreError::NotInitialised {
                location: redact(url),
            });
        }
        migrate(&mut client)?;
        Self::finish_open(url, client)
    }

    fn finish_open(url: &str, writer: Client) -> Result<PostgresStore, StoreError> {
        let mut store = PostgresStore {
            url: url.to_owned(),
            writer,
            head: None,
            readers: Mutex::new(Vec::new()),
        };
        store.head = read_head(&mut store.writer)?;
        Ok(store)
    }

    /// The schema version of the database.
    pub fn schema_version(&mut self) -> Result<i64, StoreError> {
        let v: Option<i32> = self
            .writer
            .query_one("SELECT max(version) FROM schema_version", &[])
            .map_err(db)?
            .get(0);
        Ok(i64::from(v.unwrap_or(0)))
    }

    /// Runs `f` with a pooled reader connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.readers.lock().ok().and_then(|mut idle| idle.pop());
        let mut client = match pooled {
            Some(c) if !c.is_closed() => c,
            _ => connect(&self.url)?,
        };
        let result = f(&mut client);
        if !client.is_closed()
            && let Ok(mut idle) = self.readers.lock()
            && idle.len() < POOL_SIZE
        {
            idle.push(client);
        }
        result
    }

    /// Runs raw SQL on the writer connection (tests only: the tamper test changes a byte
    /// behind the store's back).
    #[doc(hidden)]
    pub fn execute_raw(&mut self, sql: &str) -> Result<(), StoreError> {
        self.writer.batch_execute(sql).map_err(db)
    }

    /// Writes the batch in one transaction, classifying a failure as a lost connection (the
    /// outcome of the commit is unknown) or anything else (nothing was written).
    fn try_append(&mut self, batch: &CommitBatch) -> Result<(), Failure> {
        let result = self.write_batch(batch);
        result.map_err(|e| match e {
            Failure::Other(e @ StoreError::Database { .. }) if self.writer.is_closed() => {
                Failure::Lost(StoreError::database_with(
                    "the connection closed while writing",
                    e,
                ))
            }
            other => other,
        })
    }

    fn write_batch(&mut self, batch: &CommitBatch) -> Result<(), Failure> {
        let mut tx = self.writer.transaction()?;
        if !batch.records.is_empty() {
            let sink = tx.copy_in(
                "COPY events (seq, partition_id, business_date, wall_time_us, actor, kind, trade_id, schema_version,
                              payload, hash) FROM STDIN BINARY",
            )?;
            let types = [
                Type::INT8,
                Type::INT4,
                Type::DATE,
                Type::INT8,
                Type::TEXT,
                Type::TEXT,
                Type::INT8,
                Type::INT2,
                Type::BYTEA,
                Type::BYTEA,
            ];
            let mut writer = BinaryCopyInWriter::new(sink, &types);
            for r in &batch.records {
                let trade_id = r.trade_id.map(|t| t as i64);
                writer.write(&[
                    &(r.seq as i64),
                    &(r.partition as i32),
                    &PgDate(r.business_date),
                    &r.wall_time_us,
                    &&*r.actor,
                    &&*r.kind,
                    &trade_id,
                    &i16::from(r.schema_version),
                    &r.payload,
                    &&r.hash[..],
                ])?;
            }
            writer.finish()?;
        }
        for r in &batch.reference {
            tx.execute(
                "INSERT INTO reference_data (kind, id, natural_key, description, seq) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (kind, id) DO UPDATE SET natural_key = excluded.natural_key,
                     description = excluded.description, seq = excluded.seq",
                &[&r.kind, &(r.id as i32), &r.natural_key, &r.description, &(r.seq as i64)],
            )?;
        }
        if !batch.trade_versions.is_empty() {
            let mut text = String::with_capacity(batch.trade_versions.len() * 160);
            for v in &batch.trade_versions {
                let _ = write!(
                    text,
                    "{}\t{}\t{}\t{}\t",
                    v.trade_id, v.version, v.seq, v.status
                );
                copy_text(&mut text, &v.source);
                text.push('\t');
                copy_text(&mut text, &v.external_id);
                let _ = writeln!(
                    text,
                    "\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    v.book,
                    v.account,
                    v.instrument,
                    v.counterparty,
                    v.side,
                    v.quantity,
                    v.price,
                    v.currency,
                    v.trade_date,
                    v.settlement_date,
                    v.net
                );
            }
            let mut sink = tx.copy_in("COPY trade_versions FROM STDIN")?;
            sink.write_all(text.as_bytes())
                .map_err(|e| Failure::Lost(StoreError::database_with("writing COPY data", e)))?;
            sink.finish()?;
        }
        if !batch.positions.is_empty() {
            let p = &batch.positions;
            let accounts: Vec<i32> = p.iter().map(|r| r.account as i32).collect();
            let instruments: Vec<i32> = p.iter().map(|r| r.instrument as i32).collect();
            let quantities: Vec<String> = p.iter().map(|r| r.quantity.to_string()).collect();
            let settled: Vec<String> = p.iter().map(|r| r.settled_quantity.to_string()).collect();
            let costs: Vec<String> = p.iter().map(|r| r.cost.to_string()).collect();
            let seqs: Vec<i64> = p.iter().map(|r| r.seq as i64).collect();
            tx.execute(
                "INSERT INTO positions
                 SELECT * FROM unnest($1::int4[], $2::int4[], $3::text[]::numeric[], $4::text[]::numeric[],
                                      $5::text[]::numeric[], $6::int8[])
                 ON CONFLICT (account, instrument) DO UPDATE SET quantity = excluded.quantity,
                     settled_quantity = excluded.settled_quantity, cost = excluded.cost, seq = excluded.seq",
                &[&accounts, &instruments, &quantities, &settled, &costs, &seqs],
            )?;
        }
        if !batch.cash.is_empty() {
            let c = &batch.cash;
            let accounts: Vec<i32> = c.iter().map(|r| r.account as i32).collect();
            let currencies: Vec<&str> = c.iter().map(|r| &*r.currency).collect();
            let dates: Vec<String> = c.iter().map(|r| r.value_date.to_string()).collect();
            let amounts: Vec<String> = c.iter().map(|r| r.amount.to_string()).collect();
            let seqs: Vec<i64> = c.iter().map(|r| r.seq as i64).collect();
            tx.execute(
                "INSERT INTO cash
                 SELECT * FROM unnest($1::int4[], $2::text[], $3::text[]::date[], $4::text[]::numeric[], $5::int8[])
                 ON CONFLICT (account, currency, value_date) DO UPDATE SET amount = excluded.amount,
                     seq = excluded.seq",
                &[&accounts, &currencies, &dates, &amounts, &seqs],
            )?;
        }
        for r in &batch.settlements {
            tx.execute(
                "INSERT INTO settlements VALUES ($1, $2, $3::text::numeric, $4, $5)",
                &[
                    &(r.seq as i64),
                    &(r.trade_id as i64),
                    &r.quantity.to_string(),
                    &PgDate(r.settlement_date),
                    &r.reference,
                ],
            )?;
        }
        if !batch.ledger_balances.is_empty() {
            let b = &batch.ledger_balances;
            let accounts: Vec<i32> = b.iter().map(|r| i32::from(r.account)).collect();
            let currencies: Vec<&str> = b.iter().map(|r| r.currency.as_str()).collect();
            let balances: Vec<String> = b.iter().map(|r| r.balance.to_string()).collect();
            tx.execute(
                "INSERT INTO ledger_balances
                 SELECT * FROM unnest($1::int4[], $2::text[], $3::text[]::numeric[])
                 ON CONFLICT (currency, account) DO UPDATE SET balance = excluded.balance",
                &[&accounts, &currencies, &balances],
            )?;
        }
        Ok(tx.commit()?)
    }

    /// After a lost connection: reconnect, and find out whether `batch` committed.
    fn recover(&mut self, batch: &CommitBatch, cause: StoreError) -> Result<(), StoreError> {
        let before = self.head;
        let last = batch.records.last().map(|r| ChainHead {
            seq: r.seq,
            hash: r.hash,
        });
        for _ in 0..RECONNECT_ATTEMPTS {
            std::thread::sleep(RECONNECT_PAUSE);
            let Ok(mut client) = connect(&self.url) else {
                continue;
            };
            let Ok(head) = read_head(&mut client) else {
                continue;
            };
            self.writer = client;
            if head == last {
                // The commit went through before the connection dropped.
                self.head = head;
                return Ok(());
            }
            if head == before {
                // It did not: write it again, once.
                return match self.try_append(batch) {
                    Ok(()) => {
                        self.head = last.or(before);
                        Ok(())
                    }
                    Err(Failure::Lost(again)) => Err(StoreError::database_with(
                        "the connection was lost again",
                        again,
                    )),
                    Err(Failure::Other(e)) => Err(e),
                };
            }
            return Err(StoreError::database(format!(
                "after reconnecting, the log ends at {:?}, neither before nor after this batch; refusing to guess",
                head.map(|h| h.seq)
            )));
        }
        Err(StoreError::database_with(
            "the connection was lost and could not be re-established",
            cause,
        ))
    }
}

/// Why a batch was not written.
enum Failure {
    /// The connection was lost: the commit may or may not have happened.
    Lost(StoreError),
    /// Anything else: nothing was written.
    Other(StoreError),
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Failure {
        if is_connection_lost(&e) {
            Failure::Lost(db(e))
        } else {
            Failure::Other(db(e))
        }
    }
}

fn connect(url: &str) -> Result<Client, StoreError> {
    Client::connect(url, NoTls)
        .map_err(|e| StoreError::database_with(format!("cannot connect to {}", redact(url)), e))
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let current: Option<i32> = client
        .query_one("SELECT max(version) FROM schema_version", &[])
        .map_err(db)?
        .get(0);
    let current = i64::from(current.unwrap_or(0));
    for (version, sql) in kulissi_store::pending_migrations(MIGRATIONS, current)? {
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(sql).map_err(db)?;
        tx.execute(
            "INSERT INTO schema_version VALUES ($1)",
            &[&(version as i32)],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
    }
    Ok(())
}

fn read_head(client: &mut Client) -> Result<Option<ChainHead>, StoreError> {
    let row = client
        .query_opt(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .map_err(db)?;
    row.map(|r| {
        let seq = r.get::<_, i64>(0) as u64;
        let hash: Vec<u8> = r.get(1);
        let hash: [u8; 32] = hash.try_into().map_err(|_| StoreError::Corrupt {
            seq,
            what: "hash is not 32 bytes".into(),
        })?;
        Ok(ChainHead { seq, hash })
    })
    .transpose()
}

/// Connection exceptions (class 08), operator intervention such as a shutdown (57P), and
/// errors that are not the server's at all (the socket closed).
fn is_connection_lost(e: &postgres::Error) -> bool {
    e.is_closed()
        || e.as_db_error().is_none() && e.code().is_none()
        || e.code()
            .is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57P"))
}

impl EventStore for PostgresStore {
    fn head(&self) -> Result<Option<ChainHead>, StoreError> {
        Ok(self.head)
    }

    fn append(&mut self, batch: &CommitBatch) -> Result<(), StoreError> {
        batch.check_continues(self.head)?;
        match self.try_append(batch) {
            Ok(()) => {
                if let Some(last) = batch.records.last() {
                    self.head = Some(ChainHead {
                        seq: last.seq,
                        hash: last.hash,
                    });
                }
                Ok(())
            }
            Err(Failure::Lost(cause)) => self.recover(batch, cause),
            Err(Failure::Other(e)) => Err(e),
        }
    }

    fn read_log(
        &self,
        from_seq: u64,
        until_seq: Option<u64>,
        visit: &mut dyn FnMut(LogRecord) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        self.read(|client| {
            let until = until_seq.map_or(i64::MAX, |u| i64::try_from(u).unwrap_or(i64::MAX));
            let params: [&(dyn ToSql + Sync); 2] = [&(from_seq as i64), &until];
            let mut rows = client
                .query_raw(
                    "SELECT seq, partition_id, business_date, wall_time_us, actor, kind, trade_id, schema_version,
                            payload, hash
                     FROM events WHERE seq >= $1 AND seq <= $2 ORDER BY seq",
                    params,
                )
                .map_err(db)?;
            while let Some(row) = rows.next().map_err(db)? {
                let seq = row.get::<_, i64>(0) as u64;
                let hash: Vec<u8> = row.get(9);
                let record = LogRecord {
                    seq,
                    partition: row.get::<_, i32>(1) as u32,
                    business_date: row.get::<_, PgDate>(2).0,
                    wall_time_us: row.get(3),
                    actor: row.get::<_, String>(4).into(),
                    kind: row.get::<_, String>(5).into(),
                    trade_id: row.get::<_, Option<i64>>(6).map(|t| t as u64),
                    schema_version: u8::try_from(row.get::<_, i16>(7))
                        .map_err(|_| StoreError::Corrupt { seq, what: "schema version out of range".into() })?,
                    payload: row.get(8),
                    hash: hash.try_into().map_err(|_| StoreError::Corrupt { seq, what: "hash is not 32 bytes".into() })?,
                };
                if !visit(record)? {
                    break;
                }
            }
            Ok(())
        })
    }

    fn read_models(&self) -> Result<ReadModels, StoreError> {
        self.read(|client| {
            let mut models = ReadModels::default();
            for r in client
                .query("SELECT kind, id, natural_key, description, seq FROM reference_data ORDER BY kind, id", &[])
                .map_err(db)?
            {
                models.reference.push(ReferenceRow {
                    kind: kulissi_store::names::reference_kind(&r.get::<_, String>(0))?,
                    id: r.get::<_, i32>(1) as u32,
                    natural_key: r.get(2),
                    description: r.get(3),
                    seq: r.get::<_, i64>(4) as u64,
                });
            }
            models.trade_versions = versions_where(client, "TRUE ORDER BY trade_id, version", &[])?;
            for r in client
                .query(
                    "SELECT account, instrument, quantity::text, settled_quantity::text, cost::text, seq
                     FROM positions ORDER BY account, instrument",
                    &[],
                )
                .map_err(db)?
            {
                models.positions.push(PositionRow {
                    account: r.get::<_, i32>(0) as u32,
                    instrument: r.get::<_, i32>(1) as u32,
                    quantity: decimal(&r, 2)?,
                    settled_quantity: decimal(&r, 3)?,
                    cost: decimal(&r, 4)?,
                    seq: r.get::<_, i64>(5) as u64,
                });
            }
            for r in client
                .query(
                    "SELECT account, currency, value_date, amount::text, seq FROM cash
                     ORDER BY account, currency COLLATE \"C\", value_date",
                    &[],
                )
                .map_err(db)?
            {
                models.cash.push(CashRow {
                    account: r.get::<_, i32>(0) as u32,
                    currency: r.get::<_, String>(1),
                    value_date: r.get::<_, PgDate>(2).0,
                    amount: decimal(&r, 3)?,
                    seq: r.get::<_, i64>(4) as u64,
                });
            }
            for r in client
                .query(
                    "SELECT seq, trade_id, quantity::text, settlement_date, reference FROM settlements ORDER BY seq",
                    &[],
                )
                .map_err(db)?
            {
                models.settlements.push(kulissi_store::SettlementRow {
                    seq: r.get::<_, i64>(0) as u64,
                    trade_id: r.get::<_, i64>(1) as u64,
                    quantity: decimal(&r, 2)?,
                    settlement_date: r.get::<_, PgDate>(3).0,
                    reference: r.get(4),
                });
            }
            models.ledger_balances = ledger_balances(client)?;
            Ok(models)
        })
    }

    fn ledger_balances(&self) -> Result<Vec<kulissi_store::LedgerBalanceRow>, StoreError> {
        self.read(ledger_balances)
    }

    fn trade_id_by_external(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<u64>, StoreError> {
        self.read(|client| {
            Ok(client
                .query_opt(
                    "SELECT trade_id FROM trade_versions WHERE source = $1 AND external_id = $2 AND version = 1",
                    &[&source, &external_id],
                )
                .map_err(db)?
                .map(|r| r.get::<_, i64>(0) as u64))
        })
    }

    fn trade_versions(&self, trade_id: u64) -> Result<Vec<TradeVersionRow>, StoreError> {
        self.read(|client| {
            versions_where(
                client,
                "trade_id = $1 ORDER BY version",
                &[&(trade_id as i64)],
            )
        })
    }

    fn current_trades(
        &self,
        after_trade_id: u64,
        limit: usize,
    ) -> Result<Vec<TradeVersionRow>, StoreError> {
        self.read(|client| {
            versions_where(
                client,
                "trade_id > $1 AND version = (SELECT max(version) FROM trade_versions v WHERE v.trade_id = t.trade_id)
                 ORDER BY trade_id LIMIT $2",
                &[&(after_trade_id as i64), &i64::try_from(limit).unwrap_or(i64::MAX)],
            )
        })
    }

    fn save_snapshot(&mut self, snapshot: &Snapshot, keep: usize) -> Result<(), StoreError> {
        let mut tx = self.writer.transaction().map_err(db)?;
        let seq = snapshot.seq as i64;
        tx.execute("DELETE FROM snapshot_pieces WHERE seq = $1", &[&seq])
            .map_err(db)?;
        tx.execute("DELETE FROM snapshots WHERE seq = $1", &[&seq])
            .map_err(db)?;
        let pieces: Vec<&[u8]> = snapshot.payload.chunks(SNAPSHOT_CHUNK).collect();
        tx.execute(
            "INSERT INTO snapshots (seq, chain_hash, format, digest, size, pieces)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &seq,
                &&snapshot.hash[..],
                &(snapshot.format as i32),
                &&snapshot.digest()[..],
                &(snapshot.payload.len() as i64),
                &(pieces.len() as i32),
            ],
        )
        .map_err(db)?;
        for (i, piece) in pieces.iter().enumerate() {
            tx.execute(
                "INSERT INTO snapshot_pieces (seq, piece, bytes) VALUES ($1, $2, $3)",
                &[&seq, &(i as i32), piece],
            )
            .map_err(db)?;
        }
        let keep = keep.max(1) as i64;
        tx.execute(
            "DELETE FROM snapshot_pieces WHERE seq NOT IN
               (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT $1)",
            &[&keep],
        )
        .map_err(db)?;
        tx.execute(
            "DELETE FROM snapshots WHERE seq NOT IN
               (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT $1)",
            &[&keep],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn snapshot_seqs(&self) -> Result<Vec<u64>, StoreError> {
        self.read(|client| {
            Ok(client
                .query("SELECT seq FROM snapshots ORDER BY seq DESC", &[])
                .map_err(db)?
                .iter()
                .map(|r| r.get::<_, i64>(0) as u64)
                .collect())
        })
    }

    fn load_snapshot(&self, seq: u64) -> Result<Option<Snapshot>, StoreError> {
        self.read(|client| {
            let Some(row) = client
                .query_opt(
                    "SELECT chain_hash, format, digest, size, pieces FROM snapshots WHERE seq = $1",
                    &[&(seq as i64)],
                )
                .map_err(db)?
            else {
                return Ok(None);
            };
            let hash: Vec<u8> = row.get(0);
            let format = row.get::<_, i32>(1) as u32;
            let digest: Vec<u8> = row.get(2);
            let size: i64 = row.get(3);
            let pieces: i32 = row.get(4);
            let mut payload = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            let mut expected = 0i32;
            for r in client
                .query(
                    "SELECT piece, bytes FROM snapshot_pieces WHERE seq = $1 ORDER BY piece",
                    &[&(seq as i64)],
                )
                .map_err(db)?
            {
                if r.get::<_, i32>(0) != expected {
                    return Err(StoreError::Corrupt {
                        seq,
                        what: format!("snapshot piece {expected} is missing"),
                    });
                }
                payload.extend_from_slice(r.get::<_, &[u8]>(1));
                expected += 1;
            }
            if expected != pieces {
                return Err(StoreError::Corrupt {
                    seq,
                    what: format!("snapshot has {expected} of its {pieces} pieces"),
                });
            }
            kulissi_store::snapshot::checked(seq, &hash, format, &digest, payload).map(Some)
        })
    }

    fn delete_snapshot(&mut self, seq: u64) -> Result<(), StoreError> {
        let mut tx = self.writer.transaction().map_err(db)?;
        tx.execute(
            "DELETE FROM snapshot_pieces WHERE seq = $1",
            &[&(seq as i64)],
        )
        .map_err(db)?;
        tx.execute("DELETE FROM snapshots WHERE seq = $1", &[&(seq as i64)])
            .map_err(db)?;
        tx.commit().map_err(db)
    }
}

fn versions_where(
    client: &mut Client,
    condition: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<Vec<TradeVersionRow>, StoreError> {
    let sql = format!(
        "SELECT trade_id, version, seq, status, source, external_id, book, account, instrument, counterparty,
                side, quantity::text, price::text, currency, trade_date, settlement_date, net::text
         FROM trade_versions t WHERE {condition}"
    );
    let mut out = Vec::new();
    for r in client.query(&sql, args).map_err(db)? {
        let status: String = r.get(3);
        let side: String = r.get(10);
        out.push(TradeVersionRow {
            trade_id: r.get::<_, i64>(0) as u64,
            version: r.get::<_, i32>(1) as u32,
            seq: r.get::<_, i64>(2) as u64,
            status: kulissi_store::names::trade_status(&status)?,
            source: r.get::<_, String>(4).into(),
            external_id: r.get::<_, String>(5).into(),
            book: r.get::<_, i32>(6) as u32,
            account: r.get::<_, i32>(7) as u32,
            instrument: r.get::<_, i32>(8) as u32,
            counterparty: r.get::<_, i32>(9) as u32,
            side: kulissi_store::names::side(&side)?,
            quantity: decimal(&r, 11)?,
            price: decimal(&r, 12)?,
            currency: r.get::<_, String>(13).into(),
            trade_date: r.get::<_, PgDate>(14).0,
            settlement_date: r.get::<_, PgDate>(15).0,
            net: decimal(&r, 16)?,
        });
    }
    Ok(out)
}

fn decimal(row: &Row, i: usize) -> Result<Decimal, StoreError> {
    let text: String = row.get(i);
    Decimal::from_str_exact(&text).map_err(|e| {
        StoreError::database_with(format!("column {i} holds '{text}', not a decimal"), e)
    })
}

/// Every general-ledger balance, by currency then account.
fn ledger_balances(
    client: &mut postgres::Client,
) -> Result<Vec<kulissi_store::LedgerBalanceRow>, StoreError> {
    let mut balances = Vec::new();
    for r in client
        .query(
            "SELECT account, currency, balance::text FROM ledger_balances
             ORDER BY currency COLLATE \"C\", account",
            &[],
        )
        .map_err(db)?
    {
        balances.push(kulissi_store::LedgerBalanceRow {
            account: u16::try_from(r.get::<_, i32>(0))
                .map_err(|e| StoreError::database_with("ledger account code out of range", e))?,
            currency: r.get(1),
            balance: decimal(&r, 2)?,
        });
    }
    Ok(balances)
}
