//! Cash movements that are not trades: capital paid in, client deposits and withdrawals,
//! transfers between our accounts, custody fees and settlement penalties; and the cash
//! sub-ledger they share with trade settlements: each account's posted balance per
//! currency, the outflows held by pending movements, and its overdraft limit.
//!
//! A movement is posted at once or held pending until a date: pending, it reserves its
//! outflow against the account's balance; then it is posted, voided, or expires. No outflow
//! may take an account's available balance (posted − held) below minus its overdraft limit
//! (zero unless set), so a limit holds against pending amounts too.

use crate::ids::AccountId;
use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::identifiers::Currency;
use crate::ledger::codes;

/// What a cash movement is, which decides its posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CashMovementKind {
    /// Share capital paid in: Dr cash / Cr share capital.
    CapitalContribution,
    /// A client pays in: Dr client money at banks / Cr client money held.
    ClientDeposit,
    /// A client is paid out: Dr client money held / Cr client money at banks.
    ClientWithdrawal,
    /// From one of our accounts to another (`to`, an account id) of the same owner: within
    /// one legal entity cash to cash, so the general ledger does not move (the sub-ledger
    /// does); between two legal entities the sender is owed by the receiver (due from / due
    /// to group entities).
    Transfer {
        /// The receiving account (id).
        to: AccountId,
    },
    /// A custodian's fee: Dr custody fees / Cr cash.
    CustodyFee,
    /// A CSDR settlement penalty charged: Dr settlement penalties / Cr cash.
    SettlementPenalty,
}

impl CashMovementKind {
    /// Whether it takes cash out of its account.
    pub fn is_outflow(self) -> bool {
        !matches!(
            self,
            CashMovementKind::CapitalContribution | CashMovementKind::ClientDeposit
        )
    }

    /// The account the cash side posts to: client money at banks for a client's deposit or
    /// withdrawal, cash at banks otherwise.
    pub fn cash_account(self) -> u16 {
        match self {
            CashMovementKind::ClientDeposit | CashMovementKind::ClientWithdrawal => {
                codes::CLIENT_MONEY_AT_BANKS
            }
            _ => codes::CASH,
        }
    }

    /// Whether it moves a client's money (and so may only be on a client account), rather
    /// than the firm's own (only on a house account); `None` for a transfer, which may be
    /// either but not both.
    pub fn is_client_money(self) -> Option<bool> {
        match self {
            CashMovementKind::ClientDeposit | CashMovementKind::ClientWithdrawal => Some(true),
            CashMovementKind::Transfer { .. } => None,
            _ => Some(false),
        }
    }

    /// The account the other side posts to (`None` for a transfer: cash to cash).
    pub fn contra_account(self) -> Option<u16> {
        match self {
            CashMovementKind::CapitalContribution => Some(codes::SHARE_CAPITAL),
            CashMovementKind::ClientDeposit | CashMovementKind::ClientWithdrawal => {
                Some(codes::CLIENT_MONEY)
            }
            CashMovementKind::Transfer { .. } => None,
            CashMovementKind::CustodyFee => Some(codes::CUSTODY_FEES),
            CashMovementKind::SettlementPenalty => Some(codes::SETTLEMENT_PENALTIES),
        }
    }
}

/// What a person or system asks to move: a [`CashMovementKind`] before the receiving
/// account of a transfer is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CashMovementType {
    /// See [`CashMovementKind::CapitalContribution`].
    CapitalContribution,
    /// See [`CashMovementKind::ClientDeposit`].
    ClientDeposit,
    /// See [`CashMovementKind::ClientWithdrawal`].
    ClientWithdrawal,
    /// See [`CashMovementKind::Transfer`].
    Transfer,
    /// See [`CashMovementKind::CustodyFee`].
    CustodyFee,
    /// See [`CashMovementKind::SettlementPenalty`].
    SettlementPenalty,
}

impl CashMovementType {
    /// Its name in files.
    pub fn code(self) -> &'static str {
        match self {
            CashMovementType::CapitalContribution => "capital",
            CashMovementType::ClientDeposit => "deposit",
            CashMovementType::ClientWithdrawal => "withdrawal",
            CashMovementType::Transfer => "transfer",
            CashMovementType::CustodyFee => "custody_fee",
            CashMovementType::SettlementPenalty => "penalty",
        }
    }
}

