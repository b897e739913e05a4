from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestInvoiceStatus(AtlasTestCommon):
    """The status is derived from ledger facts, with Refunded > Paid > Partially Paid > Exported > Sent."""

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": invoice.invoice_date}
        )._create_payments()

    def _credit_note(self, invoice, amount=None):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "test"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        if amount is not None:
            credit_note.invoice_line_ids.price_unit = amount
        credit_note.action_post()  # Odoo reconciles a posted credit note with its invoice
        return credit_note

    def test_draft_then_sent(self):
        invoice = self._create_invoice(price=100.0)
        self.assertEqual(invoice.atlas_status, "draft")
        invoice.action_atlas_mark_sent()
        self.assertRecordValues(invoice, [{"state": "posted", "atlas_status": "sent", "is_move_sent": True}])
        self.assertIn("Marked as sent", invoice.message_ids[0].body)

    def test_posted_outside_atlas_is_not_called_sent(self):
        invoice = self._create_invoice(price=100.0)
        invoice.action_post()
        self.assertEqual(invoice.atlas_status, "posted")

    def test_partial_then_paid(self):
        invoice = self._create_invoice(price=100.0)
        invoice.action_atlas_mark_sent()
        self._pay(invoice, 40.0)
        self.assertRecordValues(
            invoice, [{"atlas_status": "partial", "amount_residual": 60.0, "atlas_amount_paid": 40.0}]
        )
        self._pay(invoice, 60.0)
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0, "atlas_amount_paid": 100.0}])

    def test_full_credit_note_is_refunded_partial_one_is_not(self):
        invoice = self._create_invoice(price=100.0)
        invoice.action_atlas_mark_sent()
        self._credit_note(invoice, amount=30.0)
        # A partial credit note lowers what is due but is neither a payment nor a refund.
        self.assertRecordValues(invoice, [{"atlas_status": "sent", "amount_residual": 70.0, "atlas_amount_paid": 0.0}])

        other = self._create_invoice(price=80.0)
        other.action_atlas_mark_sent()
        self._credit_note(other)
        self.assertRecordValues(other, [{"atlas_status": "refunded", "amount_residual": 0.0}])

    def test_exported_ranks_below_payments(self):
        invoice = self._create_invoice(price=100.0)
        invoice.action_atlas_mark_sent()
        invoice.sudo().atlas_exported_date = fields.Datetime.now()
        self.assertEqual(invoice.atlas_status, "exported")
        self._pay(invoice, 10.0)
        self.assertEqual(invoice.atlas_status, "partial")

    def test_cancelled(self):
        invoice = self._create_invoice(price=100.0)
        invoice.button_cancel()
        self.assertEqual(invoice.atlas_status, "cancelled")

    def test_back_to_draft_only_without_payment(self):
        invoice = self._create_invoice(price=100.0)
        invoice.action_atlas_mark_sent()
        invoice.action_atlas_reset_to_draft()
        self.assertRecordValues(invoice, [{"state": "draft", "atlas_status": "draft", "is_move_sent": False}])

        invoice.action_atlas_mark_sent()
        self._pay(invoice, 25.0)
        with self.assertRefused(UserError, "has payments or credit notes"):
            invoice.action_atlas_reset_to_draft()
        self.assertRecordValues(invoice, [{"state": "posted", "atlas_status": "partial"}])

    def test_manual_status_goes_through_the_matching_action(self):
        invoice = self._create_invoice(price=100.0)
        invoice.atlas_set_status("sent")
        self.assertEqual(invoice.atlas_status, "sent")
        action = invoice.atlas_set_status("paid")
        self.assertEqual(action["res_model"], "atlas.payment.record")
        action = invoice.atlas_set_status("refunded")
        self.assertEqual(action["res_model"], "atlas.invoice.refund")
        with self.assertRefused(UserError, "can't be set by hand"):
            invoice.atlas_set_status("exported")
        invoice.atlas_set_status("draft")
        self.assertEqual(invoice.atlas_status, "draft")

    def test_status_is_tracked(self):
        # The chatter entry itself is checked end to end (tests/test_invoice_flow_xmlrpc.py),
        # where the transaction commits; Odoo's test environment disables tracking.
        self.assertIn("atlas_status", self.env["account.move"]._track_get_fields())

    def test_status_is_searchable_and_groupable(self):
        sent = self._create_invoice(price=10.0)
        sent.action_atlas_mark_sent()
        draft = self._create_invoice(price=20.0)
        Move = self.env["account.move"]
        self.assertIn(sent, Move.search([("atlas_status", "=", "sent")]))
        self.assertNotIn(draft, Move.search([("atlas_status", "=", "sent")]))
        groups = Move.read_group([("id", "in", (sent + draft).ids)], ["amount_total:sum"], ["atlas_status"])
        self.assertEqual({g["atlas_status"]: g["amount_total"] for g in groups}, {"sent": 10.0, "draft": 20.0})
