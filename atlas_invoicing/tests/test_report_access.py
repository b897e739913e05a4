from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .report_books import AS_OF, ReportBooksCommon

VIEWER_REPORTS = ("atlas.report.ar.aging", "atlas.report.profit.loss", "atlas.report.cash.flow")
GL = "atlas.report.general.ledger"


@tagged("post_install", "-at_install")
class TestReportAccess(ReportBooksCommon):
    def test_viewer_reads_three_reports_not_the_ledger(self):
        viewer = self.users["viewer"]
        for model in VIEWER_REPORTS:
            data = (
                self.env[model]
                .with_user(viewer)
                .get_report_data(
                    {"date_from": "2026-01-01"} if model != VIEWER_REPORTS[0] else {"as_of_date": AS_OF.isoformat()}
                )
            )
            self.assertEqual(data["company"]["id"], self.company.id)
        aging = self.env["atlas.report.ar.aging"].with_user(viewer).get_report_data({"as_of_date": AS_OF.isoformat()})
        self.assertEqual(aging["totals"]["total"], 2120.0)
        for role in ("viewer", "bookkeeper"):
            with self.assertRefused(AccessError, "General Ledger report needs the Atlas Accountant role"):
                self.env[GL].with_user(self.users[role]).get_report_data({})
            with self.assertRefused(AccessError, "Accountant role"):
                self.env[GL].with_user(self.users[role]).get_more_lines({}, f"account-{self.receivable.id}", 0)
            with self.assertRefused(AccessError, "Accountant role"):
                list(self.env[GL].with_user(self.users[role])._iter_report_lines({}))
        for role in ("accountant", "admin"):
            data = self.env[GL].with_user(self.users[role]).get_report_data({})
            self.assertEqual(data["report"], "general_ledger")

    def test_no_role_no_report(self):
        for model in (*VIEWER_REPORTS, GL):
            with self.assertRefused(AccessError, "needs the Atlas (Viewer|Accountant) role"):
                self.env[model].with_user(self.users["none"]).get_report_data({})

    def test_only_the_users_companies(self):
        accountant = self.users["accountant"]  # company 1 only
        for model in (*VIEWER_REPORTS, GL):
            with self.assertRefused(AccessError, f"not allowed to see the reports of company #{self.company_2.id}"):
                self.env[model].with_user(accountant).get_report_data({"company_id": self.company_2.id})
        both = new_test_user(
            self.env,
            login="atlas_two_companies",
            groups="base.group_user,atlas_invoicing.group_atlas_viewer",
            company_id=self.company.id,
            company_ids=[self.company.id, self.company_2.id],
        )
        data = (
            self.env["atlas.report.ar.aging"]
            .with_user(both)
            .get_report_data({"company_id": self.company_2.id, "as_of_date": AS_OF.isoformat()})
        )
        self.assertEqual(data["totals"]["total"], 999.0)
        self.assertEqual(data["currency"]["id"], self.company_2.currency_id.id)
