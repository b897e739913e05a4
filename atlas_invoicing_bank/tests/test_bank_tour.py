from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.atlas_invoicing.tests.tour_runner import run_tour


@tagged("post_install", "-at_install")
class TestBankTour(HttpCase):
    """Banking in a browser, by a Bookkeeper: import a CSV, confirm a match, the invoice is Paid."""

    def test_bank_import_tour(self):
        customer = self.env["res.partner"].create({"name": "Bank Tour Customer"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_line_ids": [
                    (0, 0, {"name": "Tour consulting", "quantity": 1, "price_unit": 321.0, "tax_ids": [(6, 0, [])]})
                ],
            }
        )
        invoice.action_atlas_mark_sent()
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), *self.env["account.journal"]._check_company_domain(self.env.company)], limit=1
        )
        bank.default_sheet_mapping_id = self.env["account.statement.import.sheet.mapping"].create(
            self.env["account.statement.import.sheet.mapping"]._atlas_csv_layout("Tour CSV")
        )
        new_test_user(
            self.env, login="tour_bank_bookkeeper", groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper"
        )
        run_tour(self, "atlas_bank_import", login="tour_bank_bookkeeper")

        invoice.invalidate_recordset()
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0}])
        payment = invoice._get_reconciled_payments()
        self.assertRecordValues(payment, [{"amount": 321.0, "journal_id": bank.id}])
        self.assertEqual(payment.payment_method_line_id.name, "Wire Transfer")
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", bank.id), ("payment_ref", "in", ("INCOMING WIRE", "ZZ UNKNOWN DEPOSIT"))],
            order="amount desc",
        )
        self.assertRecordValues(
            lines,
            [
                {
                    "amount": 321.0,
                    "atlas_match_kind": "customer_amount",
                    "atlas_match_payment_id": payment.id,
                    "is_reconciled": True,
                },
                {"amount": 0.42, "atlas_match_kind": False, "atlas_match_payment_id": False, "is_reconciled": False},
            ],
        )
