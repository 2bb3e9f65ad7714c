//! Deciding and applying reconciliation (docs/domain.md §8): a run matches a statement
//! against our side (`reconciliation::views`) with the definition's rules, and compares the
//! result with the open breaks: new differences open breaks, those still there are
//! updated, those that match now close. People move, comment on and resolve breaks; a
//! write-off needs a second person.

use std::sync::Arc;

use super::{Actor, ApplyError, Command, CommandEnvelope, Event, Rejection, State, text};
use crate::reconciliation::breaks::{
    Break, BreakFinding, BreakStatus, ReconRun, WriteOff, may_move,
};
use crate::reconciliation::views::{ReconDefinition, explains, known, our_lines};
use crate::reconciliation::{BreakClass, Outcome, ReconResult, Rules, reconcile};

/// Decides the commands of this family; the dispatcher in `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    let book = &state.reconciliations;
    let by: Arc<str> = envelope.actor.to_string().into();
    let known_break = |id: u64| book.get(id).ok_or(Rejection::UnknownBreak(id));
    let open_break = |id: u64, needed: &'static str| {
        let b = known_break(id)?;
        if b.status.is_open() {
            Ok(b)
        } else {
            Err(Rejection::BreakState {
                id,
                status: b.status.name(),
                needed,
            })
        }
    };
    Ok(match &envelope.command {
        Command::RunReconciliation {
            definition,
            legal_entity,
            as_of,
            statement,
            digest,
            lines,
        } => {
            let entity = new_statement(state, statement, digest, legal_entity)?;
            run(state, *definition, entity, *as_of, statement, digest, lines)
        }
        Command::SetReconTolerance {
            definition,
            absolute,
            relative,
        } => {
            for (what, value) in [
                ("an absolute tolerance", absolute),
                ("a relative tolerance", relative),
            ] {
                if value.is_sign_negative() {
                    return Err(Rejection::Negative {
                        what,
                        value: *value,
                    });
                }
            }
            let tolerance = crate::reconciliation::Tolerance {
                absolute: *absolute,
                relative: *relative,
            };
            if book.tolerance(*definition) == tolerance {
                return Ok(Vec::new());
            }
            vec![Event::ReconToleranceSet {
                definition: *definition,
                tolerance,
            }]
        }
        Command::AffirmTrades {
            legal_entity,
            as_of,
            statement,
            digest,
            confirmations,
        } => {
            let entity = new_statement(state, statement, digest, legal_entity)?;
            affirm_trades(state, entity, *as_of, statement, digest, confirmations)
        }
        Command::DefineStatementMapping {
            source,
            definition,
            columns,
        } => {
            text("statement source", source)?;
            let (keys, value) = definition.columns();
            for (our, their) in columns {
                text("column", their)?;
                if !keys.contains(&our.as_str()) && our != value {
                    return Err(Rejection::UnknownStatementColumn {
                        column: our.clone(),
                        definition: definition.name(),
                        expected: format!("{},{value}", keys.join(",")),
                    });
                }
            }
            let columns: Vec<(Arc<str>, Arc<str>)> = columns
                .iter()
                .map(|(o, t)| (Arc::from(o.as_str()), Arc::from(t.as_str())))
                .collect();
            if book.mappings.get(source.as_str()) == Some(&(*definition, columns.clone())) {
                return Ok(Vec::new());
            }
            vec![Event::StatementMappingDefined {
                source: source.as_str().into(),
                definition: *definition,
                columns,
            }]
        }
        Command::SetConfirmationBlocking { block } => {
            if book.block_unconfirmed == *block {
                return Ok(Vec::new());
            }
            vec![Event::ConfirmationBlockingSet { block: *block }]
        }
        Command::MoveBreak { id, to, assignee } => {
            let b = open_break(*id, "only an open break is moved")?;
            if !may_move(b.status, *to) || *to == BreakStatus::Resolved {
                return Err(Rejection::BreakState {
                    id: *id,
                    status: b.status.name(),
                    needed: "a break is moved to another open status (resolve it with a code)",
                });
            }
            if let Some(a) = assignee {
                text("assignee", a)?;
            }
            vec![Event::BreakMoved {
                id: *id,
                to: *to,
                by,
                assignee: assignee.as_deref().map(Arc::from),
            }]
        }
        Command::CommentBreak { id, text: comment } => {
            known_break(*id)?;
            text("comment", comment)?;
            vec![Event::BreakCommented {
                id: *id,
                by,
                text: comment.as_str().into(),
            }]
        }
        Command::ResolveBreak { id, code, comment } => {
            open_break(*id, "only an open break is resolved")?;
            text("resolution code", code)?;
            text("comment", comment)?;
            vec![Event::BreakResolved {
                id: *id,
                by,
                code: code.as_str().into(),
                comment: comment.as_str().into(),
            }]
        }
        Command::RequestWriteOff { id, reason } => {
            let b = open_break(*id, "only an open break is written off")?;
            text("reason", reason)?;
            if b.write_off.is_some() {
                return Err(Rejection::BreakState {
                    id: *id,
                    status: "waiting for a write-off's approval",
                    needed: "one write-off at a time",
                });
            }
            vec![Event::WriteOffRequested {
                id: *id,
                by,
                reason: reason.as_str().into(),
            }]
        }
        Command::ApproveWriteOff { id } => {
            let b = open_break(*id, "only an open break is written off")?;
            let Some(WriteOff { maker, .. }) = &b.write_off else {
                return Err(Rejection::BreakState {
                    id: *id,
                    status: b.status.name(),
                    needed: "no write-off was asked for",
                });
            };
            let reference = format!("write-off of break {id}");
            if !matches!(envelope.actor, Actor::Person(_)) {
                return Err(Rejection::CheckerNotAPerson {
                    reference,
                    checker: envelope.actor.clone(),
                });
            }
            super::controls::check_checker(
                state,
                &envelope.actor,
                maker.strip_prefix("person:").unwrap_or(maker),
                crate::controls::approvals::ApprovalKind::WriteOff,
            )?;
            if **maker == *by {
                return Err(Rejection::FourEyes {
                    reference,
                    maker: maker.to_string(),
                });
            }
            vec![Event::WriteOffApproved { id: *id, by }]
        }
        _ => return Err(super::wrong_family()),
    })
}

