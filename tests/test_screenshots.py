"""Screenshots of each main screen, for a reviewer to look at: in $ATLAS_LOG_DIR/screenshots/.

Against a live server on a copy of the template database (the demo's users and invoices),
with invoices in every status built over XML-RPC first by the roles that would make them.
Each screen is opened in headless Chromium as the role that works there; the PDFs come from
the same XML-RPC methods a client uses, turned into PNG by pdftoppm. Every image must exist
and not be blank.
"""

import base64
import io
import re
from datetime import date, datetime, timedelta

import pytest
from chromium import check_screenshots, pdf_page_png
from conftest import create_invoice
from PyPDF2 import PdfReader

# File name → what it shows. The test at the end checks that each one was taken.
EXPECTED = {
    "01-invoice-list.png": "Invoices: number, invoice date, status badges, no amount due on the cancelled one",
    "02-invoice-list-filters.png": "the Filters and Group By menus: each status once",
    "03-invoice-list-by-status.png": "grouped by status, Draft → … → Refunded → Cancelled",
    "04-invoice-draft.png": "a draft with the default sales tax on its lines",
    "05-invoice-sent.png": "a sent invoice",
    "06-invoice-partially-paid.png": "Partially Paid: ribbon, payment, amount due",
    "07-invoice-paid.png": "Paid: ribbon, two payments",
    "08-invoice-refunded.png": "Refunded: ribbon, Credit Notes and Refund Payment buttons, no Send Again",
    "09-invoice-cancelled.png": "a cancelled invoice",
    "10-invoice-exported.png": "Exported, with its export date",
    "11-credit-note.png": "the credit note, with its link back to the invoice, its Credit Note Date",
    "12-credit-notes-list.png": "Invoicing → Credit Notes",
    "13-send-wizard.png": "Send Invoice: email, the whole recipient address, subject, the email itself",
    "14-payment-wizard.png": "Record Payment: balance due, amount, deposit account, method",
    "15-refund-wizard.png": "Refund: credit note and money paid back",
    "16-report-ar-aging.png": "AR Aging, a customer unfolded, the tie-out",
    "17-report-ar-aging-drill-down.png": "AR Aging → an invoice: the Atlas form, as the Viewer sees it",
    "18-report-profit-loss.png": "Profit & Loss",
    "19-report-cash-flow.png": "Cash Flow",
    "20-report-general-ledger.png": "General Ledger",
    "21-invoice-pdf-paid.png": "the paid invoice's PDF: tax rate, payments, PAID, no How to pay (nothing due)",
    "22-invoice-pdf-partially-paid.png": "a partly paid invoice's PDF: payments, amount due",
    "23-report-pdf-general-ledger-page-1.png": "General Ledger PDF, first page",
    "24-report-pdf-general-ledger-page-2.png": "General Ledger PDF, second page: headers repeated, page number",
    "25-report-profit-loss-journal-items.png": "P&L → a revenue account: its journal items (Viewer)",
    "26-report-profit-loss-drill-down.png": "… → a Journal Entry link: the Atlas form, nothing to change",
    "27-odoo-form-refunded-viewer.png": "Odoo's form, refunded invoice, Viewer: Refunded, no Print & Send",
    "28-customer-invoiced.png": "a customer's Invoiced button: its invoices and credit note in the Atlas list",
    "29-mail-link-viewer.png": "a notification's link (/mail/view), followed by the Viewer: the Atlas form",
    "30-send-wizard-customer-without-email.png": "Send Invoice to a customer without email: named, email asked for",
    "31-invoice-pdf-refunded.png": "the refunded invoice's PDF: payments, credit note, money paid back, no How to pay",
    "32-credit-note-pdf.png": "the credit note's PDF: Credit note date, labels aligned",
    "33-report-profit-loss-comparison.png": "Profit & Loss compared with the year before: one rule for the percent",
    "34-batch-generated-again.png": "a batch after Generate Again: its invoices, 'Nothing new was due' in its log",
    "35-contracts-list.png": "Contracts: each name whole",
    "36-contract-form.png": "a contract: its whole name, Mitchell Admin responsible, its line as the next invoice "
    "reads it (no #START#)",
    "37-payments-list.png": "Payments: the money paid back of a refund reads -$ …",
    "38-batch-jobs-tab.png": "a batch's Jobs tab (atlas_invoicing_queue): its queued jobs, whole headers; the "
    "Generating notice's icon on its line",
}

