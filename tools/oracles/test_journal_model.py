"""Tests of the independent general-ledger model (journal_model.py) against the worked figures
of docs/domain.md: §5 (UK SDRT and French FTT purchases, bond accrued interest), §6 (average
cost vs FIFO, splits), §7 (house journal and trial balance, FX revaluation), §7.1 (client trades
and client money), §7.2 (coupons, redemptions, the daily interest accrual, dividends and market
claims), §7.3 (a USD stock bought with a USD payable shows no net FX P&L; a USD dividend
receivable is monetary) and §3.5/§3.7 (settlement instructions, their statuses and the CSDR
penalties accrued at the end of day: 150.00 for 10,000 liquid shares failing 3 days, 32.88 a day
for a cash fail on 500,000, 98.50 a day for a corporate bond).

Run: python3 -m unittest tools/oracles/test_journal_model.py
(the bond and penalty tests need QuantLib 1.44 and are skipped without it).
"""
import io
import json
import os
import random
import sys
import tempfile
import unittest
from decimal import Decimal as D

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import journal_model as jm  # noqa: E402

try:
    import QuantLib  # noqa: F401

    HAVE_QUANTLIB = QuantLib.__version__ == "1.44"
except ImportError:
    HAVE_QUANTLIB = False

LEI = "529900T8BM49AURSDO55"
LEI2 = "5493001KJTIIGC8Y1R12"


class Firm:
    """Builds a FIRM.jsonl line by line."""

    def __init__(self, reporting_currency="EUR", lei=LEI):
        self.lines = []
        self.n = 0
        self.entity(lei, reporting_currency)

    def add(self, **fields):
        self.lines.append(fields)
        return self

    def entity(self, lei, ccy):
        return self.add(type="legal_entity", lei=lei, name="Broker " + lei[:4], reporting_currency=ccy)

    def equity(self, isin="FI0009000681", ccy="EUR", market="XHEL", tax=None, kind="equity"):
        fields = dict(type="instrument", isin=isin, name="Share " + isin, kind=kind, currency=ccy, market=market)
        if tax is not None:
            fields["transaction_tax"] = tax
        return self.add(**fields)

    def book(self, code="EQ1", method="average", lei=LEI):
        return self.add(type="book", code=code, legal_entity=lei, desk="Equities", trader="T1", cost_method=method)

    def account(self, code="HOUSE", owner="house", lei=LEI):
        return self.add(type="account", code=code, legal_entity=lei, owner=owner, custodian="CUST",
                        safekeeping_account="SK-" + code, cash_account="CA-" + code)

    def fees(self, market="XHEL", kind="equity", **bp):
        return self.add(type="fee_schedule", market=market, instrument_type=kind, **bp)

    def capital(self, amount, ccy="EUR", account="HOUSE", date="2025-07-01"):
        self.n += 1
        return self.add(type="cash_movement", reference=f"CAP{self.n}", movement="capital", account=account,
                        currency=ccy, amount=amount, value_date=date)

    def cash(self, movement, amount, account, ccy="EUR", date="2025-07-11", **extra):
        self.n += 1
        return self.add(type="cash_movement", reference=f"CM{self.n}", movement=movement, account=account,
                        currency=ccy, amount=amount, value_date=date, **extra)

    def trade(self, tid, side, qty, price, date, sd, account="HOUSE", book="EQ1", isin="FI0009000681",
              ccy="EUR", time="10:00:00", action="book", lei=LEI):
        return self.add(type="trade", source="OMS", external_id=tid, legal_entity=lei, book=book, trader="T1",
                        counterparty="CPTY", account=account, isin=isin, side=side, quantity=qty, price=price,
                        currency=ccy, trade_date=date, trade_time=time, venue="XHEL", settlement_date=sd,
                        action=action)

    def cancel(self, tid):
        return self.add(type="trade", source="OMS", external_id=tid, action="cancel", reason="wrong")

    def settle(self, tid, qty, date):
        self.n += 1
        return self.add(type="settlement", source="OMS", external_id=tid, quantity=qty, settlement_date=date,
                        reference=f"CUST-{self.n}")

    def price(self, date, price, isin="FI0009000681"):
        return self.add(type="price", isin=isin, date=date, price=price, source="close")

    def fx(self, date, rate, base="EUR", quote="USD"):
        return self.add(type="fx_rate", base=base, quote=quote, date=date, rate=rate)

    def eod(self, date, lei=LEI):
        return self.add(type="end_of_day", legal_entity=lei, date=date)

    def bond(self, isin="XS1234567890", coupon="0.05", frequency=2, day_count="ACT/ACT-ICMA",
             issue="2020-03-01", maturity="2030-03-01", ccy="EUR", **extra):
        return self.add(type="instrument", isin=isin, name="Bond " + isin, kind="bond", currency=ccy,
                        market="XHEL", coupon=coupon, frequency=frequency, day_count=day_count,
                        issue_date=issue, maturity_date=maturity, **extra)

    def dividend(self, ref, amount, ex, record, pay, isin="FI0009000681", ccy="EUR"):
        return self.add(type="corporate_action", reference=ref, kind="cash_dividend", isin=isin, ex_date=ex,
                        record_date=record, pay_date=pay, amount_per_share=amount, currency=ccy)

    def split(self, ref, new, old, ex, isin="FI0009000681"):
        return self.add(type="corporate_action", reference=ref, kind="split", isin=isin, ex_date=ex,
                        record_date=ex, pay_date=ex, ratio_new=new, ratio_old=old)

    def instruct(self, date):
        return self.add(type="instruct_settlement", date=date)

    def status(self, ref, status, date, reasons=None):
        fields = dict(type="settlement_status", reference=ref, status=status, date=date)
        if reasons is not None:
            fields["reasons"] = reasons
        return self.add(**fields)

    def settle_instruction(self, ref, qty, date, amount=None, isin=None):
        fields = dict(type="instruction_settlement", reference=ref, quantity=str(qty), settlement_date=date)
        if amount is not None:
            fields["amount"] = amount
        if isin is not None:
            fields["isin"] = isin
        return self.add(**fields)

    def cb_rate(self, date, rate, ccy="EUR"):
        return self.add(type="central_bank_rate", currency=ccy, date=date, rate=rate)

    def model(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "FIRM.jsonl")
            with open(path, "w") as f:
                for line in self.lines:
                    f.write(json.dumps(line) + "\n")
            return jm.run(path)


def tb(model, lei=None):
    """{account: balance} of one currency-agnostic view (all tests here use one currency per
    account unless they say so)."""
    out = {}
    for (account, ccy), balance in model.trial_balance(lei).items():
        out[(account, ccy)] = balance
    return out


def eur(**balances):
    return {(a.lstrip("a"), "EUR"): D(v) for a, v in balances.items()}


def section7_firm():
    """§7 worked journals: EUR house book, capital 50,000, commission 10 bp."""
    f = Firm().equity().book().account().fees(commission_bp="10").capital("50000.00")
    f.trade("T1", "buy", 1000, "20.00", "2025-07-14", "2025-07-16")
    f.price("2025-07-14", "20.50").eod("2025-07-14")
    f.price("2025-07-15", "20.80").eod("2025-07-15")
    f.settle("T1", 1000, "2025-07-16")
    f.trade("T2", "sell", 400, "21.00", "2025-07-16", "2025-07-18", time="11:00:00")
    f.price("2025-07-16", "20.90").eod("2025-07-16")
    f.settle("T2", 400, "2025-07-18")
    return f


def section71_firm():
    """§7.1 worked journals: client trades, commission 10 bp, exchange fee 0.15 bp."""
    f = Firm().equity().book().account("CLIENT1", owner="client")
    f.fees(commission_bp="10", exchange_fee_bp="0.15")
    f.cash("deposit", "30000.00", "CLIENT1", date="2025-07-11")
    f.trade("C1", "buy", 1000, "20.00", "2025-07-14", "2025-07-16", account="CLIENT1")
    f.price("2025-07-14", "20.50").eod("2025-07-14")
    f.settle("C1", 1000, "2025-07-16")
    f.trade("C2", "sell", 400, "21.00", "2025-07-16", "2025-07-18", account="CLIENT1")
    f.eod("2025-07-16")
    f.settle("C2", 400, "2025-07-18")
    return f


