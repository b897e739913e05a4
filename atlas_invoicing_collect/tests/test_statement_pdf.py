"""OCA's statement PDFs as wkhtmltopdf prints them: the page starts at the top with the
company (name, address) and the customer's address, as the Atlas invoice does."""

import os
import re
import subprocess

from odoo import fields
from odoo.tests import HttpCase, tagged

# 1 inch: the Atlas invoice's first words sit within its 12 mm margin; Odoo's external layout
# without its header HTML opened on a blank band of ~150 pt.
TOP_LIMIT = 72


def pdftotext(pdf, *args):
    result = subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


@tagged("post_install", "-at_install")
class TestStatementPdf(HttpCase):
    """HttpCase: wkhtmltopdf loads the report's styles from this test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"name": "Atlas Statement Co", "street": "12 Harbour Road", "city": "Portland"})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Statement Customer", "street": "5 Elm Street", "city": "Salem", "email": "ap@stmt.example"}
        )
        revenue = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.company.ids)], limit=1
        )
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": "2026-01-15",
                "invoice_line_ids": [
                    (0, 0, {"name": "Consulting", "account_id": revenue.id, "quantity": 1, "price_unit": 250.0})
                ],
            }
        )
        invoice.action_post()

    def _first_words(self, pdf):
        """(y of the first word on page 1, the page's first line of text)."""
        bbox = pdftotext(pdf, "-bbox", "-f", "1", "-l", "1")
        match = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)"', bbox)
        self.assertTrue(match, bbox[:500])
        first_line = pdftotext(pdf, "-layout", "-f", "1", "-l", "1").strip().splitlines()[0]
        return float(match.group(1)), first_line

    def test_statements_start_at_the_top_with_the_company(self):
        for kind, dates in (
            ("outstanding", {"date_to": "2026-03-31"}),
            ("activity", {"date_from": "2026-01-01", "date_to": "2026-03-31"}),
        ):
            with self.subTest(kind=kind):
                content = self._render(kind, dates)
                if os.environ.get("ATLAS_PDF_DIR"):  # to look at: pdftoppm -png
                    with open(os.path.join(os.environ["ATLAS_PDF_DIR"], f"statement-{kind}.pdf"), "wb") as file:
                        file.write(content)
                self.assertEqual(content[:5], b"%PDF-")
                top, first_line = self._first_words(content)
                self.assertLess(top, TOP_LIMIT, first_line)
                self.assertIn("Atlas Statement Co", first_line)
                text = pdftotext(content, "-layout")
                for words in (
                    "12 Harbour Road",
                    "Statement Customer",
                    "5 Elm Street",
                    "Statement of Account",
                    "287.50",
                ):
                    self.assertIn(words, text)

    def _render(self, kind, dates):
        report_ref = {
            "outstanding": "partner_statement.action_print_outstanding_statement",
            "activity": "partner_statement.action_print_activity_statement",
        }[kind]
        self.assertEqual(
            self.env.ref(report_ref).paperformat_id, self.env.ref("atlas_invoicing.paperformat_atlas_invoice")
        )
        # What the statement sender renders (its data), with the PDF engine on in tests.
        data = self.customer._atlas_statement_data(
            kind, fields.Date.to_date(dates.get("date_from") or "2026-03-01"), fields.Date.to_date(dates["date_to"])
        )
        reports = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        content, _type = reports._render_qweb_pdf(report_ref, self.customer.ids, data=data)
        return content