impl std::str::FromStr for CashMovementType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "capital" => CashMovementType::CapitalContribution,
            "deposit" => CashMovementType::ClientDeposit,
            "withdrawal" => CashMovementType::ClientWithdrawal,
            "transfer" => CashMovementType::Transfer,
            "custody_fee" => CashMovementType::CustodyFee,
            "penalty" => CashMovementType::SettlementPenalty,
            other => {
                return Err(format!(
                    "cash movement type '{other}': expected capital, deposit, withdrawal, \
                     transfer, custody_fee or penalty"
                ));
            }
        })
    }
}

/// Where a movement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CashMovementStatus {
    /// Held until its expiry: reserves its outflow.
    Pending,
    /// Posted to the ledger.
    Posted,
    /// Voided before posting.
    Voided,
    /// Not posted by its expiry.
    Expired,
}

/// A cash movement as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashMovement {
    /// Kulissi's id (1, 2, ...).
    pub id: u64,
    /// The sender's reference (the idempotency key).
    pub reference: Arc<str>,
    /// What it is.
    pub kind: CashMovementKind,
    /// Our account (id) it moves cash in or out of.
    pub account: AccountId,
    /// Currency.
    pub currency: Currency,
    /// Amount, positive.
    pub amount: Decimal,
    /// Value date.
    pub value_date: Date,
    /// For a two-phase movement, the last date it may be posted on.
    pub pending_until: Option<Date>,
    /// Where it stands.
    pub status: CashMovementStatus,
}

impl CashMovement {
    /// The signed change it makes to `account`'s cash (zero for an account it does not
    /// touch).
    pub fn change_for(&self, account: AccountId) -> Decimal {
        let mut change = Decimal::ZERO;
        if self.account == account {
            change += if self.kind.is_outflow() {
                -self.amount
            } else {
                self.amount
            };
        }
        if let CashMovementKind::Transfer { to } = self.kind
            && to == account
        {
            change += self.amount;
        }
        change
    }
}

/// One account's cash in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CashBalance {
    /// Posted: settled trades and posted movements.
    pub posted: Decimal,
    /// Outflows held by pending movements (positive).
    pub held: Decimal,
    /// How far below zero the available balance may go (zero: no overdraft).
    pub overdraft_limit: Decimal,
}

impl CashBalance {
    /// Posted minus held.
    pub fn available(&self) -> Decimal {
        self.posted - self.held
    }

    /// Whether an outflow of `amount` keeps the available balance within the limit.
    pub fn allows(&self, amount: Decimal) -> bool {
        self.available() - amount >= -self.overdraft_limit
    }
}

/// Every cash movement and the cash sub-ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CashLedger {
    pub(crate) movements: Vec<CashMovement>,
    pub(crate) by_reference: HashMap<Arc<str>, u64>,
    pub(crate) balances: HashMap<(AccountId, Currency), CashBalance>,
}

impl CashLedger {
    /// The id the next movement gets.
    pub fn next_id(&self) -> u64 {
        self.movements.len() as u64 + 1
    }

    /// The movement with `id`.
    pub fn get(&self, id: u64) -> Option<&CashMovement> {
        id.checked_sub(1)
            .and_then(|i| self.movements.get(usize::try_from(i).ok()?))
    }

    /// The movement recorded under `reference`.
    pub fn by_reference(&self, reference: &str) -> Option<&CashMovement> {
        self.by_reference
            .get(reference)
            .and_then(|id| self.get(*id))
    }

    /// Every movement, by id.
    pub fn iter(&self) -> impl Iterator<Item = &CashMovement> {
        self.movements.iter()
    }

    /// One account's cash in one currency.
    pub fn balance(&self, account: AccountId, currency: Currency) -> CashBalance {
        self.balances
            .get(&(account, currency))
            .copied()
            .unwrap_or_default()
    }

