"""Screenshots of the Get Paid screens, for a reviewer to look at: in $ATLAS_LOG_DIR/screenshots/.

Against a live server on a copy of the template database (the demo, with a customer at each
reminder step): the invoice email's Pay now, the portal as the customer sees it (no login),
the payment dialog, the invoice once paid, the reminder run's email and the invoice's
Reminders tab, the reminder ladder, the customer's collection settings, the AR Aging by last
reminder (screen and PDF), an overdue invoice as the Viewer, the last reminder run in Settings,
and the PDFs (the Atlas PDF the portal serves, OCA's statements). Every image must exist and
not be blank.
"""

import base64
import re
import time
from datetime import date
from urllib.parse import urlsplit

import requests
from chromium import check_screenshots, pdf_page_png

EXPECTED = {
    "collect-01-invoice-email.png": "the invoice email: amount, due date, Pay now, View the invoice online",
    "collect-02-portal-invoice.png": "the portal (no login): the Atlas invoice, Pay Now",
    "collect-03-portal-pay-dialog.png": "Pay now: Odoo's payment dialog with the Demo provider",
    "collect-04-portal-paid.png": "after paying: the invoice Paid, with its PAID mark",
    "collect-05-invoice-paid-card.png": "the Atlas form: Paid, the payment's method Credit Card",
    "collect-06-reminder-email.png": "a reminder email: the customer's invoices at the step, Pay now each",
    "collect-07-invoice-reminders-tab.png": "the invoice's Reminders tab: last step and date, Pause, history",
    "collect-08-invoice-list-last-reminder.png": "the invoice list: Last Reminder and Reminded On columns",
    "collect-18-reminder-runs-bookkeeper.png": "Invoicing → Reminder Runs as the Bookkeeper: the run just sent, no New",
    "collect-09-reminder-ladder.png": "Configuration → Reminder Ladder: −3, +7, +21, +45 days, a template each",
    "collect-10-customer-settings.png": "a customer's No Reminders and Monthly Statement",
    "collect-11-portal-pdf.png": "the PDF the portal downloads: the Atlas invoice with its PAID mark",
    "collect-12-statement-outstanding-pdf.png": "OCA's outstanding statement: open items, aging buckets",
    "collect-13-statement-activity-pdf.png": "OCA's activity statement: opening balance, the month, closing balance",
    "collect-14-ar-aging-last-reminder.png": "AR Aging filtered on Last reminder: Second notice, its customer only",
    "collect-15-ar-aging-last-reminder-pdf.png": "the same AR Aging as PDF, its subtitle naming the step",
    "collect-16-invoice-viewer-overdue.png": "an overdue invoice as the Viewer: no Send banner, one Reminders tab",
    "collect-17-settings-last-reminder-run.png": "Settings: the last reminder run, what it sent or why nothing",
    "collect-19-cash-flow-payout.png": "Cash Flow after the provider's payout: Credit Card in full, its fee paid out",
    "collect-20-cash-flow-card-disbursements.png": "… → Credit Card's disbursements: a card refund, the provider's fee",
}


def _html_page(browser, shots_dir, name, html):
    """An email's HTML as the customer's mail client shows it."""
    page = shots_dir / name.replace(".png", ".html")
    page.write_text(f"<html><body style='font-family: sans-serif; padding: 24px'>{html}</body></html>")
    browser.open(f"file://{page}", "body")
    browser.screenshot(shots_dir / name)
    page.unlink()


def _wait_for_invoice_frame(browser):
    """The portal shows the invoice in an iframe that loads after the page: wait for its content."""
    check = (
        "(() => { const f = document.querySelector('.o_portal_html_view iframe');"
        " return !!(f && f.contentDocument && f.contentDocument.querySelector('.atlas-invoice-mark, table')); })()"
    )
    deadline = time.monotonic() + 30
    while not browser.evaluate(check):
        assert time.monotonic() < deadline, "the portal's invoice did not load"
        time.sleep(0.3)
    # Odoo sizes the iframe to its content on the frame's load, which a fast load can beat
    # (the frame is then cut short); a resize of the window sizes it again.
    browser.evaluate("window.dispatchEvent(new Event('resize'))")
    time.sleep(0.5)


def _mail_body(admin, model, res_id):
    [mail] = admin.call(
        "mail.mail", "search_read", [("model", "=", model), ("res_id", "=", res_id)], fields=["body_html"], limit=1
    )
    return mail["body_html"]


