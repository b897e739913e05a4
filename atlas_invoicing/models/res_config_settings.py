from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    atlas_invoice_prefix = fields.Char(
        related="company_id.atlas_invoice_prefix",
        readonly=False,
    )
    atlas_sale_tax_on_lines = fields.Boolean(
        related="company_id.atlas_sale_tax_on_lines",
        readonly=False,
    )

    def _inverse_account_default_credit_limit(self):
        # The settings form saves every field it shows, account's default credit limit among
        # them; its inverse writes a default value (ir.default), which only Odoo's Settings
        # administrators may create. Who may save these settings at all (the Atlas
        # Administrator, by its access right) saves that default as well.
        return super(ResConfigSettings, self.sudo())._inverse_account_default_credit_limit()

    def _compute_display_name(self):
        # The form reads the settings' name back when it saves them: Odoo takes it from their
        # window action, which only Settings administrators may read; the Atlas Administrator
        # saves these settings without being one.
        action = self.env["ir.actions.act_window"].sudo().search([("res_model", "=", self._name)], limit=1)
        self.display_name = action.name or self._name
