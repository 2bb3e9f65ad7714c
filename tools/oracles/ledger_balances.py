#!/usr/bin/env python3
"""Outside oracle for the general ledger: compares Kulissi's trial balance with the balances
that hledger or beancount compute from Kulissi's own export of the journal.

usage: ledger_balances.py KULISSI_CSV FORMAT TOOL_OUTPUT
  KULISSI_CSV  `kulissi ledger trial-balance --format csv` (currency,account,name,debit,credit)
  FORMAT       hledger-csv   `hledger -f J bal --layout=bare -O csv`
               bean-csv      `bean-query -f csv J "SELECT account, currency, sum(number) ..."`
Accounts are matched by their code (`Assets:1100-Cash-at-banks` is 1100). Every non-zero
balance must agree exactly, account by account and currency by currency, in both
directions. Prints "OK <n> balances" or the differences; exit status 1 on any difference.
"""
import csv
import sys
from decimal import Decimal


def code(account):
    leaf = account.split(":")[-1]
    return int(leaf.split("-")[0])


def kulissi(path):
    got = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            balance = Decimal(row["debit"]) - Decimal(row["credit"])
            if balance:
                got[(int(row["account"]), row["currency"])] = balance
    return got


def tool(fmt, path):
    got = {}
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        if len(row) < 3 or not row[0] or row[0].strip() == "total":
            continue
        account, currency, value = row[0].strip(), row[1].strip(), row[2].strip()
        if fmt == "bean-csv" and " " in value:  # "123.45 EUR" in some versions
            value, currency = value.split()
        if not value:
            continue
        key = (code(account), currency)
        got[key] = got.get(key, Decimal(0)) + Decimal(value.replace(",", ""))
    return {k: v for k, v in got.items() if v}


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ("hledger-csv", "bean-csv"):
        print(__doc__, file=sys.stderr)
        return 2
    ours, theirs = kulissi(sys.argv[1]), tool(sys.argv[2], sys.argv[3])
    differences = [
        (k, ours.get(k), theirs.get(k))
        for k in sorted(set(ours) | set(theirs))
        if ours.get(k) != theirs.get(k)
    ]
    for (account, currency), a, b in differences[:20]:
        print(f"{account} {currency}: kulissi {a}, {sys.argv[2]} {b}")
    if differences or not ours:
        print(f"{len(differences)} differences ({len(ours)} kulissi balances)")
        return 1
    print(f"OK {len(ours)} balances")
    return 0


if __name__ == "__main__":
    sys.exit(main())
