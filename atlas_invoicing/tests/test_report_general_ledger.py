from collections import defaultdict
from datetime import date

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .report_books import ReportBooksCommon


@tagged("post_install", "-at_install")
class TestReportGeneralLedger(ReportBooksCommon):
    def _report(self, **options):
        return self.env["atlas.report.general.ledger"].get_report_data(options)

    def _expected(self, date_from, date_to, partner_ids=None, account_ids=None, fiscal_year_start=None):
        """{account_id: (opening, [(item id, debit, credit, running balance)], closing)}.

        Income and expense accounts start the fiscal year (the calendar year unless
        ``fiscal_year_start`` says otherwise) at zero; what they held before it opens on the
        Undistributed Profits/Losses account (when no account filter leaves it out).
        """
        domain = [("date", "<=", date_to)]
        if partner_ids:
            domain.append(("partner_id", "in", partner_ids))
        items = self._items(domain)
        accounts = self.env["account.account"].browse({i["account_id"][0] for i in items})
        profit_and_loss = {a.id for a in accounts if a.internal_group in ("income", "expense")}
        year_start = fiscal_year_start or date_from[:4] + "-01-01"
        earnings = self.unaffected_earnings()
        opening, period = defaultdict(float), defaultdict(list)
        for item in items:
            account_id = item["account_id"][0]
            day = item["date"].isoformat()
            if day < date_from:
                if account_id not in profit_and_loss or day >= year_start:
                    opening[account_id] += item["balance"]
                else:
                    opening[earnings.id] += item["balance"]
            else:
                period[account_id].append(item)
        result = {}
        for account_id in set(opening) | set(period):
            if account_ids and account_id not in account_ids:
                continue
            running = opening[account_id]
            rows = []
            for item in period[account_id]:  # already in date, entry, id order
                running += item["balance"]
                rows.append((item["id"], item["debit"], item["credit"], round(running, 2)))
            if rows or round(opening[account_id], 2):
                result[account_id] = (round(opening[account_id], 2), rows, round(running, 2))
        return result

    def unaffected_earnings(self):
        return self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(self.company),
                ("account_type", "=", "equity_unaffected"),
            ]
        )

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
        # A filtered ledger need not balance: only the per-account arithmetic is checked.
        self.assertEqual(
            [check["label"] for check in data["checks"]],
            ["Every account closes at opening + debit − credit (total difference)"],
        )
        self.assertTrue(data["checks"][0]["ok"])
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

    # -------------------------------------------------------------------------
    # Earlier fiscal years: their result opens on Undistributed Profits/Losses
    # -------------------------------------------------------------------------

    def _books_balance(self, domain):
        """Sum of the posted journal items' balance (read_group, not the report's SQL)."""
        [(balance,)] = self.env["account.move.line"]._read_group(
            [("company_id", "=", self.company.id), ("parent_state", "=", "posted"), *domain], [], ["balance:sum"]
        )
        return round(balance or 0.0, 2)

    def _profit_and_loss_before(self, day):
        return self._books_balance([("date", "<", day), ("account_id.internal_group", "in", ("income", "expense"))])

    def _sections(self, data):
        """{account_id: (opening, debit, credit, closing)} as the ledger shows them."""
        result = {}
        for line in data["lines"]:
            if line["kind"] == "section":
                result[int(line["key"].split("-")[1])] = [None, line["values"]["debit"], line["values"]["credit"], None]
            elif line["key"].endswith("-opening"):
                result[int(line["parent"].split("-")[1])][0] = line["values"]["balance"]
            elif line["key"].endswith("-closing"):
                result[int(line["parent"].split("-")[1])][3] = line["values"]["balance"]
        return result

    def _assert_books_close(self, data, fiscal_year_start):
        """The ledger's openings and closings are the books' balances: balance-sheet accounts
        carry everything, income and expense accounts the fiscal year only, and Undistributed
        Profits/Losses its own balance plus the earlier years' result."""
        date_from, date_to = data["options"]["date_from"], data["options"]["date_to"]
        earnings = self.unaffected_earnings()
        sections = self._sections(data)
        for account_id, (opening, debit, credit, closing) in sections.items():
            account = self.env["account.account"].browse(account_id)
            since = [("date", ">=", fiscal_year_start)] if account.internal_group in ("income", "expense") else []
            books_opening = self._books_balance([("account_id", "=", account_id), ("date", "<", date_from), *since])
            books_closing = self._books_balance([("account_id", "=", account_id), ("date", "<=", date_to), *since])
            if account == earnings:
                books_opening += self._profit_and_loss_before(fiscal_year_start)
                books_closing += self._profit_and_loss_before(fiscal_year_start)
            self.assertAmount(opening, books_opening, account.code)
            self.assertAmount(closing, books_closing, account.code)
            self.assertAmount(closing, opening + debit - credit, account.code)
        # Opening and closing totals of the whole ledger are zero, and the checks say so.
        self.assertEqual(data["totals"]["opening"], 0.0)
        self.assertEqual(data["totals"]["closing"], 0.0)
        self.assertEqual(
            [(check["label"], check["ok"]) for check in data["checks"]],
            [
                ("Total debit equals total credit", True),
                ("Opening balances add up to zero", True),
                ("Closing balances add up to zero", True),
                ("Every account closes at opening + debit − credit (total difference)", True),
            ],
        )
        return sections

    def test_earlier_years_result_opens_on_unaffected_earnings(self):
        """A sale of 500 and a fee of 80 in 2024, last year's invoice of 120: the 2026 ledger
        opens Undistributed Profits/Losses at −540 (a credit, the earlier profit)."""
        bank_account = self.bank.default_account_id
        self._entry("2024-03-10", [(bank_account, 500.0, 0.0), (self.revenue, 0.0, 500.0)], "Old sale")
        self._entry("2024-08-01", [(self.expense, 80.0, 0.0), (bank_account, 0.0, 80.0)], "Old fee")
        earlier = self._profit_and_loss_before("2026-01-01")
        self.assertEqual(earlier, -540.0)
        data = self._report(date_from="2026-01-01", date_to="2026-06-30", line_limit=1000)
        sections = self._assert_books_close(data, "2026-01-01")
        earnings = self.unaffected_earnings()
        # Shown though it has no journal item of its own.
        self.assertEqual(sections[earnings.id], [-540.0, 0.0, 0.0, -540.0])
        self.assertNotIn(self.revenue.id, {k for k, v in sections.items() if v[0]}, "revenue restarts at 0")
        self._assert_ledger(data["lines"], self._expected("2026-01-01", "2026-06-30"))
        # Mid-year, the income and expense of the year so far stay on their own accounts.
        data = self._report(date_from="2026-04-01", date_to="2026-06-30", line_limit=1000)
        self._assert_books_close(data, "2026-01-01")
        self.assertEqual(self._sections(data)[earnings.id][0], -540.0)
        self._assert_ledger(data["lines"], self._expected("2026-04-01", "2026-06-30"))

    def test_account_filter_shows_the_earlier_result_only_on_its_account(self):
        earnings = self.unaffected_earnings()
        data = self._report(date_from="2026-01-01", date_to="2026-06-30", account_ids=[self.receivable.id])
        self.assertNotIn(earnings.id, self._sections(data))
        data = self._report(date_from="2026-01-01", date_to="2026-06-30", account_ids=[earnings.id, self.receivable.id])
        self.assertEqual(self._sections(data)[earnings.id], [-120.0, 0.0, 0.0, -120.0])
        self._assert_ledger(
            data["lines"], self._expected("2026-01-01", "2026-06-30", account_ids=[earnings.id, self.receivable.id])
        )

    def test_fiscal_year_ending_in_june(self):
        """Fiscal years from July to June: a sale of 500 in March 2025 belongs to the year
        closed on 2025-06-30; last year's invoice of 120 (November 2025) to the current one."""
        self.company.write({"fiscalyear_last_month": "6", "fiscalyear_last_day": 30})
        bank_account = self.bank.default_account_id
        self._entry("2025-03-10", [(bank_account, 500.0, 0.0), (self.revenue, 0.0, 500.0)], "Old sale")
        earnings = self.unaffected_earnings()
        data = self._report(date_from="2026-01-01", date_to="2026-06-30", line_limit=1000)
        sections = self._assert_books_close(data, "2025-07-01")
        self.assertEqual(sections[earnings.id][0], -500.0)
        self.assertEqual(sections[self.revenue.id][0], -120.0, "the revenue of the fiscal year so far")
        self._assert_ledger(data["lines"], self._expected("2026-01-01", "2026-06-30", fiscal_year_start="2025-07-01"))
        # The next fiscal year opens with everything earned before 2026-07-01 on the account.
        data = self._report(date_from="2026-07-01", date_to="2026-12-31", line_limit=1000)
        self._assert_books_close(data, "2026-07-01")
        self.assertAmount(self._sections(data)[earnings.id][0], self._profit_and_loss_before("2026-07-01"))
        self._assert_ledger(data["lines"], self._expected("2026-07-01", "2026-12-31", fiscal_year_start="2026-07-01"))

    def test_earnings_pages_carry_the_earlier_result(self):
        """Items on Undistributed Profits/Losses in the period: the screen, its pages and the
        stream all run their balance from the opening that includes the earlier result."""
        earnings = self.unaffected_earnings()
        equity = self.env["account.account"].search(
            [*self.env["account.account"]._check_company_domain(self.company), ("account_type", "=", "equity")],
            limit=1,
        )
        for day, amount in (("2026-02-01", 70.0), ("2026-03-01", 30.0), ("2026-04-01", 20.0)):
            self._entry(day, [(earnings, amount, 0.0), (equity, 0.0, amount)], "Profit distributed")
        options = {"date_from": "2026-01-01", "date_to": "2026-12-31", "line_limit": 1}
        Report = self.env["atlas.report.general.ledger"]
        key = f"account-{earnings.id}"
        data = self._report(**options)
        first = [line for line in data["lines"] if line["parent"] == key and line["kind"] == "detail"]
        self.assertEqual([line["values"]["balance"] for line in first], [-50.0])  # −120 + 70
        page = Report.get_more_lines(options, key, 1)
        self.assertEqual([line["values"]["balance"] for line in page if line["kind"] == "detail"], [-20.0])
        self.assertEqual(page[-1]["values"], {"offset": 2, "remaining": 1})
        page = Report.get_more_lines(options, key, 2)
        self.assertEqual([line["values"]["balance"] for line in page], [0.0])
        streamed = [line for line in Report._iter_report_lines(options) if line["parent"] == key]
        self.assertEqual(
            [(line["kind"], line["values"]["balance"]) for line in streamed],
            [("line", -120.0), ("detail", -50.0), ("detail", -20.0), ("detail", 0.0), ("subtotal", 0.0)],
        )
        self._assert_ledger(list(Report._iter_report_lines(options)), self._expected("2026-01-01", "2026-12-31"))

    # -------------------------------------------------------------------------
    # Default period, rounding
    # -------------------------------------------------------------------------

    def test_default_period_is_the_fiscal_year(self):
        self.company.write({"fiscalyear_last_month": "6", "fiscalyear_last_day": 30})
        today = fields.Date.context_today(self.env.user)
        start = date(today.year if today.month > 6 else today.year - 1, 7, 1)
        for model in ("atlas.report.general.ledger", "atlas.report.profit.loss", "atlas.report.cash.flow"):
            options = self.env[model].get_report_data({})["options"]
            self.assertEqual(options["date_from"], start.isoformat(), model)
            self.assertEqual(options["date_to"], date(start.year + 1, 6, 30).isoformat(), model)

    def test_amounts_round_as_the_currency(self):
        """Half a cent rounds up, as Odoo rounds money (Python's round() gives 2.67 and 1.0)."""
        Report = self.env["atlas.report.general.ledger"]
        options = Report._normalize_options({})
        self.assertEqual(Report._round(options, 2.675), 2.68)
        self.assertEqual(Report._round(options, 1.005), 1.01)
        self.assertEqual(str(Report._round(options, -0.001)), "0.0")