/// A statement not loaded before, and the legal entity it is for: its name and digest
/// checked, the digest refused when loaded under any name.
fn new_statement(
    state: &State,
    statement: &str,
    digest: &str,
    legal_entity: &crate::identifiers::Lei,
) -> Result<crate::ids::LegalEntityId, Rejection> {
    text("statement name", statement)?;
    text("statement digest", digest)?;
    if let Some(first) = state.reconciliations.statements.get(digest) {
        return Err(Rejection::StatementLoaded {
            name: statement.to_owned(),
            first: first.to_string(),
        });
    }
    state
        .refdata
        .legal_entities
        .id(legal_entity)
        .ok_or(Rejection::UnknownLegalEntity(*legal_entity))
}

/// FNV-1a over text: the run's result digest, the same on every machine.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn run(
    state: &State,
    definition: ReconDefinition,
    entity: crate::ids::LegalEntityId,
    as_of: jiff::civil::Date,
    statement: &str,
    digest: &str,
    lines: &[crate::reconciliation::ReconLine],
) -> Vec<Event> {
    let ours = our_lines(state, definition, entity);
    let is_known = |k: &crate::reconciliation::ReconKey| known(state, definition, entity, k);
    let explained =
        |k: &crate::reconciliation::ReconKey, d| explains(state, definition, entity, k, d);
    let rules = Rules {
        compared: definition.compared(),
        tolerance: state.reconciliations.tolerance(definition),
        aggregate: definition.aggregates(),
        known: &is_known,
        explains: &explained,
    };
    let results: Vec<ReconResult> = reconcile(&ours, lines, &rules);
    ran(
        state, definition, entity, as_of, statement, digest, &results, None,
    )
}

/// The keys a confirmation run answers for, and the trades it affirmed.
struct Scope<'a> {
    keys: &'a std::collections::BTreeSet<crate::reconciliation::ReconKey>,
    affirmed: Vec<String>,
}

