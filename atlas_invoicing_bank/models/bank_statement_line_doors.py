"""OCA's reconciliation of a bank line owns its entry, as Odoo's own operations do
(atlas_invoicing's bank_statement_line_doors.py): reconciling it, undoing it (which makes an
invoice reconciled with the line itself due again, so the unmatching rule applies), and the
automatic reconciliation by matching rules."""

from odoo import models

from odoo.addons.atlas_invoicing.models.atlas_owning_operation import owning_operation


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"  # pylint: disable=consider-merging-classes-inherited

    def reconcile_bank_line(self):
        with owning_operation():
            return super().reconcile_bank_line()

    def unreconcile_bank_line(self):
        self._atlas_check_unmatch()
        with owning_operation():
            return super().unreconcile_bank_line()

    def _do_auto_reconcile(self, models):
        with owning_operation():
            return super()._do_auto_reconcile(models)