def test_pay_now_screens(odoo_server, database, admin, browser, shots_dir):
    bookkeeper = odoo_server.login(database, "bookkeeper", "bookkeeper")
    [harbor] = admin.call("res.partner", "search", [("name", "=", "Harbor Logistics")])
    [invoice_id] = admin.call("account.move", "search", [("partner_id", "=", harbor)], limit=1)
    bookkeeper.call("account.move", "atlas_send", [invoice_id], "email")
    body = _mail_body(admin, "account.move", invoice_id)
    _html_page(browser, shots_dir, "collect-01-invoice-email.png", body)
    view = re.search(r'href="([^"]+)"[^>]*>\s*View the invoice online', body).group(1).replace("&amp;", "&")
    path = urlsplit(view)
    portal = f"{odoo_server.url}{path.path}?{path.query}"
    browser.send("Network.clearBrowserCookies")
    browser.open(portal, "a[data-bs-target='#pay_with']")
    _wait_for_invoice_frame(browser)
    browser.screenshot(shots_dir / "collect-02-portal-invoice.png")
    browser.click("a[data-bs-target='#pay_with']", "#pay_with.show button[name=o_payment_submit_button]")
    browser.screenshot(shots_dir / "collect-03-portal-pay-dialog.png")
    browser.click("#pay_with button[name=o_payment_submit_button]", ".o_portal_sidebar .badge.text-bg-success")
    _wait_for_invoice_frame(browser)
    browser.screenshot(shots_dir / "collect-04-portal-paid.png")
    [invoice] = admin.call("account.move", "read", [invoice_id], ["atlas_status", "access_token"])
    assert invoice["atlas_status"] == "paid"
    browser.login(odoo_server.url, database, "accountant", "accountant")
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{invoice_id}", ".o_form_view .o_field_widget[name=name]")
    browser.screenshot(shots_dir / "collect-05-invoice-paid-card.png")
    pdf = requests.get(f"{portal}&report_type=pdf&download=true", timeout=120).content
    assert pdf[:5] == b"%PDF-"
    pdf_page_png(pdf, 1, shots_dir / "collect-11-portal-pdf.png")
    _payout_arrives(odoo_server, database, admin, browser, shots_dir, invoice_id)


def _cash_flow_methods(client):
    """This month's Cash Flow: {(section, method): total}, and the closing cash."""
    today = date.today()
    data = client.call(
        "atlas.report.cash.flow",
        "get_report_data",
        {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()},
    )
    methods = {
        (line["parent"], line["label"]): line["values"]["total"]
        for line in data["lines"]
        if line["parent"] in ("receipts", "disbursements")
    }
    return methods, data["totals"]["closing"]


def _payout_arrives(odoo_server, database, admin, browser, shots_dir, invoice_id):
    """The Demo provider pays the money out to the bank less its fee: the Bookkeeper imports
    the bank's CSV, the payout is proposed with the online payment and confirmed; the Cash
    Flow keeps the card payment in full under Credit Card and pays the fee out of it."""
    [invoice] = admin.call("account.move", "read", [invoice_id], ["amount_total", "name"])
    fee = round(invoice["amount_total"] * 0.029 + 0.30, 2)
    payout = round(invoice["amount_total"] - fee, 2)
    [provider] = admin.call("payment.provider", "search_read", [("code", "=", "demo")], ["journal_id"], limit=1)
    fees_account = admin.call(
        "account.account", "create", {"name": "Payment Provider Fees", "code": "626900", "account_type": "expense"}
    )
    admin.call("payment.provider", "write", [provider["id"]], {"atlas_fee_account_id": fees_account})
    accountant = odoo_server.login(database, "accountant", "accountant")
    before, closing_before = _cash_flow_methods(accountant)

    bookkeeper = odoo_server.login(database, "bookkeeper", "bookkeeper")
    today = date.today().isoformat()
    csv = (
        "Date,Description,Reference,Payer,Amount,Balance,Method\n"
        f"{today},DEMO PAYOUT PO-1001,,Demo,{payout:.2f},{payout:.2f},\n"
    )
    result = bookkeeper.call(
        "account.bank.statement",
        "atlas_import_statement",
        provider["journal_id"][0],
        base64.b64encode(csv.encode()).decode(),
        "payout.csv",
    )
    [line] = result["lines"]
    assert line["match"] == "payout", line
    bookkeeper.call("account.bank.statement.line", "atlas_confirm_matches", [line["id"]])

    after, closing_after = _cash_flow_methods(accountant)
    assert after.get(("receipts", "Credit Card")) == before.get(("receipts", "Credit Card")), (before, after)
    assert after.get(("receipts", "Other receipts")) == before.get(("receipts", "Other receipts")), (before, after)
    card_fees = ("disbursements", "Credit Card")
    assert round(after.get(card_fees, 0.0) - before.get(card_fees, 0.0), 2) == fee, (before, after)
    assert round(closing_before - closing_after, 2) == fee
    browser.login(odoo_server.url, database, "accountant", "accountant")
    report = '.o_atlas_report[data-report="cash_flow"] .o_atlas_report_table'
    browser.open(f"{odoo_server.url}/odoo/atlas-cash-flow", report)
    browser.screenshot(shots_dir / "collect-19-cash-flow-payout.png")
    # The disbursements' Credit Card: the items behind it, the provider's fee among them.
    opened = browser.evaluate(
        "(() => { const rows = [...document.querySelectorAll('.o_atlas_report_table tr')];"
        " const start = rows.findIndex((tr) => tr.textContent.trim().startsWith('Disbursements'));"
        " const row = rows.slice(start).find((tr) => tr.querySelector('td').textContent.trim() === 'Credit Card');"
        " if (!row) return false; row.querySelector('td').click(); return true; })()"
    )
    assert opened, "Cash Flow has no Credit Card line under Disbursements"
    browser.wait(".o_list_view .o_data_row")
    items = browser.evaluate("[...document.querySelectorAll('.o_list_view .o_data_row')].map((tr) => tr.innerText)")
    assert any("Demo fee" in item for item in items), items
    browser.screenshot(shots_dir / "collect-20-cash-flow-card-disbursements.png")


