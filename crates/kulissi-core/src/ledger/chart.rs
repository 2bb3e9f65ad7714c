//! The chart of accounts: codes, names and types. The default is a broker-dealer's, with the
//! codes of docs/domain.md §7; a legal entity may carry its own.

use std::collections::BTreeMap;

/// What kind of balance an account holds, which decides its normal side and where it goes
/// in the statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountType {
    /// Debit-normal, balance sheet.
    Asset,
    /// Credit-normal, balance sheet.
    Liability,
    /// Credit-normal, balance sheet.
    Equity,
    /// Credit-normal, income statement.
    Income,
    /// Debit-normal, income statement.
    Expense,
}

impl AccountType {
    /// Whether the account's balance is normally on the debit side.
    pub fn is_debit_normal(self) -> bool {
        matches!(self, AccountType::Asset | AccountType::Expense)
    }

    /// Whether it belongs to the income statement (closed into retained earnings at year end).
    pub fn is_profit_and_loss(self) -> bool {
        matches!(self, AccountType::Income | AccountType::Expense)
    }
}

/// The default chart's account codes, by what they are for.
pub mod codes {
    /// Cash at banks and nostros (per currency).
    pub const CASH: u16 = 1100;
    /// Trading securities at cost.
    pub const SECURITIES_AT_COST: u16 = 1200;
    /// Trading securities valuation adjustment (mark-to-market).
    pub const VALUATION_ADJUSTMENT: u16 = 1210;
    /// Translation of foreign-currency trading securities at closing rates, in the
    /// reporting currency (their FX change, booked against unrealised P&L: IAS 21).
    pub const SECURITIES_TRANSLATION: u16 = 1220;
    /// Client money at banks, segregated (always equal to client money held, per currency).
    pub const CLIENT_MONEY_AT_BANKS: u16 = 1150;
    /// Receivable from clients (a client's purchase, until it settles).
    pub const RECEIVABLE_FROM_CLIENTS: u16 = 1320;
    /// Receivable from market counterparties (a client's sale, until it settles).
    pub const RECEIVABLE_FROM_MARKET: u16 = 1330;
    /// Dividends receivable: the house's entitlements from their ex-date to their pay date.
    pub const DIVIDENDS_RECEIVABLE: u16 = 1340;
    /// Due from the group's other legal entities.
    pub const DUE_FROM_GROUP: u16 = 1600;
    /// CSDR penalties receivable (counterparties' fails), until the CSD pays them.
    pub const PENALTIES_RECEIVABLE: u16 = 1700;
    /// Unsettled sales receivable.
    pub const UNSETTLED_SALES: u16 = 1300;
    /// Accrued interest receivable.
    pub const ACCRUED_INTEREST: u16 = 1500;
    /// FX revaluation of foreign-currency monetary balances, in the reporting currency.
    pub const FX_REVALUATION_ADJUSTMENT: u16 = 1190;
    /// Unsettled purchases payable.
    pub const UNSETTLED_PURCHASES: u16 = 2100;
    /// Payable to market counterparties (a client's purchase, until it settles).
    pub const PAYABLE_TO_MARKET: u16 = 2110;
    /// Payable to clients (a client's sale, until it settles).
    pub const PAYABLE_TO_CLIENTS: u16 = 2120;
    /// Due to the group's other legal entities.
    pub const DUE_TO_GROUP: u16 = 2600;
    /// CSDR penalties payable (our and our clients' fails), until the CSD collects them.
    pub const PENALTIES_PAYABLE: u16 = 2700;
    /// Commissions and fees payable.
    pub const FEES_PAYABLE: u16 = 2200;
    /// Transaction taxes payable.
    pub const TAXES_PAYABLE: u16 = 2300;
    /// Securities sold short: the cost basis of short positions.
    pub const SECURITIES_SOLD_SHORT: u16 = 2400;
    /// Client money held (owed to clients).
    pub const CLIENT_MONEY: u16 = 2500;
    /// Share capital.
    pub const SHARE_CAPITAL: u16 = 3100;
    /// Retained earnings.
    pub const RETAINED_EARNINGS: u16 = 3900;
    /// Realised trading profit and loss.
    pub const REALISED_PNL: u16 = 4100;
    /// Unrealised trading profit and loss (mark-to-market).
    pub const UNREALISED_PNL: u16 = 4200;
    /// FX revaluation profit and loss.
    pub const FX_REVALUATION: u16 = 4300;
    /// Interest income.
    pub const INTEREST_INCOME: u16 = 4500;
    /// Dividend income.
    pub const DIVIDEND_INCOME: u16 = 4510;
    /// Commission income: what clients pay the firm as their agent.
    pub const COMMISSION_INCOME: u16 = 4600;
    /// Commission and brokerage expense.
    pub const COMMISSION_EXPENSE: u16 = 5100;
    /// Exchange and clearing fees.
    pub const EXCHANGE_FEES: u16 = 5200;
    /// Transaction taxes.
    pub const TRANSACTION_TAXES: u16 = 5300;
    /// Settlement penalties.
    pub const SETTLEMENT_PENALTIES: u16 = 5400;
    /// Custody fees.
    pub const CUSTODY_FEES: u16 = 5500;
}