    /// Every account's cash, by (account, currency).
    pub fn balances(&self) -> impl Iterator<Item = ((AccountId, Currency), CashBalance)> + '_ {
        self.balances.iter().map(|(k, v)| (*k, *v))
    }

    /// Adds a settled amount of a trade (signed) to an account's posted cash.
    pub fn settle(&mut self, account: AccountId, currency: Currency, amount: Decimal) {
        if !amount.is_zero() {
            self.balances.entry((account, currency)).or_default().posted += amount;
        }
    }

    /// Sets an account's overdraft limit in a currency.
    pub fn set_overdraft_limit(&mut self, account: AccountId, currency: Currency, limit: Decimal) {
        self.balances
            .entry((account, currency))
            .or_default()
            .overdraft_limit = limit;
    }

    /// Records a movement: posted at once, or held when it has an expiry.
    pub fn record(&mut self, movement: CashMovement) {
        let id = movement.id;
        self.by_reference.insert(movement.reference.clone(), id);
        let status = movement.status;
        self.movements.push(movement);
        match status {
            CashMovementStatus::Pending => self.hold(id, Decimal::ONE),
            CashMovementStatus::Posted => self.post_amounts(id),
            _ => {}
        }
    }

    /// Posts a pending movement.
    pub fn post(&mut self, id: u64) {
        if self.get(id).map(|m| m.status) == Some(CashMovementStatus::Pending) {
            self.hold(id, Decimal::NEGATIVE_ONE);
            self.set_status(id, CashMovementStatus::Posted);
            self.post_amounts(id);
        }
    }

    /// Ends a pending movement without posting it (voided or expired).
    pub fn release(&mut self, id: u64, status: CashMovementStatus) {
        if self.get(id).map(|m| m.status) == Some(CashMovementStatus::Pending) {
            self.hold(id, Decimal::NEGATIVE_ONE);
            self.set_status(id, status);
        }
    }

    fn set_status(&mut self, id: u64, status: CashMovementStatus) {
        if let Some(m) = id
            .checked_sub(1)
            .and_then(|i| self.movements.get_mut(usize::try_from(i).ok()?))
        {
            m.status = status;
        }
    }

    fn hold(&mut self, id: u64, sign: Decimal) {
        let Some(m) = self.get(id) else { return };
        if m.kind.is_outflow() {
            let (key, amount) = ((m.account, m.currency), m.amount);
            self.balances.entry(key).or_default().held += sign * amount;
        }
    }

    fn post_amounts(&mut self, id: u64) {
        let Some(m) = self.get(id).cloned() else {
            return;
        };
        let mut accounts = vec![m.account];
        if let CashMovementKind::Transfer { to } = m.kind {
            accounts.push(to);
        }
        for account in accounts {
            self.settle(account, m.currency, m.change_for(account));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn movement(id: u64, kind: CashMovementKind, amount: &str, pending: bool) -> CashMovement {
        CashMovement {
            id,
            reference: format!("R{id}").into(),
            kind,
            account: AccountId(1),
            currency: "EUR".parse().unwrap(),
            amount: d(amount),
            value_date: jiff::civil::date(2026, 3, 2),
            pending_until: pending.then(|| jiff::civil::date(2026, 3, 6)),
            status: if pending {
                CashMovementStatus::Pending
            } else {
                CashMovementStatus::Posted
            },
        }
    }

    #[test]
    fn pending_outflows_hold_against_the_limit_until_posted_or_voided() {
        let eur: Currency = "EUR".parse().unwrap();
        let mut cash = CashLedger::default();
        cash.record(movement(1, CashMovementKind::ClientDeposit, "1000", false));
        cash.record(movement(2, CashMovementKind::ClientWithdrawal, "700", true));
        let b = cash.balance(AccountId(1), eur);
        assert_eq!(
            (b.posted, b.held, b.available()),
            (d("1000"), d("700"), d("300"))
        );
        assert!(b.allows(d("300")) && !b.allows(d("300.01")));
        cash.set_overdraft_limit(AccountId(1), eur, d("50"));
        assert!(cash.balance(AccountId(1), eur).allows(d("350")));
        cash.post(2);
        let b = cash.balance(AccountId(1), eur);
        assert_eq!((b.posted, b.held), (d("300"), d("0")));
        cash.record(movement(3, CashMovementKind::CustodyFee, "100", true));
        cash.release(3, CashMovementStatus::Voided);
        assert_eq!(cash.balance(AccountId(1), eur).available(), d("300"));
        assert_eq!(cash.get(3).unwrap().status, CashMovementStatus::Voided);
        // Posting or voiding twice changes nothing.
        cash.post(3);
        cash.post(2);
        assert_eq!(cash.balance(AccountId(1), eur).posted, d("300"));
    }

    #[test]
    fn a_transfer_moves_cash_between_accounts() {
        let eur: Currency = "EUR".parse().unwrap();
        let mut cash = CashLedger::default();
        cash.record(movement(
            1,
            CashMovementKind::CapitalContribution,
            "500",
            false,
        ));
        cash.record(movement(
            2,
            CashMovementKind::Transfer { to: AccountId(2) },
            "200",
            false,
        ));
        assert_eq!(cash.balance(AccountId(1), eur).posted, d("300"));
        assert_eq!(cash.balance(AccountId(2), eur).posted, d("200"));
    }
}
