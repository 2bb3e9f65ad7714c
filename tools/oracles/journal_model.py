#!/usr/bin/env python3
"""Independent reference model (oracle) of Kulissi's general ledger.

This model is written from the firm's accounting policies and from `docs/domain.md`
(§5 trade economics, §6 position keeping, §7 accounting, §7.1 client trades and client money,
§7.3 foreign currency) -- never from Kulissi's Rust code. It reads the lines a firm was fed
(FIRM.jsonl: reference data, market data, cash movements, trades, settlements and ends of
day, every line accepted, applied in file order) and computes the general-ledger balance of
every (legal entity, account, currency), so that CI can compare them with Kulissi's trial
balance.

usage:
  journal_model.py FIRM.jsonl --out balances.csv
      legal_entity,account,currency,balance  (debit positive, non-zero only, sorted)
  journal_model.py FIRM.jsonl --compare TB.csv [--legal-entity LEI]
      TB.csv is `kulissi ledger trial-balance --format csv [--legal-entity LEI]`
      (currency,account,name,debit,credit). Every non-zero balance must agree exactly in both
      directions; prints "OK <n> balances" or each difference, exit status 1 on any.
  Without --out or --compare the balances are written to standard output.

What the model covers:
  * economics of a trade (§5): gross, bond accrued interest (QuantLib 1.44, imported only when
    a bond is traded), commission with its minimum, exchange fees, purchase taxes (UK SDRT,
    French FTT), each rounded half-up to the currency's minor units;
  * house trades, trade-date accounting (§7): 1200/2400 at cost, 1500, 2100/1300, charges
    2200/2300 against 5100/5200/5300, realised P&L 4100 from the cost released at average
    cost or FIFO (§6), re-folded when a late trade, an amendment or a cancellation changes
    the order of a position's trades;
  * mark to market at each end of day and the release of the adjustment when a position
    shrinks (1210/4200);
  * settlements in parts, house and client (§7, §7.1);
  * client (agency) trades and client money (§7.1): 1150/1320/1330/2110/2120/2500/4600;
  * cash movements: capital, client deposits and withdrawals, transfers (also between legal
    entities: 1600/2600), custody fees, penalties; held (pending) movements are ignored;
  * end-of-day FX revaluation per legal entity (§7, §7.3): monetary balances (1190/4300) and
    fair-valued securities (1220/4200), in the reporting currency.

Money is exact: decimal.Decimal everywhere, JSON floats parsed as Decimal, never float (the
only float is QuantLib's accrued amount per 100 of face, see `accrued_interest`).
"""
from __future__ import annotations

import argparse
import csv
import decimal
import json
import sys
from bisect import bisect_left, bisect_right, insort
from collections import deque
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

# High precision so that an exact half (a tie) survives every intermediate division; the
# final rounding is always an explicit quantize(ROUND_HALF_UP).
CONTEXT = decimal.Context(prec=60, rounding=ROUND_HALF_EVEN, Emax=999999, Emin=-999999)
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
TEN_THOUSAND = Decimal(10000)

# ISO 4217 minor units (exponent); every other currency has 2.
MINOR_UNITS = {
    **{c: 0 for c in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split()},
    **{c: 3 for c in "BHD IQD JOD KWD LYD OMR TND".split()},
    **{c: 4 for c in "CLF UYW".split()},
}
_QUANTUM: dict[str, Decimal] = {}

# Monetary accounts revalued at the closing rate (4300) and fair-valued securities (4200).
MONETARY_ACCOUNTS = ("1100", "1150", "1300", "1320", "1330", "1500", "1600",
                     "2100", "2110", "2120", "2200", "2300", "2500", "2600")
SECURITIES_ACCOUNTS = ("1200", "1210", "2400")


# --------------------------------------------------------------------------------------------
# Decimals and rounding
# --------------------------------------------------------------------------------------------

def dec(value) -> Decimal:
    """A decimal from a JSON string, integer or (already Decimal-parsed) number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a decimal: {value!r}")
    if isinstance(value, float):  # never produced by our json.loads, but be explicit
        raise ValueError(f"float in money: {value!r}")
    return Decimal(str(value).strip())


def quantum(currency: str) -> Decimal:
    """The currency's minor unit as a quantize exponent (0.01 for EUR, 1 for JPY)."""
    q = _QUANTUM.get(currency)
    if q is None:
        q = _QUANTUM[currency] = Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2))
    return q


