from odoo.exceptions import UserError
from odoo.tests import tagged

from .report_books import AS_OF, ReportBooksCommon

BUCKETS = ("current", "b_1_30", "b_31_60", "b_61_90", "b_90_plus", "total")


@tagged("post_install", "-at_install")
class TestReportArAging(ReportBooksCommon):
    def _report(self, **options):
        return self.env["atlas.report.ar.aging"].get_report_data(options)

    def _assert_matches_books(self, as_of, **options):
        """Every figure of the report equals the test's own: balance − partials dated ≤ as_of."""
        data = self._report(as_of_date=as_of, **options)
        per_partner, per_item, balance = self.expected_aging(as_of, options.get("partner_ids"))
        partner_lines = {line["key"]: line for line in data["lines"] if line["kind"] == "line"}
        details = {line["key"]: line for line in data["lines"] if line["kind"] == "detail"}
        self.assertEqual(set(partner_lines), {f"partner-{p}" for p in per_partner}, f"customers on {as_of}")
        for partner_id, figures in per_partner.items():
            values = partner_lines[f"partner-{partner_id}"]["values"]
            for bucket in BUCKETS:
                self.assertAmount(values[bucket], figures[bucket], f"{bucket} of partner {partner_id} on {as_of}")
        self.assertEqual(set(details), {f"item-{i}" for i in per_item}, f"open items on {as_of}")
        for item_id, (open_amount, open_currency) in per_item.items():
            line = details[f"item-{item_id}"]
            self.assertAmount(line["values"]["total"], open_amount)
            if line["foreign"]:
                self.assertAmount(line["foreign"]["amount"], open_currency)
        total_line = data["lines"][-1]
        self.assertEqual(total_line["kind"], "total")
        for bucket in BUCKETS:
            expected = sum(figures[bucket] for figures in per_partner.values())
            self.assertAmount(total_line["values"][bucket], expected, f"total {bucket} on {as_of}")
            self.assertAmount(data["totals"][bucket], expected)
        # The tie-out: the aging total is the receivable accounts' balance on that date.
        self.assertAmount(data["totals"]["receivable_balance"], balance)
        self.assertAmount(data["totals"]["total"], balance)
        check = data["checks"][0]
        self.assertTrue(check["ok"], check)
        self.assertEqual(check["difference"], 0.0)
        return data

    def test_every_figure_on_several_dates(self):
        for as_of in ("2025-12-31", "2026-02-12", "2026-03-10", "2026-03-20", "2026-06-30", "2026-12-31"):
            with self.subTest(as_of=as_of):
                self._assert_matches_books(as_of)

    def test_as_of_june_by_hand(self):
        """The figures an accountant reads on 06/30/2026, worked out by hand."""
        data = self._assert_matches_books(AS_OF.isoformat())
        lines = {line["label"]: line for line in data["lines"] if line["kind"] == "line"}
        # Northwind: 1000 − 400 (the 300 of July is not counted) = 600, 136 days past due;
        # 250 not due yet; 50 paid on account on 06/01 (29 days).
        self.assertEqual(
            lines["Northwind Traders"]["values"],
            {"current": 250.0, "b_1_30": -50.0, "b_31_60": 0.0, "b_61_90": 0.0, "b_90_plus": 600.0, "total": 800.0},
        )
        # Fabrikam: 920 − 100 credit note of April (the 60 of July is not counted), 91 days.
        self.assertEqual(lines["Fabrikam"]["values"]["b_90_plus"], 820.0)
        # Contoso: 300 EUR open at the invoice's rate 2.0 = 600 USD (the exchange difference
        # settled the 200 EUR paid at 2.5); the 40 EUR credit note at 2.5 = −100 USD, 41 days.
        contoso = lines["Contoso Europe"]["values"]
        self.assertEqual((contoso["b_90_plus"], contoso["b_31_60"], contoso["total"]), (600.0, -100.0, 500.0))
        eur_invoice = next(
            line for line in data["lines"] if line["kind"] == "detail" and line["move_id"] == self.inv_eur.id
        )
        self.assertEqual(eur_invoice["foreign"], {"currency": "EUR", "amount": 300.0})
        self.assertEqual(eur_invoice["values"]["days_overdue"], 119)
        self.assertEqual(eur_invoice["values"]["date_maturity"], "2026-03-03")
        self.assertEqual(data["totals"]["total"], 800.0 + 820.0 + 500.0)
        self.assertEqual(data["subtitle"], "As of 06/30/2026")
        self.assertEqual(data["currency"]["name"], "USD")
        # Other companies, drafts: nowhere.
        moves = {line["move_id"] for line in data["lines"]}
        self.assertNotIn(self.inv_company_2.id, moves)
        self.assertNotIn(self.draft.id, moves)

    def test_payment_after_the_date_is_ignored(self):
        before = self._report(as_of_date="2026-07-14")["totals"]["total"]
        after = self._report(as_of_date="2026-07-15")["totals"]["total"]
        self.assertEqual(round(before - after, 2), 300.0, "the 300 ACH payment of 07/15 counts from 07/15")

    def test_exchange_difference_ties_out(self):
        """Before the EUR payment the invoice is open for 1000 USD; after it, 600 USD."""

        def eur_line(as_of):
            data = self._assert_matches_books(as_of)
            return next(line for line in data["lines"] if line["move_id"] == self.inv_eur.id)

        self.assertEqual(eur_line("2026-03-14")["values"]["total"], 1000.0)
        self.assertEqual(eur_line("2026-03-15")["values"]["total"], 600.0)
        exchange = self.env["account.partial.reconcile"].search(
            [("exchange_move_id", "!=", False), ("debit_move_id.move_id", "=", self.inv_eur.id)]
        )
        self.assertTrue(exchange, "the EUR payment made an exchange difference entry")

    def test_partner_filter_and_company_2(self):
        data = self._assert_matches_books(AS_OF.isoformat(), partner_ids=[self.fabrikam.id])
        self.assertEqual([line["label"] for line in data["lines"] if line["kind"] == "line"], ["Fabrikam"])
        other = self.env["atlas.report.ar.aging"].get_report_data(
            {"company_id": self.company_2.id, "as_of_date": "2026-06-30"}
        )
        self.assertEqual(other["totals"]["total"], 999.0)
        self.assertEqual(other["company"]["id"], self.company_2.id)
        self.assertEqual(
            [line["move_id"] for line in other["lines"] if line["kind"] == "detail"], [self.inv_company_2.id]
        )

    def test_drilldown_domains_find_the_items(self):
        data = self._report(as_of_date=AS_OF.isoformat())
        Line = self.env["account.move.line"]
        for line in data["lines"]:
            if line["kind"] == "detail":
                self.assertEqual(Line.search(line["drilldown"]).move_id.id, line["move_id"])
            if line["kind"] == "line":
                found = Line.search(line["drilldown"])
                keys = {f"item-{i}" for i in found.ids}
                children = {child["key"] for child in data["lines"] if child["parent"] == line["key"]}
                self.assertEqual(keys, children)

    def test_bad_options(self):
        Report = self.env["atlas.report.ar.aging"]
        with self.assertRefused(UserError, "not a date: write it as YYYY-MM-DD"):
            Report.get_report_data({"as_of_date": "30/06/2026"})
        with self.assertRefused(UserError, "not a date"):
            Report.get_report_data({"as_of_date": "2026-02-30"})
        with self.assertRefused(UserError, "Unknown report option"):
            Report.get_report_data({"as_of": "2026-06-30"})
        with self.assertRefused(UserError, "Unknown customer"):
            Report.get_report_data({"partner_ids": [999999999]})
        with self.assertRefused(UserError, "list of ids"):
            Report.get_report_data({"partner_ids": "Fabrikam"})
