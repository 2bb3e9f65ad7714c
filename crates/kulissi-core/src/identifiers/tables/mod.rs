//! Reference-data tables generated from the standards' registries by
//! `tools/refdata/generate_tables.py`. Edit the generator, not the tables.

pub(super) mod country_table;
pub(super) mod currency_table;
pub(super) mod iban_table;