def test_reminder_screens(odoo_server, database, admin, browser, shots_dir):
    bookkeeper = odoo_server.login(database, "bookkeeper", "bookkeeper")
    sent = bookkeeper.call("account.move", "atlas_send_reminders")
    second = next(entry for entry in sent if entry["customer"] == "Maple Street Bakery")
    [action] = admin.call(
        "overdue.reminder.action", "search", [("commercial_partner_id", "=", second["customer_id"])], limit=1
    )
    _html_page(
        browser, shots_dir, "collect-06-reminder-email.png", _mail_body(admin, "overdue.reminder.action", action)
    )
    browser.login(odoo_server.url, database, "bookkeeper", "bookkeeper")
    invoice_id = second["invoices"][0]["id"]
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{invoice_id}", ".o_form_view .o_notebook")
    browser.click_text(".o_notebook .nav-link", "Reminders", ".o_field_widget[name=atlas_reminder_step_id]")
    browser.screenshot(shots_dir / "collect-07-invoice-reminders-tab.png")
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices", ".o_list_view .o_data_row")
    browser.screenshot(shots_dir / "collect-08-invoice-list-last-reminder.png")
    # Who sends reminders reads the past runs: Invoicing → Reminder Runs, read-only.
    browser.click(
        '.o_main_navbar button[data-menu-xmlid="atlas_invoicing.menu_atlas_invoicing"]',
        then='.dropdown-item[data-menu-xmlid="atlas_invoicing_collect.menu_atlas_reminder_runs"]',
    )
    browser.click(
        '.dropdown-item[data-menu-xmlid="atlas_invoicing_collect.menu_atlas_reminder_runs"]',
        then=".o_list_view .o_data_row td[name=email_count]",
    )
    assert not browser.evaluate("!!document.querySelector('.o_list_button_add')")
    runs = browser.evaluate("document.querySelector('.o_list_view .o_data_row').innerText")
    assert "Sent" in runs, runs
    browser.screenshot(shots_dir / "collect-18-reminder-runs-bookkeeper.png")
    browser.login(odoo_server.url, database, "admin", "admin")
    action_id = admin.ref("atlas_invoicing_collect.action_atlas_reminder_steps")
    browser.open(f"{odoo_server.url}/odoo/action-{action_id}", ".o_list_view .o_data_row")
    cut = browser.evaluate(
        "[...document.querySelectorAll('.o_list_view thead th .text-truncate')]"
        ".filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent.trim())"
    )
    assert not cut, f"column headers cut: {cut}"
    browser.screenshot(shots_dir / "collect-09-reminder-ladder.png")
    admin.call("res.partner", "write", [second["customer_id"]], {"atlas_statement_monthly": True})
    browser.open(f"{odoo_server.url}/odoo/atlas-customers/{second['customer_id']}", ".o_form_view")
    browser.wait(".o_field_widget[name=atlas_statement_monthly]")
    browser.screenshot(shots_dir / "collect-10-customer-settings.png")


