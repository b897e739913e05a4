"""The reports' files: the XLSX carries the numbers of the screen (get_report_data), as
numbers in the currency's format; the PDF template prints the same figures; whoever may not
read a report gets neither file; and the XLSX writer holds one row, not the report.

Odoo's test mode renders QWeb PDF reports as HTML: the real PDF (wkhtmltopdf, pdftotext)
is checked end to end in tests/test_report_files_xmlrpc.py.
"""

import base64
import html
import io
import json
import tempfile
import tracemalloc

import openpyxl

from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import formatLang, html_escape

from odoo.addons.atlas_invoicing.reports.abstract_report_xlsx import write_report_xlsx

from .common import create_role_users
from .report_books import AS_OF, ReportBooksCommon

HEADER_ROWS = 5  # title, company, filters, blank, column titles
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AGING_OPTIONS = {"as_of_date": AS_OF.isoformat()}
PERIOD_OPTIONS = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


def read_xlsx(result):
    """The first worksheet of a get_report_xlsx result."""
    content = base64.b64decode(result["content"])
    return openpyxl.load_workbook(io.BytesIO(content)).active


def expected_row(line, columns):
    """What the XLSX row of one report line must hold: a journal item ("detail") its own
    values; any other line its label in the first column, then its figures; as numbers."""
    values = line["values"]
    detail = line["kind"] == "detail"
    row = []
    for index, column in enumerate(columns):
        value = values.get(column["key"])
        if index == 0 and (not detail or value in (None, False, "")):
            value = line["label"]
        elif not detail and column["type"] in ("char", "date"):
            value = None
        if value is False or value == "":
            value = None
        row.append(value)
    return row


def report_options(model):
    return AGING_OPTIONS if model == "atlas.report.ar.aging" else PERIOD_OPTIONS


