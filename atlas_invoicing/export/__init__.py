"""Export formats. Each module turns invoices into file bytes; the rules (who may
export, which invoices, the status and the log) live in models/account_move_export.py."""

from . import csv_generic, quickbooks, ubl, xero

EXPORT_FORMATS = [
    ("csv", "Generic CSV"),
    ("quickbooks", "QuickBooks Online CSV"),
    ("xero", "Xero CSV"),
    ("ubl", "UBL 2.1 / Peppol BIS 3 XML"),
]
EXPORT_FORMAT_LABELS = dict(EXPORT_FORMATS)
CSV_BUILDERS = {"csv": csv_generic.build, "quickbooks": quickbooks.build, "xero": xero.build}
CSV_MIMETYPE = "text/csv"


def build(export_format, invoices):
    """(content bytes, file extension, mimetype) of these invoices, in export order."""
    if export_format == "ubl":
        return ubl.build(invoices)
    return CSV_BUILDERS[export_format](invoices), "csv", CSV_MIMETYPE
