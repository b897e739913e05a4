from odoo import models

# Odoo's flags on an invoice, tracked for Odoo's own purposes: "No → Yes (Checked)", "(Is
# Move Sent)". Atlas's Invoice Status already says Sent, Paid or Refunded in words.
ATLAS_UNTRACKED_FIELDS = ("checked", "is_move_sent")


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _mail_track(self, tracked_fields, initial_values):
        # EXTENDS mail: a customer document's chatter keeps the changes a person makes or
        # cares about. The payment reference Odoo fills in on posting ("None → INV/…") is not
        # one; a reference changed afterwards still is. Users without an Atlas role keep Odoo's
        # tracking (asked of the user, not of the environment: tracking is written as superuser).
        atlas_user = self.env.user.has_group("atlas_invoicing.group_atlas_viewer")
        if atlas_user and self.is_sale_document(include_receipts=True):
            hidden = set(ATLAS_UNTRACKED_FIELDS)
            if not initial_values.get("payment_reference"):
                hidden.add("payment_reference")
            tracked_fields = {name: field for name, field in tracked_fields.items() if name not in hidden}
        return super()._mail_track(tracked_fields, initial_values)
