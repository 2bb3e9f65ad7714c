//! Reconciliation (docs/domain.md §8): [`matching`] compares our records with a statement
//! and classifies every difference; [`breaks`] keeps the breaks as engine state through
//! their lifecycle, with the statements loaded and the runs made; [`confirmations`] matches
//! our trades with counterparties' confirmations by score; [`views`] are our side of
//! the four daily reconciliations (house positions, client assets, house cash, client
//! money).

pub mod breaks;
pub mod confirmations;
pub mod matching;
pub mod views;

pub use matching::{
    BreakClass, Compared, Outcome, ReconKey, ReconLine, ReconResult, Rules, Tolerance, age_bucket,
    auto_match_rate, escalates, reconcile,
};
