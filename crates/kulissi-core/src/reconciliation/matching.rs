//! Matching (docs/domain.md §8): our records against an outside
//! statement, matched on a key, one value compared within a tolerance, every difference
//! classified as a break; the age buckets and the escalation rule of a break.
//!
//! - The statement's lines may be aggregated per key before they are compared (many-to-one:
//!   partial settlements, netted cash lines); without aggregation a key seen twice in the
//!   statement is a **duplicate** break for every line after the first.
//! - A key in the statement only is **missing internally**, unless its reference data is
//!   unknown to us (an ISIN or account we do not have): a **reference data** break.
//! - A key of ours only is **missing externally**.
//! - Both: equal is **matched**; a difference within the tolerance is **matched with a
//!   difference** (flagged, not a break); beyond it, a **quantity** or **amount** break,
//!   unless something pending explains it (an unsettled or failing instruction inside the
//!   timing window): a **timing** break.
//!
//! A tolerance is absolute or relative to our value, whichever is wider, and inclusive: a
//! difference equal to it is within.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

/// A line's key: its key fields in order (safekeeping account and ISIN; account, currency
/// and value date).
pub type ReconKey = Vec<String>;

/// One line: ours, or the statement's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReconLine {
    /// The key.
    pub key: ReconKey,
    /// The compared value (a quantity or an amount).
    pub value: Decimal,
    /// Where it came from: the statement's line or element, or our record.
    pub source: String,
}

/// What the compared value is: a difference in it is a break of that class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compared {
    /// Positions: quantities.
    Quantity,
    /// Cash, confirmations: amounts.
    Amount,
}

/// How far a difference may go and still match: absolute, or relative to our value,
/// whichever is wider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Tolerance {
    /// Absolute (zero or more).
    pub absolute: Decimal,
    /// Relative to our value's size (zero or more; 0.000001 is 1e-6).
    pub relative: Decimal,
}

impl Tolerance {
    /// Exact: no difference matches.
    pub const EXACT: Tolerance = Tolerance {
        absolute: Decimal::ZERO,
        relative: Decimal::ZERO,
    };

    /// Whether `difference` is within, against our value `ours`.
    pub fn allows(&self, difference: Decimal, ours: Decimal) -> bool {
        difference.abs() <= self.absolute.max(self.relative * ours.abs())
    }
}

/// The classes of break (§8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BreakClass {
    /// In the statement only.
    MissingInternal,
    /// Ours only.
    MissingExternal,
    /// A quantity differs.
    Quantity,
    /// An amount differs (including fees and accrued interest).
    Amount,
    /// A difference explained by something pending inside the timing window.
    Timing,
    /// The statement names reference data we do not have (an ISIN, an account).
    ReferenceData,
    /// The statement has the key again.
    Duplicate,
}

impl BreakClass {
    /// Its name in reports and files.
    pub fn name(self) -> &'static str {
        match self {
            BreakClass::MissingInternal => "missing_internal",
            BreakClass::MissingExternal => "missing_external",
            BreakClass::Quantity => "quantity",
            BreakClass::Amount => "amount",
            BreakClass::Timing => "timing",
            BreakClass::ReferenceData => "reference_data",
            BreakClass::Duplicate => "duplicate",
        }
    }
}

/// How a key came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Equal.
    Matched,
    /// Different within the tolerance: matched, and flagged.
    MatchedWithDifference,
    /// A break.
    Break(BreakClass),
}

/// One key's result: our value, theirs, the difference (theirs − ours) and the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconResult {
    /// The key.
    pub key: ReconKey,
    /// Our value, if we have the key.
    pub ours: Option<Decimal>,
    /// The statement's value (summed when aggregated), if it has the key.
    pub theirs: Option<Decimal>,
    /// Theirs − ours (a missing side counts as zero).
    pub difference: Decimal,
    /// The outcome.
    pub outcome: Outcome,
    /// Where the statement's value came from (its lines), or our record.
    pub sources: Vec<String>,
}