/// The event of a run with `results`: breaks opened, updated and closed against the open
/// breaks of `definition` (only those whose key is in `scope`, when given, may close).
#[allow(clippy::too_many_arguments)]
fn ran(
    state: &State,
    definition: ReconDefinition,
    entity: crate::ids::LegalEntityId,
    as_of: jiff::civil::Date,
    statement: &str,
    digest: &str,
    results: &[ReconResult],
    scope: Option<Scope<'_>>,
) -> Vec<Event> {
    let book = &state.reconciliations;
    let mut opened = Vec::new();
    let mut updated = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut canonical = format!("{}|{}|{as_of}|{digest}", definition.name(), entity.0);
    let mut matched = 0u64;
    for r in results {
        canonical.push_str(&format!(
            "|{}={:?}/{:?}/{:?}",
            r.key.join(","),
            r.ours,
            r.theirs,
            r.outcome
        ));
        let Outcome::Break(class) = r.outcome else {
            matched += 1;
            continue;
        };
        let finding = BreakFinding {
            key: r.key.clone(),
            class,
            ours: r.ours,
            theirs: r.theirs,
        };
        let duplicate = class == BreakClass::Duplicate;
        let existing = book.breaks.iter().find(|b| {
            b.status.is_open()
                && b.definition == definition
                && b.legal_entity == entity
                && b.finding.key == r.key
                && (b.finding.class == BreakClass::Duplicate) == duplicate
                && !seen.contains(&b.id)
        });
        match existing {
            Some(b) => {
                seen.insert(b.id);
                updated.push((b.id, finding));
            }
            None => opened.push(finding),
        }
    }
    // Open breaks of this reconciliation not found again match now.
    let closed: Vec<u64> = book
        .breaks
        .iter()
        .filter(|b| {
            b.status.is_open()
                && b.definition == definition
                && b.legal_entity == entity
                && !seen.contains(&b.id)
                && scope
                    .as_ref()
                    .is_none_or(|s| s.keys.contains(&b.finding.key))
        })
        .map(|b| b.id)
        .collect();
    vec![Event::ReconciliationRan {
        run: Box::new(ReconRun {
            definition,
            legal_entity: entity,
            as_of,
            statement: statement.into(),
            digest: digest.into(),
            items: results.len() as u64,
            matched,
            result_digest: fnv(&canonical),
        }),
        opened,
        updated,
        closed,
        affirmed: scope.map(|s| s.affirmed).unwrap_or_default(),
    }]
}

/// The key of a trade's confirmation break: its source and external id.
pub(super) fn trade_key(record: &crate::trade::TradeRecord) -> String {
    format!("{}:{}", record.source, record.external_id)
}

/// Affirms the trades of `entity` dated `as_of` against `confirmations`.
fn affirm_trades(
    state: &State,
    entity: crate::ids::LegalEntityId,
    as_of: jiff::civil::Date,
    statement: &str,
    digest: &str,
    confirmations: &[crate::reconciliation::confirmations::ConfirmationLine],
) -> Vec<Event> {
    use crate::reconciliation::confirmations::{Affirmation, OurTrade, affirm};
    let refdata = &state.refdata;
    let trades: Vec<OurTrade> = state
        .trades
        .iter()
        .map(|s| &s.record)
        .filter(|r| {
            r.status == crate::trade::TradeStatus::Live
                && r.terms.trade_date == as_of
                && r.terms.legal_entity == entity
                && !state.reconciliations.affirmed.contains(&trade_key(r))
        })
        .filter_map(|r| {
            Some(OurTrade {
                trade: r.trade_id,
                name: trade_key(r),
                counterparty: refdata.counterparties.get(r.terms.counterparty)?.lei,
                isin: refdata.instruments.get(r.terms.instrument)?.isin,
                side: r.terms.side,
                quantity: r.terms.quantity.value(),
                price: r.terms.price.value(),
                trade_date: r.terms.trade_date,
                settlement_date: r.terms.settlement_date,
            })
        })
        .collect();
    let outcomes = affirm(&trades, confirmations, rust_decimal::Decimal::new(5, 3));
    let mut scope = std::collections::BTreeSet::new();
    let mut affirmed = Vec::new();
    let mut results = Vec::new();
    for a in outcomes {
        let (key, outcome, ours, theirs, sources) = match a {
            Affirmation::Affirmed {
                trade,
                confirmation,
            } => {
                let (t, c) = (&trades[trade], &confirmations[confirmation]);
                affirmed.push(t.name.clone());
                (
                    vec![t.name.clone()],
                    Outcome::Matched,
                    Some(t.quantity),
                    Some(c.quantity),
                    vec![c.source.clone()],
                )
            }
            Affirmation::Mismatched {
                trade,
                confirmation,
                fields,
            } => {
                let (t, c) = (&trades[trade], &confirmations[confirmation]);
                let (class, ours, theirs) = if fields.contains(&"quantity") {
                    (BreakClass::Quantity, t.quantity, c.quantity)
                } else if fields.contains(&"price") {
                    (BreakClass::Amount, t.price, c.price)
                } else {
                    (BreakClass::Timing, t.quantity, c.quantity)
                };
                (
                    vec![t.name.clone()],
                    Outcome::Break(class),
                    Some(ours),
                    Some(theirs),
                    vec![c.source.clone()],
                )
            }
            Affirmation::Unknown { confirmation } => {
                let c = &confirmations[confirmation];
                (
                    vec![format!("confirmation {}", c.reference)],
                    Outcome::Break(BreakClass::MissingInternal),
                    None,
                    Some(c.quantity),
                    vec![c.source.clone()],
                )
            }
            Affirmation::Unconfirmed { trade } => {
                let t = &trades[trade];
                (
                    vec![t.name.clone()],
                    Outcome::Break(BreakClass::MissingExternal),
                    Some(t.quantity),
                    None,
                    Vec::new(),
                )
            }
        };
        scope.insert(key.clone());
        let difference = theirs.unwrap_or_default() - ours.unwrap_or_default();
        results.push(ReconResult {
            key,
            ours,
            theirs,
            difference,
            outcome,
            sources,
        });
    }
    results.sort_by(|a, b| a.key.cmp(&b.key));
    ran(
        state,
        ReconDefinition::Confirmations,
        entity,
        as_of,
        statement,
        digest,
        &results,
        Some(Scope {
            keys: &scope,
            affirmed,
        }),
    )
}

