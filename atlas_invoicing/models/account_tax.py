from odoo import fields, models


class AccountTax(models.Model):
    _inherit = "account.tax"

    # === Export === #
    atlas_xero_tax_type = fields.Char(
        string="Xero Tax Type",
        help="The name of this tax's rate in Xero, exactly as Xero shows it under Settings → "
        "Tax Rates (e.g. “Tax on Sales”, “15% GST on Income”, “20% (VAT on Income)”): the "
        "Xero export writes it in the TaxType column. Left empty, the export writes Xero's "
        "default names: “Tax on Sales” for a tax with a rate, “Tax Exempt” for a 0% tax.",
    )
