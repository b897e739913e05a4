from odoo import models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    def _atlas_payment_methods(self, payment_type):
        if self.type not in ("bank", "cash"):
            return self.env["account.payment.method"]
        return self.env["account.payment.method"].search(
            [("code", "=like", "atlas\\_%"), ("payment_type", "=", payment_type)]
        )

    def _default_inbound_payment_methods(self):
        # EXTENDS account: new bank and cash journals get the Atlas methods too.
        return super()._default_inbound_payment_methods() | self._atlas_payment_methods("inbound")

    def _default_outbound_payment_methods(self):
        # EXTENDS account
        return super()._default_outbound_payment_methods() | self._atlas_payment_methods("outbound")