@tagged("post_install", "-at_install")
class TestReportFiles(ReportBooksCommon):
    def _assert_xlsx_is_the_report(self, model, options):
        """Every line of the report, in order, in the XLSX: same labels, same figures."""
        report = self.env[model]
        data = report.get_report_data(options)
        lines = [line for line in report._iter_report_lines(data["options"]) if line["kind"] != "more"]
        result = report.get_report_xlsx(options)
        self.assertEqual(result["mimetype"], XLSX_MIMETYPE)
        self.assertTrue(result["filename"].startswith(data["title"]) and result["filename"].endswith(".xlsx"))
        sheet = read_xlsx(result)
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], data["title"])
        self.assertEqual(rows[1][0], data["company"]["name"])
        self.assertEqual(rows[2][0], data["subtitle"])
        self.assertEqual(list(rows[4]), [column["label"] for column in data["columns"]])
        body = rows[HEADER_ROWS : HEADER_ROWS + len(lines)]
        self.assertEqual(len(body), len(lines))
        monetary = [i for i, column in enumerate(data["columns"]) if column["type"] == "monetary"]
        for offset, (line, row) in enumerate(zip(lines, body, strict=True)):
            expected = expected_row(line, data["columns"])
            for index, column in enumerate(data["columns"]):
                cell = row[index]
                if column["type"] == "monetary" and expected[index] is not None:
                    self.assertIsInstance(cell, int | float, f"{line['label']} / {column['label']} is a number")
                    self.assertAlmostEqual(cell, expected[index], places=2, msg=f"{line['label']} / {column['label']}")
                    number_format = sheet.cell(HEADER_ROWS + offset + 1, index + 1).number_format
                    self.assertIn(data["currency"]["symbol"], number_format)
                    self.assertIn("#,##0.00", number_format)
                elif column["type"] == "date" and expected[index] and expected[index] != line["label"]:
                    self.assertEqual(cell.date().isoformat(), expected[index])
                elif expected[index] is not None:
                    self.assertEqual(str(cell), str(expected[index]), f"{line['label']} / {column['label']}")
        # The tie-outs follow the lines, with their result.
        checks = rows[HEADER_ROWS + len(lines) + 2 :]
        self.assertEqual(len(checks), len(data["checks"]))
        for check, row in zip(data["checks"], checks, strict=True):
            self.assertEqual(row[0], check["label"])
            self.assertAlmostEqual(row[2], check["value"], places=2)
            self.assertEqual(row[4], "OK" if check["ok"] else "MISMATCH")
        self.assertTrue(monetary)
        return data, lines, sheet

    def test_aging_xlsx_carries_the_screen_figures(self):
        data, lines, sheet = self._assert_xlsx_is_the_report("atlas.report.ar.aging", AGING_OPTIONS)
        # Every open item is in the file, though the screen loads them customer by customer.
        _per_partner, per_item, balance = self.expected_aging(AS_OF)
        self.assertEqual(len([line for line in lines if line["kind"] == "detail"]), len(per_item))
        # ... and those are the books' figures: the total row is the receivable balance on 06/30.
        total_row = HEADER_ROWS + len(lines)
        self.assertEqual(sheet.cell(total_row, 1).value, "Total")
        self.assertAlmostEqual(sheet.cell(total_row, 7).value, balance, places=2)
        self.assertAlmostEqual(sheet.cell(total_row, 7).value, data["totals"]["total"], places=2)
        self.assertTrue(sheet.cell(total_row, 7).font.b, "the total row is bold")
        self.assertEqual(sheet.cell(total_row + 3, 5).value, "OK")
        self.assertEqual(sheet.cell(total_row + 3, 1).value, data["checks"][0]["label"])

    def test_every_report_xlsx_carries_its_figures(self):
        names = self.env["atlas.report"]._get_report_model_names()
        self.assertIn("atlas.report.ar.aging", names)
        for model in names:
            with self.subTest(report=model):
                self._assert_xlsx_is_the_report(model, report_options(model))

    def test_pdf_prints_the_screen_figures(self):
        data = self.env["atlas.report.ar.aging"].get_report_data(dict(AGING_OPTIONS, details=True))
        result = self.env["atlas.report.ar.aging"].get_report_pdf(AGING_OPTIONS)
        self.assertEqual(result["filename"], "AR Aging 2026-06-30.pdf")
        html = base64.b64decode(result["content"]).decode()  # HTML in test mode
        self.assertIn('<tr class="o_atlas_bold o_atlas_total">', html)
        currency = self.env["res.currency"].browse(data["currency"]["id"])
        self.assertIn(data["title"], html)
        self.assertIn(data["subtitle"], html)
        for line in data["lines"]:
            self.assertIn(line["label"], html)
            if line["kind"] in ("line", "total"):
                total = formatLang(self.env, line["values"]["total"], currency_obj=currency)
                self.assertIn(total, html, f"the total of {line['label']}")
        self.assertIn(html_escape(data["checks"][0]["label"]), html)

    def test_files_refused_without_the_role(self):
        """No Atlas role: neither file of the AR Aging, and the message names the role."""
        report = self.env["atlas.report.ar.aging"].with_user(self.users["none"])
        with self.assertRefused(AccessError, "needs the Atlas Viewer role"):
            report.get_report_xlsx(AGING_OPTIONS)
        with self.assertRefused(AccessError, "needs the Atlas Viewer role"):
            report.get_report_pdf(AGING_OPTIONS)
        # A Viewer gets them.
        viewer = self.env["atlas.report.ar.aging"].with_user(self.users["viewer"])
        self.assertTrue(read_xlsx(viewer.get_report_xlsx(AGING_OPTIONS)).max_row > HEADER_ROWS)

    def test_general_ledger_files_need_a_bookkeeper(self):
        ledger = "atlas.report.general.ledger"
        with self.assertRefused(AccessError, "needs the Atlas Bookkeeper role"):
            self.env[ledger].with_user(self.users["viewer"]).get_report_xlsx(PERIOD_OPTIONS)
        with self.assertRefused(AccessError, "needs the Atlas Bookkeeper role"):
            self.env[ledger].with_user(self.users["viewer"]).get_report_pdf(PERIOD_OPTIONS)
        for role in ("bookkeeper", "accountant"):
            result = self.env[ledger].with_user(self.users[role]).get_report_xlsx(PERIOD_OPTIONS)
            self.assertGreater(read_xlsx(result).max_row, HEADER_ROWS)

    def test_ledger_files_carry_the_earlier_years_result(self):
        """Last year's invoice of 120 (income) opens Undistributed Profits/Losses at −120 in
        the 2026 ledger: the XLSX and the PDF print it as the screen does, and the checks."""
        earnings = self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(self.company),
                ("account_type", "=", "equity_unaffected"),
            ]
        )
        data, lines, sheet = self._assert_xlsx_is_the_report("atlas.report.general.ledger", PERIOD_OPTIONS)
        key = f"account-{earnings.id}"
        opening = next(line for line in lines if line["key"] == f"{key}-opening")
        self.assertEqual(opening["values"]["balance"], -120.0)
        rows = list(sheet.iter_rows(values_only=True))
        section = next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith(earnings.code + " "))
        self.assertEqual(rows[section + 1][0], "Opening balance")
        self.assertAlmostEqual(rows[section + 1][-1], -120.0, places=2)
        self.assertEqual(data["totals"]["opening"], 0.0)
        result = self.env["atlas.report.general.ledger"].get_report_pdf(PERIOD_OPTIONS)
        html = base64.b64decode(result["content"]).decode()  # HTML in test mode
        currency = self.env["res.currency"].browse(data["currency"]["id"])
        self.assertIn(html_escape(f"{earnings.code} {earnings.name}"), html)
        # A negative amount reads as on screen, the minus before the symbol: "-$ 120.00".
        self.assertIn(f"-{formatLang(self.env, 120.0, currency_obj=currency)}", html)
        self.assertNotIn(formatLang(self.env, -120.0, currency_obj=currency), html)
        for check in data["checks"]:
            self.assertIn(html_escape(check["label"]), html)

    def test_bad_input_says_what_to_do(self):
        with self.assertRefused(
            UserError, "There is no report named atlas.report. Use one of: .*atlas.report.ar.aging"
        ):
            self.env["atlas.report"].get_report_xlsx({})
        with self.assertRefused(UserError, "YYYY-MM-DD"):
            self.env["atlas.report.ar.aging"].get_report_xlsx({"as_of_date": "30/06/2026"})


