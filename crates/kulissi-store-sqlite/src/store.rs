//! [`SqliteStore`]: the [`EventStore`] on one SQLite file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use kulissi_store::snapshot::SNAPSHOT_CHUNK;
use kulissi_store::{
    CashRow, ChainHead, CommitBatch, EventStore, LogRecord, PositionRow, ReadModels, ReferenceRow,
    Snapshot, StoreError, TradeVersionRow,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use rust_decimal::Decimal;

use crate::migrations::MIGRATIONS;

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::database(e)
}

/// The event log and read models in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// The head as of the last commit (the writer is the only one appending).
    head: Option<ChainHead>,
}

impl SqliteStore {
    /// Creates the file if needed and brings its schema up to date (`kulissi init`).
    pub fn create(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path).map_err(db)?;
        Self::configure(&conn)?;
        conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            .map_err(db)?;
        Self::migrate(&conn)?;
        Self::finish_open(conn, path)
    }

    /// Opens an initialised store; refuses a missing file, an uninitialised one, or a schema
    /// newer than this program knows.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let not_initialised = || StoreError::NotInitialised {
            location: path.display().to_string(),
        };
        if !path.exists() {
            return Err(not_initialised());
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(db)?;
        Self::configure(&conn)?;
        let has_schema: bool = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(db)?
            > 0;
        if !has_schema {
            return Err(not_initialised());
        }
        Self::migrate(&conn)?;
        Self::finish_open(conn, path)
    }

    fn finish_open(conn: Connection, path: &Path) -> Result<SqliteStore, StoreError> {
        let mut store = SqliteStore {
            conn,
            path: path.to_owned(),
            head: None,
        };
        store.head = store.read_head()?;
        Ok(store)
    }

    fn configure(conn: &Connection) -> Result<(), StoreError> {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = -65536;
             PRAGMA temp_store = MEMORY;
             PRAGMA wal_autocheckpoint = 16384;",
        )
        .map_err(db)
    }

    fn migrate(conn: &Connection) -> Result<(), StoreError> {
        let current: i64 = conn
            .query_row("SELECT max(version) FROM schema_version", [], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .map_err(db)?
            .unwrap_or(0);
        for (version, sql) in kulissi_store::pending_migrations(MIGRATIONS, current)? {
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; {sql} INSERT INTO schema_version VALUES ({version}); COMMIT;"
            ))
            .map_err(db)?;
        }
        Ok(())
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
            .map_err(db)
    }

    fn read_head(&self) -> Result<Option<ChainHead>, StoreError> {
        self.conn
            .query_row(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()
            .map_err(db)?
            .map(|(seq, hash)| {
                let hash: [u8; 32] = hash.try_into().map_err(|_| StoreError::Corrupt {
                    seq: seq as u64,
                    what: "hash is not 32 bytes".into(),
                })?;
                Ok(ChainHead {
                    seq: seq as u64,
                    hash,
                })
            })
            .transpose()
    }

    /// Opens a second, read-only connection to the same file (for queries while a writer runs).
    pub fn open_reader(&self) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(db)?;
        conn.execute_batch("PRAGMA busy_timeout = 5000;")
            .map_err(db)?;
        Ok(SqliteStore {
            conn,
            path: self.path.clone(),
            head: self.head,
        })
    }

    /// Runs raw SQL (tests only: the tamper test changes a byte behind the store's back).
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Formats decimals into a reusable buffer, to bind as text without an allocation each.
struct Text(String);

impl Text {
    fn of(&mut self, d: &Decimal) -> &str {
        self.0.clear();
        let _ = write!(self.0, "{d}");
        &self.0
    }

    fn date(&mut self, d: Date) -> &str {
        self.0.clear();
        let _ = write!(self.0, "{d}");
        &self.0
    }
}

impl EventStore for SqliteStore {
    fn head(&self) -> Result<Option<ChainHead>, StoreError> {
        Ok(self.head)
    }

