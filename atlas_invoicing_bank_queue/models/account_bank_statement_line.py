from odoo import api, models
from odoo.exceptions import UserError


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    @api.model_create_multi
    def create(self, vals_list):
        # A statement imported in jobs gets its lines from the file's chunks only: a line added
        # meanwhile would be numbered among the file's and counted in the balances its last
        # chunk sets.
        if not self.env.context.get("atlas_import"):
            self._atlas_check_not_importing({vals.get("statement_id") for vals in vals_list})
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("statement_id") and not self.env.context.get("atlas_import"):
            self._atlas_check_not_importing({vals["statement_id"]})
        return super().write(vals)

    def _atlas_check_not_importing(self, statement_ids):
        statements = self.env["account.bank.statement"].sudo().browse(sorted(filter(None, statement_ids)))
        importing = statements.filtered(lambda statement: statement.atlas_import_state in ("importing", "failed"))
        if importing:
            raise UserError(
                self.env._(
                    "Statement “%(statement)s” is being imported from its file (%(progress)s): add lines to it "
                    "once its import is complete or cancelled.",
                    statement=importing[0].display_name,
                    progress=importing[0].atlas_import_progress,
                )
            )
