"""Branches: a parent company's reports read its branches' journal items, as Odoo's own
reports do; a branch's reports read its own only. The expected figures are the books'
(read_group on account.move.line), never the reports' SQL."""

from unittest.mock import patch

from odoo import Command
from odoo.tests import new_test_user, tagged

from .report_books import AS_OF, ReportBooksCommon

BUCKETS = ("current", "b_1_30", "b_31_60", "b_61_90", "b_90_plus")
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


@tagged("post_install", "-at_install")
class TestReportBranches(ReportBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch = cls.env["res.company"].create(
            {"name": "Atlas Branch", "parent_id": cls.company.id, "country_id": cls.company.country_id.id}
        )
        cls.cr.precommit.run()  # the branch's accounting setup
        cls.env.user.company_ids |= cls.branch
        # The branch invoices 700 (due 2026-03-01, 121+ days late on the as-of date) and
        # takes 200 in cash for a sale, on the parent's chart of accounts.
        cls.branch_invoice = (
            cls.env["account.move"]
            .with_company(cls.branch)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": cls.branch.id,
                    "partner_id": cls.contoso.id,
                    "invoice_date": "2026-02-01",
                    "invoice_date_due": "2026-03-01",
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Branch work",
                                "account_id": cls.revenue.id,
                                "quantity": 1,
                                "price_unit": 700.0,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        )
        cls.branch_invoice.action_post()
        cls.branch_sale = (
            cls.env["account.move"]
            .with_company(cls.branch)
            .create(
                {
                    "move_type": "entry",
                    "company_id": cls.branch.id,
                    "date": "2026-04-01",
                    "line_ids": [
                        Command.create(
                            {"account_id": cls.bank.default_account_id.id, "debit": 200.0, "name": "Cash sale"}
                        ),
                        Command.create({"account_id": cls.revenue.id, "credit": 200.0, "name": "Cash sale"}),
                    ],
                }
            )
        )
        cls.branch_sale.action_post()
        cls.env.flush_all()
        # Allowed the parent only: the branch's figures are not theirs to see.
        cls.parent_only = new_test_user(
            cls.env,
            login="atlas_parent_only",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.both = new_test_user(
            cls.env,
            login="atlas_parent_and_branch",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
            company_id=cls.company.id,
            company_ids=[cls.company.id, cls.branch.id],
        )

    def setUp(self):
        super().setUp()
        self.assertEqual((self.branch_invoice | self.branch_sale).company_id, self.branch)

    def _books(self, companies, domain):
        [(balance,)] = self.env["account.move.line"]._read_group(
            [("company_id", "in", companies.ids), ("parent_state", "=", "posted"), *domain], [], ["balance:sum"]
        )
        return round(balance or 0.0, 2)

    def _receivable(self, companies):
        return self._books(
            companies, [("account_id.account_type", "=", "asset_receivable"), ("date", "<=", AS_OF.isoformat())]
        )

    def _aging(self, company, user=None):
        report = self.env["atlas.report.ar.aging"]
        if user:
            report = report.with_user(user)
        return report.get_report_data({"company_id": company.id, "as_of_date": AS_OF.isoformat(), "details": True})

    # -------------------------------------------------------------------------
    # AR Aging
    # -------------------------------------------------------------------------

    def test_aging_of_the_parent_counts_its_branch(self):
        both = self.company | self.branch
        data = self._aging(self.company)
        self.assertAmount(data["totals"]["total"], self._receivable(both))
        self.assertAmount(data["totals"]["total"], self._receivable(self.company) + 700.0)
        self.assertEqual(data["totals"]["total"], 2820.0)  # the books' 2120 and the branch's 700
        [check] = data["checks"]
        self.assertTrue(check["ok"])
        self.assertAmount(check["expected"], self._receivable(both))
        self.assertIn(f"item-{self.branch_invoice.line_ids.filtered('date_maturity')[:1].id}", str(data["lines"]))
        # The total's drill-down finds the branch's item too.
        total = data["lines"][-1]
        items = self.env["account.move.line"].search(total["drilldown"])
        self.assertIn(self.branch, items.company_id)
        self.assertAmount(sum(items.mapped("balance")), self._receivable(both))

    def test_aging_of_the_branch_is_its_own(self):
        data = self._aging(self.branch)
        self.assertEqual(data["totals"]["total"], 700.0)
        self.assertAmount(data["totals"]["total"], self._receivable(self.branch))
        self.assertTrue(data["checks"][0]["ok"])
        [line] = [line for line in data["lines"] if line["kind"] == "line"]
        self.assertEqual((line["label"], line["values"]["b_90_plus"]), ("Contoso Europe", 700.0))

    def test_the_tie_out_fails_on_the_wrong_companies(self):
        """The check compares the items with a separate balance: counted on the parent alone,
        that balance misses the branch's 700 and the check says so."""
        Aging = type(self.env["atlas.report.ar.aging"])
        original = Aging._accounts_balance

        def parent_only_balance(report, options, account_ids, until):
            with patch.object(Aging, "_report_company_ids", lambda _report, _options: [self.company.id]):
                return original(report, options, account_ids, until)

        with patch.object(Aging, "_accounts_balance", parent_only_balance):
            data = self._aging(self.company)
        [check] = data["checks"]
        self.assertFalse(check["ok"])
        self.assertEqual(check["difference"], 700.0)

    def test_aging_details_pinned(self):
        """Every line of the parent's AR Aging with its items, as the PDF, the XLSX and XML-RPC
        clients read it: partial payments, a payment after the date, an unapplied payment,
        credit notes, an EUR invoice and the branch's invoice. Written out in full so that a
        change in the way the report is computed cannot change what it says."""
        data = self._aging(self.company)

        def receivable(move):
            return move.sudo().line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

        def item(move, partner, bucket, amount, date, due, days, foreign=False):
            line = receivable(move)
            values = dict.fromkeys(BUCKETS, 0.0)
            values[bucket] = amount
            values.update(total=amount, date=date, date_maturity=due, days_overdue=days, foreign=foreign)
            return {
                "key": f"item-{line.id}",
                "parent": f"partner-{partner.id}",
                "level": 1,
                "kind": "detail",
                "label": move.name,
                "values": values,
                "drilldown": [("id", "=", line.id)],
                "move_id": move.id,
                "foreign": foreign,
            }

        def customer(partner, moves, current=0.0, b_1_30=0.0, b_31_60=0.0, b_61_90=0.0, b_90_plus=0.0):
            ids = sorted(receivable(move).id for move in moves)
            values = {
                "current": current,
                "b_1_30": b_1_30,
                "b_31_60": b_31_60,
                "b_61_90": b_61_90,
                "b_90_plus": b_90_plus,
                "total": current + b_1_30 + b_31_60 + b_61_90 + b_90_plus,
            }
            return {
                "key": f"partner-{partner.id}",
                "parent": False,
                "level": 0,
                "kind": "line",
                "label": partner.name,
                "values": values,
                "drilldown": [("id", "in", ids)],
                "move_id": False,
                "foreign": False,
            }

        Account = self.env["account.account"].sudo().with_context(active_test=False)
        receivable_accounts = Account.search(
            [*Account._check_company_domain(self.company), ("account_type", "=", "asset_receivable")]
        )
        payment = self.unapplied.move_id
        expected = [
            # Contoso: the branch's 700 (121 days), 500 EUR less the 200 EUR paid = 300 EUR at
            # the invoice's 2.0 (119 days), the 40 EUR credit note at 2.5 (41 days).
            customer(self.contoso, self.branch_invoice | self.inv_eur | self.cn_eur, b_31_60=-100.0, b_90_plus=1300.0),
            item(self.branch_invoice, self.contoso, "b_90_plus", 700.0, "2026-02-01", "2026-03-01", 121),
            item(
                self.inv_eur,
                self.contoso,
                "b_90_plus",
                600.0,
                "2026-02-01",
                "2026-03-03",
                119,
                {"currency": "EUR", "amount": 300.0},
            ),
            item(
                self.cn_eur,
                self.contoso,
                "b_31_60",
                -100.0,
                "2026-05-20",
                "2026-05-20",
                41,
                {"currency": "EUR", "amount": -40.0},
            ),
            # Fabrikam: 920 less the April credit note of 100 (the July one is not applied yet).
            customer(self.fabrikam, self.inv_fab, b_90_plus=820.0),
            item(self.inv_fab, self.fabrikam, "b_90_plus", 820.0, "2026-03-01", "2026-03-31", 91),
            # Northwind: 1000 less the 400 of February (the 300 of July is not counted), the
            # 50 paid on account, the June invoice not due yet.
            customer(
                self.customer, self.inv_nw | payment | self.inv_nw_june, current=250.0, b_1_30=-50.0, b_90_plus=600.0
            ),
            item(self.inv_nw, self.customer, "b_90_plus", 600.0, "2026-01-15", "2026-02-14", 136),
            item(payment, self.customer, "b_1_30", -50.0, "2026-06-01", "2026-06-01", 29),
            item(self.inv_nw_june, self.customer, "current", 250.0, "2026-06-20", "2026-07-20", -20),
            {
                "key": "total",
                "parent": False,
                "level": 0,
                "kind": "total",
                "label": "Total",
                "values": {
                    "current": 250.0,
                    "b_1_30": -50.0,
                    "b_31_60": -100.0,
                    "b_61_90": 0.0,
                    "b_90_plus": 2720.0,
                    "total": 2820.0,
                },
                "drilldown": [
                    ("company_id", "in", sorted((self.company | self.branch).ids)),
                    ("parent_state", "=", "posted"),
                    ("account_id", "in", receivable_accounts.ids),
                    ("date", "<=", "2026-06-30"),
                ],
                "move_id": False,
                "foreign": False,
            },
        ]
        self.assertEqual(data["lines"], expected)
        # Amounts are floats (no Decimal for XML-RPC, no -0.0 shown as "-0.00"), days are ints.
        for line in data["lines"]:
            for key in (*BUCKETS, "total"):
                self.assertIs(type(line["values"][key]), float, (line["key"], key))
                self.assertNotEqual(str(line["values"][key]), "-0.0", (line["key"], key))
            if line["kind"] == "detail":
                self.assertIs(type(line["values"]["days_overdue"]), int)
        self.assertEqual(
            data["totals"],
            {
                "current": 250.0,
                "b_1_30": -50.0,
                "b_31_60": -100.0,
                "b_61_90": 0.0,
                "b_90_plus": 2720.0,
                "total": 2820.0,
                "receivable_balance": 2820.0,
            },
        )
        # The stream the PDF and the XLSX read is the same, line for line.
        self.assertEqual(list(self.env["atlas.report.ar.aging"]._iter_report_lines(data["options"])), expected)

    def test_a_user_of_the_parent_only_does_not_see_the_branch(self):
        data = self._aging(self.company, self.parent_only)
        self.assertAmount(data["totals"]["total"], self._receivable(self.company))
        self.assertTrue(data["checks"][0]["ok"])
        self.assertNotIn(self.branch_invoice.id, [line["move_id"] for line in data["lines"]])
        ledger = (
            self.env["atlas.report.general.ledger"]
            .with_user(self.parent_only)
            .get_report_data(dict(PERIOD, company_id=self.company.id, line_limit=1000))
        )
        self.assertNotIn(self.branch_invoice.id, {line["move_id"] for line in ledger["lines"]})
        self.assertTrue(all(check["ok"] for check in ledger["checks"]))
        # Allowed both, the parent's report has the branch's figures...
        data = self._aging(self.company, self.both)
        self.assertAmount(data["totals"]["total"], self._receivable(self.company | self.branch))
        # ... unless the branch is unticked in the company switcher, as in Odoo's reports.
        data = (
            self.env["atlas.report.ar.aging"]
            .with_user(self.both)
            .with_context(allowed_company_ids=self.company.ids)
            .get_report_data({"as_of_date": AS_OF.isoformat()})
        )
        self.assertAmount(data["totals"]["total"], self._receivable(self.company))
        self.assertTrue(data["checks"][0]["ok"])

    # -------------------------------------------------------------------------
    # Profit & Loss, Cash Flow, General Ledger
    # -------------------------------------------------------------------------

    def test_profit_and_loss_of_parent_and_branch(self):
        both = self.company | self.branch
        for company, companies in ((self.company, both), (self.branch, self.branch)):
            data = self.env["atlas.report.profit.loss"].get_report_data(dict(PERIOD, company_id=company.id))
            income = -self._books(
                companies,
                [
                    ("account_id.internal_group", "=", "income"),
                    ("date", ">=", PERIOD["date_from"]),
                    ("date", "<=", PERIOD["date_to"]),
                ],
            )
            self.assertAmount(data["totals"]["income"], income, company.name)
        data = self.env["atlas.report.profit.loss"].get_report_data(dict(PERIOD, company_id=self.branch.id))
        self.assertEqual(data["totals"]["net_profit"], 900.0)
        revenue = next(line for line in data["lines"] if line["key"] == f"account-{self.revenue.id}")
        self.assertEqual(set(self.env["account.move.line"].search(revenue["drilldown"]).company_id), {self.branch})

    def test_cash_flow_of_parent_and_branch(self):
        both = self.company | self.branch
        cash = list(self.cash_account_ids())
        for company, companies in ((self.company, both), (self.branch, self.branch)):
            data = self.env["atlas.report.cash.flow"].get_report_data(dict(PERIOD, company_id=company.id))
            closing = self._books(companies, [("account_id", "in", cash), ("date", "<=", PERIOD["date_to"])])
            self.assertAmount(data["totals"]["closing"], closing, company.name)
            self.assertTrue(all(check["ok"] for check in data["checks"]), company.name)
        data = self.env["atlas.report.cash.flow"].get_report_data(dict(PERIOD, company_id=self.branch.id))
        self.assertEqual((data["totals"]["receipts"], data["totals"]["closing"]), (200.0, 200.0))

    def test_general_ledger_of_parent_and_branch(self):
        both = self.company | self.branch
        for company, companies in ((self.company, both), (self.branch, self.branch)):
            data = self.env["atlas.report.general.ledger"].get_report_data(
                dict(PERIOD, company_id=company.id, line_limit=1000)
            )
            self.assertEqual(data["totals"]["opening"], 0.0)
            self.assertEqual(data["totals"]["closing"], 0.0)
            self.assertTrue(all(check["ok"] for check in data["checks"]), company.name)
            period = [("date", ">=", PERIOD["date_from"]), ("date", "<=", PERIOD["date_to"])]
            [(debit,)] = self.env["account.move.line"]._read_group(
                [("company_id", "in", companies.ids), ("parent_state", "=", "posted"), *period], [], ["debit:sum"]
            )
            self.assertAmount(data["totals"]["debit"], debit, company.name)
            section = next(line for line in data["lines"] if line["key"] == f"account-{self.revenue.id}")
            items = self.env["account.move.line"].search(section["drilldown"])
            self.assertAmount(
                -sum(items.mapped("balance")), -self._books(companies, [("account_id", "=", self.revenue.id), *period])
            )
            self.assertEqual(self.branch in items.company_id, True, company.name)
            moves = {line["move_id"] for line in data["lines"] if line["kind"] == "detail"}
            self.assertIn(self.branch_invoice.id, moves)
            self.assertEqual(company == self.company, self.inv_nw.id in moves)

    def test_branches_of_a_branch(self):
        """Branches nest: the parent reads its branch's branch too, the branch reads its own
        sub-branch, and the sub-branch itself only."""
        sub_branch = self.env["res.company"].create(
            {"name": "Atlas Sub-Branch", "parent_id": self.branch.id, "country_id": self.company.country_id.id}
        )
        self.env.cr.precommit.run()
        self.env.user.company_ids |= sub_branch
        invoice = (
            self.env["account.move"]
            .with_company(sub_branch)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": sub_branch.id,
                    "partner_id": self.fabrikam.id,
                    "invoice_date": "2026-06-01",
                    "invoice_date_due": "2026-07-01",
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Sub work", "account_id": self.revenue.id, "price_unit": 50.0, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        self.assertEqual(invoice.company_id, sub_branch)
        all_three = self.company | self.branch | sub_branch
        for company, companies in (
            (self.company, all_three),
            (self.branch, self.branch | sub_branch),
            (sub_branch, sub_branch),
        ):
            data = self._aging(company)
            self.assertAmount(data["totals"]["total"], self._receivable(companies), company.name)
            self.assertTrue(data["checks"][0]["ok"], company.name)
        self.assertEqual(self._aging(sub_branch)["totals"]["total"], 50.0)
        self.assertEqual(self._aging(self.branch)["totals"]["total"], 750.0)