class Section7HouseJournal(unittest.TestCase):
    def test_trial_balance(self):
        model = section7_firm().model()
        self.assertEqual(tb(model), eur(a1100="38371.60", a1200="12000.00", a1210="540.00", a5100="28.40",
                                        a3100="-50000.00", a4100="-400.00", a4200="-540.00"))
        debits = sum(b for b in tb(model).values() if b > 0)
        self.assertEqual(debits, D("50940.00"))
        self.assertEqual(sum(tb(model).values()), 0)

    def test_release_on_sale_and_mark(self):
        f = section7_firm()
        cut = next(i for i, line in enumerate(f.lines) if line.get("external_id") == "T2")
        f.lines = f.lines[: cut + 1]  # up to the sale: MTM 800 less the 320 released
        model = f.model()
        self.assertEqual(tb(model)[("1210", "EUR")], D("480.00"))
        self.assertEqual(tb(model)[("1300", "EUR")], D("8400.00"))
        self.assertEqual(tb(model)[("2200", "EUR")], D("-8.40"))

    def test_balances_csv_and_compare(self):
        model = section7_firm().model()
        out = io.StringIO()
        jm.write_balances(model, out)
        rows = out.getvalue().splitlines()
        self.assertEqual(rows[0], "legal_entity,account,currency,balance")
        self.assertIn(f"{LEI},1100,EUR,38371.60", rows)
        self.assertEqual(rows[1:], sorted(rows[1:]))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "tb.csv")
            with open(path, "w") as fh:
                fh.write("currency,account,name,debit,credit\n")
                for (account, ccy), b in sorted(tb(model).items()):
                    fh.write(f"{ccy},{account},Name,{max(b, 0)},{max(-b, 0)}\n")
                fh.write("EUR,2100,Unsettled purchases,0.00,0.00\n")
            msg = io.StringIO()
            self.assertEqual(jm.compare(model, path, None, msg), 0)
            self.assertEqual(msg.getvalue().strip(), "OK 7 balances")
            with open(path, "a") as fh:
                fh.write("EUR,5200,Exchange fees,0.01,0.00\n")
            msg = io.StringIO()
            self.assertEqual(jm.compare(model, path, None, msg), 1)
            self.assertIn("5200 EUR: model 0, kulissi 0.01", msg.getvalue())


class Section71ClientMoney(unittest.TestCase):
    def test_trial_balance(self):
        model = section71_firm().model()
        self.assertEqual(tb(model), eur(a1150="18371.17", a1100="28.40", a2500="-18371.17", a4600="-28.40"))
        self.assertEqual(sum(b for b in tb(model).values() if b > 0), D("18399.57"))

    def test_trade_date_entries(self):
        f = section71_firm()
        f.lines = [line for line in f.lines if line["type"] != "settlement"]
        model = f.model()
        got = tb(model)
        self.assertEqual(got[("1320", "EUR")], D("20020.30"))
        self.assertEqual(got[("2110", "EUR")], D("-20000.00"))
        self.assertEqual(got[("1330", "EUR")], D("8400.00"))
        self.assertEqual(got[("2120", "EUR")], D("-8391.47"))
        self.assertEqual(got[("2200", "EUR")], D("-0.43"))
        for account in ("1200", "1210", "2400", "4100", "4200"):
            self.assertNotIn((account, "EUR"), got)

    def test_partial_settlement_of_a_client_purchase(self):
        f = Firm().equity().book().account("CLIENT1", owner="client").fees(commission_bp="10", exchange_fee_bp="0.15")
        f.cash("deposit", "30000.00", "CLIENT1")
        f.trade("C1", "buy", 1000, "20.00", "2025-07-14", "2025-07-16", account="CLIENT1")
        f.settle("C1", 333, "2025-07-16").settle("C1", 333, "2025-07-17").settle("C1", 334, "2025-07-18")
        model = f.model()
        self.assertEqual(tb(model), eur(a1150="9979.70", a1100="20.00", a2500="-9979.70", a4600="-20.00"))


class Section7FxRevaluation(unittest.TestCase):
    def test_usd_cash(self):
        f = Firm().account().capital("10000.00", ccy="USD")
        f.fx("2025-07-14", "1.1000").eod("2025-07-14").fx("2025-07-15", "1.0800").eod("2025-07-15")
        got = tb(f.model())
        self.assertEqual(got[("1190", "EUR")], D("168.35"))
        self.assertEqual(got[("4300", "EUR")], D("-168.35"))
        self.assertEqual(got[("1100", "USD")], D("10000.00"))

    def test_first_end_of_day_only_records(self):
        f = Firm().account().capital("10000.00", ccy="USD").fx("2025-07-14", "1.1000").eod("2025-07-14")
        self.assertNotIn(("1190", "EUR"), tb(f.model()))

    def test_revalues_the_previous_balance_at_the_new_rate(self):
        # N_prev is the balance at the previous revaluation; money added since is not revalued yet.
        f = Firm().account().capital("10000.00", ccy="USD")
        f.fx("2025-07-14", "1.1000").eod("2025-07-14")
        f.capital("5000.00", ccy="USD", date="2025-07-15")
        f.fx("2025-07-15", "1.0800").eod("2025-07-15")
        f.fx("2025-07-16", "1.0000").eod("2025-07-16")
        got = tb(f.model())
        # 168.35, then 15,000 × (1/1.00 − 1/1.08) = 15,000.00 − 13,888.89 = 1,111.11
        self.assertEqual(got[("1190", "EUR")], D("1279.46"))

    def test_usd_stock_bought_on_usd_payable_has_no_net_fx_pnl(self):
        f = Firm().equity("US0378331005", ccy="USD", market="XNYS").book().account()
        f.trade("U1", "buy", 1000, "10.00", "2025-07-14", "2025-07-15", isin="US0378331005", ccy="USD")
        f.price("2025-07-14", "10.00", "US0378331005").fx("2025-07-14", "1.1000").eod("2025-07-14")
        f.price("2025-07-15", "10.00", "US0378331005").fx("2025-07-15", "1.0800").eod("2025-07-15")
        got = tb(f.model())
        self.assertEqual(got[("1190", "EUR")], D("-168.35"))
        self.assertEqual(got[("4300", "EUR")], D("168.35"))
        self.assertEqual(got[("1220", "EUR")], D("168.35"))
        self.assertEqual(got[("4200", "EUR")], D("-168.35"))


