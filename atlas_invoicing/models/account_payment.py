from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    atlas_idempotency_key = fields.Char(
        string="Idempotency Key",
        copy=False,
        readonly=True,
        help="Key given by the client that recorded this payment: the same call retried with "
        "the same key returns this payment instead of recording a second one.",
    )

    _sql_constraints = [
        (
            "atlas_idempotency_key_unique",
            "UNIQUE(company_id, atlas_idempotency_key)",
            "This idempotency key was already used for another payment.",
        ),
    ]

    def _atlas_route_to_outstanding(self):
        """Move this Atlas payment's money from the bank account to the journal's Outstanding
        Receipts account, so that a bank statement line can be reconciled with it.

        An Atlas payment debits the bank account itself; the bank statement line that reports
        the same money debits it too (Odoo gives every statement line exactly one bank item).
        The payment's bank item is therefore turned into an Outstanding Receipts item, which
        the statement line's counterpart settles: the bank is debited once, by the bank's own
        line, as in Odoo's standard flow. Only the account changes: amount, date, partner and
        the reconciliation with the invoice stay.

        :return: the payment's item to reconcile with the statement line
        """
        self.ensure_one()
        journal = self.journal_id
        bank_line = self.move_id.line_ids.filtered(
            lambda line: line.account_id == journal.default_account_id and not line.reconciled
        )
        outstanding = self._atlas_outstanding_account()
        if not bank_line:
            return self.move_id.line_ids.filtered(lambda line: line.account_id == outstanding and not line.reconciled)
        bank_line.with_context(skip_account_move_synchronization=True).write({"account_id": outstanding.id})
        self.message_post(
            body=self.env._(
                "Matched with the bank statement: the money is now on %(outstanding)s until the bank line "
                "settles it (the bank account is debited by the statement line).",
                outstanding=outstanding.display_name,
            )
        )
        return bank_line

    def _atlas_outstanding_account(self):
        """The journal's Outstanding Receipts account, set on its "Manual" inbound method so that
        Odoo counts it among the payment's liquidity accounts (_get_valid_liquidity_accounts)."""
        self.ensure_one()
        manual = self.journal_id.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_method_id.code == "manual"
        )[:1]
        if manual.payment_account_id:
            return manual.payment_account_id
        outstanding = self._get_outstanding_account("inbound")
        if manual:
            manual.sudo().payment_account_id = outstanding
        return outstanding
