#!/usr/bin/env python3
"""Write the QuantLib bond fixtures that Kulissi's day-count tests read.

Generates seeded random fixed-rate bonds with unadjusted coupon schedules built backwards
from maturity (QuantLib: Schedule(issue, maturity, tenor, NullCalendar, Unadjusted,
Unadjusted, DateGeneration.Backward, endOfMonth, firstDate)) and asks QuantLib 1.44 about
them on a nominal of 1,000,000:

  quantlib-accrued.csv: accrued interest at one settlement date per bond; first 300 regular
    bonds (issue on a regular date, no first coupon date, endOfMonth false), then short and
    long first coupons and end-of-month bonds.
      day_count,frequency,coupon,issue,maturity,first_coupon,end_of_month,first_period,settlement,accrued
  quantlib-accrual-between.csv: accrued interest at two dates d1 < d2 in the bond's life and
    the coupons paid in (d1, d2]; interest earned between them is
    accrued_d2 - accrued_d1 + coupons.
      day_count,frequency,coupon,issue,maturity,first_coupon,end_of_month,first_period,d1,d2,accrued_d1,accrued_d2,coupons
  quantlib-coupons.csv: every coupon payment date and amount of each bond.
      bond,day_count,frequency,coupon,issue,maturity,first_coupon,end_of_month,first_period,payment_date,amount

first_coupon is empty when the schedule has none (the first regular date after issue is the
first coupon); first_period is QuantLib's verdict on the first coupon: regular, short or
long (its accrual start against its reference period's start).

usage: python3 tools/oracles/quantlib_accrued.py OUTDIR [N]     (needs QuantLib==1.44)
"""
import random
import sys
from datetime import date, timedelta
from decimal import Decimal

import QuantLib as ql

DAY_COUNTS = {
    "ACT/360": lambda: ql.Actual360(),
    "ACT/365F": lambda: ql.Actual365Fixed(),
    "30/360": lambda: ql.Thirty360(ql.Thirty360.BondBasis),
    "30E/360": lambda: ql.Thirty360(ql.Thirty360.European),
    "ACT/ACT-ICMA": lambda: ql.ActualActual(ql.ActualActual.ISMA),
}
FREQ = {1: ql.Annual, 2: ql.Semiannual, 4: ql.Quarterly, 12: ql.Monthly}
NOMINAL = 1_000_000
BOND_COLUMNS = "day_count,frequency,coupon,issue,maturity,first_coupon,end_of_month,first_period"


def qd(d):
    return ql.Date(d.day, d.month, d.year)


def pd(d):
    return date(d.year(), d.month(), d.dayOfMonth())


def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return date(y, m, min(d.day, last))


def month_end(d):
    return add_months(date(d.year, d.month, 1), 1) - timedelta(days=1)


class Bond:
    """One bond: its terms as the fixtures write them, and QuantLib's FixedRateBond."""

    def __init__(self, dc_name, freq, coupon, issue, maturity, first, eom):
        self.dc_name, self.freq, self.coupon = dc_name, freq, coupon
        self.issue, self.maturity, self.first, self.eom = issue, maturity, first, eom
        schedule = ql.Schedule(qd(issue), qd(maturity), ql.Period(FREQ[freq]), ql.NullCalendar(),
                               ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, eom,
                               qd(first) if first else ql.Date())
        self.ql = ql.FixedRateBond(0, NOMINAL, schedule, [float(coupon)], DAY_COUNTS[dc_name](),
                                   ql.Unadjusted)
        self.coupons = [ql.as_fixed_rate_coupon(cf) for cf in self.ql.cashflows()
                        if ql.as_fixed_rate_coupon(cf) is not None]
        c = self.coupons[0]
        start, ref = c.accrualStartDate(), c.referencePeriodStart()
        self.first_period = "regular" if start == ref else ("short" if start > ref else "long")
        self.first_end = pd(c.accrualEndDate())

    def columns(self):
        return (f"{self.dc_name},{self.freq},{self.coupon},{self.issue},{self.maturity},"
                f"{self.first or ''},{'true' if self.eom else 'false'},{self.first_period}")

    def accrued(self, d):
        # accruedAmount is per 100 of face.
        return self.ql.accruedAmount(qd(d)) * NOMINAL / 100

    def paid(self, d1, d2):
        return sum(c.amount() for c in self.coupons if qd(d1) < c.date() <= qd(d2))


