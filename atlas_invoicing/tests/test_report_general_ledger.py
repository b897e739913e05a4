from collections import defaultdict

from odoo.exceptions import UserError
from odoo.tests import tagged

from .report_books import ReportBooksCommon


@tagged("post_install", "-at_install")
class TestReportGeneralLedger(ReportBooksCommon):
    def _report(self, **options):
        return self.env["atlas.report.general.ledger"].get_report_data(options)

    def _expected(self, date_from, date_to, partner_ids=None, account_ids=None):
        """{account_id: (opening, [(item id, debit, credit, running balance)], closing)}.

        Income and expense accounts start the fiscal year (the calendar year here) at zero.
        """
        domain = [("date", "<=", date_to)]
        if partner_ids:
            domain.append(("partner_id", "in", partner_ids))
        if account_ids:
            domain.append(("account_id", "in", account_ids))
        items = self._items(domain)
        accounts = self.env["account.account"].browse({i["account_id"][0] for i in items})
        profit_and_loss = {a.id for a in accounts if a.internal_group in ("income", "expense")}
        year_start = date_from[:4] + "-01-01"
        opening, period = defaultdict(float), defaultdict(list)
        for item in items:
            account_id = item["account_id"][0]
            day = item["date"].isoformat()
            if day < date_from:
                if account_id not in profit_and_loss or day >= year_start:
                    opening[account_id] += item["balance"]
            else:
                period[account_id].append(item)
        result = {}
        for account_id in set(opening) | set(period):
            running = opening[account_id]
            rows = []
            for item in period[account_id]:  # already in date, entry, id order
                running += item["balance"]
                rows.append((item["id"], item["debit"], item["credit"], round(running, 2)))
            if rows or round(opening[account_id], 2):
                result[account_id] = (round(opening[account_id], 2), rows, round(running, 2))
        return result

    def _assert_ledger(self, lines, expected, limit=None):
        sections = [line for line in lines if line["kind"] == "section"]
        self.assertEqual({int(s["key"].split("-")[1]) for s in sections}, set(expected))
        codes = [s["label"].split(" ")[0] for s in sections]
        self.assertEqual(codes, sorted(codes), "accounts in code order")
        for account_id, (opening, rows, closing) in expected.items():
            key = f"account-{account_id}"
            children = [line for line in lines if line["parent"] == key]
            self.assertEqual(children[0]["label"], "Opening balance")
            self.assertAmount(children[0]["values"]["balance"], opening)
            self.assertEqual(children[-1]["label"], "Closing balance")
            self.assertAmount(children[-1]["values"]["balance"], closing)
            self.assertAmount(children[-1]["values"]["debit"], sum(r[1] for r in rows))
            self.assertAmount(children[-1]["values"]["credit"], sum(r[2] for r in rows))
            details = [line for line in children if line["kind"] == "detail"]
            shown = rows[:limit] if limit else rows
            self.assertEqual([d["key"] for d in details], [f"aml-{r[0]}" for r in shown], key)
            for detail, (_id, debit, credit, running) in zip(details, shown, strict=True):
                self.assertAmount(detail["values"]["debit"], debit)
                self.assertAmount(detail["values"]["credit"], credit)
                self.assertAmount(detail["values"]["balance"], running)
            more = [line for line in children if line["kind"] == "more"]
            if limit and len(rows) > limit:
                self.assertEqual(more[0]["values"], {"offset": limit, "remaining": len(rows) - limit})
            else:
                self.assertFalse(more)

    def test_every_figure(self):
        data = self._report(date_from="2026-01-01", date_to="2026-06-30", line_limit=1000)
        expected = self._expected("2026-01-01", "2026-06-30")
        self._assert_ledger(data["lines"], expected)
        self.assertAmount(data["totals"]["opening"], sum(v[0] for v in expected.values()))
        self.assertAmount(data["totals"]["closing"], sum(v[2] for v in expected.values()))
        self.assertTrue(data["checks"][0]["ok"])
        # The period's debit and credit are the books' (every item of the period), and balance.
        rows = [row for value in expected.values() for row in value[1]]
        self.assertAmount(data["totals"]["debit"], sum(row[1] for row in rows))
        self.assertAmount(data["totals"]["credit"], sum(row[2] for row in rows))
        self.assertGreater(data["totals"]["debit"], 0.0)
        self.assertEqual(data["totals"]["debit"], data["totals"]["credit"])
        # By hand: the receivable account opens at 0 (last year's invoice was paid) and
        # the bank account closes at 5000 + 400 + 500 − 300 − 25.
        self.assertEqual(expected[self.receivable.id][0], 0.0)
        self.assertEqual(expected[self.bank.default_account_id.id][2], 5575.0)
        # Revenue of last year does not open this year; the cash account carries its 120.
        self.assertNotIn(self.revenue.id, {k for k, v in expected.items() if v[0]})
        self.assertEqual(expected[self.cash.default_account_id.id][0], 120.0)

    def test_paging_and_streaming(self):
        options = {"date_from": "2026-01-01", "date_to": "2026-12-31", "line_limit": 2}
        expected = self._expected("2026-01-01", "2026-12-31")
        data = self._report(**options)
        self._assert_ledger(data["lines"], expected, limit=2)
        Report = self.env["atlas.report.general.ledger"]
        # Load every page of the receivable account and compare with the whole ledger.
        key = f"account-{self.receivable.id}"
        lines = [line for line in data["lines"] if line["parent"] == key and line["kind"] == "detail"]
        more = next(line for line in data["lines"] if line["parent"] == key and line["kind"] == "more")
        while more:
            page = Report.get_more_lines(options, key, more["values"]["offset"])
            lines += [line for line in page if line["kind"] == "detail"]
            more = page[-1] if page and page[-1]["kind"] == "more" else None
        rows = expected[self.receivable.id][1]
        self.assertEqual([line["key"] for line in lines], [f"aml-{r[0]}" for r in rows])
        self.assertEqual([line["values"]["balance"] for line in lines], [r[3] for r in rows])
        # The XLSX stream gives the whole ledger, every item once, with the same figures.
        streamed = list(Report._iter_report_lines(options))
        self._assert_ledger(streamed, expected)
        envelope = Report._get_report_envelope(options)
        self.assertNotIn("lines", envelope)
        self.assertEqual(envelope["totals"], data["totals"])

    def test_filters(self):
        data = self._report(
            date_from="2026-03-01", date_to="2026-06-30", partner_ids=[self.fabrikam.id], line_limit=1000
        )
        self._assert_ledger(data["lines"], self._expected("2026-03-01", "2026-06-30", partner_ids=[self.fabrikam.id]))
        self.assertFalse(data["checks"], "no debit = credit check on a filtered ledger")
        accounts = [self.receivable.id, self.revenue.id]
        data = self._report(date_from="2026-03-01", date_to="2026-06-30", account_ids=accounts, line_limit=1000)
        expected = self._expected("2026-03-01", "2026-06-30", account_ids=accounts)
        self.assertEqual(set(expected), set(accounts))
        self._assert_ledger(data["lines"], expected)
        # Company 2's ledger holds only its own invoice.
        other = self._report(company_id=self.company_2.id, date_from="2026-01-01", date_to="2026-12-31")
        moves = {line["move_id"] for line in other["lines"] if line["kind"] == "detail"}
        self.assertEqual(moves, {self.inv_company_2.id})

    def test_bad_options(self):
        Report = self.env["atlas.report.general.ledger"]
        with self.assertRefused(UserError, "Unknown account id.*999999999"):
            Report.get_report_data({"account_ids": [999999999]})
        other_receivable = self.env["account.account"].search(
            [("company_ids", "=", self.company_2.id), ("account_type", "=", "asset_receivable")], limit=1
        )
        with self.assertRefused(UserError, "Unknown account id"):
            Report.get_report_data({"account_ids": [other_receivable.id]})
        with self.assertRefused(UserError, "line_limit must be a whole number"):
            Report.get_report_data({"line_limit": 0})
        with self.assertRefused(UserError, "not an account section"):
            Report.get_more_lines({}, "partner-3", 0)
        with self.assertRefused(UserError, "offset must be"):
            Report.get_more_lines({}, f"account-{self.receivable.id}", -1)