LEDGER_ENVELOPE = {
    "title": "General Ledger",
    "subtitle": "From 01/01/2026 to 12/31/2026",
    "company": {"id": 1, "name": "Atlas Test Co"},
    "currency": {"id": 1, "name": "USD", "symbol": "$", "position": "before", "decimal_places": 2},
    "columns": [
        {"key": "date", "label": "Date", "type": "date"},
        {"key": "entry", "label": "Entry", "type": "char"},
        {"key": "partner", "label": "Partner", "type": "char"},
        {"key": "label", "label": "Label", "type": "char"},
        {"key": "debit", "label": "Debit", "type": "monetary"},
        {"key": "credit", "label": "Credit", "type": "monetary"},
        {"key": "balance", "label": "Balance", "type": "monetary"},
    ],
    "checks": [],
}


def ledger_lines(count):
    """A ledger's journal-item lines, generated one at a time like the report's SQL cursor."""
    for index in range(count):
        yield {
            "key": f"aml-{index}",
            "parent": "account-1",
            "level": 2,
            "kind": "detail",
            "label": f"BNK1/2026/{index:06d}",
            "values": {
                "date": f"2026-03-{index % 28 + 1:02d}",
                "entry": f"BNK1/2026/{index:06d}",
                "partner": f"Customer {index % 977}",
                "label": f"Payment of invoice INV/2026/{index:06d}",
                "debit": 10.0 + index % 100,
                "credit": 0.0,
                "balance": 10.0 * index,
            },
            "drilldown": False,
            "move_id": index + 1,
            "foreign": False,
        }


@tagged("post_install", "-at_install")
class TestReportXlsxMemory(TransactionCase):
    def _write(self, count):
        """(Python's peak allocation while writing, the file's last data row)."""
        with tempfile.TemporaryFile() as fileobj:
            tracemalloc.start()
            try:
                written = write_report_xlsx(fileobj, LEDGER_ENVELOPE, ledger_lines(count))
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            self.assertEqual(written, count)
            fileobj.seek(0)
            sheet = openpyxl.load_workbook(fileobj, read_only=True).active
            row = HEADER_ROWS + count
            last = next(sheet.iter_rows(min_row=row, max_row=row, values_only=True))
        return peak, last

    def test_xlsx_of_a_large_ledger_in_bounded_memory(self):
        """The writer holds one row, not the ledger: six times the lines, the same peak
        (xlsxwriter's constant_memory mode; without it the peak grows with the lines).
        tracemalloc slows writing down, hence the small counts here."""
        small_peak, _last = self._write(1000)
        peak, last = self._write(6000)
        self.assertEqual(last[1], "BNK1/2026/005999")
        self.assertEqual(last[6], 59990.0)
        self.assertLess(peak, 1024 * 1024, f"peak {peak / 1e6:.2f} MB for 6,000 lines")
        self.assertLess(peak - small_peak, 256 * 1024, f"{small_peak / 1e6:.2f} MB -> {peak / 1e6:.2f} MB")


