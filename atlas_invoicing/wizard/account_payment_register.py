from odoo import models

from ..models.atlas_owning_operation import has_atlas_role, owning_operation


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payment_vals_from_wizard(self, batch_result):
        # EXTENDS account: an Atlas refund closes the credit note's part that was never money
        # (the payments' write-offs and early-payment discounts) on the accounts those used.
        payment_vals = super()._create_payment_vals_from_wizard(batch_result)
        extra_lines = self.env.context.get("atlas_write_off_line_vals")
        if extra_lines:
            payment_vals["write_off_line_vals"] += extra_lines
        return payment_vals

    def _create_payments(self):
        # EXTENDS account: Atlas records payments on posted invoices only, whichever door opens
        # this wizard (Odoo's Pay, a journal item's Register Payment).
        if has_atlas_role(self.env):
            self.line_ids.move_id._atlas_check_posted_for_payment()
        with owning_operation():
            return super()._create_payments()
