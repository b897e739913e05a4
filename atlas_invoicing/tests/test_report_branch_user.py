"""A user of a branch only: the branch's reports read its journal items on the parent's chart
of accounts. Odoo's default order of accounts joins each account to its first company among
the user's own, which left out the parent's accounts for such a user: AR Aging came out empty.
The expected figures are the journal items' (read_group), never the reports' SQL."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import AtlasTestCommon

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


@tagged("post_install", "-at_install")
class TestReportBranchUser(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.branch = cls.env["res.company"].create(
            {"name": "Atlas Branch", "parent_id": cls.company.id, "country_id": cls.company.country_id.id}
        )
        cls.cr.precommit.run()  # the branch's accounting setup
        cls.env.user.company_ids |= cls.branch
        cls.invoice = (
            cls.env["account.move"]
            .with_company(cls.branch)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": cls.branch.id,
                    "partner_id": cls.customer.id,
                    "invoice_date": "2026-02-01",
                    "invoice_date_due": "2026-03-01",
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Branch work", "account_id": cls.revenue.id, "price_unit": 700.0, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        cls.invoice.action_post()
        cls.branch_only = new_test_user(
            cls.env,
            login="atlas_branch_only",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
            company_id=cls.branch.id,
            company_ids=[cls.branch.id],
        )

    def _books(self, domain):
        [(balance,)] = self.env["account.move.line"]._read_group(
            [("company_id", "=", self.branch.id), ("parent_state", "=", "posted"), *domain], [], ["balance:sum"]
        )
        return round(balance or 0.0, 2)

    def _report(self, name, options):
        return (
            self.env[name]
            .with_user(self.branch_only)
            .with_context(allowed_company_ids=self.branch.ids)
            .get_report_data(options)
        )

    def test_ar_aging_of_the_branch_user(self):
        data = self._report("atlas.report.ar.aging", {"as_of_date": "2026-06-30", "details": True})
        receivable = self._books([("account_id.account_type", "=", "asset_receivable")])
        self.assertEqual(receivable, 700.0)
        self.assertEqual(data["totals"]["total"], receivable)
        self.assertEqual(data["totals"]["b_90_plus"], 700.0)
        self.assertTrue(data["checks"][0]["ok"], data["checks"])
        self.assertIn(self.invoice.id, [line["move_id"] for line in data["lines"]])

    def test_profit_and_loss_and_ledger_of_the_branch_user(self):
        income = -self._books([("account_id.internal_group", "=", "income")])
        data = self._report("atlas.report.profit.loss", dict(PERIOD))
        self.assertEqual(data["totals"]["income"], income)
        self.assertEqual(income, 700.0)
        ledger = self._report("atlas.report.general.ledger", dict(PERIOD, line_limit=1000))
        self.assertIn(self.invoice.id, {line["move_id"] for line in ledger["lines"]})
        self.assertTrue(all(check["ok"] for check in ledger["checks"]), ledger["checks"])
