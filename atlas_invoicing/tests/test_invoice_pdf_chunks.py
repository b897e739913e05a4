"""Many Atlas invoice PDFs in one wkhtmltopdf call, split per invoice.

Rendered by wkhtmltopdf for real (Debian's build: one input document, no outline) and read
back with poppler's pdftotext. The wkhtmltopdf runs are counted by wrapping Odoo's
``_run_wkhtmltopdf`` with a counter that still runs it. The failing invoice fails for real:
its customer's country has an address layout that passes Odoo's check but can't format the
street (``%(street)d``), so QWeb raises while rendering its address.
"""

import math
import re
import subprocess
import tempfile
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.base.models.ir_actions_report import IrActionsReport

from .common import AtlasTestCommon

REPORT = "atlas_invoicing.report_atlas_invoice"


@tagged("post_install", "-at_install")
class TestInvoicePdfChunks(AtlasTestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("report.url", cls.base_url())
        cls.tax = cls.company_data["default_tax_sale"]  # 15% in Odoo's test chart
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"{name} Ltd", "email": f"ap@{name.lower()}.example", "customer_rank": 1}
                for name in ("Alder", "Birch", "Cedar", "Dogwood")
            ]
        )
        brokenland = cls.env["res.country"].create(
            {"name": "Brokenland", "code": "XZ", "address_format": "%(street)d\n%(city)s"}
        )
        cls.broken_customer = cls.env["res.partner"].create(
            {
                "name": "Elm Broken Address Ltd",
                "email": "ap@elm.example",
                "street": "1 Elm Street",
                "city": "Elmtown",
                "country_id": brokenland.id,
            }
        )

    # -------------------------------------------------------------------------
    # Helpers
    # -------------------------------------------------------------------------

    def _invoice(self, customer, price, lines=1, **values):
        invoice = self._create_invoice(price=price, partner=customer, taxes=self.tax, **values)
        if lines > 1:
            invoice.invoice_line_ids = [
                Command.create(
                    {
                        "name": f"Support hour {i:03d}",
                        "account_id": self.company_data["default_account_revenue"].id,
                        "quantity": 1,
                        "price_unit": 1.0,
                        "tax_ids": [Command.set(self.tax.ids)],
                    }
                )
                for i in range(lines - 1)
            ]
        return invoice

    def _reports(self):
        return self.env["ir.actions.report"].with_context(force_report_rendering=True)

    def _render_each(self, invoices):
        """The reference: each invoice alone, Odoo's own one-record render."""
        return {invoice.id: self._reports()._render_qweb_pdf(REPORT, invoice.ids)[0] for invoice in invoices}

    def _render_together(self, invoices):
        """As Send does: all in one render, split per invoice (Odoo's _get_splitted_report)."""
        content, report_type = self._reports()._pre_render_qweb_pdf(REPORT, res_ids=invoices.ids)
        self.assertEqual(report_type, "pdf")
        return self.env["ir.actions.report"]._get_splitted_report(REPORT, content, report_type)

    def _poppler(self, tool, content, *args):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(content)
            file.flush()
            command = [tool, *args, file.name] + (["-"] if tool == "pdftotext" else [])
            return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def _text(self, content):
        self.assertTrue(content.startswith(b"%PDF"), "not a PDF")
        text = self._poppler("pdftotext", content, "-layout")
        return "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip())

    def _pages(self, content):
        return int(re.search(r"^Pages:\s+(\d+)$", self._poppler("pdfinfo", content), re.M).group(1))

    def _fonts(self, content):
        # Font names without the subset tag (ABCDEF+): the same faces, whatever glyphs they hold.
        lines = self._poppler("pdffonts", content).splitlines()[2:]
        return sorted({line.split()[0].split("+")[-1] for line in lines})

    @contextmanager
    def _counting_wkhtmltopdf(self):
        """Count the wkhtmltopdf runs: Odoo's _run_wkhtmltopdf, wrapped, still runs for real."""
        calls = []
        original = IrActionsReport._run_wkhtmltopdf

        def counting(report, bodies, *args, **kwargs):
            calls.append(len(bodies))
            return original(report, bodies, *args, **kwargs)

        with patch.object(IrActionsReport, "_run_wkhtmltopdf", counting):
            yield calls

    def _total(self, invoice):
        return rf"\nTotal \$\s?{re.escape(f'{invoice.amount_total:,.2f}')}\n"

    def _assert_own_invoice(self, text, invoice, others):
        """The PDF text is this invoice's: its number, customer and total, no other's number."""
        self.assertIn(invoice.name, text)
        self.assertIn(invoice.partner_id.name, text)
        self.assertRegex(text, self._total(invoice))
        for other in others - invoice:
            if other.state == "posted":
                self.assertNotIn(other.name, text, f"{other.name} found in the PDF of {invoice.name}")
            if other.partner_id != invoice.partner_id:
                self.assertNotIn(other.partner_id.name, text, f"{other.partner_id.name} in the PDF of {invoice.name}")

    def _batch(self, invoices):
        batch = self.env["atlas.invoice.batch"].create(
            {"name": "March billing", "date": "2026-03-01", "company_id": self.company_data["company"].id}
        )
        invoices.atlas_batch_id = batch
        return batch

    def _mails(self, invoices):
        return self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "in", invoices.ids)])

    # -------------------------------------------------------------------------
    # Tests
    # -------------------------------------------------------------------------

    def test_invoices_rendered_together_are_each_their_own_pdf(self):
        """Split from one render, each invoice's PDF is the one it gets alone: same pages, same
        text, same fonts, even an invoice of many pages between two others."""
        short = self._invoice(self.customers[0], 100.0)
        long_ = self._invoice(self.customers[1], 200.0, lines=70)
        last = self._invoice(self.customers[2], 300.0)
        invoices = short + long_ + last
        invoices.action_post()

        alone = self._render_each(invoices)
        with self._counting_wkhtmltopdf() as calls:
            together = self._render_together(invoices)
        self.assertEqual(calls, [1], "one wkhtmltopdf run of one document for the three invoices")

        self.assertEqual(list(together), invoices.ids)
        self.assertGreaterEqual(self._pages(alone[long_.id]), 2, "the long invoice should need several pages")
        for invoice in invoices:
            pdf = together[invoice.id]
            self.assertEqual(self._pages(pdf), self._pages(alone[invoice.id]), invoice.name)
            self.assertEqual(self._text(pdf), self._text(alone[invoice.id]), invoice.name)
            self.assertEqual(self._fonts(pdf), self._fonts(alone[invoice.id]), invoice.name)
            self._assert_own_invoice(self._text(pdf), invoice, invoices)
        # The marks that told the invoices apart are not left in their PDFs.
        self.assertNotIn(b"atlas-invoice-pdf:", b"".join(together.values()))

        # One invoice sent alone gets the PDF it prints alone, and the one it got before the
        # JavaScript delay was dropped: Odoo's own wkhtmltopdf run, with report.print_delay.
        single = self._invoice(self.customers[3], 400.0)
        single.with_context(force_report_rendering=True).atlas_send("download")
        attached = single.invoice_pdf_report_id.raw
        reference = self._render_each(single)[single.id]
        reports = self._reports()
        html = reports._render_qweb_html(REPORT, single.ids)[0]
        bodies, _ids, header, footer, args = reports._get_report(REPORT)._prepare_html(html, "account.move")
        before = IrActionsReport._run_wkhtmltopdf(
            reports, bodies, report_ref=REPORT, header=header, footer=footer, specific_paperformat_args=args
        )
        for pdf in (reference, before):
            self.assertEqual(self._pages(attached), self._pages(pdf))
            self.assertEqual(self._text(attached), self._text(pdf))
            self.assertEqual(self._fonts(attached), self._fonts(pdf))
        self._assert_own_invoice(self._text(attached), single, invoices | single)

    def test_twenty_invoices_take_one_wkhtmltopdf_run_per_chunk(self):
        chunk = 8
        self.env["ir.config_parameter"].sudo().set_param("atlas_invoicing.pdf_chunk_size", str(chunk))
        invoices = self.env["account.move"]
        for i in range(20):
            invoices |= self._invoice(self.customers[i % 4], 100.0 + i)
        invoices.action_post()

        with self._counting_wkhtmltopdf() as calls:
            content, _type = self._reports()._render_qweb_pdf(REPORT, invoices.ids)
        self.assertEqual(len(calls), math.ceil(20 / chunk))
        self.assertEqual(self._pages(content), 20)
        text = self._text(content)
        positions = [text.index(invoice.name) for invoice in invoices]
        self.assertEqual(positions, sorted(positions), "the invoices are printed in the order asked")

    def test_a_failing_invoice_is_named_and_nothing_is_sent_for_it(self):
        first = self._invoice(self.customers[0], 100.0)
        broken = self._invoice(self.broken_customer, 200.0)
        last = self._invoice(self.customers[1], 300.0)
        invoices = first + broken + last
        broken_name = broken.display_name  # a draft: not numbered yet

        # Print: the chunk fails, each invoice is tried alone, the error names the broken one.
        with (
            self._counting_wkhtmltopdf() as calls,
            self.assertRefused(UserError, r"Elm Broken Address Ltd\): TypeError: %d format"),
        ):
            self._reports()._render_qweb_pdf(REPORT, invoices.ids)
        self.assertEqual(len(calls), 2, "the two good invoices were rendered alone")

        # Send of the selection: all or nothing, and the broken invoice named as the user knows it.
        with self.assertRefused(UserError, rf"Invoice {re.escape(broken_name)} \(Elm Broken Address Ltd\)"):
            invoices.with_context(force_report_rendering=True).atlas_send("email")
        self.assertEqual(set(invoices.mapped("state")), {"draft"})
        self.assertFalse(self._mails(invoices))
        # Alone too (Odoo's own one-record render).
        with self.assertRefused(UserError, rf"Invoice {re.escape(broken_name)} \(Elm Broken Address Ltd\): TypeError"):
            broken.with_context(force_report_rendering=True).atlas_send("download")
        self.assertEqual(broken.state, "draft")

        # Send All: the others are posted and emailed with their PDFs; the broken one is left
        # as it was and named on the batch.
        batch = self._batch(invoices)
        result = batch.with_context(force_report_rendering=True).atlas_send()

        self.assertEqual(sorted(row["id"] for row in result["invoices"]), (first + last).ids)
        self.assertEqual(
            result["failed"], [{"id": broken.id, "name": broken_name, "error": result["failed"][0]["error"]}]
        )
        self.assertRegex(result["failed"][0]["error"], "TypeError: %d format")
        self.assertRecordValues(
            invoices,
            [
                {"state": "posted", "atlas_status": "sent", "is_move_sent": True},
                {"state": "draft", "atlas_status": "draft", "is_move_sent": False},
                {"state": "posted", "atlas_status": "sent", "is_move_sent": True},
            ],
        )
        self.assertFalse(broken.line_ids.filtered(lambda line: line.parent_state == "posted"))
        self.assertFalse(broken.invoice_pdf_report_id)
        self.assertFalse(self._mails(broken))
        for invoice in first + last:
            [mail] = self._mails(invoice)
            self._assert_own_invoice(self._text(mail.attachment_ids.raw), invoice, invoices)
        self.assertIn(f"Invoice {broken_name} (Elm Broken Address Ltd) was not sent", batch.last_error)
        self.assertTrue(
            [body for body in batch.message_ids.mapped("body") if f"Invoice {broken_name} (Elm" in body],
            "the batch's chatter names the invoice that was not sent",
        )

    def test_send_all_emails_each_invoice_with_its_own_pdf(self):
        invoices = self.env["account.move"]
        for i in range(6):
            invoices |= self._invoice(self.customers[i % 4], 100.0 * (i + 1), lines=40 if i == 2 else 1)
        invoices[:2].action_post()  # some were posted before, the others are posted by Send All
        batch = self._batch(invoices)

        with self._counting_wkhtmltopdf() as calls:
            result = batch.with_user(self.users["accountant"]).with_context(force_report_rendering=True).atlas_send()
        self.assertEqual(len(calls), 1, "the six PDFs come from one wkhtmltopdf run")
        self.assertEqual(result["failed"], [])
        self.assertEqual({row["status"] for row in result["invoices"]}, {"sent"})

        mails = self._mails(invoices)
        self.assertEqual(len(mails), 6)
        for invoice in invoices:
            [mail] = mails.filtered(lambda m, invoice=invoice: m.res_id == invoice.id)
            self.assertEqual(mail.recipient_ids, invoice.partner_id)
            self.assertEqual(mail.attachment_ids.mapped("name"), [invoice._get_invoice_report_filename()])
            text = self._text(mail.attachment_ids.raw)
            self._assert_own_invoice(text, invoice, invoices)
            self.assertEqual(self._text(invoice.invoice_pdf_report_id.raw), text)
        self.assertGreaterEqual(self._pages(invoices[2].invoice_pdf_report_id.raw), 2)
