//! Books (where trades are kept, per desk and trader) and accounts (where positions sit).

use crate::identifiers::Lei;

/// A trading book of one of our legal entities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Book {
    /// Short code, unique.
    pub code: String,
    /// The legal entity (id) the book belongs to.
    pub legal_entity: crate::ids::LegalEntityId,
    /// The desk.
    pub desk: String,
    /// The trader responsible.
    pub trader: String,
    /// How the book's positions release cost when they shrink.
    pub cost_method: CostMethod,
}

/// How a position's cost is released when it shrinks: a per-book policy (docs/domain.md §6). Total
/// P&L is the same either way; the split between realised and unrealised is not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum CostMethod {
    /// Weighted average cost: reductions release cost at the average, which they do not
    /// change; the average resets when the position crosses zero.
    #[default]
    AverageCost,
    /// First in, first out: reductions consume the oldest lots first.
    Fifo,
}

impl CostMethod {
    /// Its name in files and on screens.
    pub fn code(self) -> &'static str {
        match self {
            CostMethod::AverageCost => "average",
            CostMethod::Fifo => "fifo",
        }
    }
}

impl std::str::FromStr for CostMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "average" | "average_cost" => Ok(CostMethod::AverageCost),
            "fifo" => Ok(CostMethod::Fifo),
            other => Err(format!("cost method '{other}': expected average or fifo")),
        }
    }
}

/// Whose assets an account holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountOwner {
    /// The firm's own (proprietary) assets.
    House,
    /// A client's assets, segregated.
    Client,
}

impl AccountOwner {
    /// The name used in files.
    pub fn code(self) -> &'static str {
        match self {
            AccountOwner::House => "house",
            AccountOwner::Client => "client",
        }
    }
}

impl std::str::FromStr for AccountOwner {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "house" => Ok(AccountOwner::House),
            "client" => Ok(AccountOwner::Client),
            _ => Err(format!(
                "unknown account owner '{s}', expected house or client"
            )),
        }
    }
}

/// A securities account at a custodian, with the cash account its trades settle against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Short code, unique.
    pub code: String,
    /// The legal entity (id) that holds it.
    pub legal_entity: crate::ids::LegalEntityId,
    /// House or client.
    pub owner: AccountOwner,
    /// The custodian's LEI.
    pub custodian: Lei,
    /// Safekeeping account number at the custodian.
    pub safekeeping_account: String,
    /// The cash account its DvP settlements move.
    pub cash_account: String,
}
