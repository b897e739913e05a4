"""The operations that own a bank statement line's entry.

A bank line's entry (its bank item and its counterpart) is guarded like a payment's: a bare
write of its items or of the entry is refused for Atlas's roles (account_move_doors.py). It
changes through the bank line itself: its creation, its own fields (which Odoo synchronises into
the entry, refusing amounts once reconciled), and the undoing of its reconciliation. The bank
addon (atlas_invoicing_bank) adds its own reconciliations: Atlas's confirmation of a match and
OCA's reconciliation screen.
"""

from odoo import api, models

from .atlas_owning_operation import has_atlas_role, in_owning_operation, owning_operation


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        with owning_operation():
            return super().create(vals_list)

    def write(self, vals):
        with owning_operation():
            return super().write(vals)

    def action_undo_reconciliation(self):
        self._atlas_check_unmatch()
        with owning_operation():
            return super().action_undo_reconciliation()

    def _atlas_check_unmatch(self):
        # Undoing a bank line reconciled with an invoice itself (OCA's screen lets one pick the
        # invoice) makes the invoice due again: the unmatching rule of invoices applies.
        if has_atlas_role(self.env) and not in_owning_operation():
            items = self.move_id.line_ids
            (items.matched_debit_ids | items.matched_credit_ids)._atlas_check_unmatch()
