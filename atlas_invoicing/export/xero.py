"""Xero sales invoice import (Business > Invoices > Import), current template.

One row per line; the contact and invoice columns repeat on each row. Xero reads dates in
the format of the organisation's region: MM/DD/YYYY for a US organisation, DD/MM/YYYY
everywhere else (Xero's guide); the region is the company's country, or, without one, the
order of day and month in the company's language. UnitAmount is tax exclusive (choose
"Tax exclusive" when importing) and before the line's Discount, a percentage. AccountCode
is the code of the line's income account. TaxType must be the display name of one of the
organisation's Xero tax rates: the tax's "Xero Tax Type", else Xero's default names ("Tax
on Sales" for a tax with a rate, "Tax Exempt" for a 0% tax or no tax). Xero takes one tax
rate per line, at most 500 invoices per file; other selections are refused. Credit notes
have their own import in Xero and are refused here.
"""

from odoo.exceptions import UserError

from .common import csv_bytes, number, product_lines, unit_price_excluding_tax

HEADER = [
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "Reference",
    "*InvoiceDate",
    "*DueDate",
    "InventoryItemCode",
    "*Description",
    "*Quantity",
    "*UnitAmount",
    "Discount",
    "*AccountCode",
    "*TaxType",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
    "BrandingTheme",
]
DATE_FORMAT = "%d/%m/%Y"
# Xero's regions that read dates month first.
MONTH_FIRST_DATE_FORMAT = "%m/%d/%Y"
MONTH_FIRST_COUNTRIES = ("US",)
MAX_INVOICES = 500
NO_TAX = "Tax Exempt"
# Xero's default rate for sales tax, when a tax has no Xero Tax Type.
SALES_TAX = "Tax on Sales"


def date_format(company):
    """The organisation's date format: from the company's country, or, for a company
    without one, from its language's date format (month before day or not)."""
    if company.country_id:
        return MONTH_FIRST_DATE_FORMAT if company.country_id.code in MONTH_FIRST_COUNTRIES else DATE_FORMAT
    lang = company.env["res.lang"]._get_data(code=company.partner_id.lang or "en_US")
    lang_format = lang.date_format or ""
    month_first = lang_format.find("%m") != -1 and lang_format.find("%m") < lang_format.find("%d")
    return MONTH_FIRST_DATE_FORMAT if month_first else DATE_FORMAT


def tax_type(line):
    """The Xero tax rate of one line: its taxes' Xero Tax Type, or Xero's default name."""
    taxes = line.tax_ids.sorted(key=lambda tax: (tax.sequence, tax.id))
    names = []
    for tax in taxes:
        name = tax.atlas_xero_tax_type or (NO_TAX if tax.amount_type != "group" and not tax.amount else SALES_TAX)
        if name not in names:
            names.append(name)
    if len(names) > 1:
        raise UserError(
            line.env._(
                "Xero takes one tax rate per line, and line “%(line)s” of %(invoice)s has taxes of "
                "different Xero tax rates (%(rates)s). Give these taxes the same Xero Tax Type "
                "(Invoicing → Configuration → Taxes), the name of one combined rate in Xero.",
                line=line.name or line.product_id.display_name,
                invoice=line.move_id.name,
                rates=", ".join(names),
            )
        )
    return names[0] if names else NO_TAX


def rows(invoice, dates=DATE_FORMAT):
    env, currency, address = invoice.env, invoice.currency_id, invoice.partner_id
    due_date = invoice.invoice_date_due or invoice.invoice_date
    for line in product_lines(invoice):
        yield [
            invoice.commercial_partner_id.name,
            address.email or "",
            address.street or "",
            address.street2 or "",
            "",
            "",
            address.city or "",
            address.state_id.name or "",
            address.zip or "",
            address.country_id.name or "",
            invoice.name,
            invoice.ref or "",
            invoice.invoice_date.strftime(dates),
            due_date.strftime(dates),
            line.product_id.default_code or "",
            line.name or line.product_id.name or "",
            number(env, line.quantity, "Product Unit of Measure"),
            number(env, unit_price_excluding_tax(line), "Product Price"),
            number(env, line.discount, "Discount") if line.discount else "",
            line.account_id.code or "",
            tax_type(line),
            "",
            "",
            "",
            "",
            currency.name,
            "",
        ]


def build(invoices):
    # One company per export (checked before): one organisation, one date format.
    dates = date_format(invoices.company_id[:1])
    return csv_bytes(HEADER, (row for invoice in invoices for row in rows(invoice, dates)))
