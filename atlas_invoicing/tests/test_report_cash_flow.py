from collections import defaultdict

from odoo.exceptions import UserError
from odoo.tests import tagged

from .report_books import ReportBooksCommon


@tagged("post_install", "-at_install")
class TestReportCashFlow(ReportBooksCommon):
    def _expected(self, date_from, date_to):
        """Receipts and disbursements per (payment method name or None, month) from the items."""
        cash = self.cash_account_ids()
        items = self._items([("account_id", "in", list(cash)), ("date", ">=", date_from), ("date", "<=", date_to)])
        moves = self.env["account.move"].browse({i["move_id"][0] for i in items})
        method_of = {m.id: m.origin_payment_id.payment_method_id.name or None for m in moves}
        flows = {"receipts": defaultdict(float), "disbursements": defaultdict(float)}
        for item in items:
            month = f"m_{item['date'].year:04d}_{item['date'].month:02d}"
            direction = "receipts" if item["balance"] > 0 else "disbursements"
            flows[direction][(method_of[item["move_id"][0]], month)] += abs(item["balance"])
        opening = self.expected_balance([("account_id", "in", list(cash)), ("date", "<", date_from)])
        closing = self.expected_balance([("account_id", "in", list(cash)), ("date", "<=", date_to)])
        return flows, opening, closing

    def test_every_figure(self):
        data = self.env["atlas.report.cash.flow"].get_report_data({"date_from": "2026-01-01", "date_to": "2026-06-30"})
        flows, opening, closing = self._expected("2026-01-01", "2026-06-30")
        months = [f"m_2026_{m:02d}" for m in range(1, 7)]
        self.assertEqual([c["key"] for c in data["columns"]], ["label", *months, "total"])
        lines = {line["key"]: line for line in data["lines"]}
        for direction in ("receipts", "disbursements"):
            shown = {}
            for line in data["lines"]:
                if line["parent"] == direction:
                    method = None if line["key"].endswith("-other") else line["label"]
                    for month in months:
                        if line["values"][month]:
                            shown[(method, month)] = line["values"][month]
                    self.assertAmount(line["values"]["total"], sum(line["values"][m] for m in months))
            self.assertEqual(set(shown), {k for k, v in flows[direction].items() if round(v, 2)}, direction)
            for key, amount in flows[direction].items():
                self.assertAmount(shown.get(key, 0.0), amount, f"{direction} {key}")
            self.assertAmount(data["totals"][direction], sum(flows[direction].values()))
            self.assertAmount(lines[direction]["values"]["total"], sum(flows[direction].values()))
        self.assertAmount(data["totals"]["opening"], opening)
        self.assertAmount(data["totals"]["closing"], closing)
        self.assertAmount(data["totals"]["net"], closing - opening)
        self.assertEqual(data["lines"][0]["key"], "opening")
        self.assertEqual(data["lines"][-1]["key"], "closing")
        # Month by month the closing cash is each month's balance.
        for month in range(1, 7):
            last_day = f"2026-{month:02d}-{28 if month == 2 else 30 if month in (4, 6) else 31}"
            expected = self.expected_balance(
                [("account_id", "in", list(self.cash_account_ids())), ("date", "<=", last_day)]
            )
            self.assertAmount(lines["closing"]["values"][f"m_2026_{month:02d}"], expected, last_day)
        self.assertTrue(all(check["ok"] for check in data["checks"]), data["checks"])
        self.assertEqual(len(data["checks"]), 2)

        # By hand: opening 120 (cash, December); receipts Check 400, Wire 500 (200 EUR at 2.5),
        # Cash 50, the owner's capital 5000 (no payment method); disbursements Check 300 (the
        # bill), bank fee 25.
        self.assertEqual(data["totals"]["opening"], 120.0)
        receipts = {line["label"]: line["values"]["total"] for line in data["lines"] if line["parent"] == "receipts"}
        self.assertEqual(receipts, {"Cash": 50.0, "Check": 400.0, "Wire Transfer": 500.0, "Other receipts": 5000.0})
        paid = {line["label"]: line["values"]["total"] for line in data["lines"] if line["parent"] == "disbursements"}
        self.assertEqual(paid, {"Check": 300.0, "Other disbursements": 25.0})
        self.assertEqual(data["totals"]["closing"], 120.0 + 5950.0 - 325.0)

    def test_drilldown_and_later_payment(self):
        data = self.env["atlas.report.cash.flow"].get_report_data({"date_from": "2026-07-01", "date_to": "2026-07-31"})
        ach = next(line for line in data["lines"] if line["label"] == "ACH")
        self.assertEqual(ach["values"]["m_2026_07"], 300.0, "the July payment shows in July")
        found = self.env["account.move.line"].search(ach["drilldown"])
        self.assertEqual(sum(found.mapped("balance")), 300.0)

    def test_bad_period(self):
        Report = self.env["atlas.report.cash.flow"]
        with self.assertRefused(UserError, "at most 36 months"):
            Report.get_report_data({"date_from": "2020-01-01", "date_to": "2026-12-31"})
        with self.assertRefused(UserError, "is after the end date"):
            Report.get_report_data({"date_from": "2026-02-01", "date_to": "2026-01-31"})
