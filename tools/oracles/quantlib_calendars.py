#!/usr/bin/env python3
"""Write the QuantLib fixtures that Kulissi's calendar tests read.

The oracle copied from the project's shared directory (fixture quantlib-holidays-2000-2040.csv,
rebuilt by quantlib_shared_calendar.py) covers 2000-2040. Kulissi promises
agreement with QuantLib 1.44 for every date from 1990 through 2099, so this script writes the
full range, plus a sample of `Calendar::advance(date, n, Days)` results that include starts on
holidays and weekends.

usage: python3 tools/oracles/quantlib_calendars.py OUTDIR
       (needs `pip install QuantLib==1.44`)

Outputs, both CSV with a header:
  OUTDIR/quantlib-holidays-1990-2099.csv   calendar,date       every weekday holiday
  OUTDIR/quantlib-advance.csv              calendar,date,days,result
"""
import random
import sys
from datetime import date, timedelta

import QuantLib as ql

# Kulissi calendar name -> the QuantLib calendar it must agree with.
CALENDARS = {
    "TARGET": lambda: ql.TARGET(),
    "XNYS": lambda: ql.UnitedStates(ql.UnitedStates.NYSE),
    "US-SETTLEMENT": lambda: ql.UnitedStates(ql.UnitedStates.Settlement),
    "XLON": lambda: ql.UnitedKingdom(ql.UnitedKingdom.Exchange),
    "XHEL": lambda: ql.Finland(),
    "XSTO": lambda: ql.Sweden(),
    "XCSE": lambda: ql.Denmark(),
    "XOSL": lambda: ql.Norway(),
    "XETR": lambda: ql.Germany(ql.Germany.Xetra),
    "XSWX": lambda: ql.Switzerland(),
    "XTKS": lambda: ql.Japan(),
    "XPAR": lambda: ql.France(ql.France.Exchange),
}
FIRST, LAST = date(1990, 1, 1), date(2099, 12, 31)


def to_ql(d):
    return ql.Date(d.day, d.month, d.year)


def from_ql(q):
    return date(q.year(), q.month(), q.dayOfMonth())


def main():
    if ql.__version__ != "1.44":
        sys.exit(f"expected QuantLib 1.44, found {ql.__version__}")
    out = sys.argv[1]
    cals = {name: make() for name, make in CALENDARS.items()}
    with open(f"{out}/quantlib-holidays-1990-2099.csv", "w") as f:
        f.write("calendar,date\n")
        for name, cal in cals.items():
            d = FIRST
            while d <= LAST:
                if d.weekday() < 5 and not cal.isBusinessDay(to_ql(d)):
                    f.write(f"{name},{d.isoformat()}\n")
                d += timedelta(days=1)
    rng = random.Random(20261127)
    span = (LAST - FIRST).days - 40
    with open(f"{out}/quantlib-advance.csv", "w") as f:
        f.write("calendar,date,days,result\n")
        for name, cal in cals.items():
            for i in range(400):
                if i % 2 == 0:
                    # start on a holiday or weekend: the interesting case
                    d = FIRST + timedelta(days=rng.randrange(span))
                    while cal.isBusinessDay(to_ql(d)):
                        d += timedelta(days=1)
                else:
                    d = FIRST + timedelta(days=20 + rng.randrange(span))
                n = rng.randint(-12, 12)
                r = from_ql(cal.advance(to_ql(d), n, ql.Days, ql.Following))
                f.write(f"{name},{d.isoformat()},{n},{r.isoformat()}\n")


if __name__ == "__main__":
    main()
