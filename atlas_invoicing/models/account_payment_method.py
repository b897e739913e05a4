from odoo import api, models

# The payment methods of Atlas's Record Payment: code -> label.
ATLAS_PAYMENT_METHODS = {
    "check": "Check",
    "ach": "ACH",
    "wire": "Wire Transfer",
    "card": "Credit Card",
    "cash": "Cash",
}


def atlas_method_code(method):
    return f"atlas_{method}"


class AccountPaymentMethod(models.Model):
    _inherit = "account.payment.method"

    @api.model
    def _get_payment_method_information(self):
        # EXTENDS account: the Atlas methods exist on every bank and cash journal.
        res = super()._get_payment_method_information()
        for method in ATLAS_PAYMENT_METHODS:
            res[atlas_method_code(method)] = {"mode": "multi", "type": ("bank", "cash")}
        return res


class AccountPaymentMethodLine(models.Model):
    _inherit = "account.payment.method.line"

    @api.model_create_multi
    def create(self, vals_list):
        # An Atlas payment goes straight to the deposit account (Debit Business Checking /
        # Credit Accounts Receivable), not to an "Outstanding Receipts" account waiting for
        # bank reconciliation: the money is recorded as received.
        methods = self.env["account.payment.method"].browse([vals.get("payment_method_id") for vals in vals_list])
        journals = self.env["account.journal"].browse([vals.get("journal_id") for vals in vals_list])
        for vals, method, journal in zip(vals_list, methods, journals, strict=True):
            if method.code and method.code.startswith("atlas_"):
                if not vals.get("payment_account_id"):
                    vals["payment_account_id"] = journal.default_account_id.id
                # After Odoo's own "Manual", which stays the journal's default method.
                vals.setdefault("sequence", 50)
        return super().create(vals_list)
