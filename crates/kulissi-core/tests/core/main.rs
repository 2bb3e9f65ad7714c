//! kulissi-core's integration tests, in one binary (one link on two cores): agreement with
//! independent oracles (QuantLib, python-stdnum) and property tests of the invariants.

// A failed expectation is the test failing: unwrapping and panicking are how tests say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod calendar_properties;
mod coupon_properties;
mod fixtures;
mod ledger_properties;
mod money_properties;
mod netting_properties;
mod oracle_identifiers;
mod parser_robustness;
mod quantlib_accrued;
mod quantlib_calendars;
mod settlement_properties;
