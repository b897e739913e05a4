from odoo import api, fields, models


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
    atlas_next_description = fields.Text(
        string="On the Next Invoice",
        compute="_compute_atlas_next_description",
        help="The line's description as its next invoice will read it: the markers of the description "
        "filled in with the next period to invoice (named in words when nothing is left to invoice).",
    )

    @api.depends(
        "name",
        "display_type",
        "date_start",
        "date_end",
        "last_date_invoiced",
        "recurring_next_date",
        "recurring_rule_type",
        "recurring_interval",
        "recurring_invoicing_type",
        "recurring_invoicing_offset",
        "contract_id.partner_id.lang",
    )
    def _compute_atlas_next_description(self):
        for line in self:
            if line.display_type or not line.name:
                line.atlas_next_description = False
                continue
            first, last, _next = line._get_period_to_invoice(line.last_date_invoiced, line.recurring_next_date)
            if first and last:
                # OCA's own filling-in, as on the invoice line it makes (_prepare_invoice_line).
                line.atlas_next_description = line._insert_markers(first, last)
            else:
                description = line.name
                for marker, words in self._atlas_marker_words().items():
                    description = description.replace(marker, words)
                line.atlas_next_description = description

    def _atlas_marker_words(self):
        """What OCA's markers stand for, for a line with no period left to invoice."""
        return {
            "#START#": self.env._("first day of the period"),
            "#END#": self.env._("last day of the period"),
            "#INVOICEMONTHNAME#": self.env._("month of the period"),
        }
