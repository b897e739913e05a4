from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .tour_runner import run_tour


@tagged("post_install", "-at_install")
class TestReportTour(HttpCase):
    """Atlas → Reports → AR Aging in a browser, by a Viewer: a customer, the total, the
    drill-down to journal items and to the journal entry."""

    def test_ar_aging_tour(self):
        today = fields.Date.context_today(self.env["res.partner"])
        customer = self.env["res.partner"].create({"name": "Tour Aging Customer", "customer_rank": 1})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=70),
                "invoice_date_due": today - timedelta(days=40),
                "invoice_line_ids": [
                    Command.create({"name": "Audit", "quantity": 1, "price_unit": 1234.5, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        new_test_user(
            self.env,
            login="tour_report_viewer",
            groups="base.group_user,atlas_invoicing.group_atlas_viewer",
        )
        run_tour(self, "atlas_report_ar_aging", login="tour_report_viewer")
        # What the tour read is the report's own figure.
        data = self.env["atlas.report.ar.aging"].get_report_data({"partner_ids": [customer.id]})
        [line] = [line for line in data["lines"] if line["kind"] == "line"]
        self.assertEqual(line["label"], "Tour Aging Customer")
        self.assertEqual(line["values"]["b_31_60"], 1234.5)
        self.assertEqual(line["values"]["total"], 1234.5)

    def test_general_ledger_tour_of_a_bookkeeper(self):
        bookkeeper = new_test_user(
            self.env,
            login="tour_report_bookkeeper",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
        )
        run_tour(self, "atlas_report_general_ledger_bookkeeper", login="tour_report_bookkeeper")
        # What the tour read: the ledger of the fiscal year balances, on the database's books.
        data = self.env["atlas.report.general.ledger"].with_user(bookkeeper).get_report_data({})
        self.assertEqual(data["totals"]["opening"], 0.0)
        self.assertEqual(data["totals"]["closing"], 0.0)
        self.assertTrue(all(check["ok"] for check in data["checks"]))