# A negative amount with its minus before the symbol ("-$ 150.00"), never after ("$ -150.00").
AMOUNTS_JS = """(selector) => [...document.querySelectorAll(selector)]
    .map((cell) => cell.textContent.trim()).filter((text) => text.includes("$"))"""


def _amounts(browser, selector):
    return browser.evaluate(f"({AMOUNTS_JS})({selector!r})")


def _assert_negatives_sign_first(amounts):
    assert [amount for amount in amounts if amount.startswith("-$")], amounts
    assert not [amount for amount in amounts if "$\u00a0-" in amount or "$ -" in amount], amounts


def _not_cut(browser, selector):
    """The texts of the elements that are cut (wider than their box)."""
    return browser.evaluate(
        f"[...document.querySelectorAll({selector!r})]"
        ".filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent.trim() || el.value)"
    )


@pytest.fixture(scope="module")
def books(odoo_server, database, admin, browser, smtp_server):
    """Invoices in every status, made over XML-RPC by the demo's Bookkeeper and Accountant."""
    bookkeeper = odoo_server.login(database, "bookkeeper", "bookkeeper")
    accountant = odoo_server.login(database, "accountant", "accountant")
    bank = admin.call("account.journal", "search", [("type", "=", "bank")], limit=1)[0]
    revenue = admin.call("account.account", "search", [("account_type", "=", "income")], limit=1)[0]
    today = date.today()

    def customer(name, city):
        return bookkeeper.call(
            "res.partner",
            "create",
            {
                "name": name,
                "is_company": True,
                "email": f"billing@{name.split()[0].lower()}.example",
                "street": "48 Market Street",
                "city": city,
                "zip": "98101",
                "customer_rank": 1,
            },
        )

    def invoice(partner, days_ago, lines):
        # Lines without tax_ids get the company's default sales tax.
        return create_invoice(
            bookkeeper,
            partner,
            [{"name": name, "account_id": revenue, "quantity": qty, "price_unit": price} for name, qty, price in lines],
            invoice_date=(today - timedelta(days=days_ago)).isoformat(),
        )

    def pay(move, amount, method, days_ago):
        bookkeeper.call(
            "account.move",
            "atlas_record_payment",
            [move],
            amount=amount,
            journal_id=bank,
            payment_method=method,
            date=(today - timedelta(days=days_ago)).isoformat(),
        )

    cedar = customer("Cedar & Pine Architects", "Seattle")
    harbor = customer("Harbor View Dental", "Tacoma")
    moves = {}
    moves["draft"] = invoice(cedar, 0, [("Design review", 3, 150.0), ("Site visit", 1, 200.0)])
    moves["sent"] = invoice(harbor, 6, [("IT support retainer, monthly", 1, 980.0)])
    bookkeeper.call("account.move", "atlas_send", [moves["sent"]], "email")
    moves["partial"] = invoice(cedar, 28, [("Network audit", 1, 1600.0), ("Firewall setup", 2, 240.0)])
    bookkeeper.call("account.move", "atlas_send", [moves["partial"]], "email")
    pay(moves["partial"], 800.0, "check", 12)
    moves["paid"] = invoice(harbor, 45, [("Workstation setup", 4, 175.0), ("Printer installation", 1, 120.0)])
    bookkeeper.call("account.move", "atlas_send", [moves["paid"]], "email")
    [total] = [r["amount_total"] for r in bookkeeper.call("account.move", "read", [moves["paid"]], ["amount_total"])]
    pay(moves["paid"], 500.0, "check", 30)
    pay(moves["paid"], total - 500.0, "ach", 20)
    moves["refunded"] = invoice(cedar, 40, [("Training workshop (cancelled)", 1, 650.0)])
    bookkeeper.call("account.move", "atlas_send", [moves["refunded"]], "email")
    [refund_total] = [
        r["amount_total"] for r in bookkeeper.call("account.move", "read", [moves["refunded"]], ["amount_total"])
    ]
    pay(moves["refunded"], refund_total, "card", 35)
    accountant.call(
        "account.move",
        "atlas_refund",
        [moves["refunded"]],
        journal_id=bank,
        payment_method="card",
        reason="Workshop cancelled by the customer",
    )
    moves["cancelled"] = invoice(harbor, 3, [("Duplicate order", 1, 99.0)])
    # Cancel has no XML-RPC method of its own (Odoo's button_cancel returns None, which
    # XML-RPC can't carry back): the Bookkeeper clicks it.
    browser.login(odoo_server.url, database, "bookkeeper", "bookkeeper")
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{moves['cancelled']}", "button[name=button_cancel]")
    browser.click(
        "button[name=button_cancel]",
        then='.o_statusbar_status button.o_arrow_button_current[data-value="cancelled"]',
    )
    moves["exported"] = invoice(cedar, 15, [("Cloud backup, monthly", 1, 180.0)])
    bookkeeper.call("account.move", "atlas_send", [moves["exported"]], "email")
    accountant.call("account.move", "atlas_export", [moves["exported"]], "csv")
    moves["credit_note"] = accountant.call(
        "account.move", "search", [("reversed_entry_id", "=", moves["refunded"])], limit=1
    )[0]

    # The server under test runs no cron worker: the mail queue is sent now, through the test
    # SMTP server, so that the forms show the emails delivered rather than queued.
    admin.call("ir.cron", "method_direct_trigger", [admin.ref("mail.ir_cron_mail_scheduler_action")])

    statuses = {
        m["id"]: m["atlas_status"] for m in admin.call("account.move", "read", list(moves.values()), ["atlas_status"])
    }
    assert [statuses[moves[key]] for key in ("draft", "sent", "partial", "paid", "refunded")] == [
        "draft",
        "sent",
        "partial",
        "paid",
        "refunded",
    ]
    assert statuses[moves["cancelled"]] == "cancelled"
    assert statuses[moves["exported"]] == "exported"
    return {"moves": moves, "customers": {"cedar": cedar, "harbor": harbor}, "admin": admin}


