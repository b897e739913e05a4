"""What every export format shares: the lines it exports, number and date formats, and
byte-stable CSV and zip files.

Determinism: the same invoices must give the same bytes, so nothing here reads the clock,
the user's language or a dict's insertion order; every value comes from the invoices.
"""

import csv
import io
import re
import zipfile

from odoo.tools import float_repr, float_round

# RFC 4180 line ends. Python's csv module writes them by default, and Xero, QuickBooks and
# spreadsheets all read them.
CSV_LINE_END = "\r\n"
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): a cell that
# begins with one of them runs when the file is opened, e.g. =HYPERLINK(...) in a customer's name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# An amount or a quantity as the formats write them: it may begin with "-" and is no formula.
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# A zip member's timestamp: the earliest a zip can hold, so the archive never depends on when
# it was made.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def sorted_invoices(invoices):
    """Export order: by number, then id (credit notes' RINV/ sorts after INV/)."""
    return invoices.sorted(key=lambda move: (move.name or "", move.id))


def product_lines(invoice):
    """The invoice's billable lines in the order the invoice shows them (sections and notes
    carry no amount and have no place in an accounting import)."""
    lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
    return lines.sorted(key=lambda line: (line.sequence, line.id))


def amount(value, currency):
    """A money amount with the currency's decimals (2 for most), '.' as separator, no '-0.00'."""
    return float_repr(float_round(value, precision_rounding=currency.rounding) + 0.0, currency.decimal_places)


def number(env, value, precision_name):
    """A quantity, unit price or discount with the database's decimal precision (2 by default)."""
    digits = env["decimal.precision"].precision_get(precision_name)
    return float_repr(float_round(value, precision_digits=digits) + 0.0, digits)


def tax_names(line):
    """The line's taxes by name, in their computation order."""
    return ", ".join(line.tax_ids.sorted(key=lambda tax: (tax.sequence, tax.id)).mapped("name"))


def line_tax(line):
    """Tax of one line, as Odoo computed it for the line (price_total - price_subtotal)."""
    return line.price_total - line.price_subtotal


def unit_price_excluding_tax(line):
    """The unit price before discount, without tax even when a tax is included in the price:
    Xero and QuickBooks receive tax-exclusive amounts only."""
    if not line.tax_ids.filtered("price_include"):
        return line.price_unit
    return line.tax_ids.compute_all(
        line.price_unit,
        currency=line.currency_id,
        quantity=1.0,
        product=line.product_id,
        partner=line.partner_id,
        is_refund=line.move_id.move_type == "out_refund",
    )["total_excluded"]


def spreadsheet_text(value):
    """A text cell a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe, as OWASP advises; numbers (-150.00 included) are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_bytes(header, rows):
    """UTF-8 without BOM (importers read UTF-8; a BOM would glue itself to the first column
    name), fields quoted only when they need it, RFC 4180 line ends, no cell a spreadsheet
    would run as a formula."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=CSV_LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([spreadsheet_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def zip_bytes(files):
    """A zip of {name: bytes}, byte-stable: members sorted by name, fixed timestamps and
    permissions, deflate compression."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def file_stem(invoices, format_code):
    """A readable file name without extension: one invoice's number, or the first and last
    numbers of the selection and how many invoices it holds."""
    names = [move.name.replace("/", "_") for move in invoices]
    if len(names) == 1:
        return f"{names[0]}_{format_code}"
    return f"invoices_{format_code}_{names[0]}_to_{names[-1]}_{len(names)}"
