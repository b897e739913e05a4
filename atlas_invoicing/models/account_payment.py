from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .atlas_owning_operation import has_atlas_role, in_owning_operation, owning_operation, written_directly

# What a payment's state rests on: only its own buttons (Confirm, Validate, Reset to Draft,
# Cancel) and the reconciliation change them.
PAYMENT_STATUS_FIELDS = frozenset({"state", "is_reconciled", "is_matched", "move_id"})
# What a confirmed payment says about the money: how much, from whom, into which account, when.
CONFIRMED_PAYMENT_FIELDS = frozenset(
    {
        "amount",
        "currency_id",
        "partner_id",
        "partner_type",
        "payment_type",
        "journal_id",
        "payment_method_line_id",
        "destination_account_id",
        "outstanding_account_id",
        "date",
        "company_id",
    }
)


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

    # -------------------------------------------------------------------------
    # Odoo's buttons and bare writes, for Atlas's roles
    # -------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if has_atlas_role(self.env) and not in_owning_operation():
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or vals.get("move_id"):
                    raise UserError(
                        self.env._(
                            "A payment is created as a draft and confirmed with its Confirm button (or recorded "
                            "with Record Payment on the invoice)."
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if has_atlas_role(self.env) and not in_owning_operation():
            guarded = PAYMENT_STATUS_FIELDS.intersection(vals)
            if any(payment.state != "draft" for payment in self):
                guarded |= CONFIRMED_PAYMENT_FIELDS.intersection(vals)
            if guarded:
                raise written_directly(
                    self,
                    guarded,
                    self.env._(
                        "a payment changes only through its buttons (Confirm, Reset to Draft, Cancel), which keep "
                        "its journal entry and the invoices it pays in step."
                    ),
                )
        return super().write(vals)

    def action_post(self):
        with owning_operation():
            return super().action_post()

    def action_draft(self):
        # EXTENDS account: taking a payment back un-pays its invoices: an Accountant's.
        self._atlas_check_undo(self.env._("reset a payment to draft"))
        with owning_operation():
            return super().action_draft()

    def action_cancel(self):
        self._atlas_check_undo(self.env._("cancel a payment"))
        with owning_operation():
            return super().action_cancel()

    def action_validate(self):
        # Marks an in-process payment as paid without the bank's line: an Accountant's.
        self._atlas_check_undo(self.env._("mark a payment as paid by hand"))
        with owning_operation():
            return super().action_validate()

    def action_reject(self):
        self._atlas_check_undo(self.env._("reject a payment"))
        with owning_operation():
            return super().action_reject()

    def unlink(self):
        confirmed = self.filtered(lambda payment: payment.state != "draft")
        if confirmed:
            confirmed._atlas_check_undo(self.env._("delete a confirmed payment"))
        with owning_operation():
            return super().unlink()

    def _atlas_check_undo(self, what):
        # Checked at the door: not when Odoo's own operation does it (Confirm cancels the
        # payments whose online transaction failed).
        if not self or in_owning_operation():
            return
        if has_atlas_role(self.env) and not self.env.user.has_group("atlas_invoicing.group_atlas_accountant"):
            raise AccessError(self.env._("Only an Atlas Accountant can %(what)s.", what=what))

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
        # Part of confirming a bank line's match, which owns the payment's entry here.
        with owning_operation():
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
