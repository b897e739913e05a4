from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.atlas_invoicing.reports import ar_aging

from .report_books import AS_OF, ReportBooksCommon

BUCKETS = ("current", "b_1_30", "b_31_60", "b_61_90", "b_90_plus", "total")


@tagged("post_install", "-at_install")
class TestReportArAging(ReportBooksCommon):
    def _report(self, **options):
        """The whole report, every open item included (details=True)."""
        return self.env["atlas.report.ar.aging"].get_report_data(dict(options, details=True))

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
        other = self._report(company_id=self.company_2.id, as_of_date="2026-06-30")
        self.assertEqual(other["totals"]["total"], 999.0)
        self.assertEqual(other["company"]["id"], self.company_2.id)
        self.assertEqual(
            [line["move_id"] for line in other["lines"] if line["kind"] == "detail"], [self.inv_company_2.id]
        )

    def test_currency_rounding_to_five_cents(self):
        """A company whose currency rounds to 0.05: its items are in 0.05 steps (Odoo rounds
        the invoices so) and every figure of the report is rounded the same way."""
        currency = self.env["res.currency"].create({"name": "ZFR", "symbol": "Fr.", "rounding": 0.05})
        company = self.setup_other_company(name="Atlas Five Cents Co", currency_id=currency.id)["company"]
        self.assertEqual(company.currency_id, currency)

        def invoice(price, due):
            move = (
                self.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "company_id": company.id,
                        "partner_id": self.fabrikam.id,
                        "invoice_date": "2026-02-01",
                        "invoice_date_due": due,
                        "invoice_payment_term_id": False,
                        "invoice_line_ids": [
                            Command.create({"name": "Work", "quantity": 1, "price_unit": price, "tax_ids": []})
                        ],
                    }
                )
            )
            move.action_post()
            return move

        old = invoice(10.02, "2026-03-01")  # 10.00: 121 days past due on 06/30
        recent = invoice(7.48, "2026-06-20")  # 7.50: 10 days past due
        data = self._report(company_id=company.id, as_of_date=AS_OF.isoformat())
        [customer] = [line for line in data["lines"] if line["kind"] == "line"]
        self.assertEqual(
            customer["values"],
            {"current": 0.0, "b_1_30": 7.5, "b_31_60": 0.0, "b_61_90": 0.0, "b_90_plus": 10.0, "total": 17.5},
        )
        items = {line["move_id"]: line["values"] for line in data["lines"] if line["kind"] == "detail"}
        self.assertEqual(
            {move_id: values["total"] for move_id, values in items.items()}, {old.id: 10.0, recent.id: 7.5}
        )
        self.assertEqual((items[old.id]["b_90_plus"], items[old.id]["days_overdue"]), (10.0, 121))
        self.assertEqual(data["totals"]["total"], 17.5)
        self.assertEqual(data["totals"]["receivable_balance"], 17.5)
        self.assertTrue(data["checks"][0]["ok"])
        self.assertEqual(data["currency"]["name"], "ZFR")

    def test_drilldown_domains_find_the_items(self):
        data = self._report(as_of_date=AS_OF.isoformat())
        Line = self.env["account.move.line"]
        details = [line for line in data["lines"] if line["kind"] == "detail"]
        self.assertGreater(len(details), 4)
        for line in data["lines"]:
            if line["kind"] == "detail":
                # Exactly the receivable item of that line, not every line of its entry.
                found = Line.search(line["drilldown"])
                self.assertEqual(found.ids, [int(line["key"].removeprefix("item-"))])
                self.assertEqual(found.move_id.id, line["move_id"])
                self.assertEqual(found.account_id.account_type, "asset_receivable")
            if line["kind"] == "line":
                found = Line.search(line["drilldown"])
                keys = {f"item-{i}" for i in found.ids}
                children = {child["key"] for child in data["lines"] if child["parent"] == line["key"]}
                self.assertEqual(keys, children)

    def test_drilldown_list_shows_what_was_open_on_the_date(self):
        """A customer's line opens its items with what was open of each on the report's date
        (not their booked debits): they add up to the customer's total, on every date."""
        view = self.env.ref("atlas_invoicing.atlas_ar_aging_item_view_list")
        arch = self.env["account.move.line"].get_view(view.id, "list")["arch"]
        self.assertIn('name="atlas_open_amount_as_of"', arch)
        for as_of in ("2026-02-12", "2026-03-20", "2026-06-30"):
            with self.subTest(as_of=as_of):
                data = self._report(as_of_date=as_of)
                self.assertEqual(data["drilldown_view"], {"view_id": view.id, "context": {"atlas_as_of": as_of}})
                _per_partner, per_item, _balance = self.expected_aging(as_of, None)
                Line = self.env["account.move.line"].with_context(**data["drilldown_view"]["context"])
                for line in (line for line in data["lines"] if line["kind"] == "line"):
                    items = Line.search(line["drilldown"])
                    for item in items:
                        self.assertAmount(item.atlas_open_amount_as_of, per_item[item.id][0], item.move_name)
                    self.assertAmount(sum(items.mapped("atlas_open_amount_as_of")), line["values"]["total"])
        # Some item was paid (in part) after an earlier date: its booked amount is not what was open.
        data = self._report(as_of_date="2026-06-30")
        items = (
            self.env["account.move.line"].with_context(atlas_as_of="2026-06-30").search(data["lines"][-1]["drilldown"])
        )
        self.assertTrue(any(item.balance != item.atlas_open_amount_as_of for item in items))

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

    # -------------------------------------------------------------------------
    # The screen: customers first, each customer's items page by page
    # -------------------------------------------------------------------------

    def _pages(self, options, parent_key):
        """Every line get_more_lines gives for one customer, following its "more" lines."""
        Report = self.env["atlas.report.ar.aging"]
        lines, offset, calls = [], 0, 0
        while offset is not None:
            page = Report.get_more_lines(options, parent_key, offset)
            calls += 1
            offset = None
            for line in page:
                if line["kind"] == "more":
                    self.assertEqual(line["parent"], parent_key)
                    self.assertEqual(line["values"]["offset"], len(lines))
                    offset = line["values"]["offset"]
                else:
                    lines.append(line)
        return lines, calls

    def test_customers_first_items_on_demand(self):
        """By default one line per customer, then one "more" line with its item count; the
        sums, total and tie-out are those of the whole report."""
        Report = self.env["atlas.report.ar.aging"]
        for as_of in ("2026-03-10", AS_OF.isoformat(), "2026-12-31"):
            with self.subTest(as_of=as_of):
                lazy = Report.get_report_data({"as_of_date": as_of})
                full = self._assert_matches_books(as_of)
                self.assertFalse([line for line in lazy["lines"] if line["kind"] == "detail"])
                self.assertEqual(lazy["options"]["details"], False)
                self.assertEqual(lazy["options"]["line_limit"], 80)
                self.assertEqual((lazy["totals"], lazy["checks"]), (full["totals"], full["checks"]))
                customers = [line for line in full["lines"] if line["kind"] in ("line", "total")]
                self.assertEqual([line for line in lazy["lines"] if line["kind"] != "more"], customers)
                for index, line in enumerate(lazy["lines"][:-1]):
                    if line["kind"] != "line":
                        continue
                    more = lazy["lines"][index + 1]
                    count = len([child for child in full["lines"] if child["parent"] == line["key"]])
                    self.assertEqual(
                        (more["kind"], more["parent"], more["level"], more["values"]),
                        ("more", line["key"], 1, {"offset": 0, "remaining": count}),
                    )
                    self.assertEqual(more["label"], f"Show {count} items" if count > 1 else "Show 1 item")

    def test_pages_of_a_customer_equal_the_whole_report(self):
        """Northwind has 3 open items on 06/30: pages of 2 give 2 + 1, and every customer's
        pages, end to end, are exactly the lines of the whole report."""
        Report = self.env["atlas.report.ar.aging"]
        options = {"as_of_date": AS_OF.isoformat(), "line_limit": 2}
        full = self._report(as_of_date=AS_OF.isoformat())
        key = f"partner-{self.customer.id}"
        first = Report.get_more_lines(options, key, 0)
        self.assertEqual([line["kind"] for line in first], ["detail", "detail", "more"])
        self.assertEqual(first[-1]["values"], {"offset": 2, "remaining": 1})
        self.assertEqual(first[-1]["label"], "Show 1 more item")
        second = Report.get_more_lines(options, key, 2)
        self.assertEqual([line["kind"] for line in second], ["detail"])
        self.assertEqual(Report.get_more_lines(options, key, 3), [])
        northwind = [line for line in full["lines"] if line["parent"] == key]
        self.assertEqual(len(northwind), 3)
        self.assertEqual(first[:2] + second, northwind)
        # Every customer, one item per page.
        for line in full["lines"]:
            if line["kind"] == "line":
                children = [child for child in full["lines"] if child["parent"] == line["key"]]
                pages, calls = self._pages(dict(options, line_limit=1), line["key"])
                self.assertEqual(pages, children, line["label"])
                self.assertEqual(calls, len(children))

    def test_stream_is_the_whole_report(self):
        """The XLSX/PDF stream yields every item whatever the screen's options, in chunks
        read from a server-side cursor while other queries run between them."""
        Report = self.env["atlas.report.ar.aging"]
        full = self._report(as_of_date=AS_OF.isoformat())
        lazy = Report.get_report_data({"as_of_date": AS_OF.isoformat()})
        with patch.object(ar_aging, "STREAM_CHUNK", 2):
            streamed = []
            for line in Report._iter_report_lines(lazy["options"]):
                # A query of the consumer between two fetches does not disturb the stream.
                self.env["res.partner"].search_count([])
                streamed.append(line)
        self.assertEqual(streamed, full["lines"])
        self.assertGreater(len([line for line in streamed if line["kind"] == "detail"]), 4)
        envelope = Report._get_report_envelope(dict(lazy["options"], details=True))
        self.assertNotIn("lines", envelope)
        self.assertEqual((envelope["totals"], envelope["checks"]), (full["totals"], full["checks"]))

    def test_bad_page_requests(self):
        Report = self.env["atlas.report.ar.aging"]
        options = {"as_of_date": AS_OF.isoformat()}
        for key in ("partner-abc", f"account-{self.receivable.id}", "partner-999999999", "", None):
            with self.subTest(key=key), self.assertRefused(UserError, "is not a customer line of this AR Aging"):
                Report.get_more_lines(options, key, 0)
        # A customer left out by the partner filter is not a line of that report.
        with self.assertRefused(UserError, "is not a customer line"):
            Report.get_more_lines(dict(options, partner_ids=[self.fabrikam.id]), f"partner-{self.customer.id}", 0)
        with self.assertRefused(UserError, "offset must be a whole number"):
            Report.get_more_lines(options, f"partner-{self.customer.id}", -1)
        with self.assertRefused(UserError, "details must be true or false"):
            Report.get_report_data({"details": "yes"})
        with self.assertRefused(UserError, "line_limit must be a whole number"):
            Report.get_more_lines(dict(options, line_limit=0), f"partner-{self.customer.id}", 0)
        with self.assertRefused(AccessError, "AR Aging report needs the Atlas Viewer role"):
            Report.with_user(self.users["none"]).get_more_lines(options, f"partner-{self.customer.id}", 0)
