"""Xero sales invoice import (Business > Invoices > Import), current template.

One row per line; the contact and invoice columns repeat on each row. Dates are
DD/MM/YYYY (Xero's guide). UnitAmount is tax exclusive (choose "Tax exclusive" when
importing) and before the line's Discount, a percentage. AccountCode is the code of the
line's income account; TaxType the name of the line's tax ("Tax Exempt" without tax):
name Odoo's taxes as the tax rates are named in Xero. Xero takes at most 500 invoices per
file; larger selections are refused. Credit notes have their own import in Xero and are
refused here.
"""

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
MAX_INVOICES = 500
NO_TAX = "Tax Exempt"


def rows(invoice):
    env, currency, address = invoice.env, invoice.currency_id, invoice.partner_id
    due_date = invoice.invoice_date_due or invoice.invoice_date
    for line in product_lines(invoice):
        taxes = line.tax_ids.sorted(key=lambda tax: (tax.sequence, tax.id))
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
            invoice.invoice_date.strftime(DATE_FORMAT),
            due_date.strftime(DATE_FORMAT),
            line.product_id.default_code or "",
            line.name or line.product_id.name or "",
            number(env, line.quantity, "Product Unit of Measure"),
            number(env, unit_price_excluding_tax(line), "Product Price"),
            number(env, line.discount, "Discount") if line.discount else "",
            line.account_id.code or "",
            " + ".join(taxes.mapped("name")) or NO_TAX,
            "",
            "",
            "",
            "",
            currency.name,
            "",
        ]


def build(invoices):
    return csv_bytes(HEADER, (row for invoice in invoices for row in rows(invoice)))
