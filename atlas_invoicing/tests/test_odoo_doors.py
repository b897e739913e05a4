from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import AtlasTestCommon

ROLES = ("bookkeeper", "accountant", "admin")


@tagged("post_install", "-at_install")
class TestOdooDoors(AtlasTestCommon):
    """Odoo's own buttons (its Invoicing app, list Actions, gear menu, payment form), which every
    Atlas role reaches, follow Atlas's rules on the server; and the fields an invoice's status and
    ledger rest on can't be written around the operations that own them, whatever the role."""

    def _sent_invoice(self, price=230.0):
        invoice = self._create_invoice(price=price)
        invoice.action_atlas_mark_sent()
        return invoice

    def _paid_invoice(self, price=230.0):
        invoice = self._sent_invoice(price)
        invoice.atlas_record_payment()
        return invoice

    def _ledger(self, invoice):
        """What an accountant checks: the invoice's status and amounts, and every journal item of
        the invoice and of its payments, with its account and balance."""
        invoice.invalidate_recordset()
        moves = invoice | invoice._get_reconciled_payments().move_id | invoice.reversal_move_ids
        return {
            "status": (invoice.state, invoice.payment_state, invoice.atlas_status, invoice.is_move_sent),
            "amounts": (invoice.amount_total, invoice.amount_residual, invoice.atlas_amount_paid),
            "dates": (invoice.invoice_date, invoice.invoice_date_due, invoice.atlas_exported_date),
            "partner": invoice.partner_id.id,
            "items": sorted(
                (line.move_id.id, line.account_id.id, line.partner_id.id, line.balance, line.reconciled)
                for line in moves.line_ids
            ),
            "moves": self.env["account.move"].search_count([]),
            "payments": self.env["account.payment"].search_count([]),
        }

    # -------------------------------------------------------------------------
    # Odoo's buttons
    # -------------------------------------------------------------------------

    def test_odoo_reverse_is_an_accountants_refund(self):
        invoice = self._sent_invoice()
        before = self._ledger(invoice)
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.users["bookkeeper"])
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Goodwill"})
        )
        with self.assertRefused(AccessError, "Only an Atlas Accountant can refund an invoice"):
            reversal.refund_moves()
        with self.assertRefused(AccessError, "Only an Atlas Accountant can refund an invoice"):
            reversal.modify_moves()
        self.assertEqual(self._ledger(invoice), before)
        # A credit note made by hand and confirmed is a refund too.
        credit_note = (
            self.env["account.move"]
            .with_user(self.users["bookkeeper"])
            .create({**self._invoice_vals(price=230.0), "move_type": "out_refund"})
        )
        with self.assertRefused(AccessError, "Only an Atlas Accountant can confirm a credit note"):
            credit_note.action_post()
        self.assertEqual(credit_note.state, "draft")
        # The Accountant reverses through Odoo's wizard and confirms the credit note: the
        # invoice is Refunded.
        action = reversal.with_user(self.users["accountant"]).refund_moves()
        credit_note = self.env["account.move"].browse(action["res_id"])
        credit_note.with_user(self.users["accountant"]).action_post()
        self.assertEqual(invoice.atlas_status, "refunded")

    def test_odoo_reset_to_draft_follows_atlas_rule(self):
        invoice = self._sent_invoice()
        before = self._ledger(invoice)
        with self.assertRefused(AccessError, "Only an Atlas Accountant can reset an invoice to draft"):
            invoice.with_user(self.users["bookkeeper"]).button_draft()
        self.assertEqual(self._ledger(invoice), before)
        paid = self._paid_invoice()
        before_paid = self._ledger(paid)
        with self.assertRefused(UserError, r"has payments or credit notes, so it can't go back to draft"):
            paid.with_user(self.users["accountant"]).button_draft()
        self.assertEqual(self._ledger(paid), before_paid)
        invoice.with_user(self.users["accountant"]).button_draft()
        self.assertEqual((invoice.state, invoice.atlas_status), ("draft", "draft"))
        # Back to draft is "not sent", as on Atlas's own Reset to Draft: the corrected invoice,
        # confirmed again, waits to be sent instead of showing Sent.
        self.assertFalse(invoice.is_move_sent)
        invoice.with_user(self.users["accountant"]).action_post()
        self.assertEqual(invoice.atlas_status, "posted")

    def test_odoo_reset_to_draft_of_a_cancelled_invoice_is_an_accountants(self):
        # A cancelled invoice that had been sent keeps its number: bringing it back to draft,
        # to be edited and sent again, is the Accountant's, as Atlas's own Reset to Draft is.
        invoice = self._sent_invoice()
        invoice.button_cancel()
        before = self._ledger(invoice)
        with self.assertRefused(AccessError, "Only an Atlas Accountant can reset an invoice to draft"):
            invoice.with_user(self.users["bookkeeper"]).button_draft()
        self.assertEqual(self._ledger(invoice), before)
        invoice.with_user(self.users["accountant"]).button_draft()
        self.assertEqual((invoice.state, invoice.atlas_status), ("draft", "draft"))

    def test_odoo_lock_is_an_accountants(self):
        # Odoo's Lock hashes a posted invoice for good: it can never be reset to draft again.
        invoice = self._sent_invoice()
        before = self._ledger(invoice)
        with self.assertRefused(AccessError, "Only an Atlas Accountant can lock an invoice"):
            invoice.with_user(self.users["bookkeeper"]).button_hash()
        self.assertEqual(self._ledger(invoice), before)
        self.assertFalse(invoice.inalterable_hash)
        invoice.with_user(self.users["accountant"]).button_hash()
        self.assertTrue(invoice.inalterable_hash)

    def test_payment_reset_cancel_and_delete_are_an_accountants(self):
        invoice = self._paid_invoice()
        payment = invoice._get_reconciled_payments()
        before = self._ledger(invoice)
        self.assertEqual(invoice.atlas_status, "paid")
        bookkeeper_payment = payment.with_user(self.users["bookkeeper"])
        for door, pattern in (
            (bookkeeper_payment.action_draft, "reset a payment to draft"),
            (bookkeeper_payment.action_cancel, "cancel a payment"),
            (bookkeeper_payment.action_validate, "mark a payment as paid by hand"),
            (bookkeeper_payment.action_reject, "reject a payment"),
            (bookkeeper_payment.unlink, "delete a confirmed payment"),
        ):
            with self.subTest(door=door.__name__), self.assertRefused(AccessError, pattern):
                door()
            self.assertEqual(self._ledger(invoice), before)
        # The Accountant takes the payment back: the invoice is due again (Odoo's rule).
        payment.with_user(self.users["accountant"]).action_draft()
        self.assertEqual((invoice.payment_state, invoice.atlas_status), ("not_paid", "sent"))

    def test_unmatching_a_payment_is_an_accountants(self):
        invoice = self._paid_invoice()
        payment = invoice._get_reconciled_payments()
        partial = (invoice.line_ids.matched_credit_ids | invoice.line_ids.matched_debit_ids)[:1]
        before = self._ledger(invoice)
        bookkeeper_invoice = invoice.with_user(self.users["bookkeeper"])
        with self.assertRefused(AccessError, "Only an Atlas Accountant can unmatch a payment"):
            bookkeeper_invoice.js_remove_outstanding_partial(partial.id)
        with self.assertRefused(AccessError, "Only an Atlas Accountant can unmatch a payment"):
            payment.move_id.line_ids.with_user(self.users["bookkeeper"]).remove_move_reconcile()
        self.assertEqual(self._ledger(invoice), before)
        # The Accountant unmatches it from the invoice's payment widget: due again, the
        # payment stays, its money open on the customer.
        invoice.with_user(self.users["accountant"]).js_remove_outstanding_partial(partial.id)
        self.assertEqual((invoice.payment_state, invoice.atlas_status), ("not_paid", "sent"))
        self.assertEqual(payment.state, "paid")

    def test_merging_customers_with_posted_entries_is_an_accountants(self):
        # Odoo's Merge (the customers list's Actions) moves the merged contacts' invoices and
        # payments to the contact kept, by SQL: a posted invoice changes customer.
        duplicate = self.env["res.partner"].create(
            {"name": "Northwind Traders Inc.", "email": self.customer.email, "customer_rank": 1}
        )
        invoice = self._paid_invoice()
        before = self._ledger(invoice)

        def merge(user):
            wizard = (
                self.env["base.partner.merge.automatic.wizard"]
                .with_user(user)
                .with_context(active_model="res.partner", active_ids=(self.customer | duplicate).ids)
                .create({"dst_partner_id": duplicate.id})
            )
            return wizard.action_merge()

        with self.assertRefused(AccessError, r"Only an Atlas Accountant can merge contacts that have posted"):
            merge(self.users["bookkeeper"])
        self.assertEqual(self._ledger(invoice), before)
        self.assertTrue(self.customer.exists())
        # Contacts without posted entries are the Bookkeeper's to merge.
        spare = self.env["res.partner"].create({"name": "Northwind", "email": self.customer.email})
        (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.users["bookkeeper"])
            .with_context(active_model="res.partner", active_ids=(spare | duplicate).ids)
            .create({"dst_partner_id": duplicate.id})
            .action_merge()
        )
        self.assertFalse(spare.exists())
        # The Accountant merges them: the invoice and its payment are the kept contact's.
        merge(self.users["accountant"])
        self.assertFalse(self.customer.exists())
        self.assertEqual(invoice.partner_id, duplicate)
        self.assertEqual(invoice.atlas_status, "paid")

    def test_odoo_pay_refuses_a_draft(self):
        draft = self.env["account.move"].create({**self._invoice_vals(price=230.0), "partner_id": False})
        before = self._ledger(draft)
        with self.assertRefused(UserError, r"is not posted: a payment is recorded on a posted invoice only"):
            draft.with_user(self.users["bookkeeper"]).action_force_register_payment()
        # The wizard opened another way (a journal item's Register Payment) refuses it too.
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.users["bookkeeper"])
            .with_context(active_model="account.move.line", active_ids=draft.line_ids.filtered("debit").ids)
            .create({"amount": 230.0})
        )
        with self.assertRefused(UserError, r"is not posted"):
            wizard.action_create_payments()
        self.assertEqual(self._ledger(draft), before)
        # A user without an Atlas role keeps Odoo's Pay, which pays drafts.
        action = draft.with_user(self.users["billing"]).action_force_register_payment()
        self.assertEqual(action["res_model"], "account.payment.register")

    # -------------------------------------------------------------------------
    # Bare writes
    # -------------------------------------------------------------------------

    def test_status_and_ledger_fields_are_not_written_directly(self):
        other = self.env["res.partner"].create({"name": "Someone Else"})
        sent = self._sent_invoice()
        paid = self._paid_invoice()
        writes = [
            {"atlas_status": "paid"},
            {"atlas_status": "refunded"},
            {"atlas_amount_paid": 230.0},
            {"payment_state": "paid"},
            {"state": "draft"},
            {"state": "cancel"},
            {"state": "draft", "partner_id": other.id},
            {"is_move_sent": False},
            {"atlas_exported_date": fields.Datetime.now()},
            {"invoice_date_due": "2030-01-01"},
            {"invoice_date": "2025-01-01"},
            {"partner_id": other.id},
            {"name": "INV/2026/99999"},
            {"invoice_line_ids": [Command.create({"name": "Extra", "price_unit": 1000.0})]},
        ]
        for invoice in (sent, paid):
            before = self._ledger(invoice)
            for role in ROLES:
                for vals in writes:
                    with self.subTest(invoice=invoice.atlas_status, role=role, vals=vals):
                        with self.assertRefused(UserError, "can't be written directly"):
                            invoice.with_user(self.users[role]).with_context(skip_readonly_check=True).write(vals)
                        self.assertEqual(self._ledger(invoice), before)
        # A draft is the Bookkeeper's to edit, but not its status.
        draft = self._create_invoice(price=100.0)
        draft.with_user(self.users["bookkeeper"]).write({"invoice_date_due": "2030-01-01", "partner_id": other.id})
        self.assertEqual(draft.partner_id, other)
        with self.assertRefused(UserError, "can't be written directly"):
            draft.with_user(self.users["bookkeeper"]).write({"state": "posted"})
        self.assertEqual(draft.state, "draft")
        # A user without an Atlas role keeps Odoo's own rules (a posted invoice's due date may move).
        sent.with_user(self.users["billing"]).write({"invoice_date_due": "2030-01-01"})
        self.assertEqual(str(sent.invoice_date_due), "2030-01-01")

    def test_payment_fields_are_not_written_directly(self):
        invoice = self._paid_invoice()
        payment = invoice._get_reconciled_payments()
        before = self._ledger(invoice)
        for vals in ({"state": "draft"}, {"state": "canceled"}, {"amount": 1.0}, {"date": "2025-01-01"}):
            for role in ROLES:
                with self.subTest(role=role, vals=vals), self.assertRefused(UserError, "can't be written directly"):
                    payment.with_user(self.users[role]).write(vals)
        self.assertEqual(self._ledger(invoice), before)
        with self.assertRefused(UserError, "A payment is created as a draft"):
            self.env["account.payment"].with_user(self.users["bookkeeper"]).create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.customer.id,
                    "amount": 230.0,
                    "state": "paid",
                }
            )
