import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DEFAULT_INVOICE_PREFIX = "INV/"
# Letters, spaces and separators only: the year and the number that follow the prefix are
# digits, and Odoo's sequence parser must be able to tell them apart from the prefix.
PREFIX_PATTERN = re.compile(r"^[A-Za-z][A-Za-z _./#-]{0,15}$")


class ResCompany(models.Model):
    _inherit = "res.company"

    atlas_invoice_prefix = fields.Char(
        string="Invoice Number Prefix",
        default=DEFAULT_INVOICE_PREFIX,
        help="Customer invoices are numbered <prefix><year>/<number>, e.g. INV/2026/00001. "
        "A new prefix applies to invoices numbered after the change; numbers already given never change.",
    )
    atlas_invoice_prefixes_used = fields.Char(
        string="Invoice Number Prefixes Used",
        readonly=True,
        help="Every prefix the company has numbered with, one a line: their series are kept apart.",
    )
    atlas_sale_tax_on_lines = fields.Boolean(
        string="Default Sales Tax on Lines Without a Product",
        help="New customer invoice lines without a product get the default sales tax (lines with a "
        "product get the product's taxes). An explicit empty tax list stays empty.",
    )

    @api.constrains("atlas_invoice_prefix")
    def _check_atlas_invoice_prefix(self):
        for company in self:
            prefix = company.atlas_invoice_prefix
            if prefix and not PREFIX_PATTERN.match(prefix):
                raise ValidationError(
                    self.env._(
                        "The invoice number prefix “%(prefix)s” is not valid. Start with a letter and use only "
                        "letters, spaces and the separators / - _ . # (no digits), at most 16 characters, "
                        "e.g. “INV/” or “ACME-”.",
                        prefix=prefix,
                    )
                )

    def write(self, vals):
        # Remember each prefix set, so that going back to an earlier one (or to the default)
        # does not continue the series of the prefix set in between.
        if "atlas_invoice_prefix" in vals:
            for company in self:
                used = set((company.atlas_invoice_prefixes_used or "").splitlines())
                new_prefix = vals["atlas_invoice_prefix"] or DEFAULT_INVOICE_PREFIX
                used |= {company._atlas_effective_invoice_prefix(), new_prefix}
                super(ResCompany, company).write({"atlas_invoice_prefixes_used": "\n".join(sorted(used))})
        return super().write(vals)

    def _atlas_effective_invoice_prefix(self):
        self.ensure_one()
        return self.atlas_invoice_prefix or DEFAULT_INVOICE_PREFIX