def regular_bond(rng, dc_name):
    """The original 300 cases: issue a whole number of periods before maturity."""
    freq = rng.choice([1, 2, 4, 12])
    coupon = Decimal(rng.randint(1, 1000)) / Decimal(10000) * 1  # 0.01% .. 10%
    maturity = date(2000, 1, 1) + timedelta(days=rng.randrange(365 * 60))
    if rng.random() < 0.2:  # month-end maturities exercise the 31st
        maturity = month_end(maturity)
    periods = rng.randint(2, 40)
    issue = add_months(maturity, -periods * (12 // freq))
    return Bond(dc_name, freq, coupon, issue, maturity, None, False)


def irregular_bond(rng, dc_name, shape):
    """A bond with a short or long first coupon, often with an end-of-month maturity.

    shape: "short" (issue inside the regular period before the first coupon date),
    "short-implied" (the same without a first coupon date: QuantLib's first regular date
    after issue), or "long" (issue one or two regular periods further back, possibly on a
    regular date itself).
    """
    freq = rng.choice([1, 2, 4, 12])
    months = 12 // freq
    coupon = Decimal(rng.randint(1, 1000)) / Decimal(10000)
    maturity = date(2000, 1, 1) + timedelta(days=rng.randrange(365 * 60))
    roll = rng.random()
    if roll < 0.5:
        maturity = month_end(maturity)
    elif roll < 0.65:  # the 28th to 30th: month-end in some months only
        maturity = date(maturity.year, maturity.month, rng.randint(28, 30)) if maturity.month != 2 \
            else date(maturity.year, 2, 28)
    eom = rng.random() < 0.8 if roll < 0.65 else rng.random() < 0.3
    # The regular dates counted back from maturity, as QuantLib makes them.
    later = rng.randint(0, 24)  # regular periods after the first coupon
    far = add_months(maturity, -(later + 5) * months) - timedelta(days=1)
    grid = [pd(d) for d in ql.Schedule(qd(far), qd(maturity), ql.Period(FREQ[freq]), ql.NullCalendar(),
                                       ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward,
                                       eom)][1:][::-1]
    first = grid[later]
    if shape.startswith("short"):
        before = grid[later + 1]
        issue = before + timedelta(days=rng.randint(1, (first - before).days - 1))
    else:
        back = rng.choice([1, 1, 1, 2])
        lo, hi = grid[later + back + 1], grid[later + back]
        issue = hi if rng.random() < 0.15 else lo + timedelta(days=rng.randint(1, (hi - lo).days - 1))
    return Bond(dc_name, freq, coupon, issue, maturity, None if shape == "short-implied" else first, eom)


def some_date(rng, bond, first_period_weight):
    """A date in [issue, maturity), in the first coupon period with the given probability."""
    if rng.random() < first_period_weight:
        days = (bond.first_end - bond.issue).days
        return bond.issue + timedelta(days=rng.randrange(1, days) if days > 1 else 0)
    return bond.issue + timedelta(days=rng.randrange(1, (bond.maturity - bond.issue).days))


SHAPES = ["short", "long", "short-implied", "long"]


def main():
    if ql.__version__ != "1.44":
        sys.exit(f"expected QuantLib 1.44, found {ql.__version__}")
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    names = list(DAY_COUNTS)
    rng = random.Random(20261127)
    with open(f"{out}/quantlib-accrued.csv", "w") as f:
        f.write(f"{BOND_COLUMNS},settlement,accrued\n")
        for i in range(n):
            bond = regular_bond(rng, names[i % len(names)])
            settlement = bond.issue + timedelta(days=rng.randrange(1, (bond.maturity - bond.issue).days))
            f.write(f"{bond.columns()},{settlement},{bond.accrued(settlement):.9f}\n")
        # The same stream goes on, so the first rows stay what they were.
        for i in range(300):
            bond = irregular_bond(rng, names[i % len(names)], SHAPES[(i // len(names)) % len(SHAPES)])
            settlement = some_date(rng, bond, 0.6)
            f.write(f"{bond.columns()},{settlement},{bond.accrued(settlement):.9f}\n")

    rng = random.Random(20261128)
    with open(f"{out}/quantlib-accrual-between.csv", "w") as f:
        f.write(f"{BOND_COLUMNS},d1,d2,accrued_d1,accrued_d2,coupons\n")
        for i in range(260):
            dc_name = names[i % len(names)]
            if rng.random() < 0.2:
                bond = regular_bond(rng, dc_name)
            else:
                bond = irregular_bond(rng, dc_name, SHAPES[(i // len(names)) % len(SHAPES)])
            if (bond.maturity - bond.issue).days < 2:  # a one-day bond has no two dates
                continue
            d1 = bond.issue if rng.random() < 0.1 else some_date(rng, bond, 0.5)
            d1 = min(d1, bond.maturity - timedelta(days=2))
            d2 = d1 + timedelta(days=rng.randrange(1, (bond.maturity - d1).days))
            f.write(f"{bond.columns()},{d1},{d2},{bond.accrued(d1):.9f},{bond.accrued(d2):.9f},"
                    f"{bond.paid(d1, d2):.9f}\n")

    rng = random.Random(20261129)
    with open(f"{out}/quantlib-coupons.csv", "w") as f:
        f.write(f"bond,{BOND_COLUMNS},payment_date,amount\n")
        for i in range(150):
            dc_name = names[i % len(names)]
            if rng.random() < 0.2:
                bond = regular_bond(rng, dc_name)
            else:
                bond = irregular_bond(rng, dc_name, SHAPES[(i // len(names)) % len(SHAPES)])
            for c in bond.coupons:
                f.write(f"{i + 1},{bond.columns()},{pd(c.date())},{c.amount():.9f}\n")


if __name__ == "__main__":
    main()