class Section5Charges(unittest.TestCase):
    def test_uk_sdrt_purchase(self):
        f = Firm("GBP").equity("GB0002374006", ccy="GBP", market="XLON", tax=True).book().account()
        f.fees("XLON", commission_bp="5", purchase_tax_bp="50")
        f.trade("UK1", "buy", 10000, "4.2575", "2025-07-14", "2025-07-15", isin="GB0002374006", ccy="GBP")
        got = tb(f.model())
        gbp = lambda a: got.get((a, "GBP"))  # noqa: E731
        self.assertEqual(gbp("1200"), D("42575.00"))
        self.assertEqual(gbp("5100"), D("21.29"))
        self.assertEqual(gbp("5300"), D("212.88"))
        self.assertEqual(gbp("2300"), D("-212.88"))
        f.settle("UK1", 10000, "2025-07-15")
        self.assertEqual(tb(f.model())[("1100", "GBP")], D("-42809.17"))

    def test_french_ftt_purchase_and_untaxed_sale(self):
        f = Firm().equity("FR0000120271", market="XPAR", tax=True).book().account()
        f.fees("XPAR", commission_bp="3", purchase_tax_bp="40")
        f.trade("FR1", "buy", 1000, "55.32", "2025-07-14", "2025-07-16", isin="FR0000120271")
        f.settle("FR1", 1000, "2025-07-16")
        got = tb(f.model())
        self.assertEqual(got[("1100", "EUR")], D("-55557.88"))
        self.assertEqual(got[("5300", "EUR")], D("221.28"))
        self.assertEqual(got[("5100", "EUR")], D("16.60"))
        f.trade("FR2", "sell", 1000, "55.32", "2025-07-17", "2025-07-18", isin="FR0000120271")
        got = tb(f.model())
        self.assertEqual(got[("5300", "EUR")], D("221.28"))  # sales are untaxed
        self.assertEqual(got[("5100", "EUR")], D("33.20"))

    def test_untaxed_instrument_and_commission_minimum(self):
        f = Firm().equity().book().account().fees(commission_bp="10", commission_minimum="25", purchase_tax_bp="40")
        f.trade("M1", "buy", 100, "20.00", "2025-07-14", "2025-07-16")
        got = tb(f.model())
        self.assertEqual(got[("5100", "EUR")], D("25.00"))
        self.assertNotIn(("5300", "EUR"), got)

    def test_fee_schedule_in_force_on_the_trade_date(self):
        f = Firm().equity().book().account().fees(commission_bp="10").fees(commission_bp="20", valid_from="2025-07-15")
        f.trade("A", "buy", 1000, "20.00", "2025-07-14", "2025-07-16")
        f.trade("B", "buy", 1000, "20.00", "2025-07-15", "2025-07-17")
        self.assertEqual(tb(f.model())[("5100", "EUR")], D("60.00"))

    def test_jpy_rounds_to_yen(self):
        f = Firm("JPY").equity("JP3633400001", ccy="JPY", market="XTKS").book().account()
        f.fees("XTKS", commission_bp="7")
        f.trade("J1", "buy", 100, "2501.5", "2025-07-14", "2025-07-15", isin="JP3633400001", ccy="JPY")
        got = tb(f.model())
        self.assertEqual(got[("1200", "JPY")], D("250150"))
        self.assertEqual(got[("5100", "JPY")], D("175"))  # 175.105


@unittest.skipUnless(HAVE_QUANTLIB, "needs QuantLib 1.44")
class Section5BondAccrued(unittest.TestCase):
    def bond_firm(self, day_count):
        f = Firm().book().account()
        f.add(type="instrument", isin="XS1234567890", name="Bond", kind="bond", currency="EUR", market="XHEL",
              coupon="0.05", frequency=2, day_count=day_count, issue_date="2024-09-01", maturity_date="2029-09-01")
        f.trade("B1", "buy", 1000000, "101.25", "2025-07-14", "2025-07-16", isin="XS1234567890")
        return f

    def test_day_counts(self):
        for day_count, accrued in [("ACT/360", "19027.78"), ("ACT/365F", "18767.12"), ("30/360", "18750.00"),
                                   ("ACT/ACT-ICMA", "18614.13")]:
            with self.subTest(day_count):
                got = tb(self.bond_firm(day_count).model())
                self.assertEqual(got[("1500", "EUR")], D(accrued))

    def test_bond_purchase(self):
        got = tb(self.bond_firm("ACT/ACT-ICMA").model())
        self.assertEqual(got[("1200", "EUR")], D("1012500.00"))
        self.assertEqual(got[("1500", "EUR")], D("18614.13"))
        self.assertEqual(got[("2100", "EUR")], D("-1031114.13"))

    def test_30_360_variants_on_the_31st(self):
        # 15 Feb → 31 May 2025: 106 days under bond basis, 105 under 30E/360 (§5).
        for day_count, days in [("30/360", 106), ("30E/360", 105)]:
            f = Firm().book().account()
            f.add(type="instrument", isin="XS1234567890", name="Bond", kind="bond", currency="EUR",
                  market="XHEL", coupon="0.036", frequency=2, day_count=day_count, issue_date="2024-08-15",
                  maturity_date="2030-02-15")
            f.trade("B1", "buy", 1000000, "100", "2025-05-29", "2025-05-31", isin="XS1234567890")
            with self.subTest(day_count):
                self.assertEqual(tb(f.model())[("1500", "EUR")], D(1000000 * 36 * days) / 360000)


class Section6CostMethods(unittest.TestCase):
    def firm(self, method):
        f = Firm().equity().book("B", method).account()
        f.trade("1", "buy", 100, "10.00", "2025-07-14", "2025-07-16")
        f.trade("2", "buy", 200, "13.00", "2025-07-14", "2025-07-16", time="11:00:00", book="B")
        f.trade("3", "sell", 150, "15.00", "2025-07-14", "2025-07-16", time="12:00:00", book="B")
        for line in f.lines:
            if line["type"] == "trade":
                line["book"] = "B"
        f.price("2025-07-14", "14.00").eod("2025-07-14")
        return f

    def test_fifo(self):
        got = tb(self.firm("fifo").model())
        self.assertEqual(got[("4100", "EUR")], D("-600.00"))
        self.assertEqual(got[("1200", "EUR")], D("1950.00"))
        self.assertEqual(got[("4200", "EUR")], D("-150.00"))

    def test_average(self):
        got = tb(self.firm("average").model())
        self.assertEqual(got[("4100", "EUR")], D("-450.00"))
        self.assertEqual(got[("1200", "EUR")], D("1800.00"))
        self.assertEqual(got[("4200", "EUR")], D("-300.00"))

    def test_late_trade_refolds(self):
        # The sale is reported first; the buys dated earlier arrive later. Same result.
        f = self.firm("fifo")
        trades = [line for line in f.lines if line["type"] == "trade"]
        others = [line for line in f.lines if line["type"] != "trade"]
        f.lines = others[:-2] + [trades[2], trades[0], trades[1]] + others[-2:]
        got = tb(f.model())
        self.assertEqual(got[("4100", "EUR")], D("-600.00"))
        self.assertEqual(got[("1200", "EUR")], D("1950.00"))

    def test_short_and_flip(self):
        f = Firm().equity().book().account()
        f.trade("S", "sell", 100, "10.00", "2025-07-14", "2025-07-16")
        f.price("2025-07-14", "9.00").eod("2025-07-14")
        got = tb(f.model())
        self.assertEqual(got[("2400", "EUR")], D("-1000.00"))
        self.assertEqual(got[("1210", "EUR")], D("100.00"))  # −100 × 9 − (−1,000)
        f.trade("B", "buy", 300, "9.00", "2025-07-15", "2025-07-17")
        got = tb(f.model())
        self.assertNotIn(("2400", "EUR"), got)
        self.assertEqual(got[("1200", "EUR")], D("1800.00"))  # 2,700 × 200 / 300
        self.assertEqual(got[("4100", "EUR")], D("-100.00"))  # short closed at 900 against 1,000
        self.assertNotIn(("1210", "EUR"), got)  # flipped: all released

    def test_amend_and_cancel(self):
        f = Firm().equity().book().account().fees(commission_bp="10")
        f.trade("1", "buy", 1000, "20.00", "2025-07-14", "2025-07-16")
        f.trade("2", "sell", 400, "21.00", "2025-07-15", "2025-07-17")
        f.trade("1", "buy", 2000, "20.00", "2025-07-14", "2025-07-16", action="amend")
        got = tb(f.model())
        self.assertEqual(got[("1200", "EUR")], D("32000.00"))
        self.assertEqual(got[("4100", "EUR")], D("-400.00"))
        self.assertEqual(got[("5100", "EUR")], D("48.40"))
        f.cancel("2")
        got = tb(f.model())
        self.assertEqual(got[("1200", "EUR")], D("40000.00"))
        self.assertNotIn(("4100", "EUR"), got)
        self.assertNotIn(("1300", "EUR"), got)
        self.assertEqual(got[("2100", "EUR")], D("-40000.00"))


