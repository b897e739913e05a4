from odoo import fields, models


class ContractLine(models.Model):
    _inherit = "contract.line"

    # OCA fills the markers in when it makes the invoice line; the contract keeps them.
    name = fields.Text(
        help="The invoice line's description. OCA contract replaces, on each invoice, "
        "#START# and #END# with the first and last day of the period billed and "
        "#INVOICEMONTHNAME# with the month's name, in the customer's language: "
        "“Managed IT services, #START# to #END#” reads “Managed IT services, 01/01/2027 to "
        "01/31/2027” on January's invoice. The contract itself keeps the markers.",
    )