    fn append(&mut self, batch: &CommitBatch) -> Result<(), StoreError> {
        batch.check_continues(self.head)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        {
            let mut events = tx
                .prepare_cached(
                    "INSERT INTO events (seq, partition_id, business_date, wall_time_us, actor, kind, trade_id,
                                         schema_version, payload, hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(db)?;
            let mut date_text = String::with_capacity(10);
            for r in &batch.records {
                date_text.clear();
                let _ = write!(date_text, "{}", r.business_date);
                events
                    .execute(params![
                        r.seq as i64,
                        r.partition,
                        date_text,
                        r.wall_time_us,
                        r.actor,
                        r.kind,
                        r.trade_id.map(|t| t as i64),
                        r.schema_version,
                        r.payload,
                        &r.hash[..],
                    ])
                    .map_err(db)?;
            }
            let mut reference = tx
                .prepare_cached(
                    "INSERT INTO reference_data (kind, id, natural_key, description, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (kind, id) DO UPDATE SET natural_key = excluded.natural_key,
                         description = excluded.description, seq = excluded.seq",
                )
                .map_err(db)?;
            for r in &batch.reference {
                reference
                    .execute(params![
                        r.kind,
                        r.id,
                        r.natural_key,
                        r.description,
                        r.seq as i64
                    ])
                    .map_err(db)?;
            }
            let mut versions = tx
                .prepare_cached(
                    "INSERT INTO trade_versions VALUES
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                )
                .map_err(db)?;
            let mut t = [(); 5].map(|_| Text(String::with_capacity(32)));
            for v in &batch.trade_versions {
                let [t0, t1, t2, t3, t4] = &mut t;
                versions
                    .execute(params![
                        v.trade_id as i64,
                        v.version,
                        v.seq as i64,
                        v.status,
                        v.source,
                        v.external_id,
                        v.book,
                        v.account,
                        v.instrument,
                        v.counterparty,
                        v.side,
                        t0.of(&v.quantity),
                        t1.of(&v.price),
                        v.currency,
                        t3.date(v.trade_date),
                        t4.date(v.settlement_date),
                        t2.of(&v.net),
                    ])
                    .map_err(db)?;
            }
            let mut positions = tx
                .prepare_cached(
                    "INSERT INTO positions VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (account, instrument) DO UPDATE SET quantity = excluded.quantity,
                         settled_quantity = excluded.settled_quantity, cost = excluded.cost, seq = excluded.seq",
                )
                .map_err(db)?;
            for p in &batch.positions {
                let [t0, t1, t2, ..] = &mut t;
                positions
                    .execute(params![
                        p.account,
                        p.instrument,
                        t0.of(&p.quantity),
                        t1.of(&p.settled_quantity),
                        t2.of(&p.cost),
                        p.seq as i64
                    ])
                    .map_err(db)?;
            }
            let mut cash = tx
                .prepare_cached(
                    "INSERT INTO cash VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (account, currency, value_date) DO UPDATE SET amount = excluded.amount,
                         seq = excluded.seq",
                )
                .map_err(db)?;
            for c in &batch.cash {
                let [t0, ..] = &mut t;
                cash.execute(params![
                    c.account,
                    c.currency,
                    c.value_date.to_string(),
                    t0.of(&c.amount),
                    c.seq as i64
                ])
                .map_err(db)?;
            }
            let mut balances = tx
                .prepare_cached(
                    "INSERT INTO ledger_balances VALUES (?1, ?2, ?3)
                     ON CONFLICT (currency, account) DO UPDATE SET balance = excluded.balance",
                )
                .map_err(db)?;
            for b in &batch.ledger_balances {
                balances
                    .execute(params![b.account, b.currency, b.balance.to_string()])
                    .map_err(db)?;
            }
            let mut settlements = tx
                .prepare_cached("INSERT INTO settlements VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(db)?;
            for r in &batch.settlements {
                settlements
                    .execute(params![
                        r.seq as i64,
                        r.trade_id as i64,
                        r.quantity.to_string(),
                        r.settlement_date.to_string(),
                        r.reference
                    ])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        if let Some(last) = batch.records.last() {
            self.head = Some(ChainHead {
                seq: last.seq,
                hash: last.hash,
            });
        }
        Ok(())
    }

    fn read_log(
        &self,
        from_seq: u64,
        until_seq: Option<u64>,
        visit: &mut dyn FnMut(LogRecord) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, partition_id, business_date, wall_time_us, actor, kind, trade_id, schema_version,
                        payload, hash
                 FROM events WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq",
            )
            .map_err(db)?;
        let until = until_seq.map_or(i64::MAX, |u| i64::try_from(u).unwrap_or(i64::MAX));
        let mut rows = stmt.query(params![from_seq as i64, until]).map_err(db)?;
        while let Some(row) = rows.next().map_err(db)? {
            let seq = row.get::<_, i64>(0).map_err(db)? as u64;
            let corrupt = |what: &str| StoreError::Corrupt {
                seq,
                what: what.to_owned(),
            };
            let date_text: String = row.get(2).map_err(db)?;
            let hash: Vec<u8> = row.get(9).map_err(db)?;
            let record = LogRecord {
                seq,
                partition: row.get(1).map_err(db)?,
                business_date: date_text.parse().map_err(|_| corrupt("business date"))?,
                wall_time_us: row.get(3).map_err(db)?,
                actor: row.get(4).map_err(db)?,
                kind: row.get(5).map_err(db)?,
                trade_id: row.get::<_, Option<i64>>(6).map_err(db)?.map(|t| t as u64),
                schema_version: row.get(7).map_err(db)?,
                // Tampering may change a column's type; read the bytes whatever it is, and
                // let the hash chain say that the record is wrong.
                payload: match row.get_ref(8).map_err(db)? {
                    rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                        b.to_vec()
                    }
                    _ => return Err(corrupt("payload is neither a blob nor text")),
                },
                hash: hash
                    .try_into()
                    .map_err(|_| corrupt("hash is not 32 bytes"))?,
            };
            if !visit(record)? {
                break;
            }
        }
        Ok(())
    }

    fn read_models(&self) -> Result<ReadModels, StoreError> {
        let mut models = ReadModels::default();
        let mut stmt = self
            .conn
            .prepare("SELECT kind, id, natural_key, description, seq FROM reference_data ORDER BY kind, id")
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let kind: String = r.get(0).map_err(db)?;
            models.reference.push(ReferenceRow {
                kind: kulissi_store::names::reference_kind(&kind)?,
                id: r.get(1).map_err(db)?,
                natural_key: r.get(2).map_err(db)?,
                description: r.get(3).map_err(db)?,
                seq: r.get::<_, i64>(4).map_err(db)? as u64,
            });
        }
        models.trade_versions =
            self.versions_where("1 = 1 ORDER BY trade_id, version", params![])?;
        let mut stmt = self
            .conn
            .prepare("SELECT account, instrument, quantity, settled_quantity, cost, seq FROM positions ORDER BY account, instrument")
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            models.positions.push(PositionRow {
                account: r.get(0).map_err(db)?,
                instrument: r.get(1).map_err(db)?,
                quantity: decimal(r, 2)?,
                settled_quantity: decimal(r, 3)?,
                cost: decimal(r, 4)?,
                seq: r.get::<_, i64>(5).map_err(db)? as u64,
            });
        }
        let mut stmt = self
            .conn
            .prepare("SELECT account, currency, value_date, amount, seq FROM cash ORDER BY account, currency, value_date")
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            models.cash.push(CashRow {
                account: r.get(0).map_err(db)?,
                currency: r.get(1).map_err(db)?,
                value_date: date(r, 2)?,
                amount: decimal(r, 3)?,
                seq: r.get::<_, i64>(4).map_err(db)? as u64,
            });
        }
        let mut stmt = self
            .conn
            .prepare("SELECT seq, trade_id, quantity, settlement_date, reference FROM settlements ORDER BY seq")
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            models.settlements.push(kulissi_store::SettlementRow {
                seq: r.get::<_, i64>(0).map_err(db)? as u64,
                trade_id: r.get::<_, i64>(1).map_err(db)? as u64,
                quantity: decimal(r, 2)?,
                settlement_date: date(r, 3)?,
                reference: r.get(4).map_err(db)?,
            });
        }
        models.ledger_balances = self.ledger_balances()?;
        Ok(models)
    }

    fn ledger_balances(&self) -> Result<Vec<kulissi_store::LedgerBalanceRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT account, currency, balance FROM ledger_balances ORDER BY currency, account",
            )
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        let mut balances = Vec::new();
        while let Some(r) = rows.next().map_err(db)? {
            balances.push(kulissi_store::LedgerBalanceRow {
                account: r.get(0).map_err(db)?,
                currency: r.get(1).map_err(db)?,
                balance: decimal(r, 2)?,
            });
        }
        Ok(balances)
    }

    fn trade_id_by_external(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<u64>, StoreError> {
        self.conn
            .query_row(
                "SELECT trade_id FROM trade_versions WHERE source = ?1 AND external_id = ?2 AND version = 1",
                [source, external_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(|id| id.map(|i| i as u64))
            .map_err(db)
    }

    fn trade_versions(&self, trade_id: u64) -> Result<Vec<TradeVersionRow>, StoreError> {
        self.versions_where("trade_id = ?1 ORDER BY version", params![trade_id as i64])
    }

    fn current_trades(
        &self,
        after_trade_id: u64,
        limit: usize,
    ) -> Result<Vec<TradeVersionRow>, StoreError> {
        self.versions_where(
            "trade_id > ?1 AND version = (SELECT max(version) FROM trade_versions v WHERE v.trade_id = t.trade_id)
             ORDER BY trade_id LIMIT ?2",
            params![after_trade_id as i64, i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }

    fn save_snapshot(&mut self, snapshot: &Snapshot, keep: usize) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let seq = snapshot.seq as i64;
        tx.execute("DELETE FROM snapshot_pieces WHERE seq = ?1", [seq])
            .map_err(db)?;
        let pieces: Vec<&[u8]> = snapshot.payload.chunks(SNAPSHOT_CHUNK).collect();
        tx.execute(
            "INSERT OR REPLACE INTO snapshots (seq, chain_hash, format, digest, size, pieces)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                seq,
                &snapshot.hash[..],
                snapshot.format,
                &snapshot.digest()[..],
                snapshot.payload.len() as i64,
                pieces.len() as i64
            ],
        )
        .map_err(db)?;
        for (i, piece) in pieces.iter().enumerate() {
            tx.execute(
                "INSERT INTO snapshot_pieces (seq, piece, bytes) VALUES (?1, ?2, ?3)",
                params![seq, i as i64, piece],
            )
            .map_err(db)?;
        }
        let keep = keep.max(1) as i64;
        tx.execute(
            "DELETE FROM snapshot_pieces WHERE seq NOT IN
               (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?1)",
            [keep],
        )
        .map_err(db)?;
        tx.execute(
            "DELETE FROM snapshots WHERE seq NOT IN
               (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?1)",
            [keep],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn snapshot_seqs(&self) -> Result<Vec<u64>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT seq FROM snapshots ORDER BY seq DESC")
            .map_err(db)?;
        let rows = statement
            .query_map([], |r| r.get::<_, i64>(0))
            .map_err(db)?;
        rows.map(|r| r.map(|s| s as u64).map_err(db)).collect()
    }

    fn load_snapshot(&self, seq: u64) -> Result<Option<Snapshot>, StoreError> {
        let corrupt = |what: String| StoreError::Corrupt { seq, what };
        let Some((hash, format, digest, size, pieces)) = self
            .conn
            .query_row(
                "SELECT chain_hash, format, digest, size, pieces FROM snapshots WHERE seq = ?1",
                [seq as i64],
                |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, u32>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(db)?
        else {
            return Ok(None);
        };
        let mut payload = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let mut statement = self
            .conn
            .prepare("SELECT piece, bytes FROM snapshot_pieces WHERE seq = ?1 ORDER BY piece")
            .map_err(db)?;
        let mut rows = statement.query([seq as i64]).map_err(db)?;
        let mut expected = 0i64;
        while let Some(row) = rows.next().map_err(db)? {
            if row.get::<_, i64>(0).map_err(db)? != expected {
                return Err(corrupt(format!("snapshot piece {expected} is missing")));
            }
            let bytes = row
                .get_ref(1)
                .map_err(db)?
                .as_blob()
                .map_err(|e| db(e.into()))?;
            payload.extend_from_slice(bytes);
            expected += 1;
        }
        if expected != pieces {
            return Err(corrupt(format!(
                "snapshot has {expected} of its {pieces} pieces"
            )));
        }
        kulissi_store::snapshot::checked(seq, &hash, format, &digest, payload).map(Some)
    }

    fn delete_snapshot(&mut self, seq: u64) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(db)?;
        tx.execute("DELETE FROM snapshot_pieces WHERE seq = ?1", [seq as i64])
            .map_err(db)?;
        tx.execute("DELETE FROM snapshots WHERE seq = ?1", [seq as i64])
            .map_err(db)?;
        tx.commit().map_err(db)
    }
}

impl SqliteStore {
    fn versions_where(
        &self,
        condition: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<TradeVersionRow>, StoreError> {
        let sql = format!(
            "SELECT trade_id, version, seq, status, source, external_id, book, account, instrument, counterparty,
                    side, quantity, price, currency, trade_date, settlement_date, net
             FROM trade_versions t WHERE {condition}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(db)?;
        let mut rows = stmt.query(args).map_err(db)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(db)? {
            let status: String = r.get(3).map_err(db)?;
            let side: String = r.get(10).map_err(db)?;
            out.push(TradeVersionRow {
                trade_id: r.get::<_, i64>(0).map_err(db)? as u64,
                version: r.get(1).map_err(db)?,
                seq: r.get::<_, i64>(2).map_err(db)? as u64,
                status: kulissi_store::names::trade_status(&status)?,
                source: r.get(4).map_err(db)?,
                external_id: r.get(5).map_err(db)?,
                book: r.get(6).map_err(db)?,
                account: r.get(7).map_err(db)?,
                instrument: r.get(8).map_err(db)?,
                counterparty: r.get(9).map_err(db)?,
                side: kulissi_store::names::side(&side)?,
                quantity: decimal(r, 11)?,
                price: decimal(r, 12)?,
                currency: r.get(13).map_err(db)?,
                trade_date: date(r, 14)?,
                settlement_date: date(r, 15)?,
                net: decimal(r, 16)?,
            });
        }
        Ok(out)
    }
}

fn decimal(row: &rusqlite::Row<'_>, i: usize) -> Result<Decimal, StoreError> {
    let text: String = row.get(i).map_err(db)?;
    Decimal::from_str_exact(&text).map_err(|e| {
        StoreError::database_with(format!("column {i} holds '{text}', not a decimal"), e)
    })
}

fn date(row: &rusqlite::Row<'_>, i: usize) -> Result<Date, StoreError> {
    let text: String = row.get(i).map_err(db)?;
    text.parse()
        .map_err(|e| StoreError::database_with(format!("column {i} holds '{text}', not a date"), e))
}