def _as(browser, odoo_server, database, role):
    browser.login(odoo_server.url, database, role, role)


FORM = ".o_form_view .o_field_widget[name=atlas_status]"


def test_invoice_list_screens(odoo_server, database, books, browser, shots_dir):
    _as(browser, odoo_server, database, "accountant")
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices", ".o_list_view .o_data_row td[name=invoice_date]")
    browser.screenshot(shots_dir / "01-invoice-list.png")
    browser.click(".o_searchview_dropdown_toggler", then=".o_search_bar_menu")
    browser.screenshot(shots_dir / "02-invoice-list-filters.png")
    browser.click_text(
        ".o_search_bar_menu .o_group_by_menu .o_menu_item", "Status", then=".o_list_view .o_group_header"
    )
    browser.click(".o_searchview_dropdown_toggler")
    browser.wait(".o_list_view .o_group_header:not(.o_group_open)")
    browser.screenshot(shots_dir / "03-invoice-list-by-status.png")


FORMS = [
    ("draft", "04-invoice-draft.png"),
    ("sent", "05-invoice-sent.png"),
    ("partial", "06-invoice-partially-paid.png"),
    ("paid", "07-invoice-paid.png"),
    ("refunded", "08-invoice-refunded.png"),
    ("cancelled", "09-invoice-cancelled.png"),
    ("exported", "10-invoice-exported.png"),
]


