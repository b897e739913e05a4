from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def reverse_moves(self, is_modify=False):
        # EXTENDS account: the credit note Odoo's Credit Note (Reverse) makes opens in the Atlas
        # form, as Atlas's Refund's does.
        action = super().reverse_moves(is_modify=is_modify)
        if len(self.new_move_ids) == 1 and self.new_move_ids._atlas_lands_on_atlas_form():
            return self.new_move_ids.get_formview_action()
        return action
