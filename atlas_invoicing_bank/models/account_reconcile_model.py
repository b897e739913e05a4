from odoo import models


class AccountReconcileModel(models.Model):
    _inherit = "account.reconcile.model"

    def _apply_rules(self, st_line, partner):
        """EXTENDS account_reconcile_model_oca: Atlas's match of a line (see
        account.bank.statement.line) comes before the models' own matching, in the
        reconciliation screen as in the automatic reconciliation.

        Automatically, only a confirmation (_atlas_confirm) or a line Atlas matched to nothing
        reaches the rules, and then only the write-off rules (“label contains FEE → Bank
        Fees”): an invoice is paid automatically only through a match Atlas holds certain.
        """
        counterpart_ids = (self.env.context.get("atlas_counterpart_ids") or {}).get(st_line.id)
        if counterpart_ids:
            return {"amls": self.env["account.move.line"].browse(counterpart_ids), "auto_reconcile": True}
        if self.env.context.get("atlas_auto_reconcile"):
            if st_line.atlas_match_kind:
                return {}
            models = self
            if st_line.currency_id.compare_amounts(st_line.amount, 0.0) > 0:
                models = self.filtered(lambda m: m.rule_type == "writeoff_suggestion")
            return super(AccountReconcileModel, models)._apply_rules(st_line, partner)
        if st_line.atlas_match_kind and st_line.atlas_match_kind != "ambiguous" and not st_line.is_reconciled:
            counterpart = st_line._atlas_counterpart()
            if counterpart:
                return {"amls": counterpart, "auto_reconcile": False}
        return super()._apply_rules(st_line, partner)