def round_half_up(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor units, exactly half rounded away from zero."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def flag(value) -> bool:
    """A yes/no field: JSON true/false, or the strings "true"/"false" (Kulissi reads both)."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def sign(x: Decimal) -> int:
    return (x > 0) - (x < 0)


# --------------------------------------------------------------------------------------------
# §5 Trade economics
# --------------------------------------------------------------------------------------------

QL_DAY_COUNTS = {
    "ACT/360": lambda ql: ql.Actual360(),
    "ACT/365F": lambda ql: ql.Actual365Fixed(),
    "30/360": lambda ql: ql.Thirty360(ql.Thirty360.BondBasis),
    "30E/360": lambda ql: ql.Thirty360(ql.Thirty360.European),
    "ACT/ACT-ICMA": lambda ql: ql.ActualActual(ql.ActualActual.ISMA),
}
_BONDS: dict[tuple, object] = {}
_QL = None


def _quantlib():
    global _QL
    if _QL is None:
        import QuantLib as ql  # only needed when a bond is traded

        if ql.__version__ != "1.44":
            sys.exit(f"expected QuantLib 1.44, found {ql.__version__}")
        _QL = ql
    return _QL


def _ql_date(ql, iso: str):
    d = date.fromisoformat(iso)
    return ql.Date(d.day, d.month, d.year)


def _bond_terms(instr: dict) -> tuple:
    return (instr["isin"], str(instr["coupon"]), int(instr["frequency"]), instr["day_count"],
            instr["issue_date"], instr["maturity_date"], instr.get("first_coupon_date") or "",
            flag(instr.get("end_of_month")))


def quantlib_bond(instr: dict):
    """QuantLib FixedRateBond for the instrument's current terms (face 100, cached): NullCalendar,
    Unadjusted, schedule generated backward from maturity, endOfMonth and firstDate from the
    instrument."""
    terms = _bond_terms(instr)
    bond = _BONDS.get(terms)
    if bond is None:
        ql = _quantlib()
        _, coupon, frequency, day_count, issue, maturity, first, eom = terms
        tenor = ql.Period({1: ql.Annual, 2: ql.Semiannual, 4: ql.Quarterly, 12: ql.Monthly}[frequency])
        schedule = ql.Schedule(_ql_date(ql, issue), _ql_date(ql, maturity), tenor, ql.NullCalendar(),
                               ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, eom,
                               _ql_date(ql, first) if first else ql.Date())
        bond = ql.FixedRateBond(0, 100.0, schedule, [float(Decimal(coupon))],
                                QL_DAY_COUNTS[day_count](ql), ql.Unadjusted)
        _BONDS[terms] = bond
    return bond


def accrued_interest(instr: dict, nominal: Decimal, settlement_date: str | None, currency: str) -> Decimal:
    """Accrued interest on `nominal` at the settlement date (§5), rounded half-up:
    QuantLib `accruedAmount(settlement) × nominal / 100`. QuantLib answers in binary floating
    point, exact to about 1e-16 of the amount per 100, so on a nominal of millions the product
    can be off by ~1e-9: it is first rounded to 7 decimal places (removing that noise, which
    would otherwise turn an exact half-cent such as 39,595.875 into 39,595.8749999994) and
    then rounded half-up to the currency."""
    if instr.get("kind") != "bond":
        return ZERO
    if not settlement_date:
        raise ValueError(f"bond trade in {instr['isin']} without a settlement_date")
    if not (instr["issue_date"] <= settlement_date < instr["maturity_date"]):
        return round_half_up(ZERO, currency)
    ql = _quantlib()
    per_100 = quantlib_bond(instr).accruedAmount(_ql_date(ql, settlement_date))
    exact = (Decimal(repr(per_100)) * nominal / HUNDRED).quantize(Decimal("1e-7"), ROUND_HALF_EVEN)
    return round_half_up(exact, currency)


def multiplier(instr: dict) -> Decimal:
    """Contract multiplier: given, else 1, bonds 0.01 (gross = nominal × clean price / 100)."""
    m = instr.get("multiplier")
    if m is not None and m != "":
        return dec(m)
    return Decimal("0.01") if instr.get("kind") == "bond" else ONE


def fee_schedule_for(schedules: dict, instr: dict, trade_date: str) -> dict | None:
    """The schedule of (instrument's market, instrument's kind) with the latest valid_from on or
    before the trade date (no valid_from = in force from the start)."""
    versions = schedules.get((instr.get("market"), instr.get("kind")))
    if not versions:
        return None
    best = None
    for valid_from, schedule in versions:  # sorted by valid_from; later lines win ties
        if valid_from <= trade_date:
            best = schedule
        else:
            break
    return best


def economics(instr: dict, schedule: dict | None, side: str, quantity: Decimal, price: Decimal,
              currency: str, settlement_date: str | None) -> tuple:
    """(gross, accrued, principal, commission, fees, taxes), each charge rounded half-up."""
    gross = round_half_up(quantity * price * multiplier(instr), currency)
    accrued = accrued_interest(instr, quantity, settlement_date, currency)
    zero = round_half_up(ZERO, currency)
    commission = fees = taxes = zero
    if schedule is not None:
        bp = lambda name: dec(schedule.get(name) or 0)  # noqa: E731
        commission = max(round_half_up(gross * bp("commission_bp") / TEN_THOUSAND, currency),
                         round_half_up(bp("commission_minimum"), currency))
        fees = round_half_up(gross * bp("exchange_fee_bp") / TEN_THOUSAND, currency)
        if side == "buy" and flag(instr.get("transaction_tax")):
            taxes = round_half_up(gross * bp("purchase_tax_bp") / TEN_THOUSAND, currency)
    return gross, accrued, gross + accrued, commission, fees, taxes


# --------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------

class Trade:
    """One live version of a trade, with its economics and what has settled."""
    __slots__ = ("key", "seq", "sort_key", "le", "account", "house", "isin", "side", "quantity",
                 "signed_qty", "currency", "book", "gross", "signed_gross", "accrued", "principal",
                 "commission", "fees", "taxes", "settled", "line")


class Position:
    """A house position per (account, instrument): its live trades in fold order, signed quantity,
    signed cost (average cost: one figure; FIFO: lots), and its current valuation adjustment
    (1210). Every CHECKPOINT trades the cost state is remembered, so that a late trade, an
    amendment or a cancellation re-folds from the nearest earlier checkpoint, not from the start."""
    __slots__ = ("key", "le", "account", "isin", "currency", "trades", "ordered", "keys", "snaps",
                 "qty", "cost", "method", "lots", "adj")

    def __init__(self, key, le, account, isin):
        self.key, self.le, self.account, self.isin = key, le, account, isin
        self.currency = None
        self.trades: dict = {}   # trade key -> Trade (live versions)
        self.ordered: list = []  # the live trades in (trade date, trade time, first booking) order
        self.keys: list = []     # their sort keys, for bisect
        self.snaps: list = []    # snaps[j]: the cost state before folding ordered[j * CHECKPOINT]
        self.qty = ZERO
        self.cost = ZERO
        self.method = None
        self.lots = deque()
        self.adj = ZERO


CHECKPOINT = 32


class DatedSeries:
    """Values by date (prices, FX rates); the latest on or before a date."""
    __slots__ = ("dates", "values")

    def __init__(self):
        self.dates: list[str] = []
        self.values: dict[str, Decimal] = {}

    def put(self, day: str, value: Decimal):
        if day not in self.values:
            insort(self.dates, day)
        self.values[day] = value

    def on_or_before(self, day: str) -> Decimal | None:
        i = bisect_right(self.dates, day)
        return self.values[self.dates[i - 1]] if i else None


# --------------------------------------------------------------------------------------------
# §6 Cost folding (average cost and FIFO)
# --------------------------------------------------------------------------------------------

def average_cost_step(qty: Decimal, cost: Decimal, q: Decimal, signed_gross: Decimal, currency: str):
    """One trade folded into an average-cost position: adds its gross when it opens or adds;
    keeps cost × remaining / before when it reduces; on a flip the remainder opens at
    gross × |remaining| / |trade qty|. Returns (qty, cost)."""
    if qty == 0 or (qty > 0) == (q > 0):
        return qty + q, cost + signed_gross
    after = qty + q
    if after == 0:
        return after, ZERO
    if (after > 0) == (qty > 0):
        return after, round_half_up(cost * after / qty, currency)
    return after, round_half_up(signed_gross * abs(after) / abs(q), currency)


def fifo_step(lots: deque, q: Decimal, signed_gross: Decimal, currency: str) -> Decimal:
    """One trade folded into FIFO lots ([signed qty, signed cost], oldest first): closes the
    oldest opposite lots, a partly closed lot keeping lot cost × remaining / lot qty; what is left
    opens a lot at gross × |left| / |trade qty|. Mutates `lots`; returns the change of cost."""
    delta = ZERO
    left = q
    while left and lots and (lots[0][0] > 0) != (left > 0):
        lot_qty, lot_cost = lots[0]
        if abs(lot_qty) <= abs(left):
            left += lot_qty
            delta -= lot_cost
            lots.popleft()
        else:
            kept_qty = lot_qty + left
            kept_cost = round_half_up(lot_cost * kept_qty / lot_qty, currency)
            delta += kept_cost - lot_cost
            lots[0] = [kept_qty, kept_cost]
            left = ZERO
    if left:
        cost = signed_gross if left == q else round_half_up(signed_gross * abs(left) / abs(q), currency)
        lots.append([left, cost])
        delta += cost
    return delta


def fold_one(pos: Position, trade: Trade):
    """Fold one trade (the next in the position's order) into the position's cost state."""
    if pos.method == "fifo":
        pos.cost += fifo_step(pos.lots, trade.signed_qty, trade.signed_gross, pos.currency)
        pos.qty += trade.signed_qty
    else:
        pos.qty, pos.cost = average_cost_step(pos.qty, pos.cost, trade.signed_qty,
                                              trade.signed_gross, pos.currency)


def snapshot(pos: Position) -> tuple:
    return pos.qty, pos.cost, tuple(tuple(lot) for lot in pos.lots) if pos.method == "fifo" else ()


def fold_from(pos: Position, index: int, books: dict):
    """Re-fold the position's trades from `index` of its order on (everything before is
    unchanged): restore the checkpoint at or before `index` and fold the rest. The cost method is
    that of the book of the first trade in the order."""
    j = min(index // CHECKPOINT, len(pos.snaps) - 1)  # checkpoints before `index` are still true
    del pos.snaps[max(j, 0) + 1:]
    if j <= 0:
        j = 0
        pos.snaps.clear()
        pos.method = cost_method(books, pos.ordered[0].book) if pos.ordered else None
        pos.qty, pos.cost, pos.lots = ZERO, ZERO, deque()
    else:
        pos.qty, pos.cost, lots = pos.snaps[j]
        pos.lots = deque(list(lot) for lot in lots)
    ordered = pos.ordered
    for i in range(j * CHECKPOINT, len(ordered)):
        if i % CHECKPOINT == 0 and i // CHECKPOINT == len(pos.snaps):
            pos.snaps.append(snapshot(pos))
        fold_one(pos, ordered[i])


def refold(pos: Position, books: dict):
    """Fold all the position's live trades again from the start."""
    pos.ordered = sorted(pos.trades.values(), key=lambda t: t.sort_key)
    pos.keys = [t.sort_key for t in pos.ordered]
    pos.snaps = []
    fold_from(pos, 0, books)


def cost_method(books: dict, book: str) -> str:
    return (books.get(book) or {}).get("cost_method") or "average"


# --------------------------------------------------------------------------------------------
# The ledger model
# --------------------------------------------------------------------------------------------

class JournalModel:
    """Applies FIRM.jsonl lines in order and keeps the balance per (legal entity, account,
    currency), debit positive."""

    def __init__(self):
        self.balances: dict[tuple, Decimal] = {}
        self.entities: dict[str, dict] = {}
        self.instruments: dict[str, dict] = {}
        self.books: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}
        self.fee_schedules: dict[tuple, list] = {}
        self.prices: dict[str, DatedSeries] = {}
        self.fx_rates: dict[tuple, DatedSeries] = {}
        self.trades: dict[tuple, Trade] = {}
        self.seq = 0
        self.positions: dict[tuple, Position] = {}
        self.positions_by_le: dict[str, dict] = {}
        self.fx_previous: dict[tuple, tuple] = {}  # (le, kind, currency) -> (rate, amount)
        self.warnings: list[str] = []
        self.handlers = {
            "legal_entity": self.on_legal_entity,
            "counterparty": None, "ssi": None, "ledger_account": None,
            "instrument": self.on_instrument,
            "book": self.on_book,
            "account": self.on_account,
            "fee_schedule": self.on_fee_schedule,
            "price": self.on_price,
            "fx_rate": self.on_fx_rate,
            "cash_movement": self.on_cash_movement,
            "trade": self.on_trade,
            "settlement": self.on_settlement,
            "end_of_day": self.on_end_of_day,
        }

    # -- posting ------------------------------------------------------------------------------

    def post(self, le: str, account: str, currency: str, amount: Decimal):
        """Add `amount` (debit positive, credit negative) to a balance."""
        if amount:
            key = (le, account, currency)
            self.balances[key] = self.balances.get(key, ZERO) + amount

    def warn(self, text: str):
        if len(self.warnings) < 1000:
            self.warnings.append(text)

    # -- input --------------------------------------------------------------------------------

    def apply_file(self, path: str):
        with decimal.localcontext(CONTEXT):
            with open(path, encoding="utf-8") as f:
                for number, raw in enumerate(f, 1):
                    if raw.strip():
                        self.apply(json.loads(raw, parse_float=Decimal), number)
        return self

    def apply(self, line: dict, number: int = 0):
        kind = line.get("type")
        if kind not in self.handlers:
            raise ValueError(f"line {number}: unknown type {kind!r}")
        handler = self.handlers[kind]
        if handler is not None:
            handler(line, number)

    # -- reference and market data --------------------------------------------------------------

    def on_legal_entity(self, line, _):
        self.entities[line["lei"]] = line

    def on_instrument(self, line, _):
        self.instruments[line["isin"]] = line

    def on_book(self, line, _):
        self.books[line["code"]] = line

    def on_account(self, line, _):
        self.accounts[line["code"]] = line

    def on_fee_schedule(self, line, _):
        versions = self.fee_schedules.setdefault((line["market"], line["instrument_type"]), [])
        versions.append((line.get("valid_from") or "", line))
        versions.sort(key=lambda v: v[0])  # stable: a later line with the same date wins

    def on_price(self, line, _):
        self.prices.setdefault(line["isin"], DatedSeries()).put(line["date"], dec(line["price"]))

    def on_fx_rate(self, line, _):
        self.fx_rates.setdefault((line["base"], line["quote"]), DatedSeries()).put(
            line["date"], dec(line["rate"]))

    # -- cash movements -------------------------------------------------------------------------

    def on_cash_movement(self, line, number):
        """Capital Dr 1100 / Cr 3100; deposit Dr 1150 / Cr 2500; withdrawal the reverse; custody
        fee Dr 5500 / Cr 1100; penalty Dr 5400 / Cr 1100; transfers inside a legal entity post
        nothing, between two entities Dr 1600 / Cr cash (from) and Dr cash / Cr 2600 (to).
        Held movements (pending_until) are not posted."""
        if line.get("pending_until"):
            return
        account = self.accounts[line["account"]]
        le, ccy = account["legal_entity"], line["currency"]
        amount = dec(line["amount"])
        movement = line["movement"]
        if movement == "capital":
            self.post(le, "1100", ccy, amount)
            self.post(le, "3100", ccy, -amount)
        elif movement == "deposit":
            self.post(le, "1150", ccy, amount)
            self.post(le, "2500", ccy, -amount)
        elif movement == "withdrawal":
            self.post(le, "2500", ccy, amount)
            self.post(le, "1150", ccy, -amount)
        elif movement == "custody_fee":
            self.post(le, "5500", ccy, amount)
            self.post(le, "1100", ccy, -amount)
        elif movement == "penalty":
            self.post(le, "5400", ccy, amount)
            self.post(le, "1100", ccy, -amount)
        elif movement == "transfer":
            self.transfer(account, self.accounts[line["to_account"]], ccy, amount)
        else:
            raise ValueError(f"line {number}: unknown movement {movement!r}")

    def transfer(self, source: dict, target: dict, ccy: str, amount: Decimal):
        a, b = source["legal_entity"], target["legal_entity"]
        if a == b:
            return  # 1100 to 1100 (or 1150 to 1150): no ledger entry
        cash = lambda acct: "1150" if acct.get("owner") == "client" else "1100"  # noqa: E731
        self.post(a, "1600", ccy, amount)
        self.post(a, cash(source), ccy, -amount)
        self.post(b, cash(target), ccy, amount)
        self.post(b, "2600", ccy, -amount)

    # -- trades ---------------------------------------------------------------------------------

    def build_trade(self, line: dict, key: tuple, seq: int) -> Trade:
        """A trade version with its economics computed from the terms in force now."""
        t = Trade()
        t.key, t.seq, t.line = key, seq, line
        t.sort_key = (line["trade_date"], str(line.get("trade_time") or ""), seq)
        account = self.accounts.get(line["account"])
        if account is not None:
            t.le = account["legal_entity"]
        else:
            t.le = (self.books.get(line.get("book")) or {}).get("legal_entity") or line["legal_entity"]
        t.account = line["account"]
        t.house = account is None or account.get("owner", "house") != "client"
        t.isin, t.side, t.book, t.currency = line["isin"], line["side"], line.get("book"), line["currency"]
        if t.side not in ("buy", "sell"):
            raise ValueError(f"unknown side {t.side!r}")
        t.quantity = abs(dec(line["quantity"]))
        instr = self.instruments[t.isin]
        schedule = fee_schedule_for(self.fee_schedules, instr, line["trade_date"])
        (t.gross, t.accrued, t.principal, t.commission, t.fees, t.taxes) = economics(
            instr, schedule, t.side, t.quantity, dec(line["price"]), t.currency,
            line.get("settlement_date"))
        buy = t.side == "buy"
        t.signed_qty = t.quantity if buy else -t.quantity
        t.signed_gross = t.gross if buy else -t.gross
        t.settled = ZERO
        return t

    def on_trade(self, line, number):
        """book / amend / cancel: the old version's trade-date entries are reversed, the new one's
        booked, and every position touched is re-folded once."""
        key = (line["source"], line["external_id"])
        action = line.get("action") or "book"
        old = self.trades.get(key)
        if action == "cancel":
            if old is None:
                self.warn(f"line {number}: cancel of unknown trade {key}")
                return
            new = None
            del self.trades[key]
        else:
            if old is not None:
                merged = dict(old.line)
                merged.update({k: v for k, v in line.items() if v is not None})
                new = self.build_trade(merged, key, old.seq)
                new.settled = old.settled
            else:
                self.seq += 1
                new = self.build_trade(line, key, self.seq)
            self.trades[key] = new
        if old is not None:
            self.trade_date_entries(old, -1)
        if new is not None:
            self.trade_date_entries(new, +1)
        self.update_positions(old, new)

    def trade_date_entries(self, t: Trade, direction: int):
        """The trade-date entries other than the cost of the position (§7, §7.1); direction −1
        reverses them."""
        if t.house:
            self.house_trade_date_entries(t, direction)
        else:
            self.client_trade_date_entries(t, direction)

    def house_trade_date_entries(self, t: Trade, d: int):
        """Buy: Dr 1500 accrued / Cr 2100 P (Dr 1200 gross via the position). Sell: Dr 1300 P /
        Cr 1500 accrued. Charges: Dr 5100, 5200, 5300 / Cr 2200 (commission + fees), 2300."""
        le, ccy = t.le, t.currency
        if t.side == "buy":
            self.post(le, "1500", ccy, d * t.accrued)
            self.post(le, "2100", ccy, -d * t.principal)
        else:
            self.post(le, "1300", ccy, d * t.principal)
            self.post(le, "1500", ccy, -d * t.accrued)
        self.post(le, "5100", ccy, d * t.commission)
        self.post(le, "5200", ccy, d * t.fees)
        self.post(le, "5300", ccy, d * t.taxes)
        self.post(le, "2200", ccy, -d * (t.commission + t.fees))
        self.post(le, "2300", ccy, -d * t.taxes)

    def client_trade_date_entries(self, t: Trade, d: int):
        """Client buy: Dr 1320 (P+c+f+t) / Cr 2110 P, 4600 c, 2200 f, 2300 t. Client sell:
        Dr 1330 P / Cr 2120 (P−c−f−t), 4600 c, 2200 f, 2300 t."""
        le, ccy = t.le, t.currency
        charges = t.commission + t.fees + t.taxes
        if t.side == "buy":
            self.post(le, "1320", ccy, d * (t.principal + charges))
            self.post(le, "2110", ccy, -d * t.principal)
        else:
            self.post(le, "1330", ccy, d * t.principal)
            self.post(le, "2120", ccy, -d * (t.principal - charges))
        self.post(le, "4600", ccy, -d * t.commission)
        self.post(le, "2200", ccy, -d * t.fees)
        self.post(le, "2300", ccy, -d * t.taxes)

    # -- positions, cost and realised P&L ---------------------------------------------------------

    def position(self, t: Trade) -> Position:
        key = (t.account, t.isin)
        pos = self.positions.get(key)
        if pos is None:
            pos = self.positions[key] = Position(key, t.le, t.account, t.isin)
            self.positions_by_le.setdefault(t.le, {})[key] = pos
        return pos

    def update_positions(self, old: Trade | None, new: Trade | None):
        """Move the trade's versions out of / into their house positions, fold the cost again,
        and post the change of cost (1200 / 2400), realised P&L (4100) and the release of the
        valuation adjustment (4200 / 1210)."""
        touched: dict[tuple, list] = {}
        if old is not None and old.house:
            pos = self.position(old)
            touched.setdefault(pos.key, [pos, [], None])[1].append(old)
        if new is not None and new.house:
            pos = self.position(new)
            touched.setdefault(pos.key, [pos, [], None])[2] = new
        for pos, removed, added in touched.values():
            self.change_position(pos, removed, added)

    def change_position(self, pos: Position, removed: list, added: Trade | None):
        before_qty, before_cost = pos.qty, pos.cost
        before_long, before_short = self.long_short(pos)
        flow = ZERO  # Σ buys' gross − Σ sells' gross moving into the position (debit positive)
        for t in removed:
            del pos.trades[t.key]
            flow -= t.signed_gross
        if added is not None:
            if pos.currency != added.currency:
                if pos.trades or pos.adj:
                    raise ValueError(f"position {pos.key} is in {pos.currency}, "
                                     f"trade {added.key} in {added.currency}")
                pos.currency = added.currency  # an empty position takes its trade's currency
            pos.trades[added.key] = added
            flow += added.signed_gross
        first = len(pos.ordered)  # the first index of the order that changes
        for t in removed:
            i = bisect_left(pos.keys, t.sort_key)
            del pos.ordered[i], pos.keys[i]
            first = min(first, i)
        if added is not None:
            i = bisect_left(pos.keys, added.sort_key)
            pos.ordered.insert(i, added)
            pos.keys.insert(i, added.sort_key)
            first = min(first, i)
        if not removed and first == len(pos.ordered) - 1 and pos.method is not None:
            # The usual case: the new trade comes last in the position's order.
            if first % CHECKPOINT == 0 and first // CHECKPOINT == len(pos.snaps):
                pos.snaps.append(snapshot(pos))
            fold_one(pos, added)
        else:
            fold_from(pos, first, self.books)
        ccy = pos.currency
        if ccy is None:
            return
        after_long, after_short = self.long_short(pos)
        self.post(pos.le, "1200", ccy, after_long - before_long)
        self.post(pos.le, "2400", ccy, after_short - before_short)
        self.post(pos.le, "4100", ccy, flow - (pos.cost - before_cost))
        self.release_adjustment(pos, before_qty, pos.qty)

    @staticmethod
    def long_short(pos: Position):
        """The position's contribution to 1200 (long cost) and 2400 (short cost, credit)."""
        if pos.qty > 0:
            return pos.cost, ZERO
        if pos.qty < 0:
            return ZERO, pos.cost
        return ZERO, pos.cost  # zero quantity: cost is zero (kept where it would land)

    def release_adjustment(self, pos: Position, before: Decimal, after: Decimal):
        """A position that shrinks releases its share of the valuation adjustment, all of it
        when it closes or flips: Dr 4200 R / Cr 1210 R."""
        if pos.adj == 0 or before == 0 or before == after:
            return
        if after == 0 or (after > 0) != (before > 0):
            released = pos.adj
        elif abs(after) < abs(before):
            released = round_half_up(pos.adj * (abs(before) - abs(after)) / abs(before), pos.currency)
        else:
            return
        if released:
            self.post(pos.le, "4200", pos.currency, released)
            self.post(pos.le, "1210", pos.currency, -released)
            pos.adj -= released

    # -- settlement -------------------------------------------------------------------------------

    def on_settlement(self, line, number):
        key = (line["source"], line["external_id"])
        t = self.trades.get(key)
        if t is None:
            raise ValueError(f"line {number}: settlement of unknown trade {key}")
        before = t.settled
        after = min(before + abs(dec(line["quantity"])), t.quantity)
        t.settled = after
        if t.house:
            self.settle_house(t, before, after)
        else:
            self.settle_client(t, before, after)

    @staticmethod
    def part(x: Decimal, before: Decimal, after: Decimal, t: Trade) -> Decimal:
        """The share of amount x that settles between `before` and `after` of the quantity."""
        settled_before = round_half_up(x * before / t.quantity, t.currency) if before else ZERO
        if after >= t.quantity:
            return x - settled_before
        return round_half_up(x * after / t.quantity, t.currency) - settled_before

    def settle_house(self, t: Trade, before: Decimal, after: Decimal):
        """Buy: Dr 2100 P, 2200 c+f, 2300 t / Cr 1100. Sell: Dr 1100 P−(c+f)−t, 2200, 2300 /
        Cr 1300 P."""
        le, ccy = t.le, t.currency
        p = self.part(t.principal, before, after, t)
        cf = self.part(t.commission + t.fees, before, after, t)
        tx = self.part(t.taxes, before, after, t)
        self.post(le, "2200", ccy, cf)
        self.post(le, "2300", ccy, tx)
        if t.side == "buy":
            self.post(le, "2100", ccy, p)
            self.post(le, "1100", ccy, -(p + cf + tx))
        else:
            self.post(le, "1100", ccy, p - cf - tx)
            self.post(le, "1300", ccy, -p)

    def settle_client(self, t: Trade, before: Decimal, after: Decimal):
        """§7.1: the market leg through client money, the client's net against 2500, the charges
        from client money to the firm's cash, fees and taxes paid on."""
        le, ccy = t.le, t.currency
        p = self.part(t.principal, before, after, t)
        c = self.part(t.commission, before, after, t)
        f = self.part(t.fees, before, after, t)
        tx = self.part(t.taxes, before, after, t)
        charges = c + f + tx
        if t.side == "buy":
            net = p + charges
            self.post(le, "2110", ccy, p)
            self.post(le, "1150", ccy, -p)
            self.post(le, "2500", ccy, net)
            self.post(le, "1320", ccy, -net)
        else:
            net = p - charges
            self.post(le, "1150", ccy, p)
            self.post(le, "1330", ccy, -p)
            self.post(le, "2120", ccy, net)
            self.post(le, "2500", ccy, -net)
        self.post(le, "1100", ccy, charges)
        self.post(le, "1150", ccy, -charges)
        self.post(le, "2200", ccy, f)
        self.post(le, "2300", ccy, tx)
        self.post(le, "1100", ccy, -(f + tx))

    # -- end of day -------------------------------------------------------------------------------

    def on_end_of_day(self, line, _):
        le, day = line["legal_entity"], line["date"]
        self.mark_to_market(le, day)
        self.fx_revaluation(le, day)

    def mark_to_market(self, le: str, day: str):
        """Target adjustment round(qty × latest price × multiplier − cost); post target − current:
        Dr 1210 / Cr 4200."""
        for pos in self.positions_by_le.get(le, {}).values():
            if pos.currency is None:
                continue
            if pos.qty == 0:
                target = ZERO
            else:
                series = self.prices.get(pos.isin)
                price = series.on_or_before(day) if series else None
                if price is None:
                    self.warn(f"end of day {le} {day}: no price for {pos.isin}; {pos.key} not marked")
                    continue
                target = round_half_up(pos.qty * price * multiplier(self.instruments[pos.isin]) - pos.cost,
                                       pos.currency)
            delta = target - pos.adj
            if delta:
                self.post(le, "1210", pos.currency, delta)
                self.post(le, "4200", pos.currency, -delta)
                pos.adj = target

    def fx_revaluation(self, le: str, day: str):
        """§7.3: per foreign currency c, monetary balances (1190 / 4300) and fair-valued securities
        (1220 / 4200) revalued in the reporting currency from the previous closing rate."""
        entity = self.entities.get(le)
        if entity is None:
            self.warn(f"end of day for unknown legal entity {le}")
            return
        home = entity["reporting_currency"]
        currencies = {ccy for (e, _, ccy) in self.balances if e == le}
        currencies |= {ccy for (e, _, ccy) in self.fx_previous if e == le}
        for ccy in sorted(currencies - {home}):
            series = self.fx_rates.get((home, ccy))
            rate = series.on_or_before(day) if series else None
            self.revalue(le, home, ccy, rate, day, "monetary", MONETARY_ACCOUNTS, "1190", "4300")
            self.revalue(le, home, ccy, rate, day, "securities", SECURITIES_ACCOUNTS, "1220", "4200")

    def revalue(self, le, home, ccy, rate, day, kind, accounts, asset, income):
        """gain = round(N_prev / r) − round(N_prev / r_prev) in the reporting currency; then
        (r, N) becomes the previous. Skipped when N = 0 and there is nothing previous (or it was 0);
        the first sight of a currency only records."""
        amount = sum((self.balances.get((le, a, ccy), ZERO) for a in accounts), ZERO)
        previous = self.fx_previous.get((le, kind, ccy))
        if amount == 0 and (previous is None or previous[1] == 0):
            return
        if rate is None:
            self.warn(f"end of day {le} {day}: no {home}/{ccy} rate; {kind} {ccy} not revalued")
            return
        if previous is not None:
            prev_rate, prev_amount = previous
            gain = round_half_up(prev_amount / rate, home) - round_half_up(prev_amount / prev_rate, home)
            self.post(le, asset, home, gain)
            self.post(le, income, home, -gain)
        self.fx_previous[(le, kind, ccy)] = (rate, amount)

    # -- results ----------------------------------------------------------------------------------

    def nonzero_balances(self) -> list[tuple]:
        """[(legal_entity, account, currency, balance)] non-zero, sorted."""
        return sorted((le, a, c, b) for (le, a, c), b in self.balances.items() if b != 0)

    def trial_balance(self, legal_entity: str | None = None) -> dict[tuple, Decimal]:
        """{(account, currency): balance} firm-wide, or of one legal entity; non-zero only."""
        out: dict[tuple, Decimal] = {}
        for (le, a, c), b in self.balances.items():
            if legal_entity is None or le == legal_entity:
                out[(a, c)] = out.get((a, c), ZERO) + b
        return {k: v for k, v in out.items() if v != 0}


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