class Invariants(unittest.TestCase):
    """Random books, amendments, late trades and cancellations: after every run, 1200 is the
    cost of the long positions, 2400 of the short ones, and 4100 = Σ buys − Σ sells − Σ cost,
    each from a fresh fold of the live trades, and the ledger balances."""

    def test_random(self):
        rng = random.Random(20261127)
        for method in ("average", "fifo"):
            for _ in range(12):
                f = Firm().equity().book("B", method).account()
                f.add(type="account", code="H2", legal_entity=LEI, owner="house", custodian="C",
                      safekeeping_account="S", cash_account="C")
                live = {}
                for i in range(150):  # several checkpoints per position
                    r = rng.random()
                    if live and r < 0.15:
                        tid = rng.choice(sorted(live))
                        f.cancel(tid)
                        del live[tid]
                        continue
                    tid = rng.choice(sorted(live)) if live and r < 0.3 else f"T{i}"
                    day = f"2025-07-{rng.randint(10, 20):02d}"
                    t = dict(side=rng.choice(["buy", "sell"]), qty=rng.randint(1, 300),
                             price=f"{rng.randint(500, 1500) / 100:.2f}", day=day,
                             account=rng.choice(["HOUSE", "H2"]), time=f"1{rng.randint(0, 5)}:00:00")
                    f.trade(tid, t["side"], t["qty"], t["price"], day, day, account=t["account"], book="B",
                            time=t["time"], action="amend" if tid in live else "book")
                    live[tid] = t
                    if rng.random() < 0.2:
                        f.price(day, f"{rng.randint(500, 1500) / 100:.2f}").eod(day)
                model = f.model()
                got = tb(model)
                self.assertEqual(sum(got.values()), 0)
                long_cost = short_cost = flows = D(0)
                for pos in model.positions.values():
                    fresh = jm.Position(pos.key, pos.le, pos.account, pos.isin)
                    fresh.trades, fresh.currency = dict(pos.trades), pos.currency
                    jm.refold(fresh, model.books)
                    self.assertEqual((fresh.qty, fresh.cost), (pos.qty, pos.cost))
                    long_cost += fresh.cost if fresh.qty > 0 else 0
                    short_cost += fresh.cost if fresh.qty < 0 else 0
                    flows += sum(t.signed_gross for t in pos.trades.values())
                self.assertEqual(got.get(("1200", "EUR"), 0), long_cost)
                self.assertEqual(got.get(("2400", "EUR"), 0), short_cost)
                self.assertEqual(got.get(("4100", "EUR"), 0), flows - long_cost - short_cost)
                self.assertEqual(got.get(("1210", "EUR"), 0), sum(p.adj for p in model.positions.values()))


BOND = "XS1234567890"


def round_eur(x):
    return D(x).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@unittest.skipUnless(HAVE_QUANTLIB, "needs QuantLib 1.44")
class Section72Coupons(unittest.TestCase):
    """5% semi-annual ACT/ACT-ICMA bond, issue 1 Mar 2020: the period 1 Mar → 1 Sep 2025 has 184
    days (§5), the next 1 Sep 2025 → 1 Mar 2026 has 181. The house buys 1,000,000 on 27 Aug for
    29 Aug: accrued 25,000 × 181/184 = 24,592.39 bought, not earned."""

    def firm(self):
        f = Firm().book().account().bond()
        f.trade("B1", "buy", 1000000, "100.00", "2025-08-27", "2025-08-29", isin=BOND)
        f.settle("B1", 1000000, "2025-08-29")
        return f

    def test_coupon_and_accrual_before_and_after(self):
        f = self.firm()
        cut = len(f.lines) - 1  # before the settlement line
        f.lines.insert(cut, {"type": "end_of_day", "legal_entity": LEI, "date": "2025-08-28"})
        got = tb(f.model())  # pending purchase: target = the trade's accrued, no income
        self.assertEqual(got[("1500", "EUR")], D("24592.39"))
        self.assertNotIn(("4500", "EUR"), got)
        f.eod("2025-08-29")  # settled: accrued(29 Aug) on 1,000,000 = the same 24,592.39
        got = tb(f.model())
        self.assertEqual(got[("1500", "EUR")], D("24592.39"))
        self.assertNotIn(("4500", "EUR"), got)
        f.eod("2025-08-31")  # 183/184: 24,864.13, earned 271.74
        got = tb(f.model())
        self.assertEqual(got[("1500", "EUR")], round_eur(D(25000) * 183 / 184))
        self.assertEqual(got[("4500", "EUR")], D("-271.74"))
        f.eod("2025-09-01")  # coupon 25,000.00 Dr 1100 / Cr 1500; accrued restarts at 0
        got = tb(f.model())
        self.assertEqual(got[("1100", "EUR")], D("25000.00") - D("1024592.39"))
        self.assertNotIn(("1500", "EUR"), got)
        self.assertEqual(got[("4500", "EUR")], D("-407.61"))  # 25,000 − 24,592.39
        f.eod("2025-09-02")  # one day of 181: 138.12
        got = tb(f.model())
        self.assertEqual(got[("1500", "EUR")], round_eur(D(25000) / 181))
        self.assertEqual(got[("4500", "EUR")], D("-407.61") - round_eur(D(25000) / 181))
        self.assertEqual(sum(got.values()), 0)

    def test_coupon_goes_to_the_holder_of_record(self):
        # Bought on 28 Aug for 2 Sep, settling after the coupon date: not the holder of record at
        # the close of 31 Aug. H2's sale of 100,000 settles on 1 Sep itself, so H2 still held
        # 400,000 the day before: 400,000 × 2.5% = 10,000.00.
        f = Firm().book().account().account("H2").bond()
        f.trade("B1", "buy", 1000000, "100.00", "2025-08-28", "2025-09-02", isin=BOND)
        f.trade("B2", "buy", 400000, "100.00", "2025-08-20", "2025-08-22", isin=BOND, account="H2")
        f.trade("S2", "sell", 100000, "100.00", "2025-08-28", "2025-09-01", isin=BOND, account="H2")
        f.eod("2025-09-01")
        got = tb(f.model())
        self.assertEqual(got[("1100", "EUR")], D("10000.00"))


@unittest.skipUnless(HAVE_QUANTLIB, "needs QuantLib 1.44")
class Section72Redemptions(unittest.TestCase):
    def test_long_redeemed_with_a_gain_and_a_client_credited(self):
        # Bought at 99.50 (cost 995,000), marked at 99.80, redeemed at 100 on 1 Sep 2025 with
        # the last coupon; the client's 10,000 nominal pays into client money.
        f = Firm().book().account().account("CLIENT1", owner="client").bond(maturity="2025-09-01")
        f.cash("deposit", "20000.00", "CLIENT1", date="2025-08-20")
        f.trade("B1", "buy", 1000000, "99.50", "2025-08-27", "2025-08-29", isin=BOND)
        f.trade("C1", "buy", 10000, "99.50", "2025-08-27", "2025-08-29", isin=BOND, account="CLIENT1")
        f.settle("B1", 1000000, "2025-08-29").settle("C1", 10000, "2025-08-29")
        f.price("2025-08-29", "99.80", BOND).eod("2025-08-29")
        got = tb(f.model())
        self.assertEqual(got[("1210", "EUR")], D("3000.00"))
        self.assertEqual(got[("1150", "EUR")], D("9804.08"))  # 20,000 − 9,950 − 245.92 accrued
        f.eod("2025-09-01")
        got = tb(f.model())
        # 1100: −995,000 − 24,592.39 + coupon 25,000 + redemption 1,000,000
        self.assertEqual(got, eur(a1100="5407.61", a4100="-5000.00", a4500="-407.61",
                                  a1150="20054.08", a2500="-20054.08"))
        model = f.model()
        self.assertEqual([p.qty for p in model.positions.values()], [0, 0])
        f.eod("2025-09-02")  # nothing more: no coupon, no accrual, no mark
        self.assertEqual(tb(f.model()), got)

    def test_short_redeemed_with_a_loss(self):
        # Sold short 20,000 nominal at 99.00 (2400: 19,800) with 491.85 accrued received; pays
        # the last coupon (500.00) and the redemption at 100: loss 200 in 4100, 8.15 interest.
        f = Firm().book().account().bond(maturity="2025-09-01")
        f.trade("S1", "sell", 20000, "99.00", "2025-08-27", "2025-08-29", isin=BOND)
        f.settle("S1", 20000, "2025-08-29")
        f.eod("2025-08-29").eod("2025-09-01")
        got = tb(f.model())
        self.assertEqual(got, eur(a1100="-208.15", a4100="200.00", a4500="8.15"))


