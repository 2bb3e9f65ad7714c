//! The demo firm's custodian and bank statements at the end of its year, each with a few
//! believable breaks, reconciled through the engine: the custodian reports a house
//! position 10 short (a delivery it booked that we have not had confirmed), forgets one and
//! shows one we never booked and one in an ISIN we do not know; a client's position 5
//! over; the bank charges a house account a 0.50 fee we have not booked; and the client
//! money accounts are 100.00 short in one currency. Deterministic from `seed`.

use jiff::civil::Date;
use jiff::{Timestamp, tz};
use kulissi_core::engine::{Command, CommandEnvelope, State};
use kulissi_core::reconciliation::ReconLine;
use kulissi_core::reconciliation::views::{ReconDefinition, our_lines};
use rust_decimal::Decimal;

use super::{DemoFirm, Rng, envelope};

impl DemoFirm {
    /// The four reconciliations of `as_of`, with their planted breaks.
    pub fn statements(&self, state: &State, seed: u64, as_of: Date) -> Vec<CommandEnvelope> {
        let Some(entity) = state.refdata.legal_entities.id(&self.legal_entity) else {
            return Vec::new();
        };
        let time = tz::Offset::UTC
            .to_timestamp(as_of.to_datetime(jiff::civil::Time::constant(20, 0, 0, 0)))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut rng = Rng::new(seed ^ 0x5eed_5747_e3e0_7a11);
        let mut commands = Vec::new();
        for definition in ReconDefinition::ALL {
            let mut lines: Vec<ReconLine> = our_lines(state, definition, entity)
                .into_iter()
                .enumerate()
                .map(|(i, l)| ReconLine {
                    source: format!("line {}", i + 2),
                    ..l
                })
                .collect();
            if lines.is_empty() {
                continue;
            }
            let pick = |rng: &mut Rng, n: usize| rng.below(n as u64) as usize;
            match definition {
                ReconDefinition::HousePositions => {
                    let i = pick(&mut rng, lines.len());
                    lines[i].value -= Decimal::TEN;
                    let dropped = pick(&mut rng, lines.len());
                    let template = lines.remove(dropped);
                    // A position we never booked: another known ISIN in the same account.
                    if let Some((_, other)) = state
                        .refdata
                        .instruments
                        .iter()
                        .find(|(_, x)| !lines.iter().any(|l| l.key[1] == x.isin.to_string()))
                    {
                        lines.push(ReconLine {
                            key: vec![template.key[0].clone(), other.isin.to_string()],
                            value: Decimal::from(250),
                            source: "line 900".into(),
                        });
                    }
                    lines.push(ReconLine {
                        key: vec![template.key[0].clone(), "US0378331005".into()],
                        value: Decimal::from(40),
                        source: "line 901".into(),
                    });
                }
                ReconDefinition::ClientAssets => {
                    let i = pick(&mut rng, lines.len());
                    lines[i].value += Decimal::from(5);
                }
                ReconDefinition::HouseCash => {
                    let i = pick(&mut rng, lines.len());
                    lines[i].value -= Decimal::new(50, 2);
                }
                ReconDefinition::ClientMoney => {
                    let i = pick(&mut rng, lines.len());
                    lines[i].value -= Decimal::ONE_HUNDRED;
                }
                // Not a statement of holdings or balances (ALL leaves it out).
                ReconDefinition::Confirmations => continue,
            }
            commands.push(envelope(
                Command::RunReconciliation {
                    definition,
                    legal_entity: self.legal_entity,
                    as_of,
                    statement: format!("demo-{}-{as_of}.csv", definition.name()),
                    digest: format!("demo:{seed}:{}:{as_of}", definition.name()),
                    lines,
                },
                time,
            ));
        }
        commands
    }
}
