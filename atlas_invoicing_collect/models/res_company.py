from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["atlas.reminder.step"]._atlas_create_default_ladder(companies)
        return companies