/// One account of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LedgerAccount {
    /// Numeric code (1xxx assets ... 5xxx expenses).
    pub code: u16,
    /// Name.
    pub name: String,
    /// Type.
    pub account_type: AccountType,
}

/// A chart of accounts, by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartOfAccounts {
    accounts: BTreeMap<u16, LedgerAccount>,
}

impl ChartOfAccounts {
    /// The default chart of a broker-dealer (docs/domain.md §7, plus taxes and penalties).
    pub fn broker_dealer() -> ChartOfAccounts {
        use AccountType::*;
        use codes::*;
        let accounts = [
            (CASH, "Cash at banks", Asset),
            (SECURITIES_AT_COST, "Trading securities at cost", Asset),
            (
                VALUATION_ADJUSTMENT,
                "Trading securities valuation adjustment",
                Asset,
            ),
            (
                FX_REVALUATION_ADJUSTMENT,
                "FX revaluation of foreign-currency balances",
                Asset,
            ),
            (
                SECURITIES_TRANSLATION,
                "Trading securities translation at closing rates",
                Asset,
            ),
            (
                CLIENT_MONEY_AT_BANKS,
                "Client money at banks (segregated)",
                Asset,
            ),
            (UNSETTLED_SALES, "Unsettled sales receivable", Asset),
            (RECEIVABLE_FROM_CLIENTS, "Receivable from clients", Asset),
            (
                RECEIVABLE_FROM_MARKET,
                "Receivable from market counterparties",
                Asset,
            ),
            (DIVIDENDS_RECEIVABLE, "Dividends receivable", Asset),
            (DUE_FROM_GROUP, "Due from group entities", Asset),
            (
                PENALTIES_RECEIVABLE,
                "Settlement penalties receivable",
                Asset,
            ),
            (ACCRUED_INTEREST, "Accrued interest receivable", Asset),
            (
                UNSETTLED_PURCHASES,
                "Unsettled purchases payable",
                Liability,
            ),
            (
                PAYABLE_TO_MARKET,
                "Payable to market counterparties",
                Liability,
            ),
            (PAYABLE_TO_CLIENTS, "Payable to clients", Liability),
            (DUE_TO_GROUP, "Due to group entities", Liability),
            (PENALTIES_PAYABLE, "Settlement penalties payable", Liability),
            (FEES_PAYABLE, "Commissions and fees payable", Liability),
            (TAXES_PAYABLE, "Transaction taxes payable", Liability),
            (SECURITIES_SOLD_SHORT, "Securities sold short", Liability),
            (CLIENT_MONEY, "Client money held", Liability),
            (SHARE_CAPITAL, "Share capital", Equity),
            (RETAINED_EARNINGS, "Retained earnings", Equity),
            (REALISED_PNL, "Realised trading P&L", Income),
            (UNREALISED_PNL, "Unrealised trading P&L", Income),
            (FX_REVALUATION, "FX revaluation P&L", Income),
            (INTEREST_INCOME, "Interest income", Income),
            (DIVIDEND_INCOME, "Dividend income", Income),
            (COMMISSION_INCOME, "Commission income", Income),
            (COMMISSION_EXPENSE, "Commission and brokerage", Expense),
            (EXCHANGE_FEES, "Exchange and clearing fees", Expense),
            (TRANSACTION_TAXES, "Transaction taxes", Expense),
            (SETTLEMENT_PENALTIES, "Settlement penalties", Expense),
            (CUSTODY_FEES, "Custody fees", Expense),
        ];
        ChartOfAccounts {
            accounts: accounts
                .into_iter()
                .map(|(code, name, account_type)| {
                    (
                        code,
                        LedgerAccount {
                            code,
                            name: name.to_owned(),
                            account_type,
                        },
                    )
                })
                .collect(),
        }
    }

    /// The account with `code`.
    pub fn get(&self, code: u16) -> Option<&LedgerAccount> {
        self.accounts.get(&code)
    }

    /// Every account, by code.
    pub fn iter(&self) -> impl Iterator<Item = &LedgerAccount> {
        self.accounts.values()
    }

    /// Adds an account, or renames one.
    pub fn put(&mut self, account: LedgerAccount) {
        self.accounts.insert(account.code, account);
    }
}

impl AccountType {
    /// The type an account code's range stands for: 1xxx assets, 2xxx liabilities, 3xxx
    /// equity, 4xxx income, 5xxx expenses (the ranges the posting rules and the year-end
    /// close rely on); `None` outside 1000–5999.
    pub fn of_code(code: u16) -> Option<AccountType> {
        match code / 1000 {
            1 => Some(AccountType::Asset),
            2 => Some(AccountType::Liability),
            3 => Some(AccountType::Equity),
            4 => Some(AccountType::Income),
            5 => Some(AccountType::Expense),
            _ => None,
        }
    }

    /// Its name in files and on screens.
    pub fn code(self) -> &'static str {
        match self {
            AccountType::Asset => "asset",
            AccountType::Liability => "liability",
            AccountType::Equity => "equity",
            AccountType::Income => "income",
            AccountType::Expense => "expense",
        }
    }
}
