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
