//! Apply errors: an event that does not fit the state it is applied to.
//!
//! The engine decides only events that fit the state, so an event that does not fit comes from
//! a corrupt log (or a bug): the application reports it as a corrupt log at the record's
//! sequence number. Applying never ignores such an event, and never guesses.

/// Why an event does not fit the state. Every field is `Copy` and `'static`, so applying pays
/// nothing for it until an event does not fit. After an error the state may be half-changed:
/// the caller discards it (or rebuilds it from the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// The event names something the state does not have.
    #[error("{event} names {what} {id}, which does not exist")]
    Unknown {
        /// The event's kind ([`super::Event::kind`]).
        event: &'static str,
        /// What it names: "trade", "cash movement", "journal entry", "account", ...
        what: &'static str,
        /// The id it names.
        id: u64,
    },
    /// The event defines something under another id than the state gives it: ids are dense
    /// (a new one is the next), and a key keeps its id.
    #[error("{event} names {what} {id}, where the state expects {what} {expected}")]
    WrongId {
        /// The event's kind.
        event: &'static str,
        /// What it defines.
        what: &'static str,
        /// The id it gives.
        id: u64,
        /// The id the state gives it: the next new one, or the one its key has.
        expected: u64,
    },
    /// The event names something, by a key that is not a dense id, that the state does not
    /// have (an employee, a user, a request).
    #[error("{event} names {what} the state does not have")]
    Missing {
        /// The event's kind.
        event: &'static str,
        /// What it names.
        what: &'static str,
    },
    /// The event changes something that is not in the state the change starts from (a
    /// cancelled trade, a movement no longer pending, an entry already decided).
    #[error("{event} names {what} {id}, which is {found}, not {wanted}")]
    WrongStatus {
        /// The event's kind.
        event: &'static str,
        /// What it names.
        what: &'static str,
        /// Its id.
        id: u64,
        /// Where it stands.
        found: &'static str,
        /// Where the change starts from.
        wanted: &'static str,
    },
}

/// The id `id` an event `kind` gives a new or redefined row of `what` fits the table: it is
/// the id the row's key has (`existing`) or, for a new key, the next id.
pub(super) fn fits_id<I: crate::ids::DenseId>(
    kind: &'static str,
    what: &'static str,
    id: I,
    existing: Option<I>,
    next: I,
) -> Result<(), ApplyError> {
    let expected = existing.unwrap_or(next);
    if id == expected {
        Ok(())
    } else {
        Err(ApplyError::WrongId {
            event: kind,
            what,
            id: u64::from(id.index()),
            expected: u64::from(expected.index()),
        })
    }
}

/// The row of `what` with `id` that the event `kind` names (`row`, as looked up) exists.
pub(super) fn exists<T>(
    kind: &'static str,
    what: &'static str,
    id: impl Into<u64>,
    row: Option<T>,
) -> Result<(), ApplyError> {
    match row {
        Some(_) => Ok(()),
        None => Err(ApplyError::Unknown {
            event: kind,
            what,
            id: id.into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::ApplyError;

    #[test]
    fn apply_errors_name_the_event_and_what_does_not_fit() {
        let cases = [
            (
                ApplyError::Unknown {
                    event: "TradeAmended",
                    what: "trade",
                    id: 17,
                },
                "TradeAmended names trade 17, which does not exist",
            ),
            (
                ApplyError::WrongId {
                    event: "TradeBooked",
                    what: "trade",
                    id: 5,
                    expected: 3,
                },
                "TradeBooked names trade 5, where the state expects trade 3",
            ),
            (
                ApplyError::WrongStatus {
                    event: "CashMovementPosted",
                    what: "cash movement",
                    id: 2,
                    found: "voided",
                    wanted: "pending",
                },
                "CashMovementPosted names cash movement 2, which is voided, not pending",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
        }
        // Nothing to allocate or drop: the error costs the hot path nothing.
        assert!(!std::mem::needs_drop::<ApplyError>());
    }
}
