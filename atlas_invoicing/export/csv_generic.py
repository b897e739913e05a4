"""Generic CSV: one row per invoice line, with the invoice's own figures repeated on each
row, for spreadsheets and any importer that maps columns by name.

Amounts are as printed on the document (a credit note's amounts are positive; the
document_type column says which it is). Dates are ISO 8601 (YYYY-MM-DD).
"""

from ..models.account_move import STATUS_LABELS
from .common import amount, csv_bytes, line_tax, number, product_lines, tax_names

HEADER = [
    "invoice_number",
    "document_type",
    "invoice_date",
    "due_date",
    "customer",
    "customer_vat",
    "currency",
    "reference",
    "line_number",
    "product_code",
    "description",
    "account_code",
    "quantity",
    "unit_price",
    "discount_percent",
    "taxes",
    "line_subtotal",
    "line_tax",
    "line_total",
    "invoice_untaxed",
    "invoice_tax",
    "invoice_total",
    "amount_due",
    "status",
]
DOCUMENT_TYPES = {"out_invoice": "invoice", "out_refund": "credit_note"}


def rows(invoice):
    env, currency, customer = invoice.env, invoice.currency_id, invoice.commercial_partner_id
    for index, line in enumerate(product_lines(invoice), start=1):
        yield [
            invoice.name,
            DOCUMENT_TYPES[invoice.move_type],
            invoice.invoice_date.isoformat(),
            (invoice.invoice_date_due or invoice.invoice_date).isoformat(),
            customer.name,
            customer.vat or "",
            currency.name,
            invoice.ref or "",
            index,
            line.product_id.default_code or "",
            line.name or line.product_id.name or "",
            line.account_id.code or "",
            number(env, line.quantity, "Product Unit of Measure"),
            number(env, line.price_unit, "Product Price"),
            number(env, line.discount, "Discount"),
            tax_names(line),
            amount(line.price_subtotal, currency),
            amount(line_tax(line), currency),
            amount(line.price_total, currency),
            amount(invoice.amount_untaxed, currency),
            amount(invoice.amount_tax, currency),
            amount(invoice.amount_total, currency),
            amount(invoice.amount_residual, currency),
            STATUS_LABELS[invoice.atlas_status],
        ]


def build(invoices):
    return csv_bytes(HEADER, (row for invoice in invoices for row in rows(invoice)))
