"""What happened to an online payment since its provider's payout was proposed."""

from odoo import models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def _atlas_payout_change(self):
        """What happened to this online payment since its payout was proposed, in words, or
        False when its money still waits for the payout."""
        self.ensure_one()
        if self.state == "draft" or self.move_id.state == "draft":
            return self.env._("online payment %(payment)s was reset to draft", payment=self.name)
        if self.state in ("canceled", "rejected") or self.move_id.state == "cancel":
            return self.env._("online payment %(payment)s was cancelled", payment=self.name)
        # Refunded through the provider (Odoo's Refund of the payment), or its invoice refunded
        # with Atlas's Refund (the money paid back through the invoice's credit note).
        refunds = self.search(
            [("source_payment_id", "=", self.id), ("state", "not in", ("draft", "canceled", "rejected"))]
        ) | self.reconciled_invoice_ids.atlas_refund_payment_ids.filtered(
            lambda refund: refund.state not in ("draft", "canceled", "rejected")
        )
        if refunds:
            return self.env._(
                "online payment %(payment)s was refunded (%(refunds)s)",
                payment=self.name,
                refunds=", ".join(refunds.mapped("name")),
            )
        reversals = self.move_id.reversal_move_ids.filtered(lambda move: move.state == "posted")
        if reversals:
            return self.env._(
                "online payment %(payment)s was reversed (%(entries)s)",
                payment=self.name,
                entries=", ".join(reversals.mapped("name")),
            )
        # The payment's money: on the bank account, or on Outstanding Receipts (Odoo's, or the
        # one Atlas moves it to when a bank line is confirmed).
        accounts = self.journal_id.default_account_id | self.outstanding_account_id | self._atlas_outstanding_account()
        items = self.move_id.line_ids.filtered(lambda item: item.account_id in accounts and item.balance > 0)
        if items and not items.filtered(lambda item: not item.reconciled):
            settled_by = (items.matched_credit_ids.credit_move_id | items.matched_debit_ids.debit_move_id).move_id
            bank_lines = settled_by.statement_line_id
            if bank_lines:
                return self.env._(
                    "online payment %(payment)s is on bank line “%(line)s” now",
                    payment=self.name,
                    line=", ".join(bank_lines.mapped(lambda line: line.payment_ref or line.name)),
                )
            return self.env._(
                "online payment %(payment)s was settled by %(entries)s",
                payment=self.name,
                entries=", ".join(settled_by.mapped("name")),
            )
        return False
