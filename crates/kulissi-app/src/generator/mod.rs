//! The demo firm and its trades, from a seed.
//!
//! Kulissi Securities Oyj is a Helsinki-based broker with Nordic, European and US equity
//! desks and a fixed-income desk; it trades 260 instruments on XHEL, XSTO, XCSE, XETR, XPAR,
//! XLON and XNYS with a dozen brokers and two CCPs, and keeps house and client accounts at
//! three custodians. Everything is derived from the seed, so a run can be repeated exactly;
//! the same generator feeds the CLI (`kulissi generate`), the tests and the benchmarks.

use jiff::civil::{Date, date};
use jiff::{Timestamp, ToSpan};
use kulissi_core::calendar::Convention;
use kulissi_core::daycount::{CouponTerms, DayCount};
use kulissi_core::engine::{Actor, Command, CommandEnvelope, State};
use kulissi_core::identifiers::{Bic, Currency, Cusip, IdentifierError, Isin, Lei, Mic};
use kulissi_core::money::{Price, Quantity, Rate};
use kulissi_core::refdata::{
    AccountOwner, Counterparty, CounterpartyRole, FeeSchedule, Instrument, InstrumentKind,
    InstrumentType, LegalEntity,
};
use kulissi_core::settlement::Market;
use kulissi_core::trade::{Side, TradeInput, TradeStatus};

mod cash;
mod corporate_actions;
mod settlement;
mod statements;

use corporate_actions::split_of;
use rust_decimal::Decimal;

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// An element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| char::from(*self.pick(alphabet))).collect()
    }
}

const DIGITS: &[u8] = b"0123456789";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The firm's LEI base: the generator always makes the same firm.
const FIRM_LEI_BASE: &str = "743700KULISSISEC00";

/// The business date the demo runs on.
pub const DEMO_BUSINESS_DATE: Date = date(2026, 11, 27);

/// First trade date of generated trades.
const FIRST_TRADE_DATE: Date = date(2026, 1, 2);

/// The generated reference data, and what trades need to pick from it.
#[derive(Debug, Clone)]
pub struct DemoFirm {
    /// Commands that define the firm's reference data, in dependency order.
    pub reference_data: Vec<CommandEnvelope>,
    /// Our legal entity.
    pub legal_entity: Lei,
    books: Vec<(String, String, Vec<Market>)>,
    accounts: Vec<String>,
    brokers: Vec<Lei>,
    /// The share that splits in the generated year, and the ex-date.
    split: Option<(Isin, Date)>,
    instruments: Vec<DemoInstrument>,
    /// Per book, per market of the book: the instruments it trades there (indices).
    candidates: Vec<Vec<Vec<usize>>>,
}

#[derive(Debug, Clone)]
struct DemoInstrument {
    isin: Isin,
    venue: Mic,
    market: Market,
    currency: Currency,
    bond: Option<CouponTerms>,
    /// Typical price in hundredths (cents, or per-100 hundredths for bonds).
    price_cents: u64,
}

/// Envelope for a generated command.
pub fn envelope(command: Command, wall_time: Timestamp) -> CommandEnvelope {
    CommandEnvelope {
        actor: Actor::System("generator".into()),
        wall_time,
        business_date: DEMO_BUSINESS_DATE,
        command,
        message_id: None,
    }
}

fn lei(rng: &mut Rng) -> Result<Lei, IdentifierError> {
    Lei::from_base(&format!("5299{}", rng.chars(ALNUM, 14)))
}

fn bic(rng: &mut Rng, country: &str) -> Result<Bic, IdentifierError> {
    // A '0' in the second location character would make it a test BIC.
    Bic::parse(&format!(
        "{}{country}{}",
        rng.chars(UPPER, 4),
        rng.chars(ALNUM, 2).replace('0', "2")
    ))
}

fn market_facts(market: Market) -> (&'static str, &'static str, &'static str, u32) {
    // country (ISIN prefix), currency, company suffix, number of equities
    match market {
        Market::Xhel => ("FI", "EUR", "Oyj", 50),
        Market::Xsto => ("SE", "SEK", "AB", 35),
        Market::Xcse => ("DK", "DKK", "A/S", 25),
        Market::Xetr => ("DE", "EUR", "AG", 35),
        Market::Xpar => ("FR", "EUR", "SA", 35),
        Market::Xlon => ("GB", "GBP", "plc", 35),
        Market::Xnys => ("US", "USD", "Inc.", 30),
        Market::Xosl => ("NO", "NOK", "ASA", 0),
        Market::Xswx => ("CH", "CHF", "AG", 0),
        Market::Xtks => ("JP", "JPY", "KK", 0),
    }
}

