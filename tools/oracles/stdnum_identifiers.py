#!/usr/bin/env python3
"""Recompute crates/kulissi-core/tests/fixtures/stdnum-identifiers.csv with python-stdnum 2.2.

Provenance: the file was copied into the repository from the project's shared oracle
directory (`shared/oracles/identifiers.csv`, "python-stdnum verdicts on ISIN, LEI, BIC, IBAN
and CUSIP values"). Its 1,995 values (about 200 valid ones per kind, each followed by a copy
with one character substituted, transposed, deleted or inserted; duplicates dropped) came from
a seeded generator that was not kept: `shared/peers/id_oracle.py` is related (same verdict
call) but generates different values, with a different seed handling and format, so the
values cannot be regenerated. What can be, and what CI checks, is the verdict column: this
script reads the kind and value of every committed row, asks python-stdnum 2.2 (the
`validate` call of id_oracle.py's `check`), and writes the file again in its format
(kind,value,valid with true/false, CRLF line ends, Python's csv module). With
python-stdnum==2.2 the output is byte-identical to the committed file. No randomness.

usage: python3 tools/oracles/stdnum_identifiers.py OUTDIR [VALUES.csv]
       (needs `pip install python-stdnum==2.2`; VALUES.csv defaults to the committed fixture)
       cmp OUTDIR/stdnum-identifiers.csv crates/kulissi-core/tests/fixtures/stdnum-identifiers.csv
"""
import csv
import os
import sys

import stdnum
from stdnum import bic, cusip, iban, isin, lei
from stdnum.exceptions import ValidationError

MODS = {"isin": isin, "lei": lei, "bic": bic, "iban": iban, "cusip": cusip}
FIXTURE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "../../crates/kulissi-core/tests/fixtures/stdnum-identifiers.csv",
)


def valid(kind, value):
    try:
        MODS[kind].validate(value)
        return "true"
    except ValidationError:
        return "false"


def main():
    if stdnum.__version__ != "2.2":
        sys.exit(f"expected python-stdnum 2.2, found {stdnum.__version__}")
    out = sys.argv[1]
    values = sys.argv[2] if len(sys.argv) > 2 else FIXTURE
    with open(values, newline="") as f:
        rows = list(csv.reader(f))[1:]
    with open(f"{out}/stdnum-identifiers.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kind", "value", "valid"])
        for kind, value, *_ in rows:
            w.writerow([kind, value, valid(kind, value)])


if __name__ == "__main__":
    main()
