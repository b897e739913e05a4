from odoo import fields, models

from .atlas_owning_operation import has_atlas_role, in_owning_operation, owning_operation


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # The AR Aging as of a date reads the partials matched after it (max_date > date): a
    # few among all the matches of a large book, found through this index.
    max_date = fields.Date(index=True)

    def unlink(self):
        # EXTENDS account: unmatching a payment or a credit note from an invoice (the invoice
        # form's payment widget, a journal item's Unreconcile) makes it due again: for Atlas's
        # roles an Accountant's, as resetting the payment is. Odoo's own operations that
        # unmatch on their way (an Accountant's Reset to Draft, a refund) are not this door.
        if self and has_atlas_role(self.env) and not in_owning_operation():
            self._atlas_check_unmatch()
        with owning_operation():
            return super().unlink()

    def _atlas_check_unmatch(self):
        lines = self.debit_move_id | self.credit_move_id
        invoices = lines.move_id.filtered(lambda move: move.is_sale_document(include_receipts=True))
        if invoices:
            invoices._atlas_check_role(
                "accountant",
                self.env._(
                    "Only an Atlas Accountant can unmatch a payment or a credit note from an invoice (%(invoices)s).",
                    invoices=", ".join(invoices.mapped("name")),
                ),
            )
