from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestPayment(AtlasTestCommon):
    """Record Payment: Debit the deposit account itself / Credit Accounts Receivable, reconciled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.receivable = cls.company_data["default_account_receivable"]

    def _sent_invoice(self, price=100.0, partner=None):
        invoice = self._create_invoice(price=price, partner=partner)
        invoice.action_atlas_mark_sent()
        return invoice

    def _payment(self, result):
        return self.env["account.payment"].browse(result["payment_id"])

    def _entry(self, payment):
        return sorted((line.account_id.id, line.debit, line.credit, line.name) for line in payment.move_id.line_ids)

    def test_partial_then_rest(self):
        invoice = self._sent_invoice(price=100.0)
        bookkeeper = self.users["bookkeeper"]
        first = invoice.with_user(bookkeeper).atlas_record_payment(
            amount=40.0, date="2026-02-01", journal_id=self.bank.id, payment_method="check"
        )
        payment = self._payment(first)
        label = f"Check: {invoice.name}"
        self.assertEqual(
            self._entry(payment),
            sorted(
                [
                    (self.bank.default_account_id.id, 40.0, 0.0, label),
                    (self.receivable.id, 0.0, 40.0, label),
                ]
            ),
        )
        self.assertEqual(payment.payment_method_line_id.name, "Check")
        self.assertNotEqual(payment.outstanding_account_id.account_type, "asset_current", "no 'Outstanding Receipts'")
        self.assertIn(invoice, payment.reconciled_invoice_ids)
        self.assertEqual(first["invoice"]["status"], "partial")
        self.assertRecordValues(invoice, [{"atlas_status": "partial", "amount_residual": 60.0}])

        second = invoice.with_user(bookkeeper).atlas_record_payment(journal_id=self.bank.id, payment_method="ach")
        self.assertEqual(self._payment(second).amount, 60.0, "the amount defaults to the balance due")
        self.assertEqual(self._payment(second).payment_method_line_id.name, "ACH")
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0, "payment_state": "paid"}])
        bodies = invoice.message_ids.mapped("body")
        self.assertEqual(len([b for b in bodies if "received by" in b]), 2, "each payment is in the chatter")

    def test_every_method_and_the_cash_journal(self):
        cash = self.company_data["default_journal_cash"]
        for method, label in [("wire", "Wire Transfer"), ("card", "Credit Card"), ("cash", "Cash")]:
            invoice = self._sent_invoice(price=10.0)
            payment = self._payment(invoice.atlas_record_payment(journal_id=cash.id, payment_method=method))
            self.assertEqual(payment.payment_method_line_id.name, label)
            debit = payment.move_id.line_ids.filtered("debit")
            self.assertEqual(debit.account_id, cash.default_account_id)
            self.assertEqual(invoice.atlas_status, "paid")

    def test_bad_amounts_change_nothing(self):
        invoice = self._sent_invoice(price=100.0)
        with self.assertRefused(UserError, "greater than zero"):
            invoice.atlas_record_payment(amount=0.0, journal_id=self.bank.id)
        with self.assertRefused(UserError, "greater than zero"):
            invoice.atlas_record_payment(amount=-5.0, journal_id=self.bank.id)
        with self.assertRefused(UserError, "more than the .* due"):
            invoice.atlas_record_payment(amount=100.01, journal_id=self.bank.id)
        with self.assertRefused(UserError, "Unknown payment method"):
            invoice.atlas_record_payment(amount=10.0, journal_id=self.bank.id, payment_method="bitcoin")
        self.assertRecordValues(invoice, [{"atlas_status": "sent", "amount_residual": 100.0}])
        self.assertFalse(self.env["account.payment"].search([("invoice_ids", "in", invoice.ids)]))

    def test_overpayment_kept_as_customer_credit(self):
        partner = self.env["res.partner"].create({"name": "Generous Co", "email": "pay@generous.example"})
        invoice = self._sent_invoice(price=100.0, partner=partner)
        result = invoice.atlas_record_payment(amount=120.0, journal_id=self.bank.id, keep_excess_as_credit=True)
        self.assertEqual(self._payment(result).amount, 120.0)
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0}])
        partner.invalidate_recordset(["credit"])
        self.assertEqual(partner.credit, -20.0, "the excess is an outstanding credit of the customer")
        # The next invoice of the customer shows that credit, ready to be used.
        next_invoice = self._sent_invoice(price=50.0, partner=partner)
        widget = next_invoice.invoice_outstanding_credits_debits_widget
        self.assertEqual([credit["amount"] for credit in widget["content"]], [20.0])

    def test_draft_and_cancelled_invoices_are_refused(self):
        draft = self._create_invoice(price=100.0)
        with self.assertRefused(UserError, "is a draft"):
            draft.atlas_record_payment(amount=10.0, journal_id=self.bank.id)
        cancelled = self._create_invoice(price=100.0)
        cancelled.button_cancel()
        with self.assertRefused(UserError, "is cancelled"):
            cancelled.atlas_record_payment(amount=10.0, journal_id=self.bank.id)

    def test_deposit_journal_of_another_company_is_refused(self):
        other_bank = self.setup_other_company()["default_journal_bank"]
        invoice = self._sent_invoice(price=100.0)
        with self.assertRefused(UserError, "belongs to .*choose a deposit account of the invoice's company"):
            invoice.atlas_record_payment(amount=10.0, journal_id=other_bank.id)
        self.assertEqual(invoice.amount_residual, 100.0)

    def test_currency_the_journal_cannot_take_is_refused(self):
        euro = self.setup_other_currency("EUR")
        euro_bank = self.env["account.journal"].create(
            {"name": "Euro Account", "type": "bank", "code": "EURB", "currency_id": euro.id}
        )
        invoice = self._sent_invoice(price=100.0)
        with self.assertRefused(UserError, "only takes EUR"):
            invoice.atlas_record_payment(amount=10.0, journal_id=euro_bank.id)
        with self.assertRefused(UserError, "must be a bank or cash journal"):
            invoice.atlas_record_payment(amount=10.0, journal_id=self.company_data["default_journal_sale"].id)

    def test_idempotency_key(self):
        invoice = self._sent_invoice(price=100.0)
        first = invoice.atlas_record_payment(amount=30.0, journal_id=self.bank.id, idempotency_key="pay-42")
        again = invoice.atlas_record_payment(amount=30.0, journal_id=self.bank.id, idempotency_key="pay-42")
        self.assertEqual(again["payment_id"], first["payment_id"])
        self.assertEqual(self.env["account.payment"].search_count([("atlas_idempotency_key", "=", "pay-42")]), 1)
        self.assertEqual(invoice.amount_residual, 70.0)
        other = self._sent_invoice(price=10.0)
        with self.assertRefused(UserError, "already used for payment"):
            other.atlas_record_payment(amount=5.0, journal_id=self.bank.id, idempotency_key="pay-42")

    def test_viewer_cannot_record_a_payment(self):
        invoice = self._sent_invoice(price=100.0)
        with self.assertRefused(AccessError, "Atlas Invoicing/Bookkeeper"):
            invoice.with_user(self.users["viewer"]).atlas_record_payment(amount=10.0, journal_id=self.bank.id)
        self.assertEqual(invoice.amount_residual, 100.0)

    def test_wizard_defaults_to_the_balance_due(self):
        invoice = self._sent_invoice(price=100.0)
        invoice.atlas_record_payment(amount=25.0, journal_id=self.bank.id)
        wizard = self.env["atlas.payment.record"].with_user(self.users["bookkeeper"]).create({"invoice_id": invoice.id})
        self.assertEqual(wizard.amount, 75.0)
        self.assertEqual(wizard.journal_id.type, "bank")
        wizard.write({"method": "wire", "payment_date": "2026-03-01"})
        wizard.action_apply()
        self.assertEqual(invoice.atlas_status, "paid")


@tagged("post_install", "-at_install")
class TestRefund(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.receivable = cls.company_data["default_account_receivable"]

    def _sent_invoice(self, price=100.0):
        invoice = self._create_invoice(price=price)
        invoice.action_atlas_mark_sent()
        return invoice

    def test_refund_unpaid_invoice(self):
        invoice = self._sent_invoice()
        result = invoice.with_user(self.users["accountant"]).atlas_refund(reason="Service cancelled")
        credit_note = self.env["account.move"].browse(result["credit_note_id"])
        self.assertRecordValues(
            credit_note, [{"move_type": "out_refund", "state": "posted", "amount_total": 100.0, "amount_residual": 0}]
        )
        self.assertFalse(result["refund_payment_id"])
        self.assertRecordValues(invoice, [{"atlas_status": "refunded", "amount_residual": 0.0}])

    def test_refund_paid_invoice_pays_the_money_back(self):
        invoice = self._sent_invoice()
        invoice.atlas_record_payment(amount=100.0, journal_id=self.bank.id, payment_method="check")
        result = invoice.atlas_refund(journal_id=self.bank.id, payment_method="wire", reason="Returned")
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertRecordValues(refund, [{"payment_type": "outbound", "amount": 100.0, "state": "paid"}])
        lines = sorted((line.account_id.id, line.debit, line.credit) for line in refund.move_id.line_ids)
        # Debit Accounts Receivable / Credit the bank.
        self.assertEqual(
            lines, sorted([(self.receivable.id, 100.0, 0.0), (self.bank.default_account_id.id, 0.0, 100.0)])
        )
        self.assertEqual(refund.payment_method_line_id.name, "Wire Transfer")
        self.assertRecordValues(invoice, [{"atlas_status": "refunded"}])

    def test_refund_partially_paid_invoice(self):
        invoice = self._sent_invoice()
        invoice.atlas_record_payment(amount=30.0, journal_id=self.bank.id)
        result = invoice.atlas_refund(journal_id=self.bank.id, payment_method="check")
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertEqual(refund.amount, 30.0, "only the money received goes back")
        credit_note = self.env["account.move"].browse(result["credit_note_id"])
        self.assertEqual(credit_note.amount_residual, 0.0)
        self.assertRecordValues(invoice, [{"atlas_status": "refunded", "amount_residual": 0.0}])

    def test_refund_twice_and_drafts_are_refused(self):
        invoice = self._sent_invoice()
        invoice.atlas_refund(idempotency_key="refund-7")
        again = invoice.atlas_refund(idempotency_key="refund-7")
        self.assertEqual(len(invoice.reversal_move_ids), 1, "a retried refund creates nothing")
        self.assertEqual(again["credit_note_id"], invoice.reversal_move_ids.id)
        with self.assertRefused(UserError, "already has a credit note"):
            invoice.atlas_refund()
        draft = self._create_invoice()
        with self.assertRefused(UserError, "draft has no journal entry"):
            draft.atlas_refund()

    def test_bookkeeper_cannot_refund(self):
        invoice = self._sent_invoice()
        with self.assertRefused(AccessError, "Atlas Invoicing/Accountant"):
            invoice.with_user(self.users["bookkeeper"]).atlas_refund()
        self.assertFalse(invoice.reversal_move_ids)

    def test_partial_credit_note_lowers_the_balance(self):
        invoice = self._sent_invoice()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "discount"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids = [Command.update(credit_note.invoice_line_ids.id, {"price_unit": 25.0})]
        credit_note.action_post()
        self.assertRecordValues(invoice, [{"atlas_status": "sent", "amount_residual": 75.0}])
