from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .report_books import AS_OF, ReportBooksCommon

VIEWER_REPORTS = ("atlas.report.ar.aging", "atlas.report.profit.loss", "atlas.report.cash.flow")
GL = "atlas.report.general.ledger"


@tagged("post_install", "-at_install")
class TestReportAccess(ReportBooksCommon):
    def test_viewer_reads_three_reports_not_the_ledger(self):
        """Viewers keep AR Aging, Profit & Loss and Cash Flow; the General Ledger refuses them
        on every entry point, with the role to ask for."""
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
        viewer_gl = self.env[GL].with_user(viewer)
        with self.assertRefused(AccessError, "General Ledger report needs the Atlas Bookkeeper role"):
            viewer_gl.get_report_data({})
        with self.assertRefused(AccessError, "Bookkeeper role"):
            viewer_gl.get_more_lines({}, f"account-{self.receivable.id}", 0)
        with self.assertRefused(AccessError, "Bookkeeper role"):
            list(viewer_gl._iter_report_lines({}))
        with self.assertRefused(AccessError, "Bookkeeper role"):
            viewer_gl.get_report_pdf({})
        with self.assertRefused(AccessError, "Bookkeeper role"):
            viewer_gl.get_report_xlsx({})

    def test_bookkeeper_reads_the_ledger_everywhere(self):
        """A Bookkeeper follows an invoice's journal entries in the General
        Ledger: the screen, its pages, the stream, both files, the menu and the action."""
        options = {"date_from": "2026-01-01", "date_to": "2026-06-30", "line_limit": 1}
        for role in ("bookkeeper", "accountant", "admin"):
            ledger = self.env[GL].with_user(self.users[role])
            data = ledger.get_report_data(options)
            self.assertEqual(data["report"], "general_ledger")
            self.assertTrue(all(check["ok"] for check in data["checks"]))
            key = f"account-{self.receivable.id}"
            page = ledger.get_more_lines(options, key, 1)
            self.assertEqual(page[0]["kind"], "detail")
            self.assertTrue(list(ledger._iter_report_lines(options)))
            self.assertTrue(ledger.get_report_pdf(options)["content"])
            self.assertTrue(ledger.get_report_xlsx(options)["content"])
        # The drill-down opens journal items the Bookkeeper may read (Odoo's own access rules).
        bookkeeper = self.users["bookkeeper"]
        data = self.env[GL].with_user(bookkeeper).get_report_data(options)
        section = next(line for line in data["lines"] if line["key"] == f"account-{self.receivable.id}")
        items = self.env["account.move.line"].with_user(bookkeeper).search(section["drilldown"])
        self.assertTrue(items)
        self.assertEqual(items.account_id, self.receivable)
        menu = self.env.ref("atlas_invoicing.menu_atlas_report_general_ledger")
        menus = self.env["ir.ui.menu"].with_user(bookkeeper).search([("id", "=", menu.id)])
        self.assertEqual(menus, menu, "the Bookkeeper sees the General Ledger menu")
        menus = self.env["ir.ui.menu"].with_user(self.users["viewer"]).search([("id", "=", menu.id)])
        self.assertFalse(menus, "the Viewer does not")
        # The client action loads as the web client loads it.
        action = (
            self.env["ir.actions.actions"]
            .with_user(bookkeeper)
            ._for_xml_id("atlas_invoicing.action_atlas_report_general_ledger")
        )
        self.assertEqual(action["params"]["report_model"], GL)

    def test_no_role_no_report(self):
        for model in (*VIEWER_REPORTS, GL):
            with self.assertRefused(AccessError, "needs the Atlas (Viewer|Bookkeeper) role"):
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