class Section72Dividends(unittest.TestCase):
    """Dividend 0.50 a share: ex 28 Aug, record 29 Aug, paid 5 Sep 2025. The house buys 1,000
    cum-dividend on 27 Aug for 1 Sep, after the record date: entitled E = 1,000, holder of record
    R = 0, a market claim of 500.00. A sale on the ex-date does not reduce E. The client holds
    300 settled on 22 Aug."""

    def firm(self, ends):
        f = Firm().equity().book().account().account("CLIENT1", owner="client")
        f.cash("deposit", "10000.00", "CLIENT1", date="2025-08-20")
        f.dividend("DIV1", "0.50", "2025-08-28", "2025-08-29", "2025-09-05")
        f.trade("C1", "buy", 300, "20.00", "2025-08-20", "2025-08-22", account="CLIENT1")
        f.settle("C1", 300, "2025-08-22")
        f.trade("B1", "buy", 1000, "20.00", "2025-08-27", "2025-09-01")
        f.trade("S1", "sell", 200, "20.00", "2025-08-28", "2025-09-01", time="09:00:00")
        for day in ends:
            f.price(day, "20.00").eod(day)
        return f

    def test_ex_date_then_pay_date(self):
        model = self.firm(["2025-08-27", "2025-08-28"]).model()
        got = tb(model)
        self.assertEqual(got[("1340", "EUR")], D("500.00"))
        self.assertEqual(got[("4510", "EUR")], D("-500.00"))
        self.assertEqual(got[("1150", "EUR")], D("4000.00"))  # nothing to the client at ex-date
        self.assertEqual(model.market_claims, [(LEI, "DIV1", "HOUSE", "FI0009000681", 1000, 0, D("500.00"))])
        got = tb(self.firm(["2025-08-27", "2025-08-28", "2025-09-01", "2025-09-05"]).model())
        self.assertEqual(got[("1100", "EUR")], D("500.00"))
        self.assertNotIn(("1340", "EUR"), got)
        self.assertEqual(got[("4510", "EUR")], D("-500.00"))
        self.assertEqual(got[("1150", "EUR")], D("4150.00"))
        self.assertEqual(got[("2500", "EUR")], D("-4150.00"))
        self.assertEqual(sum(got.values()), 0)

    def test_ex_and_pay_in_one_end_of_day(self):
        got = tb(self.firm(["2025-09-05"]).model())
        self.assertEqual((got[("1100", "EUR")], got[("4510", "EUR")], got[("1150", "EUR")]),
                         (D("500.00"), D("-500.00"), D("4150.00")))
        self.assertNotIn(("1340", "EUR"), got)

    def test_usd_dividend_receivable_is_revalued(self):
        # Monetary USD: 1340 1,000.00 − 2100 10,000.00 = −9,000; 1.10 → 1.00: −9,000 + 8,181.82.
        f = Firm().equity("US0378331005", ccy="USD", market="XNYS").book().account()
        f.dividend("DIVU", "1.00", "2025-08-28", "2025-08-28", "2025-09-05", isin="US0378331005", ccy="USD")
        f.trade("U1", "buy", 1000, "10.00", "2025-08-27", "2025-08-28", isin="US0378331005", ccy="USD")
        f.price("2025-08-28", "10.00", "US0378331005").fx("2025-08-28", "1.1000").eod("2025-08-28")
        f.price("2025-08-29", "10.00", "US0378331005").fx("2025-08-29", "1.0000").eod("2025-08-29")
        got = tb(f.model())
        self.assertEqual(got[("1340", "USD")], D("1000.00"))
        self.assertEqual(got[("1190", "EUR")], D("-818.18"))


class Section6Splits(unittest.TestCase):
    """2-for-1, ex 16 Jul 2025: 100 at 10.00 become 200 at an average cost of 5.00 (cost 1,000
    unchanged, no entry); a sale of 50 at 6.00 releases 250 of cost (4100: 50 gain)."""

    def firm(self, method="average"):
        f = Firm().equity().book("EQ1", method).account().split("SPL1", 2, 1, "2025-07-16")
        f.trade("B1", "buy", 100, "10.00", "2025-07-14", "2025-07-16")
        return f

    def test_split_versions_the_position(self):
        for method in ("average", "fifo"):
            with self.subTest(method):
                f = self.firm(method).eod("2025-07-16")
                model = f.model()
                pos = model.positions[("HOUSE", "FI0009000681")]
                self.assertEqual((pos.qty, pos.cost), (200, D("1000.00")))
                self.assertEqual(tb(model), eur(a1200="1000.00", a2100="-1000.00"))
                f.trade("S1", "sell", 50, "6.00", "2025-07-17", "2025-07-19")
                got = tb(f.model())
                self.assertEqual(got[("1200", "EUR")], D("750.00"))
                self.assertEqual(got[("4100", "EUR")], D("-50.00"))

    def test_sale_on_the_ex_date_booked_before_the_split(self):
        # Folded first against 100 (cost released 500, a loss of 200), then after the split.
        f = self.firm()
        f.trade("S1", "sell", 50, "6.00", "2025-07-16", "2025-07-18")
        self.assertEqual(tb(f.model())[("4100", "EUR")], D("200.00"))
        got = tb(f.eod("2025-07-16").model())
        self.assertEqual(got[("1200", "EUR")], D("750.00"))
        self.assertEqual(got[("4100", "EUR")], D("-50.00"))

    def test_late_trade_before_the_ex_date_is_split(self):
        # Buy 10 at 12.00 dated 15 Jul, booked after the split: 220 shares; the sale of 50 then
        # releases 1,120 × 50/220 = 254.55 (average) or 250 of the first lot (FIFO).
        for method, cost, pnl in [("average", "865.45", "-45.45"), ("fifo", "870.00", "-50.00")]:
            with self.subTest(method):
                f = self.firm(method).eod("2025-07-16")
                f.trade("S1", "sell", 50, "6.00", "2025-07-17", "2025-07-19")
                f.trade("B2", "buy", 10, "12.00", "2025-07-15", "2025-07-17")
                model = f.model()
                got = tb(model)
                self.assertEqual(model.positions[("HOUSE", "FI0009000681")].qty, 170)
                self.assertEqual(got[("1200", "EUR")], D(cost))
                self.assertEqual(got[("4100", "EUR")], D(pnl))

    def test_client_position_and_dividend_after_split(self):
        # A client's 100 become 200; a dividend with a later ex-date pays on 200.
        f = Firm().equity().book().account("CLIENT1", owner="client").split("SPL1", 2, 1, "2025-07-16")
        f.dividend("DIV1", "0.10", "2025-07-20", "2025-07-21", "2025-07-25")
        f.trade("C1", "buy", 100, "10.00", "2025-07-14", "2025-07-16", account="CLIENT1")
        f.eod("2025-07-16").eod("2025-07-25")
        got = tb(f.model())
        self.assertEqual(got[("1150", "EUR")], D("20.00"))


