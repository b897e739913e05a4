"""The reports' PDF and XLSX over XML-RPC, against a live server: the real
wkhtmltopdf PDF read back with pdftotext prints the figures get_report_data returns, the
XLSX read with openpyxl holds them as numbers, and the General Ledger's files are refused
to a Viewer with a message naming the role it needs."""

import base64
import io
import re
import subprocess
import xmlrpc.client

import openpyxl
import pytest
from conftest import create_user
from PyPDF2 import PdfReader

AS_OF = "2026-06-30"
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}
HEADER_ROWS = 5  # title, company, filters, blank, column titles


def pdf_text(content):
    """The PDF's text as pdftotext lays it out (columns kept on one line)."""
    assert content[:5] == b"%PDF-", content[:200]
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


def amount(value):
    """1234.5 -> '1,234.50', as the PDF prints it (after the currency symbol)."""
    return f"{value:,.2f}"


def xlsx_rows(result):
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(result["content"]))).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture(scope="module")
def world(odoo_server, database, admin):
    create_user(admin, "vicky", "atlas_invoicing.group_atlas_viewer")
    create_user(admin, "bella", "atlas_invoicing.group_atlas_bookkeeper")
    customer = admin.call("res.partner", "create", {"name": "Files Rpc Customer", "customer_rank": 1})
    revenue_id = admin.call("account.account", "search", [("account_type", "=", "income")], limit=1)[0]
    invoice_id = admin.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "invoice_date": "2026-04-01",
            "invoice_date_due": "2026-05-01",
            "invoice_payment_term_id": False,
            "invoice_line_ids": [
                (0, 0, {"name": "Audit", "account_id": revenue_id, "price_unit": 1234.5, "tax_ids": []})
            ],
        },
    )
    admin.call("account.move", "action_post", [invoice_id])
    return {
        "vicky": odoo_server.login(database, "vicky", "vicky-pw-2026"),
        "bella": odoo_server.login(database, "bella", "bella-pw-2026"),
        "customer": customer,
    }


def test_aging_pdf_prints_the_report_total(world):
    vicky = world["vicky"]
    data = vicky.call("atlas.report.ar.aging", "get_report_data", {"as_of_date": AS_OF})
    result = vicky.call("atlas.report.ar.aging", "get_report_pdf", {"as_of_date": AS_OF})
    assert (result["filename"], result["mimetype"]) == ("AR Aging 2026-06-30.pdf", "application/pdf")
    text = pdf_text(base64.b64decode(result["content"]))
    assert "AR Aging" in text
    assert data["subtitle"] in text
    # The Total line of the PDF carries the report's total in its last column.
    [total_line] = [line for line in text.splitlines() if re.match(r"\s*Total\s", line)]
    assert total_line.split()[-1] == amount(data["totals"]["total"]), total_line
    # The customer's line: 1,234.50, 60 days past due on 06/30 (31-60), and its total.
    [customer_line] = [line for line in text.splitlines() if "Files Rpc Customer" in line]
    assert customer_line.split()[-1] == amount(1234.5), customer_line
    assert customer_line.count(amount(1234.5)) == 2, customer_line
    # The tie-out is printed, and it is OK.
    assert re.search(r"Receivable accounts' balance on 06/30/2026.*OK", text), text


def test_aging_xlsx_holds_the_figures(world):
    vicky = world["vicky"]
    # The whole report, every customer's items included (the screen loads them on demand).
    data = vicky.call("atlas.report.ar.aging", "get_report_data", {"as_of_date": AS_OF, "details": True})
    result = vicky.call("atlas.report.ar.aging", "get_report_xlsx", {"as_of_date": AS_OF})
    assert result["filename"] == "AR Aging 2026-06-30.xlsx"
    rows = xlsx_rows(result)
    assert rows[0][0] == "AR Aging" and rows[2][0] == data["subtitle"]
    assert rows[4] == tuple(column["label"] for column in data["columns"])
    body = rows[HEADER_ROWS : HEADER_ROWS + len(data["lines"])]
    for line, row in zip(data["lines"], body, strict=True):
        assert row[0] == line["label"]
        figures = [line["values"][column["key"]] for column in data["columns"][1:]]
        assert list(row[1:]) == pytest.approx(figures), line["label"]
    [customer] = [row for row in body if row[0] == "Files Rpc Customer"]
    assert customer == ("Files Rpc Customer", 0, 0, 1234.5, 0, 0, 1234.5)
    assert body[-1][0] == "Total" and body[-1][-1] == pytest.approx(data["totals"]["total"])


@pytest.mark.parametrize(
    ("model", "total_label", "total_key"),
    [
        ("atlas.report.profit.loss", "Net Profit", "net_profit"),
        ("atlas.report.cash.flow", "Closing cash", "closing"),
    ],
)
def test_period_reports_files(world, model, total_label, total_key):
    vicky = world["vicky"]
    data = vicky.call(model, "get_report_data", PERIOD)
    rows = xlsx_rows(vicky.call(model, "get_report_xlsx", PERIOD))
    body = rows[HEADER_ROWS : HEADER_ROWS + len(data["lines"])]
    assert [row[0] for row in body] == [line["label"] for line in data["lines"]]
    [closing] = [row for row in body if row[0] == total_label]
    assert closing[-1] == pytest.approx(data["totals"][total_key])
    text = pdf_text(base64.b64decode(vicky.call(model, "get_report_pdf", PERIOD)["content"]))
    [printed] = [line for line in text.splitlines() if line.strip().startswith(total_label)]
    assert printed.split()[-1] == amount(data["totals"][total_key]), printed


def test_general_ledger_files_for_a_bookkeeper_not_a_viewer(world):
    bella, vicky = world["bella"], world["vicky"]
    data = bella.call("atlas.report.general.ledger", "get_report_data", PERIOD)
    pdf = base64.b64decode(bella.call("atlas.report.general.ledger", "get_report_pdf", PERIOD)["content"])
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height, "the ledger is printed landscape"
    text = pdf_text(pdf)
    assert "General Ledger" in text
    # Numbered and dated at the foot of each page (stamped after wkhtmltopdf).
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(n), str(count)) for n in range(1, count + 1)]
    assert len(re.findall(r"Printed \d\d/\d\d/\d{4} \d\d:\d\d:\d\d \(", text)) == count
    rows = xlsx_rows(bella.call("atlas.report.general.ledger", "get_report_xlsx", PERIOD))
    closing = [row for row in rows[HEADER_ROWS:] if row[0] == "Closing balance"]
    sections = [line for line in data["lines"] if line["kind"] == "subtotal"]
    assert [row[-1] for row in closing] == pytest.approx([line["values"]["balance"] for line in sections])
    for method in ("get_report_xlsx", "get_report_pdf"):
        with pytest.raises(xmlrpc.client.Fault, match="needs the Atlas Bookkeeper role"):
            vicky.call("atlas.report.general.ledger", method, PERIOD)


def test_bad_input_is_refused_with_what_to_do(world):
    with pytest.raises(xmlrpc.client.Fault, match="YYYY-MM-DD"):
        world["vicky"].call("atlas.report.ar.aging", "get_report_xlsx", {"as_of_date": "30/06/2026"})
    with pytest.raises(xmlrpc.client.Fault, match="There is no report named atlas.report"):
        world["vicky"].call("atlas.report", "get_report_pdf", {})