def test_invoice_form_in_each_status(odoo_server, database, books, browser, shots_dir):
    _as(browser, odoo_server, database, "accountant")
    for key, name in FORMS:
        browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{books['moves'][key]}", FORM)
        browser.screenshot(shots_dir / name)
    browser.open(
        f"{odoo_server.url}/odoo/atlas-credit-notes/{books['moves']['credit_note']}",
        ".o_form_view button[name=action_atlas_open_refunded_invoice]",
    )
    labels = browser.evaluate(
        "[...document.querySelectorAll('.o_form_view label.o_form_label')].map((l) => l.textContent.trim())"
    )
    assert "Credit Note Date" in labels and "Invoice Date" not in labels, labels
    browser.screenshot(shots_dir / "11-credit-note.png")
    browser.open(f"{odoo_server.url}/odoo/atlas-credit-notes", ".o_list_view .o_data_row")
    browser.screenshot(shots_dir / "12-credit-notes-list.png")
    # Odoo's payments list: the money paid back of the refund is negative, "-$ 747.50".
    browser.open(f"{odoo_server.url}/odoo/atlas-payments", ".o_list_view .o_data_row")
    _assert_negatives_sign_first(_amounts(browser, ".o_list_view .o_data_row td.o_list_number"))
    browser.screenshot(shots_dir / "37-payments-list.png")


def test_wizards(odoo_server, database, books, browser, shots_dir):
    moves = books["moves"]
    _as(browser, odoo_server, database, "bookkeeper")
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{moves['draft']}", FORM)
    browser.click("button[name=action_atlas_send]", then=".modal .o_field_widget[name=partner_ids] .o_tag")
    # The recipient's whole address, and the email itself, before sending.
    recipient = browser.evaluate(
        "(() => { const tag = document.querySelector('.modal .o_field_widget[name=partner_ids] .o_badge_text');"
        " return [tag.textContent.trim(), tag.scrollWidth <= tag.clientWidth]; })()"
    )
    assert recipient == ["Cedar & Pine Architects <billing@cedar.example>", True], recipient
    body = browser.evaluate("document.querySelector('.modal .o_field_widget[name=body]').innerText")
    assert "Dear Cedar & Pine Architects," in body and "Please find attached invoice" in body, body
    browser.screenshot(shots_dir / "13-send-wizard.png")
    # A customer without email: the dialog says so and asks for it, no "Edit: <customer>" over it.
    bookkeeper = odoo_server.login(database, "bookkeeper", "bookkeeper")
    silent = bookkeeper.call("res.partner", "create", {"name": "Silent Partner Ltd", "customer_rank": 1})
    revenue = books["admin"].call("account.account", "search", [("account_type", "=", "income")], limit=1)[0]
    silent_draft = create_invoice(
        bookkeeper, silent, [{"name": "Design review", "account_id": revenue, "price_unit": 90.0}]
    )
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{silent_draft}", FORM)
    browser.click("button[name=action_atlas_send]", then=".modal div[name=customer_without_email]")
    dialogs = browser.evaluate("[...document.querySelectorAll('.modal .modal-title')].map((t) => t.textContent.trim())")
    assert dialogs == ["Send Invoice"]
    warning = browser.evaluate("document.querySelector('.modal div[name=customer_without_email]').innerText")
    assert " ".join(warning.split()) == (
        "Silent Partner Ltd has no email address. Type it in Customer's Email: it is saved on the customer "
        "and the invoice is emailed to it. Or choose Download PDF."
    )
    browser.screenshot(shots_dir / "30-send-wizard-customer-without-email.png")
    browser.click(".modal button.btn-secondary[special=cancel]")
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{moves['partial']}", FORM)
    browser.click("button[name=action_atlas_record_payment]", then=".modal .o_field_widget[name=journal_id] input")
    browser.screenshot(shots_dir / "14-payment-wizard.png")
    _as(browser, odoo_server, database, "accountant")
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{moves['paid']}", FORM)
    browser.click("button[name=action_atlas_refund]", then=".modal .o_field_widget[name=amount_to_credit]")
    browser.screenshot(shots_dir / "15-refund-wizard.png")


def _report(browser, odoo_server, path, report):
    browser.open(f"{odoo_server.url}/odoo/{path}", f'.o_atlas_report[data-report="{report}"] .o_atlas_report_table')