@unittest.skipUnless(HAVE_QUANTLIB, "needs QuantLib 1.44")
class Section72AccrualTelescopes(unittest.TestCase):
    """Daily ends of day across a coupon: Σ 4500 = round(target(d2)) − round(target(d1)) +
    coupons, with QuantLib's own accrued and coupon (built here, not by the model), for a bond
    with a long first coupon and the end-of-month rule."""

    def test_sum_of_daily_accruals(self):
        import QuantLib as ql
        from datetime import date, timedelta

        terms = dict(coupon="0.0425", day_count="30/360", issue="2025-01-10", maturity="2030-08-31",
                     first_coupon_date="2025-08-31", end_of_month=True)
        nominal = 2500000
        schedule = ql.Schedule(ql.Date(10, 1, 2025), ql.Date(31, 8, 2030), ql.Period(ql.Semiannual),
                               ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward,
                               True, ql.Date(31, 8, 2025))
        bond = ql.FixedRateBond(0, 100.0, schedule, [0.0425], ql.Thirty360(ql.Thirty360.BondBasis),
                                ql.Unadjusted)

        def per_100(x):  # QuantLib's float, its binary noise removed as the model does
            return D(repr(x)).quantize(D("1e-9"))

        def accrued(iso):
            y, m, d = map(int, iso.split("-"))
            return round_eur(per_100(bond.accruedAmount(ql.Date(d, m, y))) * nominal / 100)

        coupon = round_eur(per_100(next(cf.amount() for cf in bond.cashflows()
                                        if cf.date() == ql.Date(31, 8, 2025))) * nominal / 100)
        self.assertEqual(coupon, D("68177.08"))  # 4.25 × 231/360 of a long first period
        f = Firm().book().account().bond(**terms)
        f.trade("B1", "buy", nominal, "100.00", "2025-08-20", "2025-08-22", isin=BOND)
        f.settle("B1", nominal, "2025-08-22").eod("2025-08-22")
        first = tb(f.model())
        day = date(2025, 8, 22)
        while day < date(2025, 9, 5):
            day += timedelta(days=1)
            f.eod(day.isoformat())
        last = tb(f.model())
        delta = lambda a: last.get((a, "EUR"), 0) - first.get((a, "EUR"), 0)  # noqa: E731
        self.assertEqual(delta("1100"), coupon)
        self.assertEqual(-delta("4500"), accrued("2025-09-05") - accrued("2025-08-22") + coupon)
        self.assertEqual(last[("1500", "EUR")], accrued("2025-09-05"))


class SplitInvariants(unittest.TestCase):
    """Random house and client trades (late, amended, cancelled) around two splits (2:1 ex 15 Jul,
    3:2 ex 18 Jul) applied at ends of day: every position equals a fresh fold of its live trades
    and splits; its quantity before a date (from the checkpoints) and its settlement-date
    quantity (kept by date) equal a plain scan; 1200, 2400 and 4100 are the fresh cost and
    flows − cost."""

    def test_random(self):
        rng = random.Random(20261130)
        for method in ("average", "fifo"):
            for _ in range(8):
                f = Firm().equity().book("B", method).account().account("CL", owner="client")
                f.split("S1", 2, 1, "2025-07-15").split("S2", 3, 2, "2025-07-18")
                live = set()
                today = 10
                for i in range(160):
                    r = rng.random()
                    if live and r < 0.1:
                        tid = rng.choice(sorted(live))
                        f.cancel(tid)
                        live.discard(tid)
                        continue
                    tid = rng.choice(sorted(live)) if live and r < 0.2 else f"T{i}"
                    day = max(10, today - rng.choice([0, 0, 0, 1, 3]))
                    f.trade(tid, rng.choice(["buy", "sell"]), rng.randint(1, 50) * 2,
                            f"{rng.randint(500, 1500) / 100:.2f}", f"2025-07-{day:02d}",
                            f"2025-07-{day + rng.randint(0, 2):02d}", account=rng.choice(["HOUSE", "CL"]),
                            book="B", time=f"1{rng.randint(0, 5)}:00:00",
                            action="amend" if tid in live else "book")
                    live.add(tid)
                    if rng.random() < 0.1 and today < 22:
                        f.eod(f"2025-07-{today:02d}")
                        today += 1
                model = f.model()
                got = tb(model)
                self.assertEqual(sum(got.values()), 0)
                for pos in model.positions.values():
                    scan = lambda inc, cut: model.quantity(pos, inc, cut)  # noqa: E731
                    self.assertEqual(pos.qty, scan(lambda t: True, ("\uffff",)))
                    for d in range(10, 24):
                        day = f"2025-07-{d:02d}"
                        self.assertEqual(model.trade_date_quantity_before(pos, day),
                                         scan(lambda t: t.trade_date < day, (day,)))
                        self.assertEqual(pos.sd_qty.upto(day), scan(lambda t: t.settle_date <= day, ("\uffff",)))
                    if not pos.house:
                        continue
                    fresh = jm.Position(pos.key, pos.le, pos.account, pos.isin)
                    fresh.trades, fresh.currency, fresh.splits = dict(pos.trades), pos.currency, list(pos.splits)
                    jm.refold(fresh, model.books)
                    self.assertEqual((fresh.qty, fresh.cost), (pos.qty, pos.cost))
                    flows = sum(t.signed_gross for t in pos.trades.values())
                    self.assertEqual(got.get(("1200", "EUR"), 0) + got.get(("2400", "EUR"), 0), pos.cost)
                    self.assertEqual(got.get(("4100", "EUR"), 0), flows - pos.cost)


def fail_firm(side="sell", account="HOUSE", owner="house", reasons="LACK", ends=("2025-07-16",)):
    """10,000 liquid XHEL shares at 50.00 traded Mon 14 Jul 2025 for Wed 16 Jul, instructed
    (KUL1V1), accepted on the 14th, matched on the 15th and failing from the ISD with `reasons`;
    reference prices 50.00, 49.00, 51.00 on the 16th, 17th and 18th."""
    f = Firm().equity().book().account(account, owner=owner)
    f.trade("T1", side, 10000, "50.00", "2025-07-14", "2025-07-16", account=account)
    f.instruct("2025-07-14")
    f.status("KUL1V1", "accepted", "2025-07-14").status("KUL1V1", "matched", "2025-07-15")
    f.status("KUL1V1", "failing", "2025-07-16", reasons)
    for day, price in [("2025-07-14", "50.00"), ("2025-07-15", "50.00"), ("2025-07-16", "50.00"),
                       ("2025-07-17", "49.00"), ("2025-07-18", "51.00")]:
        f.price(day, price)
    for day in ends:
        f.eod(day)
    return f


def penalties(model, ccy="EUR"):
    """The penalty accounts' balances, zero ones left out."""
    got = tb(model)
    return {a: got[(a, ccy)] for a in ("1320", "1700", "2120", "2700", "5400") if (a, ccy) in got}


THREE_DAYS = ("2025-07-16", "2025-07-17", "2025-07-18")