@tagged("post_install", "-at_install")
class TestReportDownloadRoute(HttpCase):
    """The PDF and XLSX buttons of the screen: /atlas_invoicing/report/<format>, on the
    database's own books (demo data), by users of each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        create_role_users(cls.env, cls.env.company)
        customer = cls.env["res.partner"].create({"name": "Route Customer", "customer_rank": 1})
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2026-05-01",
                "invoice_date_due": "2026-05-31",
                "invoice_line_ids": [
                    Command.create({"name": "Audit", "quantity": 1, "price_unit": 432.1, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()

    def _download(self, login, file_format, model, options, context=None):
        self.authenticate(login, login)
        data = {"report_model": model, "options": json.dumps(options), "csrf_token": self.csrf_token()}
        if context is not None:
            data["context"] = json.dumps(context)
        return self.url_open(f"/atlas_invoicing/report/{file_format}", data=data)

    def test_parent_file_has_the_branches_of_the_switcher(self):
        """A parent's AR Aging file counts the branch's invoice when the branch is active in
        the company switcher (the screen's companies), not when it is unticked."""
        parent = self.env.company
        branch = self.env["res.company"].create(
            {"name": "Route Branch", "parent_id": parent.id, "country_id": parent.country_id.id}
        )
        self.env.cr.precommit.run()  # the branch's accounting setup
        new_test_user(
            self.env,
            login="atlas_route_both",
            groups="base.group_user,atlas_invoicing.group_atlas_viewer",
            company_id=parent.id,
            company_ids=[parent.id, branch.id],
        )
        customer = self.env["res.partner"].create({"name": "Route Branch Customer", "customer_rank": 1})
        invoice = (
            self.env["account.move"]
            .with_company(branch)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": branch.id,
                    "partner_id": customer.id,
                    "invoice_date": "2026-05-01",
                    "invoice_line_ids": [
                        Command.create({"name": "Audit", "quantity": 1, "price_unit": 555.0, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        self.assertEqual(invoice.company_id, branch)

        def customer_total(companies):
            options = dict(AGING_OPTIONS, company_id=parent.id)
            context = {"allowed_company_ids": companies}
            response = self._download("atlas_route_both", "xlsx", "atlas.report.ar.aging", options, context)
            self.assertEqual(response.status_code, 200, response.text[:500])
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Route Branch Customer"]
            return rows[0][6] if rows else 0.0

        self.assertEqual(customer_total([parent.id, branch.id]), 555.0)
        self.assertEqual(customer_total([parent.id]), 0.0)
        # A company the user may not use is refused, not ignored.
        response = self._download(
            "atlas_viewer", "xlsx", "atlas.report.ar.aging", AGING_OPTIONS, {"allowed_company_ids": [branch.id]}
        )
        self.assertEqual(response.status_code, 500)
        self.assertIn("AccessError", response.text)

    def csrf_token(self):
        return http.Request.csrf_token(self)

    def test_viewer_downloads_the_aging_xlsx(self):
        response = self._download("atlas_viewer", "xlsx", "atlas.report.ar.aging", AGING_OPTIONS)
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Content-Type"], XLSX_MIMETYPE)
        self.assertIn("AR%20Aging%202026-06-30.xlsx", response.headers["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        data = self.env["atlas.report.ar.aging"].get_report_data(dict(AGING_OPTIONS, details=True))
        total_row = HEADER_ROWS + len(data["lines"])
        self.assertEqual(sheet.cell(total_row, 1).value, "Total")
        self.assertAlmostEqual(sheet.cell(total_row, 7).value, data["totals"]["total"], places=2)
        customer_rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Route Customer"]
        # 30 days past due on 06/30: the 1-30 bucket; empty buckets are 0, as numbers.
        self.assertEqual(customer_rows, [("Route Customer", 0, 432.1, 0, 0, 0, 432.1)])

    def test_viewer_downloads_the_aging_pdf(self):
        response = self._download("atlas_viewer", "pdf", "atlas.report.ar.aging", AGING_OPTIONS)
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIn("AR%20Aging%202026-06-30.pdf", response.headers["Content-Disposition"])
        self.assertIn("Receivable", response.text)  # HTML in test mode; the tie-out is printed

    def test_bookkeeper_downloads_the_ledger_viewer_does_not(self):
        response = self._download("atlas_bookkeeper", "xlsx", "atlas.report.general.ledger", PERIOD_OPTIONS)
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Content-Type"], XLSX_MIMETYPE)
        response = self._download("atlas_bookkeeper", "pdf", "atlas.report.general.ledger", PERIOD_OPTIONS)
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIn("Opening balances add up to zero", response.text)
        response = self._download("atlas_viewer", "xlsx", "atlas.report.general.ledger", PERIOD_OPTIONS)
        self.assertEqual(response.status_code, 500)
        error = json.loads(html.unescape(response.text))
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        self.assertIn("General Ledger report needs the Atlas Bookkeeper role", error["data"]["message"])

    def test_route_refuses_without_the_role(self):
        response = self._download("atlas_norole", "xlsx", "atlas.report.ar.aging", AGING_OPTIONS)
        self.assertEqual(response.status_code, 500)
        error = json.loads(html.unescape(response.text))
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        self.assertIn("needs the Atlas Viewer role", error["data"]["message"])
        self.assertNotIn("spreadsheetml", response.headers["Content-Type"])

    def test_route_rejects_bad_input(self):
        response = self._download("atlas_viewer", "csv", "atlas.report.ar.aging", AGING_OPTIONS)
        self.assertEqual(response.status_code, 500)
        self.assertIn("downloaded as pdf or xlsx", response.text)
        response = self._download("atlas_viewer", "xlsx", "res.partner", {})
        self.assertIn("There is no report named res.partner", response.text)