/// The rules of one reconciliation.
pub struct Rules<'a> {
    /// What is compared.
    pub compared: Compared,
    /// How far a difference may go.
    pub tolerance: Tolerance,
    /// Sum the statement's lines per key before comparing (many-to-one).
    pub aggregate: bool,
    /// Whether we know a key's reference data (its ISIN, its account).
    pub known: &'a dyn Fn(&ReconKey) -> bool,
    /// Whether something pending inside the timing window explains a difference (theirs −
    /// ours) on a key.
    pub explains: &'a dyn Fn(&ReconKey, Decimal) -> bool,
}

impl std::fmt::Debug for Rules<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rules")
            .field("compared", &self.compared)
            .field("tolerance", &self.tolerance)
            .field("aggregate", &self.aggregate)
            .finish_non_exhaustive()
    }
}

/// Reconciles `ours` against `theirs` by `rules`: one result per key (and one per duplicate
/// line), in key order.
pub fn reconcile(ours: &[ReconLine], theirs: &[ReconLine], rules: &Rules<'_>) -> Vec<ReconResult> {
    let mut our_values: BTreeMap<&ReconKey, (Decimal, Vec<String>)> = BTreeMap::new();
    for line in ours {
        let entry = our_values.entry(&line.key).or_default();
        entry.0 += line.value;
        entry.1.push(line.source.clone());
    }
    let mut their_values: BTreeMap<&ReconKey, (Decimal, Vec<String>)> = BTreeMap::new();
    let mut results = Vec::new();
    for line in theirs {
        match their_values.get_mut(&line.key) {
            Some(entry) if rules.aggregate => {
                entry.0 += line.value;
                entry.1.push(line.source.clone());
            }
            Some(_) => results.push(ReconResult {
                key: line.key.clone(),
                ours: None,
                theirs: Some(line.value),
                difference: line.value,
                outcome: Outcome::Break(BreakClass::Duplicate),
                sources: vec![line.source.clone()],
            }),
            None => {
                their_values.insert(&line.key, (line.value, vec![line.source.clone()]));
            }
        }
    }
    let mut keys: Vec<&ReconKey> = our_values
        .keys()
        .chain(their_values.keys())
        .copied()
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let our = our_values.get(key);
        let their = their_values.get(key);
        let ours_value = our.map(|o| o.0);
        let theirs_value = their.map(|t| t.0);
        let difference = theirs_value.unwrap_or_default() - ours_value.unwrap_or_default();
        let outcome = match (ours_value, theirs_value) {
            (None, Some(_)) if !(rules.known)(key) => Outcome::Break(BreakClass::ReferenceData),
            (Some(o), Some(t)) if o == t => Outcome::Matched,
            (Some(o), Some(_)) if rules.tolerance.allows(difference, o) => {
                Outcome::MatchedWithDifference
            }
            _ if (rules.explains)(key, difference) => Outcome::Break(BreakClass::Timing),
            (None, _) => Outcome::Break(BreakClass::MissingInternal),
            (_, None) => Outcome::Break(BreakClass::MissingExternal),
            _ => Outcome::Break(match rules.compared {
                Compared::Quantity => BreakClass::Quantity,
                Compared::Amount => BreakClass::Amount,
            }),
        };
        let sources = their
            .map(|t| t.1.clone())
            .or_else(|| our.map(|o| o.1.clone()))
            .unwrap_or_default();
        results.push(ReconResult {
            key: key.clone(),
            ours: ours_value,
            theirs: theirs_value,
            difference,
            outcome,
            sources,
        });
    }
    results.sort_by(|a, b| a.key.cmp(&b.key));
    results
}

/// The share of results that matched (with or without a difference): the auto-match rate.
pub fn auto_match_rate(results: &[ReconResult]) -> Option<Decimal> {
    if results.is_empty() {
        return None;
    }
    let matched = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Matched | Outcome::MatchedWithDifference))
        .count();
    Some(Decimal::from(matched as u64) / Decimal::from(results.len() as u64))
}

