from odoo import models

from odoo.addons.atlas_invoicing.models.account_payment_method import atlas_method_code


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _create_payment(self, **extra_create_values):
        # EXTENDS account_payment: a customer's online payment (a card, through the provider) is
        # recorded with Atlas's Credit Card method of the provider's journal, as Record Payment
        # records a card payment: the money is on the journal's bank account on the payment's
        # date, the Cash Flow Statement files it under Credit Card, and the bank side matches the
        # provider's payout to it as to any Atlas payment (moving it to Outstanding Receipts).
        # The transaction stays linked to the payment (payment_transaction_id).
        if "payment_method_line_id" not in extra_create_values:
            card = self.provider_id.journal_id.inbound_payment_method_line_ids.filtered(
                lambda line: line.payment_method_id.code == atlas_method_code("card")
            )[:1]
            if card:
                extra_create_values["payment_method_line_id"] = card.id
        return super()._create_payment(**extra_create_values)