def run(path: str) -> JournalModel:
    return JournalModel().apply_file(path)


def write_balances(model: JournalModel, out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["legal_entity", "account", "currency", "balance"])
    for le, account, ccy, balance in model.nonzero_balances():
        writer.writerow([le, account, ccy, format(balance, "f")])


def account_code(value: str) -> str:
    value = value.strip()
    return str(int(value)) if value.isdigit() else value


def read_trial_balance(path: str) -> dict[tuple, Decimal]:
    """Kulissi's trial balance CSV (currency,account,name,debit,credit) as {(account, currency):
    debit − credit}, non-zero only."""
    got: dict[tuple, Decimal] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            balance = Decimal(row.get("debit") or 0) - Decimal(row.get("credit") or 0)
            key = (account_code(row["account"]), row["currency"].strip())
            got[key] = got.get(key, ZERO) + balance
    return {k: v for k, v in got.items() if v != 0}


def compare(model: JournalModel, tb_path: str, legal_entity: str | None, out=sys.stdout) -> int:
    ours = {(account_code(a), c): b for (a, c), b in model.trial_balance(legal_entity).items()}
    theirs = read_trial_balance(tb_path)
    differences = [(k, ours.get(k), theirs.get(k)) for k in sorted(set(ours) | set(theirs))
                   if ours.get(k) != theirs.get(k)]
    for (account, ccy), mine, kulissi in differences:
        print(f"{account} {ccy}: model {mine if mine is not None else 0}, "
              f"kulissi {kulissi if kulissi is not None else 0}", file=out)
    if differences:
        print(f"{len(differences)} differences ({len(ours)} model balances, {len(theirs)} kulissi)", file=out)
        return 1
    print(f"OK {len(ours)} balances", file=out)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("firm", help="FIRM.jsonl")
    parser.add_argument("--out", help="write legal_entity,account,currency,balance here")
    parser.add_argument("--compare", metavar="TB.csv", help="Kulissi's trial balance CSV")
    parser.add_argument("--legal-entity", help="compare this legal entity only")
    args = parser.parse_args(argv)
    model = run(args.firm)
    for text in model.warnings[:20]:
        print(f"warning: {text}", file=sys.stderr)
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as f:
            write_balances(model, f)
    status = 0
    if args.compare:
        with decimal.localcontext(CONTEXT):
            status = compare(model, args.compare, args.legal_entity)
    if not args.out and not args.compare:
        write_balances(model, sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