impl State {
    /// Applies an event of reconciliation.
    pub(super) fn apply_reconciliation(&mut self, event: &Event) -> Result<(), ApplyError> {
        let kind = event.kind();
        let book = &mut self.reconciliations;
        let unknown = |id: u64| ApplyError::Unknown {
            event: kind,
            what: "reconciliation break",
            id,
        };
        match event {
            Event::ReconciliationRan {
                run,
                opened,
                updated,
                closed,
                affirmed,
            } => {
                book.affirmed.extend(affirmed.iter().cloned());
                for (id, finding) in updated {
                    let b = book.get_mut(*id).ok_or_else(|| unknown(*id))?;
                    b.finding = finding.clone();
                    b.last_seen = run.as_of;
                }
                for id in closed {
                    book.get_mut(*id).ok_or_else(|| unknown(*id))?.status = BreakStatus::Closed;
                }
                for finding in opened {
                    let id = book.breaks.len() as u64 + 1;
                    book.breaks.push(Break {
                        id,
                        definition: run.definition,
                        legal_entity: run.legal_entity,
                        finding: finding.clone(),
                        opened: run.as_of,
                        last_seen: run.as_of,
                        status: BreakStatus::Open,
                        assignee: None,
                        comments: Vec::new(),
                        resolution: None,
                        write_off: None,
                    });
                }
                book.statements
                    .insert(run.digest.clone(), run.statement.clone());
                book.runs.push((**run).clone());
            }
            Event::ReconToleranceSet {
                definition,
                tolerance,
            } => {
                book.tolerances.insert(*definition, *tolerance);
            }
            Event::ConfirmationBlockingSet { block } => {
                book.block_unconfirmed = *block;
            }
            Event::StatementMappingDefined {
                source,
                definition,
                columns,
            } => {
                book.mappings
                    .insert(source.clone(), (*definition, columns.clone()));
            }
            Event::BreakMoved {
                id, to, assignee, ..
            } => {
                let b = book.get_mut(*id).ok_or_else(|| unknown(*id))?;
                b.status = *to;
                if assignee.is_some() {
                    b.assignee = assignee.clone();
                }
            }
            Event::BreakCommented { id, by, text } => {
                let b = book.get_mut(*id).ok_or_else(|| unknown(*id))?;
                b.comments.push((by.clone(), text.clone()));
            }
            Event::BreakResolved {
                id, code, comment, ..
            } => {
                let b = book.get_mut(*id).ok_or_else(|| unknown(*id))?;
                b.status = BreakStatus::Resolved;
                b.resolution = Some((code.clone(), comment.clone()));
            }
            Event::WriteOffRequested { id, by, reason } => {
                let b = book.get_mut(*id).ok_or_else(|| unknown(*id))?;
                b.write_off = Some(WriteOff {
                    maker: by.clone(),
                    reason: reason.clone(),
                    checker: None,
                });
            }
            Event::WriteOffApproved { id, by } => {
                let b = book.get_mut(*id).ok_or_else(|| unknown(*id))?;
                if let Some(w) = b.write_off.as_mut() {
                    w.checker = Some(by.clone());
                    b.resolution = Some((Arc::from("write-off"), w.reason.clone()));
                }
                b.status = BreakStatus::Resolved;
            }
            _ => {}
        }
        Ok(())
    }
}
