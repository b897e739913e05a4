from odoo import fields, models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    atlas_fee_account_id = fields.Many2one(
        "account.account",
        string="Fees Account",
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        check_company=True,
        help="Where the provider's fees go when its payout on the bank statement is confirmed: "
        "the payout is the online payments it bundles less this fee.",
    )