def test_reminder_follow_up_screens(odoo_server, database, admin, browser, shots_dir):
    """After the reminder run (test_reminder_screens): the AR Aging by last reminder, an
    overdue invoice as a Viewer sees it, the run in Settings."""
    bookkeeper = odoo_server.login(database, "bookkeeper", "bookkeeper")
    steps = {step["name"]: step["id"] for step in admin.call("atlas.reminder.step", "search_read", [], fields=["name"])}
    second = steps["Second notice"]
    report = bookkeeper.call("atlas.report.ar.aging", "get_report_data", {"reminder_step": second, "details": True})
    customers = sorted(line["label"] for line in report["lines"] if line["key"].startswith("partner-"))
    # The invoices whose last reminder is the second notice, as the invoices themselves say.
    invoices = admin.call(
        "account.move",
        "search_read",
        [("atlas_reminder_step_id", "=", second), ("amount_residual", ">", 0)],
        fields=["amount_residual", "partner_id"],
    )
    assert "Maple Street Bakery" in customers
    assert customers == sorted({i["partner_id"][1] for i in invoices}), customers
    assert report["totals"]["total"] == round(sum(i["amount_residual"] for i in invoices), 2) > 0
    assert report["checks"][0]["ok"], report["checks"]
    assert "Last reminder: Second notice" in report["subtitle"]
    pdf = bookkeeper.call("atlas.report.ar.aging", "get_report_pdf", {"reminder_step": second})
    pdf_page_png(base64.b64decode(pdf["content"]), 1, shots_dir / "collect-15-ar-aging-last-reminder-pdf.png")

    browser.login(odoo_server.url, database, "bookkeeper", "bookkeeper")
    browser.open(f"{odoo_server.url}/odoo/atlas-ar-aging", ".o_atlas_filter_reminder_step select")
    browser.evaluate(
        "(() => { const s = document.querySelector('.o_atlas_filter_reminder_step select');"
        " s.selectedIndex = [...s.options].findIndex((o) => o.textContent.trim() === 'Second notice');"
        " s.dispatchEvent(new Event('change')); })()"
    )
    browser.click(".o_atlas_report_filters button[type=submit]")
    browser.wait(".o_atlas_report_heading")
    deadline = time.monotonic() + 30
    while "Last reminder: Second notice" not in browser.evaluate(
        "document.querySelector('.o_atlas_report_heading').textContent"
    ):
        assert time.monotonic() < deadline, "the filtered report did not load"
        time.sleep(0.3)
    browser.wait(".o_atlas_report_table tbody tr")
    browser.screenshot(shots_dir / "collect-14-ar-aging-last-reminder.png")
    rows = browser.evaluate(
        "[...document.querySelectorAll('.o_atlas_report_table tbody tr')].map((r) => r.textContent)"
    )
    assert any("Maple Street Bakery" in row for row in rows), rows
    assert not any("Quantum Legal" in row or "Summit Outdoor" in row for row in rows), rows

    # An overdue invoice as the Viewer: the invoice at the final notice.
    [quantum] = admin.call("res.partner", "search", [("name", "=", "Quantum Legal LLP")])
    [invoice_id] = admin.call(
        "account.move", "search", [("partner_id", "=", quantum), ("atlas_reminder_step_id", "!=", False)], limit=1
    )
    browser.login(odoo_server.url, database, "viewer", "viewer")
    browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{invoice_id}", ".o_form_view .o_notebook")
    browser.click_text(".o_notebook .nav-link", "Reminders", ".o_field_widget[name=atlas_reminder_step_id]")
    browser.screenshot(shots_dir / "collect-16-invoice-viewer-overdue.png")
    tabs = browser.evaluate("[...document.querySelectorAll('.o_notebook .nav-link')].map((t) => t.textContent.trim())")
    assert [tab for tab in tabs if "Reminder" in tab] == ["Reminders"], tabs
    assert "Send an overdue reminder" not in browser.evaluate("document.querySelector('.o_form_view').textContent")

    browser.login(odoo_server.url, database, "admin", "admin")
    action_id = admin.ref("atlas_invoicing.action_atlas_settings")
    browser.open(f"{odoo_server.url}/odoo/action-{action_id}", ".o_field_widget[name=atlas_reminder_last_run]")
    browser.evaluate(
        "document.querySelector('.o_field_widget[name=atlas_reminder_last_run]').scrollIntoView({block: 'center'})"
    )
    time.sleep(0.5)
    browser.screenshot(shots_dir / "collect-17-settings-last-reminder-run.png")
    text = browser.evaluate("document.querySelector('.o_field_widget[name=atlas_reminder_last_run]').textContent")
    assert re.search(r"Sent \d+ emails? to \d+ customers? about \d+ invoices?\.", text), text
    assert "(s)" not in text, text


def test_statement_pdfs(odoo_server, database, admin, shots_dir):
    bookkeeper = odoo_server.login(database, "bookkeeper", "bookkeeper")
    [northwind] = admin.call("res.partner", "search", [("name", "=", "Northwind Traders")])
    for kind, name in (
        ("outstanding", "collect-12-statement-outstanding-pdf.png"),
        ("activity", "collect-13-statement-activity-pdf.png"),
    ):
        kwargs = {"date_from": "2026-01-01"} if kind == "activity" else {}
        [statement] = bookkeeper.call("res.partner", "atlas_send_statement", [northwind], kind, **kwargs)
        pdf_page_png(base64.b64decode(statement["pdf"]["content"]), 1, shots_dir / name)


def test_every_collect_screenshot_is_there_and_not_blank(shots_dir):
    check_screenshots(shots_dir, EXPECTED)
