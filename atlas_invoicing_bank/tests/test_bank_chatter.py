from odoo.tests import tagged
from odoo.tools import html2plaintext

from .bank_common import AtlasBankCommon

# Tracked as in the web client (Odoo's test classes turn tracking off).
TRACKING = {"tracking_disable": False, "mail_notrack": False}


@tagged("post_install", "-at_install")
class TestBankChatter(AtlasBankCommon):
    """The chatter of a bank line's entry: what the line was reconciled with, in words, and
    none of Odoo's technical tracking of the items the reconciliation rewrites ("Journal Item
    #95 deleted", "Bank Suspense Account → None")."""

    def _line(self, amount, description, payer="Northwind Traders"):
        result = self._import(
            self._csv([("2026-02-03", description, "", payer, amount, "ACH")]), "checking.csv", self.mapping
        )
        return self._lines(result).with_user(self.users["bookkeeper"]).with_context(**TRACKING)

    def _messages(self, line):
        self.env.cr.precommit.run()
        messages = line.move_id.sudo().message_ids
        return messages, [" ".join(html2plaintext(message.body or "").split()) for message in messages]

    def _assert_no_item_tracking(self, line):
        messages, texts = self._messages(line)
        self.assertFalse([text for text in texts if "Journal Item" in text], texts)
        fields = messages.tracking_value_ids.field_id.mapped("name")
        self.assertFalse(set(fields) & {"account_id", "balance", "name", "date_maturity", "tax_ids"}, fields)
        return texts

    def test_confirmed_match_says_what_it_settled(self):
        invoice = self._sent_invoice(1485.0)
        line = self._line(1485.0, f"ACH CREDIT NORTHWIND {invoice.name}")
        line.atlas_confirm_matches()
        self.assertTrue(line.is_reconciled)
        payment = invoice._get_reconciled_payments()
        texts = self._assert_no_item_tracking(line)
        outstanding = payment._atlas_outstanding_account()
        self.assertIn(
            f"Reconciled: {outstanding.display_name} $ 1,485.00, settling {payment.move_id.name}, {invoice.name}.",
            texts,
        )

    def test_reconciled_in_ocas_screen_then_undone(self):
        invoice = self._sent_invoice(640.0)
        line = self._line(640.0, "DEPOSIT")
        self.assertEqual(line.atlas_match_invoice_id, invoice)
        line.reconcile_bank_line()
        self.assertTrue(line.is_reconciled)
        texts = self._assert_no_item_tracking(line)
        self.assertIn(f"Reconciled: {self.receivable.display_name} $ 640.00, settling {invoice.name}.", texts)

        line.with_user(self.users["accountant"]).unreconcile_bank_line()
        self.assertFalse(line.is_reconciled)
        texts = self._assert_no_item_tracking(line)
        suspense = self.bank.suspense_account_id
        self.assertIn(f"Reconciliation undone: $ 640.00 waits on {suspense.display_name} again.", texts)

    def test_users_without_an_atlas_role_keep_odoos_messages(self):
        invoice = self._sent_invoice(640.0)
        line = self._line(640.0, "DEPOSIT")
        self.assertEqual(line.atlas_match_invoice_id, invoice)
        # Their rights aside (the line is an Atlas Bookkeeper's), the messages are asked of the user.
        line.with_user(self.users["billing"]).sudo().reconcile_bank_line()
        _messages, texts = self._messages(line)
        self.assertTrue([text for text in texts if "Journal Item" in text], texts)
