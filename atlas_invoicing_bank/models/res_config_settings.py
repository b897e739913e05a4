from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    atlas_statement_file_limit_mb = fields.Integer(
        related="company_id.atlas_statement_file_limit_mb",
        readonly=False,
    )