def test_report_screens(odoo_server, database, books, browser, shots_dir):
    _as(browser, odoo_server, database, "viewer")
    _report(browser, odoo_server, "atlas-ar-aging", "ar_aging")
    # Unfold the customer with a partly paid invoice, then open that invoice from the report.
    unfolded = browser.evaluate(
        "(() => { const row = [...document.querySelectorAll('.o_atlas_report_table tr.o_atlas_report_line')]"
        ".find((tr) => tr.textContent.includes('Cedar & Pine Architects'));"
        " if (!row) return false; row.querySelector('.o_atlas_report_fold').click(); return true; })()"
    )
    assert unfolded, "AR Aging has no line for Cedar & Pine Architects"
    browser.wait(".o_atlas_report_table tr.o_atlas_report_detail")
    browser.screenshot(shots_dir / "16-report-ar-aging.png")
    opened = browser.evaluate(
        "(() => { const cell = [...document.querySelectorAll('.o_atlas_report_table tr.o_atlas_report_detail"
        " td.o_atlas_report_label')].find((td) => td.textContent.trim().startsWith('INV/'));"
        " if (!cell) return false; cell.click(); return true; })()"
    )
    assert opened, "AR Aging lists no invoice under the unfolded customer"
    browser.wait(FORM)
    browser.screenshot(shots_dir / "17-report-ar-aging-drill-down.png")
    _report(browser, odoo_server, "atlas-profit-loss", "profit_loss")
    browser.screenshot(shots_dir / "18-report-profit-loss.png")
    # Compared with the year before: the same rule for a percent of nothing on every line.
    browser.click("#atlas_comparison", then="#atlas_cmp_from")
    browser.click(".o_atlas_report_refresh")
    browser.wait(".o_atlas_report_table thead th:nth-child(4)")
    headers = browser.evaluate(
        "[...document.querySelectorAll('.o_atlas_report_table thead th')].map((th) => th.textContent.trim())"
    )
    assert len(headers) >= 4 and all(headers[1:]), headers
    browser.screenshot(shots_dir / "33-report-profit-loss-comparison.png")
    _report(browser, odoo_server, "atlas-cash-flow", "cash_flow")
    browser.screenshot(shots_dir / "19-report-cash-flow.png")
    _as(browser, odoo_server, database, "bookkeeper")
    _report(browser, odoo_server, "atlas-general-ledger", "general_ledger")
    # Revenue accounts carry negative balances: "-$ 1,234.00".
    _assert_negatives_sign_first(_amounts(browser, ".o_atlas_report_table td"))
    browser.screenshot(shots_dir / "20-report-general-ledger.png")


def test_where_the_viewer_lands(odoo_server, database, books, browser, shots_dir):
    """A Viewer follows Odoo's own links to an invoice: the Atlas form, Atlas statuses."""
    admin, moves = books["admin"], books["moves"]
    [revenue] = admin.call("account.account", "search_read", [("account_type", "=", "income")], ["code"], limit=1)
    _as(browser, odoo_server, database, "viewer")
    _report(browser, odoo_server, "atlas-profit-loss", "profit_loss")
    opened = browser.evaluate(
        "(() => { const cell = [...document.querySelectorAll('.o_atlas_report_table td.o_atlas_report_label')]"
        f".find((td) => td.textContent.trim().startsWith({revenue['code']!r} + ' '));"
        " if (!cell) return false; cell.click(); return true; })()"
    )
    assert opened, f"Profit & Loss has no row for the revenue account {revenue['code']}"
    browser.wait(".o_list_view .o_data_row td[name=move_name] a")
    browser.screenshot(shots_dir / "25-report-profit-loss-journal-items.png")
    browser.click_text(".o_list_view .o_data_row td[name=move_name] a", _number(admin, moves["paid"]))
    browser.wait(".o_form_view .o_statusbar_buttons button[name=action_atlas_preview_pdf]")
    browser.screenshot(shots_dir / "26-report-profit-loss-drill-down.png")
    browser.open(
        f"{odoo_server.url}/odoo/action-account.action_move_out_invoice_type/{moves['refunded']}",
        ".o_form_view .ribbon",
    )
    browser.screenshot(shots_dir / "27-odoo-form-refunded-viewer.png")
    browser.open(
        f"{odoo_server.url}/odoo/atlas-customers/{books['customers']['cedar']}",
        "button[name=action_view_partner_invoices]",
    )
    browser.click("button[name=action_view_partner_invoices]", then=".o_list_view .o_data_row td[name=atlas_status]")
    browser.screenshot(shots_dir / "28-customer-invoiced.png")
    # The link of a notification or an email: /mail/view redirects into the web client.
    browser.open(
        f"{odoo_server.url}/mail/view?model=account.move&res_id={moves['sent']}",
        ".o_form_view .o_statusbar_buttons button[name=action_atlas_preview_pdf]",
    )
    browser.screenshot(shots_dir / "29-mail-link-viewer.png")


