"""QuickBooks Online invoice import (Sales > Invoices > Import invoices).

The header is QuickBooks' own: the 13 columns it maps automatically, then the tax columns
of tax-enabled companies (ItemTaxCode, ItemTaxAmount) and Currency, always present so
every file has the same header; they are empty when a line has no tax. Rows sharing an
InvoiceNo form one invoice. Dates are MM/DD/YYYY. Amounts exclude tax: ItemRate is the
unit price after the line's discount, ItemAmount the line subtotal, ItemTaxAmount the
line's tax as Odoo computed it. Credit notes are refused: this import creates invoices.
"""

from .common import amount, csv_bytes, line_tax, number, product_lines, tax_names, unit_price_excluding_tax

HEADER = [
    "*InvoiceNo",
    "*Customer",
    "*InvoiceDate",
    "*DueDate",
    "Terms",
    "Location",
    "Memo",
    "Item(Product/Service)",
    "ItemDescription",
    "ItemQuantity",
    "ItemRate",
    "*ItemAmount",
    "Service Date",
    "ItemTaxCode",
    "ItemTaxAmount",
    "Currency",
]
DATE_FORMAT = "%m/%d/%Y"


def rows(invoice):
    env, currency = invoice.env, invoice.currency_id
    due_date = invoice.invoice_date_due or invoice.invoice_date
    for line in product_lines(invoice):
        net_rate = unit_price_excluding_tax(line) * (1.0 - line.discount / 100.0)
        yield [
            invoice.name,
            invoice.commercial_partner_id.name,
            invoice.invoice_date.strftime(DATE_FORMAT),
            due_date.strftime(DATE_FORMAT),
            invoice.invoice_payment_term_id.name or "",
            "",
            invoice.ref or "",
            line.product_id.name or "",
            line.name or line.product_id.name or "",
            number(env, line.quantity, "Product Unit of Measure"),
            number(env, net_rate, "Product Price"),
            amount(line.price_subtotal, currency),
            "",
            tax_names(line),
            amount(line_tax(line), currency) if line.tax_ids else "",
            currency.name,
        ]


def build(invoices):
    return csv_bytes(HEADER, (row for invoice in invoices for row in rows(invoice)))
