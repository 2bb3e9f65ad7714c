//! Versioned schema migrations. Each entry upgrades the schema by one version; `open` applies
//! the missing ones in one transaction and refuses a database newer than it knows.

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the event log and the first read models.
    "
    CREATE TABLE events (
        seq            INTEGER PRIMARY KEY,
        partition_id   INTEGER NOT NULL,
        business_date  TEXT    NOT NULL,
        wall_time_us   INTEGER NOT NULL,
        actor          TEXT    NOT NULL,
        kind           TEXT    NOT NULL,
        trade_id       INTEGER,
        schema_version INTEGER NOT NULL,
        payload        BLOB    NOT NULL,
        hash           BLOB    NOT NULL
    );
    CREATE TABLE reference_data (
        kind        TEXT    NOT NULL,
        id          INTEGER NOT NULL,
        natural_key TEXT    NOT NULL,
        description TEXT    NOT NULL,
        seq         INTEGER NOT NULL,
        PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    CREATE TABLE trade_versions (
        trade_id        INTEGER NOT NULL,
        version         INTEGER NOT NULL,
        seq             INTEGER NOT NULL,
        status          TEXT    NOT NULL,
        source          TEXT    NOT NULL,
        external_id     TEXT    NOT NULL,
        book            INTEGER NOT NULL,
        account         INTEGER NOT NULL,
        instrument      INTEGER NOT NULL,
        counterparty    INTEGER NOT NULL,
        side            TEXT    NOT NULL,
        quantity        TEXT    NOT NULL,
        price           TEXT    NOT NULL,
        currency        TEXT    NOT NULL,
        trade_date      TEXT    NOT NULL,
        settlement_date TEXT    NOT NULL,
        net             TEXT    NOT NULL,
        PRIMARY KEY (trade_id, version)
    ) WITHOUT ROWID;
    CREATE TABLE positions (
        account          INTEGER NOT NULL,
        instrument       INTEGER NOT NULL,
        quantity         TEXT    NOT NULL,
        settled_quantity TEXT    NOT NULL,
        cost             TEXT    NOT NULL,
        seq              INTEGER NOT NULL,
        PRIMARY KEY (account, instrument)
    ) WITHOUT ROWID;
    CREATE TABLE cash (
        account    INTEGER NOT NULL,
        currency   TEXT    NOT NULL,
        value_date TEXT    NOT NULL,
        amount     TEXT    NOT NULL,
        seq        INTEGER NOT NULL,
        PRIMARY KEY (account, currency, value_date)
    ) WITHOUT ROWID;
    ",
    // 2: settlement confirmations.
    "
    CREATE TABLE settlements (
        seq             INTEGER PRIMARY KEY,
        trade_id        INTEGER NOT NULL,
        quantity        TEXT    NOT NULL,
        settlement_date TEXT    NOT NULL,
        reference       TEXT    NOT NULL
    );
    ",
    // 3: general-ledger balances.
    "
    CREATE TABLE ledger_balances (
        account  INTEGER NOT NULL,
        currency TEXT    NOT NULL,
        balance  TEXT    NOT NULL,
        PRIMARY KEY (currency, account)
    ) WITHOUT ROWID;
    ",
    // 4: snapshots of the engine state, in pieces (a value is capped at 1 GB).
    "
    CREATE TABLE snapshots (
        seq        INTEGER PRIMARY KEY,
        chain_hash BLOB    NOT NULL,
        format     INTEGER NOT NULL,
        digest     BLOB    NOT NULL,
        size       INTEGER NOT NULL,
        pieces     INTEGER NOT NULL
    );
    CREATE TABLE snapshot_pieces (
        seq   INTEGER NOT NULL,
        piece INTEGER NOT NULL,
        bytes BLOB    NOT NULL,
        PRIMARY KEY (seq, piece)
    );
    ",
];
