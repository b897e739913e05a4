"""The Atlas invoice PDF as the customer receives it: rendered by wkhtmltopdf for real and read
back with poppler (pdftotext, pdfimages), since Odoo's test mode would otherwise give HTML.

wkhtmltopdf loads the report's styles from this Odoo: the class runs as an HttpCase and points
``report.url`` at the test server. Set ATLAS_PDF_DIR to keep the rendered PDFs.
"""

import base64
import json
import os
import re
import subprocess
import tempfile

from odoo import http
from odoo.http import content_disposition
from odoo.tests import HttpCase, tagged

from .common import AtlasTestCommon

INCH = 72  # PDF points


@tagged("post_install", "-at_install")
class TestInvoicePdf(AtlasTestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("report.url", cls.base_url())
        cls.tax = cls.company_data["default_tax_sale"]  # 15% in Odoo's test chart
        cls.bank = cls.company_data["default_journal_bank"]
        company = cls.company_data["company"]
        cls.bank_account = cls.env["res.partner.bank"].create(
            {"acc_number": "US-0012-3456-7890", "partner_id": company.partner_id.id, "allow_out_payment": True}
        )
        cls.bank.bank_account_id = cls.bank_account
        cls.terms = cls.env.ref("account.account_payment_term_30days")

    def _sent_invoice(self, price=200.0, **values):
        invoice = self._create_invoice(price=price, taxes=self.tax, invoice_payment_term_id=self.terms.id, **values)
        invoice.atlas_send("download")
        return invoice

    def _pdf(self, invoice):
        content, _format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("atlas_invoicing.action_report_atlas_invoice", invoice.ids)
        )
        self.assertTrue(content.startswith(b"%PDF"), "wkhtmltopdf gave no PDF")
        keep = os.environ.get("ATLAS_PDF_DIR")
        if keep:
            os.makedirs(keep, exist_ok=True)
            name = f"{self._testMethodName}.pdf"
            with open(os.path.join(keep, name), "wb") as file:
                file.write(content)
        return content

    def _poppler(self, tool, content, *args):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(content)
            file.flush()
            command = [tool, *args, file.name] + (["-"] if tool == "pdftotext" else [])
            return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def _text(self, content):
        # One space for any run of blanks: the columns of the layout, not their widths, matter.
        text = self._poppler("pdftotext", content, "-layout")
        return "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip())

    def _money(self, amount):
        return rf"\$\s?{amount}"

    def test_print_all_of_a_batch_downloads_a_file_named_after_the_batch(self):
        batch = self.env["atlas.invoice.batch"].create(
            {"name": "January billing", "date": "2026-01-01", "company_id": self.company_data["company"].id}
        )
        invoices = self._sent_invoice() | self._sent_invoice(price=80.0)
        invoices.atlas_batch_id = batch
        accountant = self.users["accountant"]
        action = batch.with_user(accountant).action_print_all()
        # As the web client downloads a report action: its URL, and the user's context with the action's.
        self.authenticate(accountant.login, accountant.login)
        response = self.url_open(
            "/report/download",
            data={
                "data": json.dumps(
                    [
                        f"/report/pdf/{action['report_name']}/{','.join(map(str, action['context']['active_ids']))}",
                        "qweb-pdf",
                    ]
                ),
                "context": json.dumps({"lang": "en_US", **action["context"]}),
                "csrf_token": http.Request.csrf_token(self),
            },
            timeout=120,
        )
        # Odoo's test mode answers with the report's HTML (wkhtmltopdf, fetching this server's
        # styles, would wait on the request in progress): the file's name is what is checked.
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Content-Disposition"], content_disposition("January billing.pdf"))
        self.assertTrue(all(invoice.name in response.text for invoice in invoices))

    def test_page_starts_at_the_top(self):
        """No blank header band: the company block opens the page, within its first inch."""
        content = self._pdf(self._sent_invoice())
        bbox = self._poppler("pdftotext", content, "-bbox", "-l", "1")
        first_word = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)
        self.assertTrue(first_word)
        self.assertLess(float(first_word.group(1)), INCH, f"first word {first_word.group(2)!r} too low")

    def test_tax_line_shows_the_rate(self):
        text = self._text(self._pdf(self._sent_invoice()))
        self.assertRegex(text, r"\nTax 15% " + self._money("30.00") + "\n")
        self.assertRegex(text, r"\nTotal " + self._money("230.00") + "\n")

    def test_sent_invoice_has_no_mark_nor_payments(self):
        text = self._text(self._pdf(self._sent_invoice()))
        for mark in ("PAID", "REFUNDED"):
            self.assertNotIn(mark, text)
        self.assertNotIn("Paid on", text)
        self.assertNotIn("Amount Due", text)

    def test_partially_paid_invoice_lists_the_payment_and_the_amount_due(self):
        invoice = self._sent_invoice()
        invoice.atlas_record_payment(amount=100.0, date="2026-01-20", journal_id=self.bank.id)
        self.assertEqual(invoice.atlas_status, "partial")
        text = self._text(self._pdf(invoice))
        self.assertIn("PARTIALLY PAID", text)
        self.assertRegex(text, r"\nPaid on 01/20/2026 " + self._money("100.00") + "\n")
        self.assertRegex(text, r"\nAmount Due " + self._money("130.00") + "\n")

    def test_paid_invoice_lists_each_payment(self):
        invoice = self._sent_invoice()
        invoice.atlas_record_payment(amount=100.0, date="2026-01-20", journal_id=self.bank.id)
        invoice.atlas_record_payment(amount=130.0, date="2026-01-25", journal_id=self.bank.id)
        self.assertEqual(invoice.atlas_status, "paid")
        text = self._text(self._pdf(invoice))
        self.assertRegex(text, r"\nPAID\n")
        self.assertNotIn("PARTIALLY", text)
        self.assertRegex(text, r"\nPaid on 01/20/2026 " + self._money("100.00") + "\n")
        self.assertRegex(text, r"\nPaid on 01/25/2026 " + self._money("130.00") + "\n")
        self.assertRegex(text, r"\nAmount Due " + self._money("0.00") + "$")  # the last line
        self.assertNotIn("How to pay", text, "nothing is left to pay")

    def test_refunded_invoice_lists_the_payment_and_the_credit_note(self):
        invoice = self._sent_invoice()
        invoice.atlas_record_payment(amount=100.0, date="2026-01-20", journal_id=self.bank.id)
        invoice.atlas_refund(journal_id=self.bank.id, date="2026-01-28", reason="Cancelled order")
        self.assertEqual(invoice.atlas_status, "refunded")
        credit_note = invoice.reversal_move_ids
        self.assertEqual(len(credit_note), 1)
        text = self._text(self._pdf(invoice))
        self.assertRegex(text, r"\nREFUNDED\n")
        self.assertRegex(text, r"\nPaid on 01/20/2026 " + self._money("100.00") + "\n")
        self.assertRegex(
            text, rf"\nCredit note {re.escape(credit_note.name)} on 01/28/2026 " + self._money("130.00") + "\n"
        )
        self.assertRegex(text, r"\nAmount Due " + self._money("0.00") + "\n")
        # The rest of the credit note is the money paid back, the last line.
        self.assertRegex(text, r"\nPaid back to you on 01/28/2026 \(Check\) " + self._money("100.00") + "$")
        self.assertNotIn("How to pay", text, "nothing is left to pay")
        self.assertEqual(invoice.atlas_refund_summary, "Paid back on 01/28/2026 (Check): $\xa0100.00")

    def test_paid_then_refunded_invoice_lists_the_credit_note_and_the_money_paid_back(self):
        """Paid in full, then refunded: the credit note is not applied to the invoice (nothing
        was due) but to the money paid back; the PDF and the form list the three movements."""
        invoice = self._sent_invoice()
        invoice.atlas_record_payment(amount=230.0, date="2026-01-20", journal_id=self.bank.id)
        invoice.atlas_refund(journal_id=self.bank.id, date="2026-01-28", reason="Cancelled order")
        self.assertEqual(invoice.atlas_status, "refunded")
        credit_note = invoice.reversal_move_ids
        text = self._text(self._pdf(invoice))
        self.assertRegex(text, r"\nPaid on 01/20/2026 " + self._money("230.00") + "\n")
        self.assertRegex(text, r"\nAmount Due " + self._money("0.00") + "\n")
        self.assertRegex(
            text, rf"\nCredit note {re.escape(credit_note.name)} of 01/28/2026 " + self._money("230.00") + "\n"
        )
        self.assertRegex(text, r"\nPaid back to you on 01/28/2026 \(Check\) " + self._money("230.00") + "$")
        self.assertNotIn("How to pay", text)
        self.assertEqual(
            invoice.atlas_refund_summary.splitlines(),
            [
                f"Credit note {credit_note.name} of 01/28/2026: $\xa0230.00",
                "Paid back on 01/28/2026 (Check): $\xa0230.00",
            ],
        )

    def test_credit_note_of_a_paid_invoice_says_the_money_was_paid_back(self):
        invoice = self._sent_invoice()
        invoice.atlas_record_payment(amount=230.0, date="2026-01-20", journal_id=self.bank.id)
        invoice.atlas_refund(journal_id=self.bank.id, date="2026-01-28", reason="Cancelled order")
        text = self._text(self._pdf(invoice.reversal_move_ids))
        # The refund's payment went to the customer: not "Paid on", which reads as money received.
        self.assertRegex(text, r"\nPaid back to you on 01/28/2026 " + self._money("230.00") + "\n")
        self.assertNotIn("Paid on", text)

    def test_credit_note_has_a_credit_note_date_and_labels_on_one_line(self):
        invoice = self._sent_invoice()
        invoice.atlas_refund(
            journal_id=self.bank.id,
            date="2026-01-28",
            reason="Workshop cancelled by the customer after the venue closed for renovation works",
        )
        credit_note = invoice.reversal_move_ids
        self.assertGreater(len(credit_note.ref), 60)
        text = self._text(self._pdf(credit_note))
        self.assertNotIn("Invoice date", text)
        # Each label whole on its line, with its value: a long reference does not squeeze them.
        self.assertRegex(text, r"\nCredit note date 01/28/2026\n")
        self.assertRegex(text, r"\nReference Reversal of: ")

    def test_footer_has_the_payment_details(self):
        invoice = self._sent_invoice()
        text = self._text(self._pdf(invoice))
        self.assertIn("Bank account: US-0012-3456-7890", text)
        self.assertIn(f"Account holder: {invoice.company_id.name}", text)
        self.assertIn("Payment terms: 30 Days", text)
        self.assertIn(f"Payment reference: {invoice.payment_reference}", text)
        self.assertEqual(invoice.payment_reference, invoice.name)

    def test_bank_account_of_the_invoice_else_of_the_bank_journal(self):
        other = self.env["res.partner.bank"].create(
            {"acc_number": "US-0099-8877-6655", "partner_id": self.company_data["company"].partner_id.id}
        )
        text = self._text(self._pdf(self._sent_invoice(partner_bank_id=other.id)))
        self.assertIn("Bank account: US-0099-8877-6655", text)
        self.assertNotIn("US-0012-3456-7890", text)

        invoice = self._sent_invoice(partner_bank_id=False)
        self.assertFalse(invoice.partner_bank_id)
        text = self._text(self._pdf(invoice))
        self.assertIn("Bank account: US-0012-3456-7890", text)

    def test_no_logo_placeholder(self):
        """Without a logo of its own the company prints none (Odoo's default logo is a
        "Your logo" picture); with one, it prints it."""
        invoice = self._sent_invoice()
        company = invoice.company_id
        self.assertTrue(company.uses_default_logo)
        content = self._pdf(invoice)
        self.assertNotIn("your logo", self._text(content).lower())
        images = self._poppler("pdfimages", content, "-list").splitlines()[2:]
        self.assertEqual(images, [], "a logo placeholder is printed")

        company.logo = base64.b64encode(self.env["ir.binary"]._placeholder())  # any picture of the company's own
        self.assertFalse(company.uses_default_logo)
        images = self._poppler("pdfimages", self._pdf(invoice), "-list").splitlines()[2:]
        self.assertEqual(len([image for image in images if image.split()[2] == "image"]), 1)
