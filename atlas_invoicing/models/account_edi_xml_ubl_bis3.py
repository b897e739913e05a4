from odoo import models

# Odoo's two checks of a line's tax, as its builder names them in the constraints it returns.
ODOO_LINE_TAX_CONSTRAINTS = ("tax_on_line", "cen_en16931_tax_line")


class AccountEdiXmlUblBis3(models.AbstractModel):
    _inherit = "account.edi.xml.ubl_bis3"

    def _export_invoice_constraints(self, invoice, vals):
        # EXTENDS account_edi_ubl_cii: a line without a tax fails two of Odoo's checks, each
        # saying "each invoice line" without naming one. Atlas's export names each line and
        # what it lacks instead; Odoo's own sending keeps Odoo's messages.
        constraints = super()._export_invoice_constraints(invoice, vals)
        if not self.env.context.get("atlas_export"):
            return constraints
        odoo_messages = [constraints.pop(key, None) for key in ODOO_LINE_TAX_CONSTRAINTS]
        if not any(odoo_messages):
            return constraints
        lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type not in ("line_note", "line_section"))
        for line in lines:
            # As Odoo's check: any number of fixed taxes (ecotaxes) besides one classified tax.
            taxes = line.tax_ids.flatten_taxes_hierarchy().filtered(lambda tax: tax.amount_type != "fixed")
            if not taxes:
                constraints[f"atlas_tax_line_{line.id}"] = self.env._(
                    "Line “%(line)s” has no tax: Peppol needs exactly one tax on each line "
                    "(a zero-rate tax when none applies).",
                    line=line.name or line.product_id.display_name,
                )
            elif len(taxes) > 1:
                constraints[f"atlas_tax_line_{line.id}"] = self.env._(
                    "Line “%(line)s” has %(count)s taxes (%(taxes)s): Peppol needs exactly one tax on each line.",
                    line=line.name or line.product_id.display_name,
                    count=len(taxes),
                    taxes=", ".join(taxes.mapped("name")),
                )
        return constraints