@unittest.skipUnless(HAVE_QUANTLIB, "needs QuantLib 1.44 (settlement calendars)")
class Section37CsdrPenalties(unittest.TestCase):
    """§3.7 CSDR cash penalties accrued at each end of day from the instructions' statuses."""

    def test_fail_to_deliver_liquid_shares_for_three_days(self):
        # 10,000 × 50.00 + 10,000 × 49.00 + 10,000 × 51.00, each × 1 bp: 50.00 + 49.00 + 51.00.
        f = fail_firm(ends=("2025-07-14", "2025-07-15", "2025-07-16"))
        self.assertEqual(penalties(f.model()), {"5400": D("50.00"), "2700": D("-50.00")})
        f.eod("2025-07-17").eod("2025-07-18")
        model = f.model()
        self.assertEqual(penalties(model), {"5400": D("150.00"), "2700": D("-150.00")})
        self.assertEqual(sum(tb(model).values()), 0)
        self.assertEqual(list(model.instructions), ["KUL1V1"])

    def test_first_end_of_day_accrues_from_the_isd(self):
        model = fail_firm(ends=("2025-07-18",)).model()
        self.assertEqual(penalties(model), {"5400": D("150.00"), "2700": D("-150.00")})

    def test_second_end_of_day_for_the_same_date_accrues_nothing_more(self):
        f = fail_firm(ends=THREE_DAYS).eod("2025-07-18").eod("2025-07-17")
        self.assertEqual(penalties(f.model()), {"5400": D("150.00"), "2700": D("-150.00")})

    def test_weekend_accrues_nothing(self):
        f = fail_firm(ends=THREE_DAYS).eod("2025-07-19").eod("2025-07-20")
        self.assertEqual(penalties(f.model()), {"5400": D("150.00"), "2700": D("-150.00")})
        f.price("2025-07-21", "52.00").eod("2025-07-21")  # Monday: 52.00 more
        self.assertEqual(penalties(f.model()), {"5400": D("202.00"), "2700": D("-202.00")})

    def test_cash_fail_on_a_purchase(self):
        # MONY on our purchase: we lack the cash; 500,000 × 0.024 / 365 = 32.876... → 32.88 a day.
        f = fail_firm("buy", reasons="MONY", ends=()).cb_rate("2025-06-11", "0.024").eod("2025-07-16")
        self.assertEqual(penalties(f.model()), {"5400": D("32.88"), "2700": D("-32.88")})
        f.eod("2025-07-17")  # 490,000 × 0.024 / 365 = 32.22
        self.assertEqual(penalties(f.model()), {"5400": D("65.10"), "2700": D("-65.10")})

    def test_cash_fail_rate_floored_at_zero_and_missing(self):
        f = fail_firm("buy", reasons="MONY", ends=()).cb_rate("2025-06-11", "-0.005").eod("2025-07-16")
        self.assertEqual(penalties(f.model()), {})
        f = fail_firm("buy", reasons="MONY", ends=()).eod("2025-07-16")
        self.assertEqual(penalties(f.model()), {})

    def test_counterparty_fail_on_a_house_receipt(self):
        # The delivering counterparty lacks the shares: the penalty is ours to receive.
        model = fail_firm("buy", reasons="LACK").model()
        self.assertEqual(penalties(model), {"1700": D("50.00"), "5400": D("-50.00")})
        model = fail_firm("sell", reasons="CLAC").model()
        self.assertEqual(penalties(model), {"1700": D("50.00"), "5400": D("-50.00")})
        # The receiving counterparty lacks the cash (CMON): 500,000 × 0.024 / 365.
        model = fail_firm("sell", reasons="CMON", ends=()).cb_rate("2025-06-11", "0.024").eod("2025-07-16").model()
        self.assertEqual(penalties(model), {"1700": D("32.88"), "5400": D("-32.88")})

    def test_client_fail_recharged_and_counterparty_fail_passed_on(self):
        # (1320 and 2120 also hold the client trades' own amounts: 500,000.00.)
        model = fail_firm("sell", "CLIENT1", "client", reasons="LACK").model()
        self.assertEqual(penalties(model), {"1320": D("50.00"), "2700": D("-50.00"), "2120": D("-500000.00")})
        model = fail_firm("buy", "CLIENT1", "client", reasons="LACK").model()
        self.assertEqual(penalties(model), {"1320": D("500000.00"), "1700": D("50.00"), "2120": D("-50.00")})

    def test_reasons_without_a_penalty_code_and_first_code_wins(self):
        # No LACK / MONY / CLAC / CLAT / CMON: lack of securities, ours when we deliver.
        ours, theirs = {"5400": D("50.00"), "2700": D("-50.00")}, {"1700": D("50.00"), "5400": D("-50.00")}
        self.assertEqual(penalties(fail_firm("sell", reasons="").model()), ours)
        self.assertEqual(penalties(fail_firm("buy", reasons="PREA").model()), theirs)
        # The first penalty code in the reasons' order: CLAT (securities, theirs), not MONY.
        f = fail_firm("buy", reasons="DDAT;CLAT;MONY", ends=()).cb_rate("2025-06-11", "0.024")
        model = f.eod("2025-07-16").model()
        self.assertEqual(penalties(model), {"1700": D("50.00"), "5400": D("-50.00")})

    def test_matched_not_settled_on_the_isd_fails_without_a_failing_status(self):
        f = fail_firm(ends=())
        f.lines = [line for line in f.lines if line.get("status") != "failing"]
        self.assertEqual(penalties(f.eod("2025-07-16").model()), {"5400": D("50.00"), "2700": D("-50.00")})

    def test_unmatched_failing_instruction_accrues_nothing(self):
        f = fail_firm(ends=())
        f.lines = [line for line in f.lines if line.get("status") != "matched"]
        f.status("KUL1V1", "unmatched", "2025-07-15", "DDAT")
        f.eod("2025-07-16").eod("2025-07-17")
        self.assertEqual(penalties(f.model()), {})
        # Matched late (on the 17th): it fails from then on (the 16th is already accrued).
        f.status("KUL1V1", "matched", "2025-07-17").eod("2025-07-18")
        self.assertEqual(penalties(f.model()), {"5400": D("51.00"), "2700": D("-51.00")})

    def test_unmatched_after_matched_stops_the_fail(self):
        f = fail_firm(ends=())
        f.lines = [line for line in f.lines if line.get("status") != "failing"]
        f.eod("2025-07-16").status("KUL1V1", "unmatched", "2025-07-17", "DQUA")
        f.eod("2025-07-17").eod("2025-07-18")
        model = f.model()
        self.assertEqual(penalties(model), {"5400": D("50.00"), "2700": D("-50.00")})
        self.assertEqual(model.exceptions, [])
        # unmatched does not fit after failing: the fail goes on.
        f = fail_firm(ends=("2025-07-16",)).status("KUL1V1", "unmatched", "2025-07-17", "DQUA")
        f.eod("2025-07-17").eod("2025-07-18")
        model = f.model()
        self.assertEqual(penalties(model), {"5400": D("150.00"), "2700": D("-150.00")})
        self.assertEqual(len(model.exceptions), 1)

    def test_cancelled_accrues_nothing_from_its_date(self):
        f = fail_firm(ends=("2025-07-16",)).status("KUL1V1", "cancelled", "2025-07-17").eod("2025-07-18")
        self.assertEqual(penalties(f.model()), {"5400": D("50.00"), "2700": D("-50.00")})

    def test_statuses_that_do_not_fit_change_nothing(self):
        f = fail_firm(ends=())
        f.status("KUL1V1", "rejected", "2025-07-15", "DSEC")   # after matched
        f.status("KUL9V1", "matched", "2025-07-15")            # unknown reference
        f.eod("2025-07-16")
        model = f.model()
        self.assertEqual(penalties(model), {"5400": D("50.00"), "2700": D("-50.00")})
        self.assertEqual(len(model.exceptions), 2)
        # rejected before matching clears the flag; matched after rejected does not fit.
        f = fail_firm(ends=())
        f.lines = [line for line in f.lines if line.get("status") not in ("matched", "failing")]
        f.status("KUL1V1", "rejected", "2025-07-14", "DSEC").status("KUL1V1", "matched", "2025-07-15")
        f.status("KUL1V1", "failing", "2025-07-16", "LACK").eod("2025-07-16")
        model = f.model()
        self.assertEqual(penalties(model), {})
        self.assertEqual(len(model.exceptions), 2)

    def test_a_day_after_the_settlements_effective_date_accrues_nothing(self):
        f = fail_firm(ends=())
        f.settle_instruction("KUL1V1", 10000, "2025-07-17", amount="500000.00")
        f.eod("2025-07-16").eod("2025-07-17").eod("2025-07-18")
        model = f.model()
        self.assertEqual(penalties(model), {"5400": D("50.00"), "2700": D("-50.00")})
        self.assertEqual(model.exceptions, [])
        # The same ledger as a trade-level settlement of the trade on that date.
        g = fail_firm(ends=()).settle("T1", 10000, "2025-07-17")
        g.eod("2025-07-16").eod("2025-07-17").eod("2025-07-18")
        self.assertEqual(tb(g.model()), tb(model))
        self.assertEqual(tb(model)[("1100", "EUR")], D("500000.00"))

    def test_settlement_reported_late_with_an_earlier_effective_date(self):
        # Accrued for the 16th; the confirmation (effective the 16th) arrives after: nothing more.
        f = fail_firm(ends=("2025-07-16",)).settle("T1", 10000, "2025-07-16").eod("2025-07-17")
        self.assertEqual(penalties(f.model()), {"5400": D("50.00"), "2700": D("-50.00")})

    def test_partial_settlement_fails_on_what_is_left(self):
        # 4,000 settle on the 17th: 50.00, then 6,000 × 49.00 and 6,000 × 51.00 at 1 bp.
        f = fail_firm(ends=())
        f.settle_instruction("KUL1V1", 4000, "2025-07-17", amount="200000.00")
        f.eod("2025-07-16").eod("2025-07-17").eod("2025-07-18")
        self.assertEqual(penalties(f.model()), {"5400": D("110.00"), "2700": D("-110.00")})
        f.settle_instruction("KUL1V1", 6000, "2025-07-21", amount="300000.00")
        f.price("2025-07-21", "52.00").eod("2025-07-21")  # settled on the Monday: nothing more
        model = f.model()
        self.assertEqual(penalties(model), {"5400": D("110.00"), "2700": D("-110.00")})
        self.assertEqual(model.instructions["KUL1V1"].history[-1][2:4], ("settled", True))
        self.assertNotIn(("1300", "EUR"), tb(model))

    def test_instruction_settlement_amount_isin_and_quantity(self):
        # 3 at 10.005: cash 30.02; a part of 1 is round(30.02 / 3) = 10.01, the last 20.01.
        def firm():
            f = Firm().equity().book().account()
            f.trade("T1", "sell", 3, "10.005", "2025-07-14", "2025-07-16").instruct("2025-07-14")
            return f
        base = tb(firm().model())
        for bad in [dict(qty=1, amount="10.00"), dict(qty=1, amount="10.01", isin="FR0000120271"),
                    dict(qty=4, amount=None), dict(qty=0, amount=None)]:
            with self.subTest(**bad):
                f = firm()
                f.settle_instruction("KUL1V1", bad["qty"], "2025-07-16", amount=bad["amount"],
                                     isin=bad.get("isin"))
                model = f.model()
                self.assertEqual(tb(model), base)
                self.assertEqual(len(model.exceptions), 1)
        f = firm().settle_instruction("KUL1V1", 1, "2025-07-16", amount="10.01", isin="FI0009000681")
        f.settle_instruction("KUL1V1", 2, "2025-07-17", amount="20.01")
        f.settle_instruction("KUL1V1", 1, "2025-07-17")  # nothing outstanding
        model = f.model()
        self.assertEqual(len(model.exceptions), 1)
        self.assertEqual(tb(model)[("1100", "EUR")], D("30.02"))
        self.assertNotIn(("1300", "EUR"), tb(model))
        f = firm().settle_instruction("KUL1V1", 2, "2025-07-16", amount="20.01")  # a part: 20.013 → 20.01
        f.settle_instruction("KUL1V1", 1, "2025-07-17", amount="10.01")
        self.assertEqual(f.model().exceptions, [])

    def test_references_instructed_trades_and_versions(self):
        f = Firm().equity().book().account()
        f.trade("A", "buy", 100, "10.00", "2025-07-14", "2025-07-16")
        f.trade("B", "buy", 200, "10.00", "2025-07-14", "2025-07-16")
        f.trade("B", "buy", 300, "10.00", "2025-07-14", "2025-07-16", action="amend")
        f.trade("A", "buy", 100, "10.00", "2025-07-14", "2025-07-16")  # resubmitted: no new trade
        f.trade("C", "buy", 100, "10.00", "2025-07-14", "2025-07-16").cancel("C")
        f.trade("D", "sell", 100, "10.00", "2025-07-14", "2025-07-16").settle("D", 40, "2025-07-14")
        f.trade("E", "sell", 100, "10.00", "2025-07-14", "2025-07-16").settle("E", 100, "2025-07-14")
        f.trade("F", "sell", 100, "10.00", "2025-07-15", "2025-07-17")
        f.instruct("2025-07-14")
        model = f.model()
        self.assertEqual(sorted(model.instructions), ["KUL1V1", "KUL2V2", "KUL4V1"])
        ins = model.instructions["KUL2V2"]
        self.assertEqual((ins.quantity, ins.cash, ins.receive, ins.isd),
                         (300, D("3000.00"), True, "2025-07-16"))
        self.assertEqual(model.instructions["KUL4V1"].outstanding(), 60)
        f.instruct("2025-07-15").instruct("2025-07-15")
        self.assertEqual(sorted(f.model().instructions), ["KUL1V1", "KUL2V2", "KUL4V1", "KUL6V1"])

    def test_unsupported_netting_and_amending_an_instructed_trade(self):
        f = fail_firm(ends=())
        f.lines.insert(1, dict(type="netting_set", counterparty="CPTY"))
        with self.assertRaisesRegex(ValueError, "netting sets are not modelled"):
            f.model()
        f = fail_firm(ends=()).trade("T1", "sell", 9000, "50.00", "2025-07-14", "2025-07-16", action="amend")
        with self.assertRaisesRegex(ValueError, "not modelled"):
            f.model()

    def test_corporate_bond(self):
        # 5,000,000 nominal at 98.50 (per 100): reference value 4,925,000 × 0.20 bp = 98.50 a day.
        f = Firm().book().account().bond(issue="2020-03-01", maturity="2030-03-01")
        f.trade("B1", "sell", 5000000, "98.50", "2025-07-14", "2025-07-16", isin=BOND).instruct("2025-07-14")
        f.status("KUL1V1", "matched", "2025-07-15").status("KUL1V1", "failing", "2025-07-16", "LACK")
        f.price("2025-07-16", "98.50", BOND).eod("2025-07-16")
        self.assertEqual(penalties(f.model()), {"5400": D("98.50"), "2700": D("-98.50")})

    def test_swedish_csd_calendar_and_fx_revaluation_of_penalties(self):
        # XSTO, SEK: ISD Thu 5 Jun 2025; 6 Jun (National Day) and the weekend are not Swedish
        # settlement days: 2 × 1,000 × 100.00 × 1 bp = 20.00 SEK by Mon 9 Jun. 2700 is monetary:
        # the SEK revalued on the 9th is 1300 100,000.00 + 2700 −10.00 = 99,990.00 at 11 → 10.
        isin = "SE0000108656"
        f = Firm().equity(isin, ccy="SEK", market="XSTO").book().account()
        f.trade("S1", "sell", 1000, "100.00", "2025-06-03", "2025-06-05", isin=isin, ccy="SEK")
        f.instruct("2025-06-03").status("KUL1V1", "matched", "2025-06-04")
        f.status("KUL1V1", "failing", "2025-06-05", "LACK")
        f.price("2025-06-05", "100.00", isin).fx("2025-06-05", "11.0", quote="SEK").eod("2025-06-05")
        f.eod("2025-06-06").fx("2025-06-09", "10.0", quote="SEK").eod("2025-06-09")
        got = tb(f.model())
        self.assertEqual(got[("2700", "SEK")], D("-20.00"))
        self.assertEqual(got[("5400", "SEK")], D("20.00"))
        self.assertEqual(got[("1190", "EUR")], D("909.00"))  # 9,999.00 − 9,090.00
        self.assertNotIn(("1700", "EUR"), got)


