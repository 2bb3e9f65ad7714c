#!/usr/bin/env python3
"""Write crates/kulissi-core/tests/fixtures/quantlib-holidays-2000-2040.csv.

Provenance: the file was copied into the repository from the project's shared oracle
directory (`shared/oracles/calendar-holidays.csv`, described there as "QuantLib 1.44 weekday
holidays 2000-2040 for the 12 calendars Kulissi supports"). No script for it was kept beside
it (`shared/peers/calendar_oracle.py` prints a different format: date,calendar,
is_business_day,T+1,T+2 under QuantLib's own calendar names). This script rebuilds it and
reproduces the committed file byte for byte with QuantLib==1.44 (pip): the same calendars
and mapping as quantlib_calendars.py, weekdays 2000-01-01..2040-12-31 that are not business
days, in calendar order then date order, written by Python's csv module (CRLF line ends).
No randomness.

usage: python3 tools/oracles/quantlib_shared_calendar.py OUTDIR    (needs QuantLib==1.44)
       cmp OUTDIR/quantlib-holidays-2000-2040.csv \
           crates/kulissi-core/tests/fixtures/quantlib-holidays-2000-2040.csv
"""
import csv
import os
import sys
from datetime import date, timedelta

sys.dont_write_bytecode = True  # no __pycache__ in tools/oracles
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import QuantLib as ql  # noqa: E402

from quantlib_calendars import CALENDARS, to_ql  # noqa: E402

FIRST, LAST = date(2000, 1, 1), date(2040, 12, 31)


def main():
    if ql.__version__ != "1.44":
        sys.exit(f"expected QuantLib 1.44, found {ql.__version__}")
    out = sys.argv[1]
    with open(f"{out}/quantlib-holidays-2000-2040.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["calendar", "date"])
        for name, make in CALENDARS.items():
            cal = make()
            d = FIRST
            while d <= LAST:
                if d.weekday() < 5 and not cal.isBusinessDay(to_ql(d)):
                    w.writerow([name, d.isoformat()])
                d += timedelta(days=1)


if __name__ == "__main__":
    main()