/// A break's age bucket in business days (§8): 0–1, 2–5, 6–10, 11–30, >30.
pub fn age_bucket(business_days: i64) -> &'static str {
    match business_days {
        i64::MIN..=1 => "0-1",
        2..=5 => "2-5",
        6..=10 => "6-10",
        11..=30 => "11-30",
        _ => ">30",
    }
}

/// Whether a break goes to the head of operations (§8): worth more than `threshold` in
/// the reporting currency, or older than five business days.
pub fn escalates(business_days: i64, value: Decimal, threshold: Decimal) -> bool {
    value.abs() > threshold || business_days > 5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn line(account: &str, isin: &str, value: &str, source: &str) -> ReconLine {
        ReconLine {
            key: vec![account.to_owned(), isin.to_owned()],
            value: d(value),
            source: source.to_owned(),
        }
    }

    fn outcomes(results: &[ReconResult]) -> Vec<(String, Outcome)> {
        results
            .iter()
            .map(|r| (r.key.join("/"), r.outcome))
            .collect()
    }

    const NOKIA: &str = "FI0009000681";
    const UPM: &str = "FI0009005987";
    const UNKNOWN: &str = "US0378331005";

    /// Every class of break on one statement: a position we hold that the custodian does not
    /// report, one it reports that we do not hold, one in an ISIN we do not know, one off by
    /// 10 shares, one off by 300 explained by a pending receipt, a line reported twice; and
    /// one that matches.
    #[test]
    fn every_break_class_of_domain_section_8() {
        let ours = [
            line("SAFE1", NOKIA, "1000", "ours"),
            line("SAFE1", UPM, "500", "ours"),
            line("SAFE2", NOKIA, "200", "ours"),
            line("SAFE2", UPM, "700", "ours"),
        ];
        let theirs = [
            line("SAFE1", NOKIA, "1000", "line 2"),
            line("SAFE1", UPM, "510", "line 3"),
            line("SAFE2", UPM, "1000", "line 4"),
            line("SAFE3", NOKIA, "50", "line 5"),
            line("SAFE1", UNKNOWN, "10", "line 6"),
            line("SAFE1", NOKIA, "1000", "line 7"),
        ];
        let known = |k: &ReconKey| k[1] != UNKNOWN;
        // A receipt of 300 UPM into SAFE2 is instructed and not yet settled.
        let explains =
            |k: &ReconKey, diff: Decimal| k[0] == "SAFE2" && k[1] == UPM && diff == d("300");
        let rules = Rules {
            compared: Compared::Quantity,
            tolerance: Tolerance::EXACT,
            aggregate: false,
            known: &known,
            explains: &explains,
        };
        let results = reconcile(&ours, &theirs, &rules);
        use BreakClass::*;
        assert_eq!(
            outcomes(&results),
            [
                ("SAFE1/FI0009000681".to_owned(), Outcome::Break(Duplicate)),
                ("SAFE1/FI0009000681".to_owned(), Outcome::Matched),
                ("SAFE1/FI0009005987".to_owned(), Outcome::Break(Quantity)),
                (
                    "SAFE1/US0378331005".to_owned(),
                    Outcome::Break(ReferenceData)
                ),
                (
                    "SAFE2/FI0009000681".to_owned(),
                    Outcome::Break(MissingExternal)
                ),
                ("SAFE2/FI0009005987".to_owned(), Outcome::Break(Timing)),
                (
                    "SAFE3/FI0009000681".to_owned(),
                    Outcome::Break(MissingInternal)
                ),
            ]
        );
        let quantity = &results[2];
        assert_eq!(
            (quantity.ours, quantity.theirs, quantity.difference),
            (Some(d("500")), Some(d("510")), d("10"))
        );
        assert_eq!(quantity.sources, ["line 3"]);
        assert_eq!(
            results[0].sources,
            ["line 7"],
            "the duplicate names its line"
        );
        // 1 matched of 7 results.
        assert_eq!(auto_match_rate(&results), Some(d("1") / d("7")));
    }

    #[test]
    fn tolerances_are_absolute_or_relative_whichever_is_wider_and_inclusive() {
        let absolute = Tolerance {
            absolute: d("1.00"),
            relative: Decimal::ZERO,
        };
        assert!(absolute.allows(d("1.00"), d("10")), "equal to it is within");
        assert!(absolute.allows(d("-1.00"), d("10")));
        assert!(!absolute.allows(d("1.01"), d("10")));
        let relative = Tolerance {
            absolute: Decimal::ZERO,
            relative: d("0.000001"),
        };
        assert!(relative.allows(d("1.00"), d("1000000")));
        assert!(!relative.allows(d("1.01"), d("1000000")));
        let both = Tolerance {
            absolute: d("0.01"),
            relative: d("0.000001"),
        };
        assert!(
            both.allows(d("0.01"), d("10")),
            "absolute wider for small values"
        );
        assert!(
            both.allows(d("5.00"), d("5000000")),
            "relative wider for large ones"
        );
        assert!(Tolerance::EXACT.allows(Decimal::ZERO, d("1")));
        assert!(!Tolerance::EXACT.allows(d("0.01"), d("1")));

        // Through the matching: within is matched with a difference, beyond an amount break.
        let ours = [
            line("CASH1", "EUR", "1000.00", "ours"),
            line("CASH2", "EUR", "1000.00", "ours"),
        ];
        let theirs = [
            line("CASH1", "EUR", "1000.75", "stmt 1"),
            line("CASH2", "EUR", "1001.25", "stmt 2"),
        ];
        let rules = Rules {
            compared: Compared::Amount,
            tolerance: absolute,
            aggregate: false,
            known: &|_| true,
            explains: &|_, _| false,
        };
        assert_eq!(
            outcomes(&reconcile(&ours, &theirs, &rules)),
            [
                ("CASH1/EUR".to_owned(), Outcome::MatchedWithDifference),
                ("CASH2/EUR".to_owned(), Outcome::Break(BreakClass::Amount)),
            ]
        );
    }

    /// Many-to-one: a bank statement's two lines for one netted settlement sum to our one
    /// cash movement; without aggregation the second is a duplicate.
    #[test]
    fn statement_lines_aggregate_before_they_break() {
        let ours = [line("CASH1", "EUR", "-19700.00", "ours")];
        let theirs = [
            line("CASH1", "EUR", "-20000.00", "stmt 1"),
            line("CASH1", "EUR", "300.00", "stmt 2"),
        ];
        let mut rules = Rules {
            compared: Compared::Amount,
            tolerance: Tolerance::EXACT,
            aggregate: true,
            known: &|_| true,
            explains: &|_, _| false,
        };
        let results = reconcile(&ours, &theirs, &rules);
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].outcome, Outcome::Matched);
        assert_eq!(results[0].sources, ["stmt 1", "stmt 2"]);
        rules.aggregate = false;
        let results = reconcile(&ours, &theirs, &rules);
        assert_eq!(
            results.iter().map(|r| r.outcome).collect::<Vec<_>>(),
            [
                Outcome::Break(BreakClass::Duplicate),
                Outcome::Break(BreakClass::Amount)
            ]
        );
    }

    #[test]
    fn ages_and_escalation_of_domain_section_8() {
        let buckets: Vec<&str> = [0, 1, 2, 5, 6, 10, 11, 30, 31]
            .into_iter()
            .map(age_bucket)
            .collect();
        assert_eq!(
            buckets,
            [
                "0-1", "0-1", "2-5", "2-5", "6-10", "6-10", "11-30", "11-30", ">30"
            ]
        );
        let million = d("1000000");
        assert!(!escalates(5, d("999999.99"), million));
        assert!(escalates(6, d("1.00"), million), "older than five days");
        assert!(
            escalates(0, d("-1000000.01"), million),
            "worth more than the threshold"
        );
    }
}
