"""The report PDFs as wkhtmltopdf really renders them (Debian's build, which draws no header
or footer HTML), read back with poppler's pdftotext: no blank band above the title, the
column headers on every page, "Page N of M" and the print date at the foot of every page,
and the figures unchanged."""

import base64
import io
import re
import subprocess
from datetime import timedelta

import pytz

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import create_role_users

PERIOD_OPTIONS = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
LINES = 160  # journal items enough for a landscape ledger of more than three pages
TZ = "America/New_York"


def pdftotext(pdf, *args):
    result = subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


@tagged("post_install", "-at_install")
class TestReportPdfPages(HttpCase):
    """HttpCase: wkhtmltopdf loads the report's styles from this test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_role_users(cls.env, cls.env.company, prefix="atlas_pdfpages")
        cls.users["bookkeeper"].tz = TZ
        customer = cls.env["res.partner"].create({"name": "Pdf Pages Customer", "customer_rank": 1})
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2026-03-02",
                "invoice_date_due": "2026-04-01",
                "invoice_line_ids": [
                    Command.create(
                        {"name": f"Pdf pages item {n:03d}", "quantity": 1, "price_unit": 1000 + n, "tax_ids": []}
                    )
                    for n in range(LINES)
                ],
            }
        )
        cls.invoice.action_post()

    def _render(self, model, options, user):
        report = self.env[model].with_user(user).with_context(force_report_rendering=True)
        result = report.get_report_pdf(options)
        self.assertEqual(result["mimetype"], "application/pdf")
        pdf = base64.b64decode(result["content"])
        self.assertEqual(pdf[:5], b"%PDF-", pdf[:200])
        return pdf

    def _first_word_top(self, pdf, page):
        """The y (pt from the page's top) of the first word pdftotext finds on the page."""
        bbox = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
        match = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)"', bbox)
        self.assertTrue(match, bbox[:500])
        return float(match.group(1))

    def _word_left(self, pdf, page, word):
        """The x (pt) of the first occurrence of the word on the page."""
        bbox = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
        match = re.search(rf'<word xMin="([\d.]+)"[^>]*>{word}</word>', bbox)
        self.assertTrue(match, f"{word} on page {page}")
        return round(float(match.group(1)))

    def _assert_every_page_headed(self, pdf, columns, count):
        """The column headers on every page, lined up, and the first words near the top
        (no blank band)."""
        header = r"\s+".join(re.escape(column["label"]) for column in columns)
        lefts = set()
        for page in range(1, count + 1):
            with self.subTest(page=page):
                page_text = pdftotext(pdf, "-layout", "-f", str(page), "-l", str(page))
                if page == count and page_text.lstrip().startswith("Checks"):
                    continue  # the checks under the table, moved whole to a page of their own
                self.assertRegex(page_text, header)
                self.assertLess(self._first_word_top(pdf, page), 72)
                lefts.add(self._word_left(pdf, page, "Label"))
        self.assertEqual(len(lefts), 1, "the columns line up from page to page")

    def test_ledger_pages_are_numbered_dated_and_headed(self):
        user = self.users["bookkeeper"]
        model = "atlas.report.general.ledger"
        data = self.env[model].with_user(user).get_report_data(PERIOD_OPTIONS)
        before = pytz.utc.localize(fields.Datetime.now()).astimezone(pytz.timezone(TZ))
        pdf = self._render(model, PERIOD_OPTIONS, user)
        after = pytz.utc.localize(fields.Datetime.now()).astimezone(pytz.timezone(TZ))
        text = pdftotext(pdf, "-layout")
        pages = re.findall(r"Page (\d+) of (\d+)", text)
        count = int(pages[0][1])
        self.assertGreaterEqual(count, 3, "the ledger is long enough for three pages")
        self.assertEqual(pages, [(str(n), str(count)) for n in range(1, count + 1)])
        # The print date, in the user's time zone (America/New_York, not the server's UTC).
        printed = re.findall(r"Printed (\d\d/\d\d/\d{4}) (\d\d:\d\d:\d\d) \(America/New_York\)", text)
        self.assertEqual(len(printed), count, text[-2000:])
        days = {day.strftime("%m/%d/%Y") for day in (before, after)}
        # Every minute from the one before rendering to the one after (a render may cross one).
        first_minute = before.replace(second=0, microsecond=0)
        minutes = {
            (first_minute + timedelta(minutes=m)).strftime("%H:%M")
            for m in range(int((after - first_minute).total_seconds()) // 60 + 1)
        }
        for day, time in printed:
            self.assertIn(day, days)
            self.assertIn(time[:5], minutes)
        self._assert_every_page_headed(pdf, data["columns"], count)
        # The figures: every journal item of the invoice, the receivable of the whole invoice.
        for n in range(LINES):
            self.assertRegex(text, rf"Pdf pages item {n:03d}\s.*{1000 + n:,}\.00")
        self.assertIn(f"{self.invoice.amount_total:,.2f}", text)
        self.assertEqual(pdftotext(pdf, "-f", "1", "-l", "1").splitlines()[0].strip(), "General Ledger")

    def test_aging_starts_at_the_top_and_is_numbered(self):
        user = self.users["viewer"]
        options = {"as_of_date": "2026-06-30"}
        pdf = self._render("atlas.report.ar.aging", options, user)
        text = pdftotext(pdf, "-layout")
        self.assertLess(self._first_word_top(pdf, 1), 72)
        self.assertRegex(text, r"Page 1 of 1\b")
        self.assertRegex(text, r"Printed \d\d/\d\d/\d{4} \d\d:\d\d:\d\d \(")
        [customer] = [line for line in text.splitlines() if "Pdf Pages Customer" in line]
        self.assertEqual(customer.split()[-1], f"{self.invoice.amount_total:,.2f}")

    def test_a4_paper_format_keeps_the_headers_on_every_page(self):
        """An administrator sets the reports' paper format to A4: the pages are A4 and the
        table is still cut where each A4 page ends."""
        self.env.ref("atlas_invoicing.paperformat_atlas_report").format = "A4"
        user = self.users["bookkeeper"]
        model = "atlas.report.general.ledger"
        data = self.env[model].with_user(user).get_report_data(PERIOD_OPTIONS)
        pdf = self._render(model, PERIOD_OPTIONS, user)
        page = PdfFileReader(io.BytesIO(pdf)).pages[0]
        self.assertEqual((round(float(page.mediabox.width)), round(float(page.mediabox.height))), (842, 595))
        count = int(re.search(r"Page 1 of (\d+)", pdftotext(pdf, "-layout")).group(1))
        self.assertGreaterEqual(count, 3)
        self._assert_every_page_headed(pdf, data["columns"], count)

    def test_an_account_heading_never_ends_a_page(self):
        """A ledger of many short accounts: wherever a page ends, an account's heading is not
        its last line, nor followed by only its opening balance: it starts the next page."""
        accounts = self.env["account.account"].search(
            [
                ("company_ids", "in", self.env.company.id),
                ("account_type", "not in", ("asset_receivable", "liability_payable")),
            ],
            limit=45,
            order="code",
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-03-10",
                "line_ids": [
                    Command.create({"name": f"Heading test {n}", "account_id": account.id, "debit": 10.0 + n})
                    for n, account in enumerate(accounts[1:])
                ]
                + [
                    Command.create(
                        {
                            "name": "Heading test total",
                            "account_id": accounts[0].id,
                            "credit": sum(10.0 + n for n in range(len(accounts) - 1)),
                        }
                    )
                ],
            }
        )
        entry.action_post()
        codes = set(entry.line_ids.account_id.mapped("code"))
        pdf = self._render("atlas.report.general.ledger", PERIOD_OPTIONS, self.users["bookkeeper"])
        count = int(re.search(r"Page 1 of (\d+)", pdftotext(pdf, "-layout")).group(1))
        self.assertGreaterEqual(count, 3)
        for page in range(1, count + 1):
            lines = [
                line.strip()
                for line in pdftotext(pdf, "-layout", "-f", str(page), "-l", str(page)).splitlines()
                if line.strip() and not re.match(r"(Page \d+ of \d+|Printed )", line.strip())
            ]
            body_end = [line for line in lines if not line.startswith("Printed")][-2:]
            with self.subTest(page=page, last_lines=body_end):
                for line in body_end:
                    self.assertNotIn(line.split()[0], codes, "an account heading at the foot of a page")