class CashMovements(unittest.TestCase):
    def test_movements(self):
        f = Firm().entity(LEI2, "EUR").account().account("H2", lei=LEI2).account("CL", owner="client")
        f.capital("1000.00")
        f.cash("custody_fee", "12.00", "HOUSE").cash("penalty", "3.50", "HOUSE")
        f.cash("deposit", "500.00", "CL").cash("withdrawal", "200.00", "CL")
        f.cash("deposit", "999.00", "CL", pending_until="2025-07-20")
        f.cash("transfer", "100.00", "HOUSE", to_account="H2")
        model = f.model()
        self.assertEqual(tb(model, LEI), eur(a1100="884.50", a3100="-1000.00", a5500="12.00", a5400="3.50",
                                             a1150="300.00", a2500="-300.00", a1600="100.00"))
        self.assertEqual(tb(model, LEI2), eur(a1100="100.00", a2600="-100.00"))

    def test_compare_one_legal_entity(self):
        f = Firm().entity(LEI2, "EUR").account().account("H2", lei=LEI2).capital("1000.00").capital("7.00", account="H2")
        model = f.model()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "tb.csv")
            with open(path, "w") as fh:
                fh.write("currency,account,name,debit,credit\nEUR,1100,Cash,7.00,0\nEUR,3100,Capital,0,7.00\n")
            self.assertEqual(jm.compare(model, path, LEI2, io.StringIO()), 0)
            self.assertEqual(jm.compare(model, path, None, io.StringIO()), 1)


if __name__ == "__main__":
    unittest.main()