def _number(admin, move_id):
    [move] = admin.call("account.move", "read", [move_id], ["name"])
    return move["name"]


def test_pdf_pages(odoo_server, database, books, shots_dir):
    bookkeeper = odoo_server.login(database, "bookkeeper", "bookkeeper")
    for key, name in (("paid", "21-invoice-pdf-paid.png"), ("partial", "22-invoice-pdf-partially-paid.png")):
        pdf = bookkeeper.call("account.move", "atlas_get_pdf", [books["moves"][key]])
        pdf_page_png(base64.b64decode(pdf["content"]), 1, shots_dir / name)
    refunded = base64.b64decode(
        bookkeeper.call("account.move", "atlas_get_pdf", [books["moves"]["refunded"]])["content"]
    )
    pdf_page_png(refunded, 1, shots_dir / "31-invoice-pdf-refunded.png")
    credit_note = base64.b64decode(
        bookkeeper.call("account.move", "atlas_get_pdf", [books["moves"]["credit_note"]])["content"]
    )
    pdf_page_png(credit_note, 1, shots_dir / "32-credit-note-pdf.png")
    ledger = base64.b64decode(bookkeeper.call("atlas.report.general.ledger", "get_report_pdf", {})["content"])
    pages = len(PdfReader(io.BytesIO(ledger)).pages)
    assert pages >= 2, f"the General Ledger PDF has {pages} page: no second page to show its repeated headers"
    pdf_page_png(ledger, 1, shots_dir / "23-report-pdf-general-ledger-page-1.png")
    pdf_page_png(ledger, 2, shots_dir / "24-report-pdf-general-ledger-page-2.png")


def test_batch_and_contracts(odoo_server, database, books, browser, shots_dir):
    """The demo's contracts, and a batch of them generated twice: the second run finds
    nothing new to invoice and says so."""
    accountant = odoo_server.login(database, "accountant", "accountant")
    batch = accountant.call(
        "atlas.invoice.batch",
        "create",
        # Past the periods the demo has invoiced: its contracts are due again.
        {"name": "Screenshot batch", "date": (date.today() + timedelta(days=100)).isoformat()},
    )
    accountant.call("atlas.invoice.batch", "atlas_generate", [batch])
    accountant.call("atlas.invoice.batch", "atlas_generate", [batch])  # Generate Again
    _as(browser, odoo_server, database, "accountant")
    browser.open(f"{odoo_server.url}/odoo/atlas-batches/{batch}", ".o_form_view .o-mail-Message")
    log = browser.evaluate("document.querySelector('.o-mail-Thread').innerText")
    assert "Nothing new was due by" in log, log
    # Each customer's invoices together, contract by contract, in the order of their periods.
    rows = browser.evaluate(
        "[...document.querySelectorAll('.o_field_widget[name=invoice_ids] .o_data_row')].map((tr) =>"
        " ['partner_id', 'atlas_contract_id', 'atlas_period_start']"
        ".map((name) => tr.querySelector(`td[name=${name}]`).textContent.trim()))"
    )
    assert len(rows) >= 3, rows
    assert rows == sorted(rows, key=lambda row: (row[0], row[1], datetime.strptime(row[2], "%m/%d/%Y"))), rows
    browser.screenshot(shots_dir / "34-batch-generated-again.png")
    browser.open(f"{odoo_server.url}/odoo/action-contract.action_customer_contract", ".o_list_view .o_data_row")
    assert _not_cut(browser, ".o_list_view .o_data_row td[name=name]") == []
    browser.screenshot(shots_dir / "35-contracts-list.png")
    browser.click_text(".o_list_view .o_data_row td[name=name]", "Bluebird backup and monitoring", then=".o_form_view")
    browser.wait(".o_form_view .o_field_widget[name=name] input")
    browser.wait(".o_form_view .o_field_widget[name=contract_line_fixed_ids] .o_data_row")
    browser.screenshot(shots_dir / "36-contract-form.png")
    assert _not_cut(browser, ".o_form_view .o_field_widget[name=name] input") == []
    # The demo's administrator is the Responsible, not OdooBot.
    responsible = browser.evaluate(
        "[...document.querySelectorAll('.o_form_view .o_field_widget[name=user_id] input')].map((el) => el.value)"
    )
    assert "Mitchell Admin" in responsible and "OdooBot" not in responsible, responsible
    assert _not_cut(browser, ".o_field_widget[name=contract_line_fixed_ids] th .text-truncate") == []
    # Its line as the next invoice reads it: OCA's markers filled in, none shown raw.
    lines = browser.evaluate("document.querySelector('.o_field_widget[name=contract_line_fixed_ids]').innerText")
    assert "#START#" not in lines and "#END#" not in lines, lines
    assert re.search(r"Backup and monitoring, \d\d/\d\d/\d{4} to \d\d/\d\d/\d{4}", lines), lines


