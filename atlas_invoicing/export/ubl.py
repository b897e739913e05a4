"""UBL 2.1 / Peppol BIS Billing 3.0, built by Odoo's own account_edi_ubl_cii module.

Odoo's builder also reports what Peppol needs and the invoice lacks (VAT numbers,
countries, a tax on each line, a buyer reference...); those reports become one error
listing what to fill in, before any file is made. One invoice gives its XML; several give
a zip of one XML per invoice (see common.zip_bytes).
"""

from odoo.exceptions import UserError

from .common import zip_bytes

BUILDER = "account.edi.xml.ubl_bis3"


def xml_files(invoices):
    """{file name: XML bytes} of each invoice; UserError listing every problem found."""
    builder = invoices.env[BUILDER].with_context(atlas_export=True)
    files, problems = {}, []
    for invoice in invoices:
        xml, errors = builder._export_invoice(invoice)
        if errors:
            problems.append(f"{invoice.name}:\n" + "\n".join(f"  - {error}" for error in sorted(errors)))
            continue
        files[builder._export_invoice_filename(invoice)] = xml
    if problems:
        raise UserError(
            invoices.env._(
                "These invoices can't be exported as Peppol BIS 3 (UBL) until the missing details are filled "
                "in (company, customer or invoice):\n%(problems)s",
                problems="\n".join(problems),
            )
        )
    return files


def build(invoices):
    """(content, extension, mimetype)"""
    files = xml_files(invoices)
    if len(files) == 1:
        return next(iter(files.values())), "xml", "application/xml"
    return zip_bytes(files), "zip", "application/zip"
