from odoo import api, models


class PaymentLinkWizard(models.TransientModel):
    _inherit = "payment.link.wizard"

    @api.depends("amount", "amount_max", "currency_id", "partner_id", "company_id")
    def _compute_link(self):
        # EXTENDS payment: the link of an invoice pays at most what is due on it. Odoo only warns
        # (the link's amount is signed in its access token, so the customer would pay it all).
        res = super()._compute_link()
        for wizard in self:
            if wizard.res_model == "account.move" and (wizard.amount <= 0 or wizard.amount > wizard.amount_max):
                wizard.link = False
        return res
