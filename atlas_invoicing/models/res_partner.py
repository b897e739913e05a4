from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # === Atlas customer fields === #
    atlas_currency_id = fields.Many2one(
        comodel_name="res.currency",
        string="Invoice Currency",
        company_dependent=True,
        # The Atlas customer form starts from the company's currency; elsewhere the field stays
        # empty, which means the same and leaves Odoo's own currency rules untouched.
        default=lambda self: self.env.company.currency_id if self.env.context.get("atlas_customer") else False,
        help="Currency of this customer's new invoices. Empty means the company's currency.",
    )
