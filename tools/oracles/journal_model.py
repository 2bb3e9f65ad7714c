#!/usr/bin/env python3
"""Independent reference model (oracle) of Kulissi's general ledger.

This model is written from the firm's accounting policies and from `docs/domain.md`
(§3.5 settlement statuses, §3.7 CSDR penalties, §5 trade economics, §6 position keeping,
§7 accounting, §7.1 client trades and client money, §7.3 foreign currency) -- never from
Kulissi's Rust code. It reads the lines a firm was fed (FIRM.jsonl: reference data, market
data, cash movements, trades, settlement instructions, custodians' statuses and settlements,
and ends of day, every line accepted, applied in file order) and computes the general-ledger
balance of every (legal entity, account, currency), so that CI can compare them with
Kulissi's trial balance.

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
    a bond is traded or held at an end of day, or a penalty needs a settlement calendar),
    commission with its minimum, exchange fees, purchase taxes (UK SDRT, French FTT), each
    rounded half-up to the currency's minor units;
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
  * income and corporate actions at each end of day (§6, §7.2), before the marks: splits that
    version positions (no entry), cash dividends (house: 1340/4510 on the ex-date, 1100/1340 on
    the pay date; clients: 1150/2500 on the pay date; market claims reported, not posted),
    coupons (1100/1500, clients 1150/2500), redemptions at maturity (1100 against 4100 and the
    cost, as a sale at 100; clients 1150/2500) and the daily interest accrual of house bond
    positions (1500/4500);
  * settlement instructions (§3.5): `instruct_settlement` gives each live trade dated on or
    before its date, not fully settled nor instructed, one gross instruction KUL{trade id}V{version}
    (trade id: booking order; version: 1 + amendments); custodians' `settlement_status` lines
    kept as a dated history with the matched flag (a status that does not fit the state, or of an
    unknown reference, is an exception and changes nothing); trade-level `settlement` lines and
    `instruction_settlement` lines (checked against the pro-rata cash, the ISIN and what is
    outstanding) settle parts of it, with the same ledger entries. Netting sets, and amending or
    cancelling an instructed trade not fully settled, are not modelled (the model stops);
  * CSDR cash penalties (§3.7) at each end of day of a legal entity, after the asset servicing
    and before the accrual, marks and FX: each business day of the CSD's settlement calendar
    (XHEL/XETR/XPAR TARGET, XSTO Sweden, XCSE Denmark, XOSL Norway; QuantLib) since the
    entity's previous accrual (or the ISD) on which a matched instruction fails: lack of
    securities at 1.00 / 0.20 / 0.50 bp (equity / bond / fund) of the reference value, lack of
    cash at the central bank rate (floored at 0) / 365; ours Dr 5400 (client: 1320) / Cr 2700,
    theirs Dr 1700 / Cr 5400 (client: 2120);
  * end-of-day FX revaluation per legal entity (§7, §7.3): monetary balances (1190/4300;
    1700 and 2700 included) and fair-valued securities (1220/4200), in the reporting currency.

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
MONETARY_ACCOUNTS = ("1100", "1150", "1300", "1320", "1330", "1340", "1500", "1600", "1700",
                     "2100", "2110", "2120", "2200", "2300", "2500", "2600", "2700")
SECURITIES_ACCOUNTS = ("1200", "1210", "2400")

# §3.7 CSDR settlement discipline: the markets whose CSD applies it, with the settlement
# calendar (QuantLib 1.44) on whose business days a fail is penalised.
CSDR_CALENDARS = {"XHEL": "TARGET", "XETR": "TARGET", "XPAR": "TARGET",
                  "XSTO": "Sweden", "XCSE": "Denmark", "XOSL": "Norway"}
# Lack-of-securities penalty rates, bp of the reference value per business day of fail, by
# instrument kind (the table in force since 2022-02-01, when the penalty regime started; no
# penalty accrues for an earlier day). Other kinds: "all other instruments", 0.5 bp.
PENALTY_REGIME_START = "2022-02-01"
PENALTY_BP = {"equity": Decimal("1.00"), "bond": Decimal("0.20"), "fund": Decimal("0.50")}
PENALTY_BP_OTHER = Decimal("0.50")
DAYS_IN_YEAR = Decimal(365)
STATUSES = ("accepted", "rejected", "cancelled", "matched", "unmatched", "pending", "failing")


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
    return per_100_times(accrued_per_100(instr, settlement_date), nominal, currency)


def accrued_per_100(instr: dict, day: str) -> Decimal:
    """QuantLib `accruedAmount(day)` per 100 of face (as the float's exact repr), 0 outside
    [issue date, maturity date)."""
    if not (instr["issue_date"] <= day < instr["maturity_date"]):
        return ZERO
    ql = _quantlib()
    return Decimal(repr(quantlib_bond(instr).accruedAmount(_ql_date(ql, day))))


def per_100_times(per_100: Decimal, nominal: Decimal, currency: str) -> Decimal:
    """An amount per 100 of face (QuantLib's float) × nominal / 100: first rounded to 7 decimal
    places (QuantLib's binary noise: a 2.5% coupon comes back as 2.499999999999991), then
    half-up to the currency."""
    exact = (per_100 * nominal / HUNDRED).quantize(Decimal("1e-7"), ROUND_HALF_EVEN)
    return round_half_up(exact, currency)


_COUPONS: dict[tuple, tuple] = {}


def coupon_schedule(instr: dict) -> tuple:
    """([payment date], [amount per 100]) of the bond's coupons, in date order: the coupon cash
    flows of `quantlib_bond` (schedule dates after the issue date, unadjusted), computed once per
    set of terms."""
    terms = _bond_terms(instr)
    cached = _COUPONS.get(terms)
    if cached is None:
        ql = _quantlib()
        flows = {}
        for cf in quantlib_bond(instr).cashflows():
            if ql.as_coupon(cf) is None:
                continue  # the redemption
            day = cf.date().ISO()
            if day > instr["issue_date"]:
                flows[day] = flows.get(day, ZERO) + Decimal(repr(cf.amount()))
        days = sorted(flows)
        cached = _COUPONS[terms] = (days, [flows[x] for x in days])
    return cached


def terms(line: dict) -> dict:
    """A trade line's terms: what an identical resubmission repeats (not its type, action or
    message id)."""
    return {k: v for k, v in line.items() if k not in ("type", "action", "message_id")}


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
    """One live version of a trade, with its economics and what has settled. A redemption at
    maturity is folded as one too (a sale of the whole position at 100, key ("redemption", ...))."""
    __slots__ = ("key", "seq", "sort_key", "le", "account", "house", "isin", "side", "quantity",
                 "signed_qty", "currency", "book", "gross", "signed_gross", "accrued", "principal",
                 "commission", "fees", "taxes", "settled", "line", "trade_date", "settle_date", "version")


class Split:
    """A split applied to the positions of one (legal entity, instrument): an entry of their cost
    order that multiplies the quantity (FIFO: every lot's) by new / old, cost unchanged. Its key
    (ex_date, "", negative) sorts before every trade dated on or after the ex-date."""
    __slots__ = ("reference", "sort_key", "ex_date", "new", "old")

    def __init__(self, reference, ex_date, new, old, order):
        self.reference, self.ex_date, self.new, self.old = reference, ex_date, new, old
        self.sort_key = (ex_date, "", order - 10 ** 12)

    def scale(self, qty: Decimal) -> Decimal:
        return qty * self.new / self.old


class Position:
    """A position per (account, instrument): its live trades (and splits) in fold order, signed
    quantity, signed cost (average cost: one figure; FIFO: lots), its current valuation adjustment
    (1210), and by date its settlement-date quantity and pending accrued interest. A client
    position keeps its trades, order and quantity only (no cost, no checkpoints). Every
    CHECKPOINT trades the cost state is remembered, so that a late trade, an
    amendment or a cancellation re-folds from the nearest earlier checkpoint, not from the start."""
    __slots__ = ("key", "le", "account", "isin", "currency", "trades", "ordered", "keys", "snaps",
                 "qty", "cost", "method", "lots", "adj", "house", "splits", "sd_qty", "pending_accrued")

    def __init__(self, key, le, account, isin, house=True):
        self.key, self.le, self.account, self.isin, self.house = key, le, account, isin, house
        self.splits: list = []   # the Splits applied to it, in their order (also in `ordered`)
        self.sd_qty = RunningSums()           # quantity by settlement date (split-adjusted)
        self.pending_accrued = RunningSums()  # ±accrued of house trades: + at trade date, − at SD
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


class RunningSums:
    """Amounts by date and Σ of those dated on or before a date, kept at a cursor that moves with
    the queries (ends of day move forward, so each query costs only the dates it passes)."""
    __slots__ = ("dates", "values", "cursor", "total")

    def __init__(self):
        self.dates: list[str] = []
        self.values: dict[str, Decimal] = {}
        self.cursor = ""
        self.total = ZERO

    def add(self, day: str, amount: Decimal):
        if not amount:
            return
        if day in self.values:
            self.values[day] += amount
        else:
            insort(self.dates, day)
            self.values[day] = amount
        if day <= self.cursor:
            self.total += amount

    def upto(self, day: str) -> Decimal:
        """Σ of the amounts dated on or before `day`."""
        dates, values = self.dates, self.values
        if day > self.cursor:
            for i in range(bisect_right(dates, self.cursor), bisect_right(dates, day)):
                self.total += values[dates[i]]
        elif day < self.cursor:
            for i in range(bisect_right(dates, day), bisect_right(dates, self.cursor)):
                self.total -= values[dates[i]]
        self.cursor = day
        return self.total


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
# §3.5 Settlement instructions and their statuses
# --------------------------------------------------------------------------------------------

LAST = 1 << 62  # an order after every status change, for bisect


class Instruction:
    """One gross settlement instruction of a trade (reference KUL{trade id}V{version}) with the
    trade's terms at instruction time, its status history and its settled parts.

    `history` holds every status change as (date, order, status, matched, reasons), sorted by
    (date, file order); a settled part is one too ("settled" or "partially_settled", matched).
    `parts` holds the settled parts as (effective date, quantity), sorted by date; `pre_settled`
    is what the trade had settled before it was instructed (settled from the start).
    `status` and `matched` are the current ones (the last change in file order)."""
    __slots__ = ("reference", "key", "le", "house", "isin", "receive", "quantity", "cash", "currency",
                 "isd", "history", "parts", "pre_settled", "settled", "cash_settled", "status",
                 "matched", "last_date")

    def __init__(self, reference: str, t: "Trade"):
        self.reference, self.key, self.le, self.house, self.isin = reference, t.key, t.le, t.house, t.isin
        self.receive = t.side == "buy"  # we receive on a buy, deliver on a sell
        self.quantity, self.cash, self.currency, self.isd = t.quantity, t.principal, t.currency, t.settle_date
        self.history: list[tuple] = []
        self.parts: list[tuple] = []
        self.pre_settled = min(t.settled, t.quantity)
        self.settled = self.pre_settled
        self.cash_settled = ZERO
        if self.pre_settled:
            self.cash_settled = self.part_cash(self.pre_settled, ZERO)
        self.status, self.matched, self.last_date = "instructed", False, ""

    def outstanding(self) -> Decimal:
        return self.quantity - self.settled

    def part_cash(self, quantity: Decimal, settled_before: Decimal) -> Decimal:
        """The pro-rata cash of a part: the rest of the cash for the last part, else
        round_half_up(cash × quantity / total quantity)."""
        if settled_before + quantity >= self.quantity:
            return self.cash - self.cash_settled
        return round_half_up(self.cash * quantity / self.quantity, self.currency)

    def change(self, day: str, order: int, status: str, matched: bool, reasons: tuple):
        insort(self.history, (day, order, status, matched, reasons))
        self.status, self.matched = status, matched
        if day > self.last_date:
            self.last_date = day

    def settle_part(self, day: str, quantity: Decimal, order: int):
        """A settled part: effective `day`, a status change at that date (matched)."""
        self.cash_settled += self.part_cash(quantity, self.settled)
        self.settled += quantity
        insort(self.parts, (day, quantity))
        self.change(day, order, "settled" if self.settled >= self.quantity else "partially_settled",
                    True, ())

    def settled_by(self, day: str) -> Decimal:
        return self.pre_settled + sum((q for d, q in self.parts if d <= day), ZERO)

    def fail_on(self, day: str):
        """The reasons of the fail if the instruction fails on `day` (the last status change dated
        on or before it is matched, neither cancelled nor rejected, and less than its quantity has
        settled by then), else None."""
        i = bisect_right(self.history, (day, LAST))
        if not i:
            return None
        _, _, status, matched, reasons = self.history[i - 1]
        if not matched or status in ("cancelled", "rejected"):
            return None
        return reasons if self.settled_by(day) < self.quantity else None

    def settles_no_more(self) -> bool:
        """True when its final state (every change applied) cannot fail."""
        if not self.history or self.settled >= self.quantity:
            return True
        _, _, status, matched, _ = self.history[-1]
        return not matched or status in ("cancelled", "rejected")


def penalty_cause(reasons: tuple, receive: bool) -> tuple:
    """(kind, ours) of a fail from its reason codes, the first penalty code in their order:
    LACK securities, ours when we deliver; MONY cash, ours when we receive (we pay); CLAC / CLAT
    securities, theirs; CMON cash, theirs; none of them: securities, ours when we deliver."""
    for code in reasons:
        if code == "LACK":
            return "securities", not receive
        if code == "MONY":
            return "cash", receive
        if code in ("CLAC", "CLAT"):
            return "securities", False
        if code == "CMON":
            return "cash", False
    return "securities", not receive


_CALENDARS: dict[str, object] = {}
_BUSINESS_DAYS: dict[tuple, bool] = {}


def is_settlement_day(calendar: str, day: str) -> bool:
    """A business day of the QuantLib settlement calendar (TARGET, Sweden, Denmark, Norway)."""
    key = (calendar, day)
    answer = _BUSINESS_DAYS.get(key)
    if answer is None:
        ql = _quantlib()
        cal = _CALENDARS.get(calendar)
        if cal is None:
            cal = _CALENDARS[calendar] = getattr(ql, calendar)()
        answer = _BUSINESS_DAYS[key] = bool(cal.isBusinessDay(_ql_date(ql, day)))
    return answer


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
    if type(trade) is Split:
        pos.qty = trade.scale(pos.qty)
        for lot in pos.lots:
            lot[0] = trade.scale(lot[0])
        return
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
        first = next((t for t in pos.ordered if type(t) is not Split), None)
        pos.method = cost_method(books, first.book) if first is not None else None
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
    """Fold all the position's live trades (and its splits) again from the start."""
    pos.ordered = sorted([*pos.trades.values(), *pos.splits], key=lambda t: t.sort_key)
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
        self.positions_by_isin: dict[tuple, list] = {}  # (le, isin) -> its positions
        self.corporate_actions: dict[str, dict] = {}  # reference -> line (file order)
        self.split_seq = 0
        self.applied_splits: dict[tuple, list] = {}  # (le, isin) -> Splits applied, in order
        self.done: set = set()  # (le, step, reference or isin[, date]) processed
        self.dividend_due: dict[tuple, list] = {}  # (le, reference) -> [(position, A)] at ex-date
        self.coupons_paid_to: dict[tuple, str] = {}  # (le, isin) -> last coupon date processed
        self.market_claims: list[tuple] = []  # (le, reference, account, isin, E, R, claim)
        self.netting_sets: dict[str, dict] = {}  # counterparty -> line
        self.instructions: dict[str, Instruction] = {}  # reference -> instruction
        self.instruction_of: dict[tuple, Instruction] = {}  # trade key -> its live instruction
        self.uninstructed: set = set()  # keys of live trades not yet instructed
        self.status_order = 0  # file order of status changes (and settled parts)
        self.central_bank_rates: dict[str, DatedSeries] = {}
        self.penalty_dates: dict[str, str] = {}  # le -> last penalty accrual date
        self.penalty_watch: dict[str, dict] = {}  # le -> {reference: instruction} that may fail
        self.exceptions: list[tuple] = []  # (line number, reason): settlement lines that changed nothing
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
            "corporate_action": self.on_corporate_action,
            "netting_set": self.on_netting_set,
            "instruct_settlement": self.on_instruct_settlement,
            "settlement_status": self.on_settlement_status,
            "instruction_settlement": self.on_instruction_settlement,
            "instruction": self.on_instruction,
            "central_bank_rate": self.on_central_bank_rate,
            "settlement_tolerance": None,
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

    def on_corporate_action(self, line, number):
        """Kept by reference (a later line replaces the terms of one not yet processed); applied
        at each legal entity's end of day."""
        if line.get("kind") not in ("cash_dividend", "split"):
            raise ValueError(f"line {number}: unknown corporate action kind {line.get('kind')!r}")
        self.corporate_actions[line["reference"]] = line

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
        t.trade_date = line["trade_date"]
        t.settle_date = line.get("settlement_date") or t.trade_date
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
            self.instructed_trade_changes(old, number, "cancellation")
            new = None
            del self.trades[key]
            self.uninstructed.discard(key)
        else:
            if old is not None:
                merged = dict(old.line)
                merged.update({k: v for k, v in line.items() if v is not None})
                amended = action != "book" or terms(merged) != terms(old.line)
                if amended:
                    self.instructed_trade_changes(old, number, "amendment")
                new = self.build_trade(merged, key, old.seq)
                new.settled = old.settled
                new.version = old.version + 1 if amended else old.version
            else:
                self.seq += 1
                new = self.build_trade(line, key, self.seq)
                new.version = 1
            self.trades[key] = new
            if key not in self.instruction_of:
                self.uninstructed.add(key)
        if old is not None:
            self.trade_date_entries(old, -1)
        if new is not None:
            self.trade_date_entries(new, +1)
        self.update_positions(old, new)

    def instructed_trade_changes(self, old: Trade, number: int, what: str):
        """An amendment or cancellation of an instructed trade: its instruction is cancelled if
        the trade has not begun settling; the firm's files never do this, so it is not modelled.
        A fully settled instruction stays as it is (and the trade is not instructed again)."""
        ins = self.instruction_of.get(old.key)
        if ins is None:
            return
        if ins.settled < ins.quantity:
            raise ValueError(f"line {number}: {what} of trade {old.key} with instruction "
                             f"{ins.reference} not fully settled: not modelled")
        if what == "cancellation":
            del self.instruction_of[old.key]

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
        """The position of the trade's (account, instrument); a new one starts with the splits
        already applied to its legal entity's positions in the instrument."""
        key = (t.account, t.isin)
        pos = self.positions.get(key)
        if pos is None:
            pos = self.positions[key] = Position(key, t.le, t.account, t.isin, t.house)
            self.positions_by_le.setdefault(t.le, {})[key] = pos
            self.positions_by_isin.setdefault((t.le, t.isin), []).append(pos)
            pos.splits = list(self.applied_splits.get((t.le, t.isin), ()))
            pos.ordered = list(pos.splits)
            pos.keys = [s.sort_key for s in pos.splits]
        return pos

    def update_positions(self, old: Trade | None, new: Trade | None):
        """Move the trade's versions out of / into their positions (house and client), fold the
        cost again, and for house positions post the change of cost (1200 / 2400), realised P&L
        (4100) and the release of the valuation adjustment (4200 / 1210). Client positions keep
        quantities only (for income and corporate actions); they post nothing."""
        touched: dict[tuple, list] = {}
        if old is not None:
            pos = self.position(old)
            touched.setdefault(pos.key, [pos, [], None])[1].append(old)
        if new is not None:
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
            self.dated_sums(pos, t, -1)
        if added is not None:
            if pos.currency != added.currency:
                if pos.house and (pos.trades or pos.adj):
                    raise ValueError(f"position {pos.key} is in {pos.currency}, "
                                     f"trade {added.key} in {added.currency}")
                pos.currency = added.currency  # an empty position takes its trade's currency
            pos.trades[added.key] = added
            flow += added.signed_gross
            self.dated_sums(pos, added, +1)
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
        if not pos.house:  # quantities only: Σ of the split-adjusted quantities, no cost
            for t in removed:
                pos.qty -= self.split_adjusted(pos, t)
            if added is not None:
                pos.qty += self.split_adjusted(pos, added)
            return
        if not removed and first == len(pos.ordered) - 1 and pos.method is not None:
            # The usual case: the new trade comes last in the position's order.
            if first % CHECKPOINT == 0 and first // CHECKPOINT == len(pos.snaps):
                pos.snaps.append(snapshot(pos))
            fold_one(pos, added)
        else:
            fold_from(pos, first, self.books)
        ccy = pos.currency
        if ccy is None or not pos.house:
            return
        after_long, after_short = self.long_short(pos)
        self.post(pos.le, "1200", ccy, after_long - before_long)
        self.post(pos.le, "2400", ccy, after_short - before_short)
        self.post(pos.le, "4100", ccy, flow - (pos.cost - before_cost))
        self.release_adjustment(pos, before_qty, pos.qty)

    @staticmethod
    def split_adjusted(pos: Position, t: Trade) -> Decimal:
        """The trade's signed quantity in the position's current units: scaled by every split
        applied after it in cost order (ex-date after its trade date)."""
        q = t.signed_qty
        for split in pos.splits:
            if split.sort_key > t.sort_key:
                q = split.scale(q)
        return q

    def dated_sums(self, pos: Position, t: Trade, direction: int):
        """Add (+1) or remove (−1) the trade from the position's settlement-date quantity and, for
        a house trade with accrued interest, from its pending accrued (+ from the trade date,
        − from the settlement date: Σ over trades with trade date ≤ d < settlement date)."""
        pos.sd_qty.add(t.settle_date, direction * self.split_adjusted(pos, t))
        if pos.house and t.accrued and t.trade_date < t.settle_date:
            signed = direction * (t.accrued if t.side == "buy" else -t.accrued)
            pos.pending_accrued.add(t.trade_date, signed)
            pos.pending_accrued.add(t.settle_date, -signed)

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
        """A custodian's confirmation of (part of) a trade; it also settles the trade's
        instruction, if instructed."""
        key = (line["source"], line["external_id"])
        t = self.trades.get(key)
        if t is None:
            raise ValueError(f"line {number}: settlement of unknown trade {key}")
        self.settle_trade(t, abs(dec(line["quantity"])), line.get("settlement_date") or "")

    def settle_trade(self, t: Trade, quantity: Decimal, day: str):
        """Settle `quantity` more of the trade (at most what is left), effective `day`: the
        ledger entries of the part and, for an instructed trade, a settled part of its
        instruction (a status change at `day`; none on a cancelled instruction)."""
        before = t.settled
        after = min(before + quantity, t.quantity)
        t.settled = after
        if t.house:
            self.settle_house(t, before, after)
        else:
            self.settle_client(t, before, after)
        ins = self.instruction_of.get(t.key)
        if ins is not None and after > before and ins.status != "cancelled":
            if not day:
                raise ValueError(f"settlement of instructed trade {t.key} without a settlement_date")
            part = min(after - before, ins.outstanding())
            if part > 0:
                ins.settle_part(day, part, self.next_status_order())
                self.watch(ins)

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

    # -- settlement instructions, statuses and CSDR penalties (§3.5, §3.7) -------------------------

    def on_netting_set(self, line, _):
        self.netting_sets[line["counterparty"]] = line

    def on_central_bank_rate(self, line, _):
        series = self.central_bank_rates.setdefault(line["currency"], DatedSeries())
        series.put(line["date"], dec(line["rate"]))

    def on_instruction(self, line, number):
        """resend / hold / release: nothing in the ledger (on-hold instructions are penalised too)."""
        if line.get("action") not in ("resend", "hold", "release"):
            raise ValueError(f"line {number}: unknown instruction action {line.get('action')!r}")

    def next_status_order(self) -> int:
        self.status_order += 1
        return self.status_order

    def exception(self, number: int, text: str):
        self.exceptions.append((number, text))

    def watch(self, ins: Instruction):
        """The instruction may fail from now on: its legal entity's penalty accrual looks at it."""
        self.penalty_watch.setdefault(ins.le, {})[ins.reference] = ins

    def on_instruct_settlement(self, line, number):
        """One gross instruction KUL{trade id}V{version} for every live trade dated on or before
        the date, not fully settled and not yet instructed."""
        if self.netting_sets:
            raise ValueError(f"line {number}: netting sets are not modelled "
                             f"({len(self.netting_sets)} defined; instructions would be netted)")
        day = line["date"]
        for key in sorted(self.uninstructed, key=lambda k: self.trades[k].seq):
            t = self.trades[key]
            if t.trade_date > day:
                continue
            self.uninstructed.discard(key)
            if t.settled >= t.quantity:
                continue  # fully settled: never instructed (an amendment looks again)
            ins = Instruction(f"KUL{t.seq}V{t.version}", t)
            if ins.reference in self.instructions:
                raise ValueError(f"line {number}: instruction {ins.reference} exists already")
            self.instructions[ins.reference] = ins
            self.instruction_of[key] = ins

    def on_settlement_status(self, line, number):
        """A custodian's status of an instruction as of its date: a status change (the matched
        flag: matched sets it, unmatched, rejected and accepted from instructed / acknowledged
        clear it, the others keep it), unless the reference is unknown or the status does not fit
        the instruction's state (then an exception, nothing changes). Never a ledger entry."""
        status = line.get("status")
        if status not in STATUSES:
            raise ValueError(f"line {number}: unknown settlement status {status!r}")
        ins = self.instructions.get(line.get("reference"))
        if ins is None:
            return self.exception(number, f"status {status} of unknown instruction {line.get('reference')!r}")
        day = line.get("date")
        if not day:
            raise ValueError(f"line {number}: settlement status without a date")
        current = ins.status
        began = ins.settled > 0
        if ins.settled >= ins.quantity or current == "cancelled":
            fits = status == "cancelled"
        elif status in ("matched", "failing", "pending"):
            fits = current != "rejected"
        elif status == "rejected":
            fits = not (ins.matched or began or current in ("matched", "failing", "partially_settled"))
        elif status == "unmatched":
            fits = not (began or current == "failing")
        else:
            fits = True
        if not fits:
            return self.exception(number, f"status {status} of {ins.reference} does not fit "
                                          f"its state {current}")
        if status == "matched":
            matched = True
        elif status in ("unmatched", "rejected"):
            matched = False
        elif status == "accepted":
            matched = False if current in ("instructed", "accepted") else ins.matched
        else:  # pending, failing, cancelled
            matched = ins.matched
        codes = (line.get("reasons") or "").split(";")
        reasons = tuple(code.strip().upper() for code in codes if code.strip())
        ins.change(day, self.next_status_order(), status, matched, reasons)
        self.watch(ins)

    def on_instruction_settlement(self, line, number):
        """A custodian's confirmation of (part of) a gross instruction: settles its trade like a
        trade-level settlement of that quantity on that date, if the quantity is positive and at
        most what is outstanding, the ISIN (when given) is the instruction's and the amount (when
        given) is the part's pro-rata cash; else an exception, nothing changes."""
        ins = self.instructions.get(line.get("reference"))
        if ins is None:
            return self.exception(number, f"settlement of unknown instruction {line.get('reference')!r}")
        quantity = dec(line["quantity"])
        day = line.get("settlement_date")
        if not day:
            raise ValueError(f"line {number}: instruction settlement without a settlement_date")
        t = self.trades.get(ins.key)
        if t is None or self.instruction_of.get(ins.key) is not ins or ins.status == "cancelled":
            return self.exception(number, f"settlement of {ins.reference}: instruction cancelled")
        if quantity <= 0 or quantity > ins.outstanding() or quantity > t.quantity - t.settled:
            return self.exception(number, f"settlement of {ins.reference}: quantity {quantity} "
                                          f"(outstanding {ins.outstanding()})")
        isin = line.get("isin")
        if isin and isin != ins.isin:
            return self.exception(number, f"settlement of {ins.reference}: ISIN {isin}, not {ins.isin}")
        amount = line.get("amount")
        if amount is not None and amount != "":
            expected = ins.part_cash(quantity, ins.settled)
            if dec(amount) != expected:
                return self.exception(number, f"settlement of {ins.reference}: amount {amount}, "
                                              f"pro-rata cash {expected}")
        self.settle_trade(t, quantity, day)

    def settlement_penalties(self, le: str, day: str):
        """§3.7 CSDR cash penalties of the legal entity's instructions, for each calendar day d
        from the day after its previous accrual date (from the ISD if that is later, or if the
        entity never accrued) through `day`: d a business day of the CSD's settlement calendar
        on which the instruction fails. Reference value = quantity left × the latest price on or
        before d × (0.01 for bonds); lack of securities: × bp / 10,000 by instrument kind; lack
        of cash: × max(central bank rate, 0) / 365; each rounded half-up. House: ours Dr 5400 /
        Cr 2700, theirs Dr 1700 / Cr 5400; client: ours Dr 1320 / Cr 2700, theirs Dr 1700 /
        Cr 2120. The accrual date becomes `day`."""
        previous = self.penalty_dates.get(le)
        if previous is not None and day <= previous:
            return
        self.penalty_dates[le] = day
        watched = self.penalty_watch.get(le)
        if not watched:
            return
        first = date.fromisoformat(previous).toordinal() + 1 if previous is not None else None
        last = date.fromisoformat(day).toordinal()
        for reference, ins in list(watched.items()):
            isd = date.fromisoformat(ins.isd).toordinal()
            start = isd if first is None or first < isd else first
            if ins.settles_no_more() and ins.last_date <= date.fromordinal(start).isoformat():
                del watched[reference]  # its final state holds from `start` on: it never fails
                continue
            instr = self.instruments.get(ins.isin) or {}
            calendar = CSDR_CALENDARS.get(instr.get("market"))
            if calendar is None:
                continue
            for ordinal in range(start, last + 1):
                d = date.fromordinal(ordinal).isoformat()
                if d >= PENALTY_REGIME_START and is_settlement_day(calendar, d):
                    self.penalty(ins, instr, d)

    def penalty(self, ins: Instruction, instr: dict, d: str):
        """The penalty of one day d of fail, posted for the instruction's legal entity."""
        reasons = ins.fail_on(d)
        if reasons is None:
            return
        series = self.prices.get(ins.isin)
        price = series.on_or_before(d) if series else None
        if price is None:
            return
        kind = instr.get("kind")
        value = (ins.quantity - ins.settled_by(d)) * price * (Decimal("0.01") if kind == "bond" else ONE)
        cause, ours = penalty_cause(reasons, ins.receive)
        ccy = ins.currency
        if cause == "securities":
            amount = round_half_up(value * PENALTY_BP.get(kind, PENALTY_BP_OTHER) / TEN_THOUSAND, ccy)
        else:
            rates = self.central_bank_rates.get(ccy)
            rate = rates.on_or_before(d) if rates else None
            rate = max(rate, ZERO) if rate is not None else ZERO
            amount = round_half_up(value * rate / DAYS_IN_YEAR, ccy)
        if not amount:
            return
        le = ins.le
        if ours:
            self.post(le, "5400" if ins.house else "1320", ccy, amount)
            self.post(le, "2700", ccy, -amount)
        else:
            self.post(le, "1700", ccy, amount)
            self.post(le, "5400" if ins.house else "2120", ccy, -amount)

    # -- end of day -------------------------------------------------------------------------------

    def on_end_of_day(self, line, _):
        le, day = line["legal_entity"], line["date"]
        self.apply_splits(le, day)
        self.dividends(le, day)
        self.coupons(le, day)
        self.redemptions(le, day)
        self.settlement_penalties(le, day)
        self.accrue_interest(le, day)
        self.mark_to_market(le, day)
        self.fx_revaluation(le, day)

    # -- income and corporate actions (§6, §7.2) ------------------------------------------------

    def pending_actions(self, le: str, kind: str, step: str, date_field: str, day: str) -> list:
        """The corporate actions of a kind whose date_field ≤ day and whose step is not yet done
        for the legal entity, in (that date, file order) order; marked done."""
        due = [a for a in self.corporate_actions.values()
               if a["kind"] == kind and a[date_field] <= day and (le, step, a["reference"]) not in self.done]
        due.sort(key=lambda a: a[date_field])  # stable: file order within a date
        for a in due:
            self.done.add((le, step, a["reference"]))
        return due

    def apply_splits(self, le: str, day: str):
        """Splits with ex_date ≤ day not yet applied to the legal entity: a Split entry enters the
        cost order of each of its positions in the instrument (and of those opened later); the
        position is re-folded from there. No entry of its own; if trades dated on or after the
        ex-date were folded already, their cost released changes and the difference posts like
        a late trade's (1200 / 2400 against 4100). The valuation adjustment is not released (the
        mark that follows sets it)."""
        for action in self.pending_actions(le, "split", "split", "ex_date", day):
            self.split_seq += 1
            split = Split(action["reference"], action["ex_date"], dec(action["ratio_new"]),
                          dec(action["ratio_old"]), self.split_seq)
            if split.new <= 0 or split.old <= 0:
                raise ValueError(f"split {split.reference}: ratio {split.new}:{split.old}")
            self.applied_splits.setdefault((le, action["isin"]), []).append(split)
            for pos in self.positions_by_isin.get((le, action["isin"]), ()):
                self.split_position(pos, split)

    def split_position(self, pos: Position, split: Split):
        before_long, before_short, before_cost = *self.long_short(pos), pos.cost
        i = bisect_left(pos.keys, split.sort_key)
        pos.ordered.insert(i, split)
        pos.keys.insert(i, split.sort_key)
        pos.splits.append(split)
        pos.sd_qty = RunningSums()
        for t in pos.trades.values():
            pos.sd_qty.add(t.settle_date, self.split_adjusted(pos, t))
        if not pos.house:  # quantities only
            pos.qty = sum((self.split_adjusted(pos, t) for t in pos.trades.values()), ZERO)
            return
        fold_from(pos, i, self.books)
        if pos.currency is not None:
            after_long, after_short = self.long_short(pos)
            self.post(pos.le, "1200", pos.currency, after_long - before_long)
            self.post(pos.le, "2400", pos.currency, after_short - before_short)
            self.post(pos.le, "4100", pos.currency, -(pos.cost - before_cost))

    @staticmethod
    def quantity(pos: Position, include, cut: tuple) -> Decimal:
        """Σ of the live trades' quantities for which include(trade), in the units of the point
        `cut` of the cost order: folded in cost order, scaled by the splits before `cut`."""
        q = ZERO
        for entry in pos.ordered:
            if type(entry) is Split:
                if entry.sort_key < cut:
                    q = entry.scale(q)
            elif include(entry):
                q += entry.signed_qty
        return q

    @staticmethod
    def trade_date_quantity_before(pos: Position, day: str) -> Decimal:
        """The position's quantity folded from its entries dated before `day` (splits with an
        earlier ex-date included), from the nearest checkpoint."""
        i = bisect_left(pos.keys, (day,))
        j = min(i // CHECKPOINT, len(pos.snaps) - 1)
        if j < 0:
            j, q = 0, ZERO
        else:
            q = pos.snaps[j][0]
        for entry in pos.ordered[j * CHECKPOINT:i]:
            q = entry.scale(q) if type(entry) is Split else q + entry.signed_qty
        return q

    def entitlement(self, le: str, action: dict, pos: Position) -> Decimal:
        """A = round(E × amount per share) for the position; records the market claim
        (E − R) × amount per share, R from the trades settled by the record date."""
        ccy, amount = action["currency"], dec(action["amount_per_share"])
        ex, record = action["ex_date"], action["record_date"]
        e = self.trade_date_quantity_before(pos, ex)
        r = self.quantity(pos, lambda t: t.settle_date <= record, (ex,))
        if e != r:
            self.market_claims.append((le, action["reference"], pos.account, pos.isin, e, r,
                                       round_half_up((e - r) * amount, ccy)))
        return round_half_up(e * amount, ccy)

    def dividends(self, le: str, day: str):
        """House: first end of day on or after the ex-date Dr 1340 / Cr 4510 A (A from the
        trade-date position before the ex-date), first on or after the pay date Dr 1100 / Cr 1340
        the same A. Clients: on the pay date Dr 1150 / Cr 2500, A computed then."""
        for action in self.pending_actions(le, "cash_dividend", "dividend ex", "ex_date", day):
            ccy = action["currency"]
            due = self.dividend_due[(le, action["reference"])] = []
            for pos in self.positions_by_isin.get((le, action["isin"]), ()):
                if pos.house:
                    a = self.entitlement(le, action, pos)
                    due.append((pos, a))
                    self.post(le, "1340", ccy, a)
                    self.post(le, "4510", ccy, -a)
        for action in self.pending_actions(le, "cash_dividend", "dividend pay", "pay_date", day):
            ccy = action["currency"]
            for _pos, a in self.dividend_due.pop((le, action["reference"]), ()):
                self.post(le, "1100", ccy, a)
                self.post(le, "1340", ccy, -a)
            for pos in self.positions_by_isin.get((le, action["isin"]), ()):
                if not pos.house:
                    a = self.entitlement(le, action, pos)
                    self.post(le, "1150", ccy, a)
                    self.post(le, "2500", ccy, -a)

    def bonds(self):
        return [i for i in self.instruments.values() if i.get("kind") == "bond"]

    def coupons(self, le: str, day: str):
        """Each coupon date P ≤ day not yet processed for the legal entity, per bond in date
        order: per position N = quantity of the trades settling before P; C = round(QuantLib's
        coupon per 100 × N / 100). House Dr 1100 / Cr 1500, client Dr 1150 / Cr 2500."""
        for instr in self.bonds():
            isin = instr["isin"]
            last = self.coupons_paid_to.get((le, isin), "")
            if day <= last:
                continue
            self.coupons_paid_to[(le, isin)] = day  # every coupon date up to `day` is processed
            positions = self.positions_by_isin.get((le, isin), ())
            if not positions or instr["issue_date"] >= day:
                continue
            days, amounts = coupon_schedule(instr)
            lo, hi = bisect_right(days, last), bisect_right(days, day)
            for k in range(lo, hi):
                pay = days[k]
                for pos in positions:
                    if pos.currency is None:
                        continue
                    n = self.quantity(pos, lambda t: t.settle_date < pay, (pay,))
                    c = per_100_times(amounts[k], n, pos.currency) if n else ZERO
                    if c:
                        self.post(le, "1100" if pos.house else "1150", pos.currency, c)
                        self.post(le, "1500" if pos.house else "2500", pos.currency, -c)

    def redemptions(self, le: str, day: str):
        """Bonds with maturity ≤ day not yet redeemed for the legal entity: every position with
        trade-date quantity Q ≠ 0 is closed as by a sale of Q at 100 after all its trades: house
        Dr 1100 gross, the cost out of 1200 / 2400 and gross − cost to 4100, the whole valuation
        adjustment released; client Dr 1150 / Cr 2500 gross."""
        for instr in self.bonds():
            isin = instr["isin"]
            if instr["maturity_date"] > day or (le, "redemption", isin) in self.done:
                continue
            self.done.add((le, "redemption", isin))
            for pos in list(self.positions_by_isin.get((le, isin), ())):
                if pos.qty == 0 or pos.currency is None:
                    continue
                r = Trade()
                r.key, r.seq, r.line = ("redemption", isin, le), 0, None
                r.sort_key = ("\uffff", "", 0)  # after every trade
                r.le, r.account, r.house, r.isin = le, pos.account, pos.house, isin
                r.side = "sell" if pos.qty > 0 else "buy"
                r.quantity, r.signed_qty, r.currency, r.book = abs(pos.qty), -pos.qty, pos.currency, None
                proceeds = round_half_up(pos.qty * HUNDRED * multiplier(instr), pos.currency)
                r.gross, r.signed_gross = abs(proceeds), -proceeds
                r.accrued = r.commission = r.fees = r.taxes = ZERO
                r.principal, r.settled = r.gross, r.quantity
                r.trade_date = r.settle_date = instr["maturity_date"]
                self.post(le, "1100" if pos.house else "1150", pos.currency, proceeds)
                if not pos.house:
                    self.post(le, "2500", pos.currency, -proceeds)
                self.change_position(pos, [], r)

    def accrue_interest(self, le: str, day: str):
        """Per currency: target of 1500 = Σ over house bond positions of round(QuantLib accrued at
        `day` × N_sd / 100) (N_sd: trades settled by `day`) + the ±accrued of their trades with
        trade date ≤ day < settlement date; post target − balance: Dr 1500 / Cr 4500."""
        targets: dict[str, Decimal] = {}
        per_100: dict[str, Decimal] = {}
        for pos in self.positions_by_le.get(le, {}).values():
            if not pos.house or pos.currency is None:
                continue
            instr = self.instruments.get(pos.isin)
            if instr is None or instr.get("kind") != "bond":
                continue
            n = pos.sd_qty.upto(day)
            target = pos.pending_accrued.upto(day)
            if n:
                rate = per_100.get(pos.isin)
                if rate is None:
                    rate = per_100[pos.isin] = accrued_per_100(instr, day)
                target += per_100_times(rate, n, pos.currency)
            targets[pos.currency] = targets.get(pos.currency, ZERO) + target
        for (e, account, ccy) in list(self.balances):
            if e == le and account == "1500":
                targets.setdefault(ccy, ZERO)
        for ccy, target in sorted(targets.items()):
            delta = target - self.balances.get((le, "1500", ccy), ZERO)
            self.post(le, "1500", ccy, delta)
            self.post(le, "4500", ccy, -delta)

    def mark_to_market(self, le: str, day: str):
        """Target adjustment round(qty × latest price × multiplier − cost); post target − current:
        Dr 1210 / Cr 4200."""
        for pos in self.positions_by_le.get(le, {}).values():
            if pos.currency is None or not pos.house:
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
