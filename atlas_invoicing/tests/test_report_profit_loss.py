from collections import defaultdict

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .report_books import EXPENSE_TYPES, INCOME_TYPES, ReportBooksCommon


@tagged("post_install", "-at_install")
class TestReportProfitLoss(ReportBooksCommon):
    def _expected(self, date_from, date_to):
        """{account_id: amount shown} from the journal items: income credit − debit, expenses debit − credit."""
        items = self._items(
            [
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("account_id.account_type", "in", INCOME_TYPES + EXPENSE_TYPES),
            ]
        )
        types = {a.id: a.account_type for a in self.env["account.account"].browse({i["account_id"][0] for i in items})}
        amounts = defaultdict(float)
        for item in items:
            account_id = item["account_id"][0]
            amounts[account_id] += -item["balance"] if types[account_id] in INCOME_TYPES else item["balance"]
        income = sum(v for a, v in amounts.items() if types[a] in INCOME_TYPES)
        expense = sum(v for a, v in amounts.items() if types[a] in EXPENSE_TYPES)
        return amounts, round(income, 2), round(expense, 2)

    def test_every_figure_with_comparison(self):
        options = {
            "date_from": "2026-01-01",
            "date_to": "2026-06-30",
            "comparison": {"date_from": "2025-07-01", "date_to": "2025-12-31"},
        }
        data = self.env["atlas.report.profit.loss"].get_report_data(options)
        amounts, income, expense = self._expected("2026-01-01", "2026-06-30")
        previous, previous_income, previous_expense = self._expected("2025-07-01", "2025-12-31")
        accounts = {line["key"]: line for line in data["lines"] if line["kind"] == "line"}
        self.assertEqual(set(accounts), {f"account-{a}" for a in set(amounts) | set(previous)})
        for account_id in set(amounts) | set(previous):
            values = accounts[f"account-{account_id}"]["values"]
            self.assertAmount(values["balance"], amounts.get(account_id, 0.0))
            self.assertAmount(values["comparison"], previous.get(account_id, 0.0))
        totals = data["totals"]
        self.assertAmount(totals["income"], income)
        self.assertAmount(totals["expense"], expense)
        self.assertAmount(totals["net_profit"], income - expense)
        self.assertAmount(totals["comparison_income"], previous_income)
        self.assertAmount(totals["comparison_net_profit"], previous_income - previous_expense)
        net = data["lines"][-1]
        self.assertEqual((net["kind"], net["label"]), ("total", "Net Profit"))
        self.assertAmount(net["values"]["balance"], income - expense)
        self.assertEqual(
            [c["key"] for c in data["columns"]], ["account", "balance", "comparison", "change", "change_percent"]
        )

        # By hand: revenue 1000 + 250 + 1000 (500 EUR at 2.0) + 800 − 100 (April credit note)
        # − 100 (40 EUR at 2.5) = 2850; the exchange gain of 100 USD is other income; expenses
        # 300 (bill) + 25 (bank fee). Taxes are not income.
        self.assertEqual(accounts[f"account-{self.revenue.id}"]["values"]["balance"], 2600.0)
        self.assertEqual(accounts[f"account-{self.other_income.id}"]["values"]["balance"], 250.0)
        self.assertEqual(accounts[f"account-{self.expense.id}"]["values"]["balance"], 325.0)
        self.assertEqual(totals["income"], 2600.0 + 250.0 + 100.0)
        self.assertEqual(totals["comparison_income"], 120.0)
        subtotals = {line["key"]: line["values"]["balance"] for line in data["lines"] if line["kind"] == "subtotal"}
        gain = self.company.income_currency_exchange_account_id
        self.assertEqual(accounts[f"account-{gain.id}"]["values"]["balance"], 100.0, "the exchange gain")
        self.assertEqual(subtotals[f"type-{gain.account_type}"], 2950.0 if gain.account_type == "income" else 100.0)

    def test_comparison_has_change_columns_and_other_income_its_heading(self):
        options = {
            "date_from": "2026-01-01",
            "date_to": "2026-06-30",
            "comparison": {"date_from": "2025-07-01", "date_to": "2025-12-31"},
        }
        # Interest received in May: other income.
        interest = self.env["account.account"].create(
            {"name": "Interest Income", "code": "790100", "account_type": "income_other"}
        )
        bank = self.company_data["default_journal_bank"].default_account_id
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-05-10",
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create({"account_id": bank.id, "debit": 40.0}),
                    Command.create({"account_id": interest.id, "credit": 40.0}),
                ],
            }
        )
        entry.action_post()
        report = self.env["atlas.report.profit.loss"]
        data = report.get_report_data(options)
        self.assertEqual(
            [(c["key"], c["label"], c["type"]) for c in data["columns"]][3:],
            [("change", "Change", "monetary"), ("change_percent", "%", "percent")],
        )
        lines = {line["key"]: line for line in data["lines"]}
        keys = [line["key"] for line in data["lines"]]
        # Other income under its own heading, between the income accounts' total and its accounts.
        heading = lines["heading-income_other"]
        self.assertEqual((heading["kind"], heading["label"], heading["parent"]), ("section", "Other Income", "income"))
        self.assertLess(keys.index("type-income"), keys.index("heading-income_other"))
        self.assertLess(keys.index("heading-income_other"), keys.index(f"account-{interest.id}"))
        self.assertEqual(lines[f"account-{interest.id}"]["parent"], "income")
        self.assertNotIn("heading-income", lines, "the section's heading names its first type")
        # Change = period − comparison; % of the comparison, none when it was zero.
        self.assertEqual(
            lines[f"account-{self.revenue.id}"]["values"],
            {"balance": 2600.0, "comparison": 120.0, "change": 2480.0, "change_percent": 2066.7},
        )
        self.assertEqual(
            lines[f"account-{self.other_income.id}"]["values"],
            {"balance": 250.0, "comparison": 0.0, "change": 250.0, "change_percent": False},
        )
        net = lines["net_profit"]["values"]
        self.assertEqual((net["balance"], net["comparison"]), (2665.0, 120.0))
        self.assertEqual((net["change"], net["change_percent"]), (2545.0, 2120.8))
        # Zeros read 0.00 in every column (screen and PDF), not blank beside a 0.00.
        self.assertFalse(data["blank_zeros"])
        rows = list(self.env["report.atlas_invoicing.report_financial"]._get_rows(report, data, data["lines"]))
        [other_income_row] = [row for row in rows if row["cells"][0]["text"].endswith(self.other_income.name)]
        self.assertEqual(
            [cell["text"].replace("\xa0", " ") for cell in other_income_row["cells"][1:]],
            ["$ 250.00", "$ 0.00", "$ 250.00", "—"],
        )

    def test_a_zero_comparison_reads_as_a_dash_on_every_line(self):
        # As documented: % is "—" when the comparison is zero, whatever the change, the
        # sections' own lines included (Income's cell was blank, an unmoved account's 0.0 %).
        options = {
            "date_from": "2026-01-01",
            "date_to": "2026-06-30",
            "comparison": {"date_from": "2020-01-01", "date_to": "2020-06-30"},
        }
        interest = self.env["account.account"].create(
            {"name": "Interest Income", "code": "790100", "account_type": "income_other"}
        )
        booked_and_reversed = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-05-10",
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create({"account_id": interest.id, "debit": 40.0}),
                    Command.create({"account_id": interest.id, "credit": 40.0}),
                ],
            }
        )
        booked_and_reversed.action_post()
        report = self.env["atlas.report.profit.loss"]
        data = report.get_report_data(options)
        valued = [line for line in data["lines"] if line["values"]]
        self.assertIn(f"account-{interest.id}", [line["key"] for line in valued])
        self.assertEqual([line["values"]["change_percent"] is False for line in valued], [True] * len(valued))
        rows = list(self.env["report.atlas_invoicing.report_financial"]._get_rows(report, data, data["lines"]))
        percent_cells = {row["cells"][0]["text"]: row["cells"][-1]["text"] for row in rows if len(row["cells"]) == 5}
        self.assertEqual(percent_cells["Income"], "—")
        self.assertEqual(percent_cells[f"790100 {interest.name}"], "—")
        self.assertEqual(percent_cells["Net Profit"], "—")

    def test_without_comparison_and_drilldown(self):
        data = self.env["atlas.report.profit.loss"].get_report_data(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        self.assertFalse(data["options"]["comparison"])
        self.assertEqual([c["key"] for c in data["columns"]], ["account", "balance"])
        _amounts, income, expense = self._expected("2026-03-01", "2026-03-31")
        self.assertAmount(data["totals"]["net_profit"], income - expense)
        self.assertNotIn("comparison_income", data["totals"])
        for line in data["lines"]:
            if line["kind"] == "line":
                found = self.env["account.move.line"].search(line["drilldown"])
                shown = (
                    -sum(found.mapped("balance"))
                    if found.account_id.account_type in INCOME_TYPES
                    else sum(found.mapped("balance"))
                )
                self.assertAmount(line["values"]["balance"], shown)

    def test_second_company_and_bad_options(self):
        other = self.env["atlas.report.profit.loss"].get_report_data(
            {"company_id": self.company_2.id, "date_from": "2026-01-01", "date_to": "2026-12-31"}
        )
        self.assertEqual(other["totals"]["income"], 999.0)
        Report = self.env["atlas.report.profit.loss"]
        with self.assertRefused(UserError, "start date 2026-12-31 is after the end date 2026-01-01"):
            Report.get_report_data({"date_from": "2026-12-31", "date_to": "2026-01-01"})
        with self.assertRefused(UserError, "not a date"):
            Report.get_report_data({"date_from": "yesterday"})
        with self.assertRefused(UserError, "comparison period"):
            Report.get_report_data({"comparison": {"date_from": "2025-01-01"}})
