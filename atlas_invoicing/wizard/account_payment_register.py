from odoo import models


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