def test_batch_jobs_tab(odoo_server, database, books, browser, shots_dir):
    """With jobs (atlas_invoicing_queue) and no job runner yet at work, a batch's Generate
    queues its jobs: the form says so and its Jobs tab lists them."""
    admin = books["admin"]
    admin.call("ir.config_parameter", "set_param", "atlas_invoicing_queue.dispatch", "always")
    try:
        accountant = odoo_server.login(database, "accountant", "accountant")
        batch = accountant.call(
            "atlas.invoice.batch",
            "create",
            {"name": "Queued batch", "date": (date.today() + timedelta(days=200)).isoformat()},
        )
        _as(browser, odoo_server, database, "accountant")
        browser.open(
            f"{odoo_server.url}/odoo/atlas-batches/{batch}", ".o_statusbar_buttons button[name=action_generate]"
        )
        # Generate, as the accountant clicks it: the run goes to jobs.
        browser.click_text(".o_statusbar_buttons button[name=action_generate]", "Generate")
        browser.wait(".o_form_view .o_notebook .nav-link[name=jobs]")
        browser.click(
            ".o_form_view .o_notebook .nav-link[name=jobs]", then=".o_field_widget[name=atlas_chunk_ids] .o_data_row"
        )
        jobs = browser.evaluate(
            "[...document.querySelectorAll('.o_field_widget[name=atlas_chunk_ids] .o_data_row')].map((tr) =>"
            " ['operation', 'state'].map((name) => tr.querySelector(`td[name=${name}]`).textContent.trim()))"
        )
        assert jobs and all(operation for operation, _state in jobs), jobs
        queued = browser.evaluate(
            "[...document.querySelectorAll('.o_form_view .alert-info')].map((div) =>"
            " div.textContent.replace(/\\s+/g, ' ').trim()).find((text) => text.startsWith('Jobs of this batch'))"
        )
        # The count after its words ("1 jobs of this batch are queued" read wrong).
        assert (
            queued == f"Jobs of this batch queued for the job runner: {len(jobs)}. The Jobs tab shows each one."
        ), queued
        assert _not_cut(browser, ".o_field_widget[name=atlas_chunk_ids] th .text-truncate") == []
        browser.screenshot(shots_dir / "38-batch-jobs-tab.png")
        # The run's spinning icon starts the Generating line, not a line of its own.
        lines = browser.evaluate(
            "['.o_atlas_batch_progress', '.alert-info .o_field_widget[name=contract_done]']"
            ".map((selector) => Math.round(document.querySelector(selector).getBoundingClientRect().bottom))"
        )
        assert abs(lines[0] - lines[1]) <= 4, lines
    finally:
        admin.call("ir.config_parameter", "set_param", "atlas_invoicing_queue.dispatch", "auto")


def test_every_screenshot_is_there_and_not_blank(shots_dir):
    check_screenshots(shots_dir, EXPECTED)
    print(f"\n{len(EXPECTED)} screenshots in {shots_dir}")
