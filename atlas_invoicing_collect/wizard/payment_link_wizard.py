from odoo import api, models
from odoo.exceptions import AccessError

from odoo.addons.atlas_invoicing.models.atlas_owning_operation import has_atlas_role


class PaymentLinkWizard(models.TransientModel):
    _inherit = "payment.link.wizard"

    @api.model
    def default_get(self, fields_list):
        # EXTENDS payment: a payment link of an invoice is an Accountant's, like the other ways of
        # settling an invoice other than recording the money received. Checked on the server:
        # the gear menu offers Odoo's action to every accounting user.
        if self.env.context.get("active_model") == "account.move" and has_atlas_role(self.env):
            if not self.env.user.has_group("atlas_invoicing.group_atlas_accountant"):
                raise AccessError(self.env._("Only an Atlas Accountant can create a payment link for an invoice."))
        return super().default_get(fields_list)

    @api.depends("amount", "amount_max", "currency_id", "partner_id", "company_id")
    def _compute_link(self):
        # EXTENDS payment: the link of an invoice pays at most what is due on it. Odoo only warns
        # (the link's amount is signed in its access token, so the customer would pay it all).
        res = super()._compute_link()
        for wizard in self:
            if wizard.res_model == "account.move" and (wizard.amount <= 0 or wizard.amount > wizard.amount_max):
                wizard.link = False
        return res