const MARKETS: [Market; 7] = [
    Market::Xhel,
    Market::Xsto,
    Market::Xcse,
    Market::Xetr,
    Market::Xpar,
    Market::Xlon,
    Market::Xnys,
];

const NAME_PARTS: [&str; 24] = [
    "Aurora",
    "Boreal",
    "Kivi",
    "Meri",
    "Pohjola",
    "Revontuli",
    "Saimaa",
    "Tunturi",
    "Nordic",
    "Baltic",
    "Vasa",
    "Lumi",
    "Koski",
    "Metsä",
    "Helmi",
    "Aalto",
    "Linden",
    "Fjord",
    "Granit",
    "Atlas",
    "Orion",
    "Polaris",
    "Vega",
    "Sirius",
];
const NAME_TRADES: [&str; 8] = [
    "Industries",
    "Energy",
    "Bank",
    "Telecom",
    "Pharma",
    "Foods",
    "Logistics",
    "Technologies",
];

impl DemoFirm {
    /// Generates the firm from `seed`. Fails only if the generator's own constants were
    /// edited into invalid identifiers.
    pub fn generate(seed: u64) -> Result<DemoFirm, IdentifierError> {
        let mut rng = Rng::new(seed);
        let t0 = Timestamp::from_second(1_767_340_800).unwrap_or(Timestamp::UNIX_EPOCH);
        let mut commands = Vec::new();
        let mut push = |c: Command| commands.push(envelope(c, t0));
        let firm = Lei::from_base(FIRM_LEI_BASE)?;
        push(Command::DefineLegalEntity(LegalEntity {
            lei: firm,
            name: "Kulissi Securities Oyj".into(),
            reporting_currency: Currency::parse("EUR")?,
        }));
        let mut custodians = Vec::new();
        for (name, country) in [
            ("Pohjola Custody Services", "FI"),
            ("Baltic Securities Services", "SE"),
            ("Atlantic Global Custody", "US"),
        ] {
            let c = Counterparty {
                lei: lei(&mut rng)?,
                name: name.into(),
                bic: bic(&mut rng, country)?,
                role: CounterpartyRole::Custodian,
            };
            custodians.push(c.lei);
            push(Command::DefineCounterparty(c));
        }
        let mut brokers = Vec::new();
        for (i, (name, country)) in [
            ("Nordic Execution Services", "FI"),
            ("Scandinavian Equities", "SE"),
            ("Copenhagen Brokerage", "DK"),
            ("Frankfurt Wertpapierhandel", "DE"),
            ("Paris Intermédiation", "FR"),
            ("City Agency Brokers", "GB"),
            ("Hudson Prime Brokerage", "US"),
            ("Helsinki Markets", "FI"),
            ("Stockholm Securities", "SE"),
            ("Thames Execution", "GB"),
            ("EuroCCP Clearing", "NL"),
            ("Atlantic Clearing Corporation", "US"),
        ]
        .into_iter()
        .enumerate()
        {
            let role = if i >= 10 {
                CounterpartyRole::Ccp
            } else {
                CounterpartyRole::Broker
            };
            let c = Counterparty {
                lei: lei(&mut rng)?,
                name: name.into(),
                bic: bic(&mut rng, country)?,
                role,
            };
            brokers.push(c.lei);
            push(Command::DefineCounterparty(c));
        }
        let books: Vec<(String, String, Vec<Market>)> = vec![
            (
                "NEQ-AINO".into(),
                "aino".into(),
                vec![Market::Xhel, Market::Xsto, Market::Xcse],
            ),
            (
                "NEQ-EERO".into(),
                "eero".into(),
                vec![Market::Xhel, Market::Xsto, Market::Xcse],
            ),
            (
                "EEQ-LARS".into(),
                "lars".into(),
                vec![Market::Xetr, Market::Xpar, Market::Xlon],
            ),
            (
                "EEQ-SOFIA".into(),
                "sofia".into(),
                vec![Market::Xetr, Market::Xpar, Market::Xlon],
            ),
            ("USEQ-MIKA".into(), "mika".into(), vec![Market::Xnys]),
            (
                "FI-OONA".into(),
                "oona".into(),
                vec![Market::Xhel, Market::Xnys],
            ),
        ];
        for (code, trader, _) in &books {
            let desk = match &code[..2] {
                "NE" => "Nordic Equities",
                "EE" => "European Equities",
                "US" => "US Equities",
                _ => "Fixed Income",
            };
            push(Command::DefineBook {
                code: code.clone(),
                legal_entity: firm,
                desk: desk.into(),
                trader: trader.clone(),
                cost_method: kulissi_core::refdata::CostMethod::AverageCost,
            });
        }
        let mut accounts = Vec::new();
        for i in 0..24u32 {
            let (owner, code) = if i < 3 {
                (AccountOwner::House, format!("HOUSE-{:02}", i + 1))
            } else {
                (AccountOwner::Client, format!("CLIENT-{:03}", i - 2))
            };
            let custodian = custodians[(i % 3) as usize];
            push(Command::DefineAccount {
                code: code.clone(),
                legal_entity: firm,
                owner,
                custodian,
                safekeeping_account: format!("SAFE{:06}", 100_000 + i * 7),
                cash_account: format!("CASH{:06}", 200_000 + i * 7),
            });
            accounts.push(code);
        }
        let mut instruments = Vec::new();
        for market in MARKETS {
            let (country, currency, suffix, equities) = market_facts(market);
            for n in 0..equities {
                let nsin = if market == Market::Xnys {
                    Cusip::from_base(&rng.chars(DIGITS, 8))
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                } else {
                    rng.chars(DIGITS, 9)
                };
                let Ok(isin) = Isin::from_national_code(country, &nsin) else {
                    continue;
                };
                let name = format!(
                    "{} {} {suffix}",
                    NAME_PARTS[(n as usize * 7 + market as usize) % NAME_PARTS.len()],
                    NAME_TRADES[n as usize % NAME_TRADES.len()]
                );
                let taxed =
                    matches!(market, Market::Xlon) || (market == Market::Xpar && n % 3 != 0);
                push(Command::DefineInstrument(Instrument {
                    isin,
                    name,
                    kind: InstrumentKind::Equity,
                    currency: Currency::parse(currency)?,
                    market,
                    multiplier: Decimal::ONE,
                    transaction_tax: taxed,
                }));
                instruments.push(DemoInstrument {
                    isin,
                    venue: Mic::parse(market.mic())?,
                    market,
                    currency: Currency::parse(currency)?,
                    bond: None,
                    price_cents: 200 + rng.below(20_000),
                });
            }
        }
        // Bonds: Finnish government and corporates on XHEL (EUR), US corporates on XNYS.
        for n in 0..20u32 {
            let (market, country, currency, day_count, frequency) = match n % 4 {
                0 => (Market::Xhel, "FI", "EUR", DayCount::ActActIcma, 1),
                1 | 2 => (Market::Xhel, "FI", "EUR", DayCount::Thirty360European, 1),
                _ => (Market::Xnys, "US", "USD", DayCount::Thirty360BondBasis, 2),
            };
            let nsin = if country == "US" {
                Cusip::from_base(&rng.chars(DIGITS, 8))
                    .map(|c| c.to_string())
                    .unwrap_or_default()
            } else {
                rng.chars(DIGITS, 9)
            };
            let Ok(isin) = Isin::from_national_code(country, &nsin) else {
                continue;
            };
            // One bond in five matures inside the generated year (its coupons and its
            // redemption fall due there); one in three was issued off its coupon cycle (a
            // short first coupon); one in seven pays on the last day of the month.
            let (maturity, end_of_month) = match n {
                n if n % 5 == 4 => (date(2026, 3 + (n % 8) as i8, 15), false),
                n if n % 7 == 6 => (date(2029 + (n % 5) as i16, 4, 30), true),
                n => (date(2028 + (n % 17) as i16, 1 + (n % 12) as i8, 15), false),
            };
            let issue_day = if n % 3 == 1 { 3 } else { maturity.day() };
            let issue = date(2016 + (n % 8) as i16, maturity.month(), issue_day.min(28));
            let terms = CouponTerms {
                rate: Decimal::new(i64::from(50 + rng.below(450) as u32), 4),
                frequency,
                day_count,
                issue_date: issue,
                maturity_date: maturity,
                first_coupon_date: None,
                end_of_month,
            };
            push(Command::DefineInstrument(Instrument {
                isin,
                name: format!(
                    "{} {}% {}",
                    if n % 4 == 0 {
                        "Finland"
                    } else {
                        NAME_PARTS[n as usize]
                    },
                    terms.rate * Decimal::from(100),
                    maturity.year()
                ),
                kind: InstrumentKind::Bond(terms),
                currency: Currency::parse(currency)?,
                market,
                multiplier: Decimal::new(1, 2),
                transaction_tax: false,
            }));
            instruments.push(DemoInstrument {
                isin,
                venue: Mic::parse(market.mic())?,
                market,
                currency: Currency::parse(currency)?,
                bond: Some(terms),
                price_cents: 9_500 + rng.below(1_000),
            });
        }
        // SSIs for our side and every broker and CCP, per market, currency and type traded.
        let csd = |market: Market| match market {
            Market::Xhel => "APKEFIHH",
            Market::Xsto => "VPCSSESS",
            Market::Xcse => "VPDKDKKK",
            Market::Xetr => "DAKVDEFF",
            Market::Xpar => "SICVFRPP",
            Market::Xlon => "CRSTGB22",
            _ => "DTCYUS33",
        };
        for market in MARKETS {
            let (_, currency, _, _) = market_facts(market);
            let types: &[InstrumentType] = if matches!(market, Market::Xhel | Market::Xnys) {
                &[InstrumentType::Equity, InstrumentType::Bond]
            } else {
                &[InstrumentType::Equity]
            };
            for &instrument_type in types {
                for counterparty in std::iter::once(None).chain(brokers.iter().map(|b| Some(*b))) {
                    let agent = bic(&mut rng, &csd(market)[4..6])?;
                    push(Command::DefineSsi {
                        counterparty,
                        market,
                        currency: Currency::parse(currency)?,
                        instrument_type,
                        place_of_settlement: Bic::parse(csd(market))?,
                        agent,
                        safekeeping_account: format!("SK{}", rng.chars(DIGITS, 8)),
                        cash_account: format!("CA{}", rng.chars(DIGITS, 8)),
                        valid_from: kulissi_core::refdata::IN_FORCE_FROM_THE_START,
                    });
                }
                // Rates in hundredths of a basis point.
                let bp = |hundredths: i64| Rate::from_basis_points(Decimal::new(hundredths, 2));
                let (commission, commission_minimum, exchange_fee, purchase_tax) =
                    match (market, instrument_type) {
                        (_, InstrumentType::Bond) => (bp(0), Decimal::ZERO, bp(0), bp(0)),
                        (Market::Xlon, _) => (bp(500), Decimal::new(1000, 2), bp(20), bp(5000)),
                        (Market::Xpar, _) => (bp(300), Decimal::new(500, 2), bp(10), bp(4000)),
                        (Market::Xnys, _) => (bp(200), Decimal::new(100, 2), bp(0), bp(0)),
                        _ => (bp(400), Decimal::new(900, 2), bp(15), bp(0)),
                    };
                push(Command::DefineFeeSchedule(FeeSchedule {
                    valid_from: FeeSchedule::IN_FORCE_FROM_THE_START,
                    market,
                    instrument_type,
                    commission,
                    commission_minimum,
                    exchange_fee,
                    purchase_tax,
                }));
            }
        }
        let candidates = books
            .iter()
            .map(|(code, _, markets)| {
                markets
                    .iter()
                    .map(|market| {
                        (0..instruments.len())
                            .filter(|&i| {
                                instruments[i].market == *market
                                    && instruments[i].bond.is_some() == code.starts_with("FI-")
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Ok(DemoFirm {
            reference_data: commands,
            legal_entity: firm,
            books,
            accounts,
            brokers,
            split: split_of(&instruments),
            instruments,
            candidates,
        })
    }

    /// Generated trades: `count` bookings from `seed`, trade dates spread over business days
    /// from 2 January 2026 in order. Lazy, so a million trades need no memory up front.
    pub fn trades(&self, seed: u64, count: u64) -> TradeStream<'_> {
        TradeStream {
            firm: self,
            seed,
            next: 0,
            count,
        }
    }

    /// Trade number `i` of a run of `count` from `seed`: the same booking whichever order or
    /// thread asks for it (each trade has its own random stream).
    pub fn trade(&self, seed: u64, i: u64, count: u64) -> CommandEnvelope {
        let mut rng = Rng::new(
            seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        );
        let day = (i.min(count) * TRADING_DAYS / count.max(1)) as u32;
        let input = self.random_trade(&mut rng, "OMS", format!("S{seed}-{i:09}"), day);
        let wall_time = input.trade_time;
        envelope(Command::BookTrade(input), wall_time)
    }

    /// A random booking (used by simulations to mix with amendments and cancellations).
    pub fn random_trade(
        &self,
        rng: &mut Rng,
        source: &str,
        external_id: String,
        day: u32,
    ) -> TradeInput {
        let b = rng.below(self.books.len() as u64) as usize;
        let (book, trader, markets) = &self.books[b];
        let m = rng.below(markets.len() as u64) as usize;
        let candidates = &self.candidates[b][m];
        let instrument = if candidates.is_empty() {
            rng.pick(&self.instruments)
        } else {
            &self.instruments[*rng.pick(candidates)]
        };
        let nominal = FIRST_TRADE_DATE
            .checked_add(i64::from(day * 7 / 5).days())
            .unwrap_or(FIRST_TRADE_DATE);
        // A bond that has matured by then is no longer traded: the book's first instrument
        // in the market that is still alive instead.
        let alive =
            |i: &DemoInstrument| i.bond.is_none_or(|b| b.maturity_date > nominal + 10.days());
        let instrument = if alive(instrument) {
            instrument
        } else {
            candidates
                .iter()
                .map(|c| &self.instruments[*c])
                .chain(self.instruments.iter())
                .find(|i| alive(i) && i.market == instrument.market)
                .unwrap_or(instrument)
        };
        let calendar = instrument.market.trading_calendar();
        let trade_date = calendar
            .adjust(nominal, Convention::Following)
            .unwrap_or(nominal);
        let (quantity, price) = match &instrument.bond {
            Some(_) => (
                Decimal::from(10_000 * (1 + rng.below(500))),
                Decimal::new(
                    (instrument.price_cents * 10 + rng.below(200)) as i64 - 100,
                    3,
                ),
            ),
            None => {
                let drift = rng.below(1_000) as i64 - 500;
                let cents =
                    (self.price_cents(instrument, trade_date) as i64 * (10_000 + drift)) / 100;
                (
                    Decimal::from(10 * (1 + rng.below(1_000))),
                    Decimal::new(cents.max(1), 4),
                )
            }
        };
        let seconds = 9 * 3600 + rng.below(8 * 3600) as i64;
        let trade_time = jiff::tz::Offset::UTC
            .to_timestamp(trade_date.to_datetime(jiff::civil::Time::midnight()))
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .checked_add(seconds.seconds())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        TradeInput {
            source: source.to_owned(),
            external_id,
            legal_entity: self.legal_entity,
            book: book.clone(),
            trader: trader.clone(),
            counterparty: *rng.pick(&self.brokers),
            account: self.account_for(rng).clone(),
            instrument: instrument.isin,
            side: if rng.below(2) == 0 {
                Side::Buy
            } else {
                Side::Sell
            },
            quantity: Quantity::new(quantity),
            price: Price::new(price),
            currency: instrument.currency,
            trade_date,
            trade_time,
            venue: instrument.venue,
            // The front office sends the intended settlement date; the engine checks it.
            settlement_date: instrument.market.intended_settlement_date(trade_date).ok(),
        }
    }
}

impl DemoFirm {
    /// The account of a generated trade: two in five on the house's own accounts, the rest
    /// for clients (a broker's business is mostly agency).
    fn account_for(&self, rng: &mut Rng) -> &String {
        // The house accounts come first.
        let houses = self
            .accounts
            .iter()
            .take_while(|code| code.starts_with("HOUSE"))
            .count();
        let clients = self.accounts.len() - houses;
        let i = if rng.below(5) < 2 || clients == 0 {
            rng.below(houses as u64) as usize
        } else {
            houses + rng.below(clients as u64) as usize
        };
        &self.accounts[i]
    }

    /// End-of-day market data for `date`: a close for every instrument (its typical price
    /// moved by up to ±5%, from `seed` and the date) and the EUR rates of the other
    /// currencies (moved by up to ±1%), then the end of day itself.
    pub fn end_of_day(
        &self,
        seed: u64,
        date: Date,
    ) -> Result<Vec<CommandEnvelope>, IdentifierError> {
        let day = i64::from(date.year()) * 400 + i64::from(date.day_of_year());
        let mut rng = Rng::new(seed ^ (day as u64).wrapping_mul(0xd6e8_feb8_6659_fd93));
        let time = jiff::tz::Offset::UTC
            .to_timestamp(date.to_datetime(jiff::civil::Time::constant(18, 0, 0, 0)))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut commands = Vec::new();
        for i in &self.instruments {
            let cents =
                self.price_cents(i, date) as i64 * (1_000 + rng.below(101) as i64 - 50) / 1_000;
            commands.push(envelope(
                Command::RecordPrice {
                    instrument: i.isin,
                    date,
                    price: Price::new(Decimal::new(cents.max(1), 2)),
                    source: format!("{} close", i.venue),
                },
                time,
            ));
        }
        let eur = Currency::parse("EUR")?;
        for (code, typical) in [
            ("SEK", 112_000),
            ("DKK", 74_600),
            ("GBP", 8_500),
            ("USD", 10_800),
        ] {
            let quote = Currency::parse(code)?;
            let moved = typical * (10_000 + rng.below(201) as i64 - 100) / 10_000;
            commands.push(envelope(
                Command::RecordFxRate {
                    base: eur,
                    quote,
                    date,
                    rate: Decimal::new(moved, 4),
                },
                time,
            ));
        }
        for step in kulissi_core::engine::end_of_day_steps(self.legal_entity, date) {
            commands.push(envelope(step, time));
        }
        Ok(commands)
    }

    /// Settlement confirmations from the custodians for the live trades of `state` due on or
    /// before `until`, as a believable book sees them: most settle in full on their intended
    /// date, one in ten in two parts (the second a business day later, when that is still on
    /// or before `until`), one in twenty fails: four in five of those settle 1 to 20 business
    /// days late (confirmed once that day is on or before `until`), the rest stay open.
    /// Deterministic from `seed`.
    pub fn settlements(&self, state: &State, seed: u64, until: Date) -> Vec<CommandEnvelope> {
        let mut commands = Vec::new();
        for stored in state.trades.iter() {
            let r = &stored.record;
            let due = r.terms.settlement_date;
            if r.status != TradeStatus::Live || due > until || !r.settled_quantity.is_zero() {
                continue;
            }
            let mut rng = Rng::new(seed ^ r.trade_id.0.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let quantity = r.terms.quantity.value();
            let time = jiff::tz::Offset::UTC
                .to_timestamp(due.to_datetime(jiff::civil::Time::constant(17, 0, 0, 0)))
                .unwrap_or(Timestamp::UNIX_EPOCH);
            let confirm = |quantity: Decimal, date: Date, part: u32| {
                envelope(
                    Command::ConfirmSettlement {
                        source: r.source.to_string(),
                        external_id: r.external_id.to_string(),
                        quantity: Quantity::new(quantity),
                        settlement_date: date,
                        reference: format!("CUST-{}-{part}", r.trade_id),
                    },
                    time,
                )
            };
            match rng.below(20) {
                0 => {
                    let late = 1 + rng.below(20) as i64;
                    if rng.below(5) != 0
                        && let Some(day) = state
                            .refdata
                            .instruments
                            .get(r.terms.instrument)
                            .and_then(|i| {
                                i.market
                                    .settlement_calendar()
                                    .add_business_days(due, late)
                                    .ok()
                            })
                        && day <= until
                    {
                        commands.push(confirm(quantity, day, 1));
                    }
                }
                1 | 2 => {
                    let first = (quantity / Decimal::TWO).floor();
                    let next = state
                        .refdata
                        .instruments
                        .get(r.terms.instrument)
                        .and_then(|i| {
                            i.market
                                .settlement_calendar()
                                .add_business_days(due, 1)
                                .ok()
                        })
                        .unwrap_or(due);
                    if first.is_zero() || next > until {
                        commands.push(confirm(quantity, due, 1));
                    } else {
                        commands.push(confirm(first, due, 1));
                        commands.push(confirm(quantity - first, next, 2));
                    }
                }
                _ => commands.push(confirm(quantity, due, 1)),
            }
        }
        commands
    }
}

/// Business days the generated trades are spread over.
const TRADING_DAYS: u64 = 220;

/// Lazily generated bookings.
#[derive(Debug)]
pub struct TradeStream<'a> {
    firm: &'a DemoFirm,
    seed: u64,
    next: u64,
    count: u64,
}

impl Iterator for TradeStream<'_> {
    type Item = CommandEnvelope;

    fn next(&mut self) -> Option<CommandEnvelope> {
        if self.next >= self.count {
            return None;
        }
        let i = self.next;
        self.next += 1;
        Some(self.firm.trade(self.seed, i, self.count))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.count - self.next).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}
