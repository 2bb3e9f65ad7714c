//! Versioned schema migrations for PostgreSQL. Migration `i` brings the schema from version
//! `i` to `i + 1`; `open` applies the missing ones in one transaction and refuses a database
//! newer than it knows.

pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the event log and the first read models (as on SQLite, with native types: money is
    // NUMERIC, which PostgreSQL keeps exact).
    "
    CREATE TABLE events (
        seq            BIGINT   PRIMARY KEY,
        partition_id   INTEGER  NOT NULL,
        business_date  DATE     NOT NULL,
        wall_time_us   BIGINT   NOT NULL,
        actor          TEXT     NOT NULL,
        kind           TEXT     NOT NULL,
        trade_id       BIGINT,
        schema_version SMALLINT NOT NULL,
        payload        BYTEA    NOT NULL,
        hash           BYTEA    NOT NULL
    );
    CREATE TABLE reference_data (
        kind        TEXT    NOT NULL,
        id          INTEGER NOT NULL,
        natural_key TEXT    NOT NULL,
        description TEXT    NOT NULL,
        seq         BIGINT  NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE trade_versions (
        trade_id        BIGINT  NOT NULL,
        version         INTEGER NOT NULL,
        seq             BIGINT  NOT NULL,
        status          TEXT    NOT NULL,
        source          TEXT    NOT NULL,
        external_id     TEXT    NOT NULL,
        book            INTEGER NOT NULL,
        account         INTEGER NOT NULL,
        instrument      INTEGER NOT NULL,
        counterparty    INTEGER NOT NULL,
        side            TEXT    NOT NULL,
        quantity        NUMERIC NOT NULL,
        price           NUMERIC NOT NULL,
        currency        TEXT    NOT NULL,
        trade_date      DATE    NOT NULL,
        settlement_date DATE    NOT NULL,
        net             NUMERIC NOT NULL,
        PRIMARY KEY (trade_id, version)
    );
    CREATE TABLE positions (
        account          INTEGER NOT NULL,
        instrument       INTEGER NOT NULL,
        quantity         NUMERIC NOT NULL,
        settled_quantity NUMERIC NOT NULL,
        cost             NUMERIC NOT NULL,
        seq              BIGINT  NOT NULL,
        PRIMARY KEY (account, instrument)
    );
    CREATE TABLE cash (
        account    INTEGER NOT NULL,
        currency   TEXT    NOT NULL,
        value_date DATE    NOT NULL,
        amount     NUMERIC NOT NULL,
        seq        BIGINT  NOT NULL,
        PRIMARY KEY (account, currency, value_date)
    );
    ",
    // 2: settlement confirmations.
    "
    CREATE TABLE settlements (
        seq             BIGINT  PRIMARY KEY,
        trade_id        BIGINT  NOT NULL,
        quantity        NUMERIC NOT NULL,
        settlement_date DATE    NOT NULL,
        reference       TEXT    NOT NULL
    );
    ",
    // 3: general-ledger balances.
    "
    CREATE TABLE ledger_balances (
        account  INTEGER NOT NULL,
        currency TEXT    NOT NULL,
        balance  NUMERIC NOT NULL,
        PRIMARY KEY (currency, account)
    );
    ",
    // 4: snapshots of the engine state, in pieces (a value is capped at 1 GB).
    "
    CREATE TABLE snapshots (
        seq        BIGINT  PRIMARY KEY,
        chain_hash BYTEA   NOT NULL,
        format     INTEGER NOT NULL,
        digest     BYTEA   NOT NULL,
        size       BIGINT  NOT NULL,
        pieces     INTEGER NOT NULL
    );
    CREATE TABLE snapshot_pieces (
        seq   BIGINT  NOT NULL,
        piece INTEGER NOT NULL,
        bytes BYTEA   NOT NULL,
        PRIMARY KEY (seq, piece)
    );
    ",
];
