#!/usr/bin/env python3
"""Write the QuantLib accrued-interest fixture that Kulissi's day-count tests read.

Generates seeded random fixed-rate bonds with regular, unadjusted coupon schedules built
backwards from maturity, and for each a settlement date inside the bond's life, then asks
QuantLib 1.44 for the accrued amount on a nominal of 1,000,000.

usage: python3 tools/oracles/quantlib_accrued.py OUTDIR [N]     (needs QuantLib==1.44)
Output: OUTDIR/quantlib-accrued.csv with
  day_count,frequency,coupon,issue,maturity,settlement,accrued
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


def qd(d):
    return ql.Date(d.day, d.month, d.year)


def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return date(y, m, min(d.day, last))


def main():
    if ql.__version__ != "1.44":
        sys.exit(f"expected QuantLib 1.44, found {ql.__version__}")
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(20261127)
    with open(f"{out}/quantlib-accrued.csv", "w") as f:
        f.write("day_count,frequency,coupon,issue,maturity,settlement,accrued\n")
        names = list(DAY_COUNTS)
        for i in range(n):
            dc_name = names[i % len(names)]
            freq = rng.choice([1, 2, 4, 12])
            coupon = Decimal(rng.randint(1, 1000)) / Decimal(10000) * 1  # 0.01% .. 10%
            maturity = date(2000, 1, 1) + timedelta(days=rng.randrange(365 * 60))
            if rng.random() < 0.2:  # month-end maturities exercise the 31st
                maturity = add_months(date(maturity.year, maturity.month, 1), 1) - timedelta(days=1)
            periods = rng.randint(2, 40)
            issue = add_months(maturity, -periods * (12 // freq))
            settlement = issue + timedelta(days=rng.randrange(1, (maturity - issue).days))
            schedule = ql.Schedule(qd(issue), qd(maturity), ql.Period(FREQ[freq]), ql.NullCalendar(),
                                   ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, False)
            bond = ql.FixedRateBond(0, NOMINAL, schedule, [float(coupon)], DAY_COUNTS[dc_name](),
                                    ql.Unadjusted)
            # accruedAmount is per 100 of face.
            accrued = bond.accruedAmount(qd(settlement)) * NOMINAL / 100
            f.write(f"{dc_name},{freq},{coupon},{issue},{maturity},{settlement},{accrued:.9f}\n")


if __name__ == "__main__":
    main()
