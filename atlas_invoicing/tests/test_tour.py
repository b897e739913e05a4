from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .tour_runner import run_tour


@tagged("post_install", "-at_install")
class TestFirstInvoiceTour(HttpCase):
    """Your First Invoice, steps 1-3, clicked in a browser by a Bookkeeper; then the ledger is checked."""

    def test_first_invoice_tour(self):
        bookkeeper = new_test_user(
            self.env,
            login="tour_bookkeeper",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
        )
        run_tour(self, "atlas_first_invoice", login="tour_bookkeeper")

        # Step 1: the customer, with the email its invoices go to.
        customer = self.env["res.partner"].search([("name", "=", "Tour Customer Ltd")])
        self.assertRecordValues(customer, [{"email": "tour@customer.example", "create_uid": bookkeeper.id}])

        # Step 2: one invoice, one line of 2 x 50.
        invoice = self.env["account.move"].search([("partner_id", "=", customer.id)])
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.create_uid, bookkeeper)
        line = invoice.invoice_line_ids
        self.assertRecordValues(
            line, [{"name": "Tour consulting", "quantity": 2.0, "price_unit": 50.0, "price_subtotal": 100.0}]
        )

        # The line, typed without a product, got the company's default sales tax in the browser.
        self.assertTrue(invoice.company_id.account_sale_tax_id)
        self.assertEqual(line.tax_ids, invoice.company_id.account_sale_tax_id)

        # Step 3: sent, so posted with its number; the total is 100 plus the line's taxes.
        taxes = line.tax_ids.compute_all(50.0, currency=invoice.currency_id, quantity=2.0, partner=customer)
        self.assertRecordValues(
            invoice,
            [
                {
                    "state": "posted",
                    "atlas_status": "sent",
                    "is_move_sent": True,
                    "amount_untaxed": 100.0,
                    "amount_total": taxes["total_included"],
                }
            ],
        )
        self.assertTrue(invoice.name.startswith("INV/"), invoice.name)

        # The journal entry: Debit Receivable for the total, Credit Revenue for the untaxed amount,
        # Credit Tax for the rest; balanced.
        receivable = invoice.line_ids.filtered(lambda aml: aml.display_type == "payment_term")
        self.assertRecordValues(
            receivable,
            [
                {
                    "account_id": customer.property_account_receivable_id.id,
                    "debit": invoice.amount_total,
                    "credit": 0.0,
                }
            ],
        )
        self.assertEqual(receivable.account_id.account_type, "asset_receivable")
        self.assertRecordValues(
            line, [{"account_id": invoice.journal_id.default_account_id.id, "debit": 0.0, "credit": 100.0}]
        )
        self.assertEqual(line.account_id.account_type, "income")
        tax_lines = invoice.line_ids.filtered(lambda aml: aml.display_type == "tax")
        self.assertAlmostEqual(sum(tax_lines.mapped("credit")), invoice.amount_tax)
        self.assertAlmostEqual(sum(invoice.line_ids.mapped("debit")), sum(invoice.line_ids.mapped("credit")))

        # The email waits in the queue, to the customer, with the invoice PDF.
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids.mapped("email"), ["tour@customer.example"])
        self.assertEqual(mail.attachment_ids.mapped("name"), [invoice._get_invoice_report_filename()])

    def test_record_payment_tour(self):
        """Your First Invoice, step 4: a sent invoice of 100 paid 40 by check, then the rest by ACH."""
        customer = self.env["res.partner"].create({"name": "Payment Tour Customer", "email": "pay@tour.example"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_line_ids": [
                    (0, 0, {"name": "Tour consulting", "quantity": 1, "price_unit": 100.0, "tax_ids": [(6, 0, [])]})
                ],
            }
        )
        invoice.action_atlas_mark_sent()
        self.assertRecordValues(invoice, [{"state": "posted", "atlas_status": "sent", "amount_total": 100.0}])
        # The deposit account the wizard proposes: the company's first bank journal.
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", invoice.company_id.id)], limit=1
        )
        self.assertTrue(bank, "the company needs a bank journal to deposit payments")
        new_test_user(
            self.env,
            login="tour_payment_bookkeeper",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
        )
        run_tour(self, "atlas_record_payment", login="tour_payment_bookkeeper")

        invoice.invalidate_recordset()
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "payment_state": "paid", "amount_residual": 0.0}])
        payments = self.env["account.payment"].search([("invoice_ids", "in", invoice.ids)], order="id")
        self.assertRecordValues(
            payments,
            [
                {"amount": 40.0, "journal_id": bank.id, "state": "paid"},
                {"amount": 60.0, "journal_id": bank.id, "state": "paid"},
            ],
        )
        self.assertEqual(payments.mapped("payment_method_line_id.name"), ["Check", "ACH"])

        # Each payment's journal entry: Debit the deposit account, Credit Accounts Receivable.
        receivable = invoice.line_ids.filtered(lambda aml: aml.display_type == "payment_term").account_id
        self.assertEqual(receivable.account_type, "asset_receivable")
        for payment in payments:
            self.assertRecordValues(
                payment.move_id.line_ids.sorted("debit", reverse=True),
                [
                    {"account_id": bank.default_account_id.id, "debit": payment.amount, "credit": 0.0},
                    {"account_id": receivable.id, "debit": 0.0, "credit": payment.amount},
                ],
            )
            self.assertEqual(payment.move_id.state, "posted")

        # Each payment is in the invoice's chatter.
        received = [body for body in invoice.message_ids.mapped("body") if "received by" in body]
        self.assertEqual(len(received), 2, received)
        self.assertTrue(any("received by Check" in body for body in received), received)
        self.assertTrue(any("received by ACH" in body for body in received), received)
