"""Screenshots of the Banking screens, for a reviewer to look at: in $ATLAS_LOG_DIR/screenshots/.

Against a live server on a copy of the template database, the demo's Bookkeeper imports the
demo's CSV statement through the web client (Banking → Import Statement: the file, Preview,
Import), opens Reconcile, confirms the line naming an invoice, then looks at the invoice, the
statement and the journal entry of a line the import settled. Every image must exist and not
be blank.
"""

import base64
import re
import time

import pytest
from chromium import check_screenshots

# File name → what it shows. The last test checks that each one was taken.
EXPECTED = {
    "bank-01-import.png": "Import Statement: Business Checking and its CSV mapping defaulted, the file chosen",
    "bank-02-import-preview.png": "the preview: 5 new lines, start and end balances",
    "bank-03-import-done.png": "after Import: 4 matched, 2 confirmed (the recorded payments)",
    "bank-04-reconcile.png": "Reconcile: the lines still open, what each was matched to (Nothing for none), Confirm",
    "bank-05-invoice-paid.png": "the invoice named on the confirmed line: Paid, its payment",
    "bank-06-statement.png": "the statement: balances, its lines and their running balance",
    "bank-07-settled-line-entry.png": "a settled line's entry: Debit Business Checking, Credit Outstanding Receipts; "
    "its chatter says what it settled; no Reset to Draft nor Reverse Entry for the Bookkeeper",
    "bank-08-import-ofx-same-month.png": "the OFX after the CSV: the preview warns of 5 lines like imported ones",
    "bank-09-import-refused-doctype.png": "a CAMT file declaring an external entity: refused, with what to do",
    "bank-10-import-ofx-lookalikes-imported.png": "the OFX imported anyway once ticked: the warning repeated",
    "bank-11-import-refused-masked-account.png": "an OFX of a masked account number: refused, names the journal",
    "bank-12-import-masked-account-confirmed.png": "… It is this account ticked: the preview",
}


def _demo_statement(admin, folder, name):
    [attachment] = admin.call(
        "ir.attachment",
        "search_read",
        [("res_model", "=", "account.journal"), ("name", "=", name)],
        fields=["datas"],
    )
    path = folder / name
    path.write_bytes(base64.b64decode(attachment["datas"]))
    return path


@pytest.fixture(scope="module")
def demo_csv(admin, tmp_path_factory):
    """The demo's CSV statement of Business Checking, as the file the Bookkeeper uploads."""
    return _demo_statement(admin, tmp_path_factory.mktemp("statements"), "demo-statement.csv")


@pytest.fixture(scope="module")
def demo_ofx(admin, tmp_path_factory):
    """The same month as an OFX file."""
    return _demo_statement(admin, tmp_path_factory.mktemp("statements"), "demo-statement.ofx")


def _choose_file(browser, path):
    """The file widget's <input type=file> gets the file as a user's choice would give it."""
    document = browser.send("DOM.getDocument", depth=-1, pierce=True)
    file_input = browser.send(
        "DOM.querySelector",
        nodeId=document["root"]["nodeId"],
        selector=".modal .o_field_widget[name=statement_file] input[type=file]",
    )
    browser.send("DOM.setFileInputFiles", files=[str(path)], nodeId=file_input["nodeId"])
    browser.wait(".modal .o_field_widget[name=statement_file] .o_input")


def _labels(browser):
    """The labels of the Reconcile list's rows."""
    return browser.evaluate(
        "[...document.querySelectorAll('.o_list_view .o_data_row td[name=payment_ref]')]"
        ".map((td) => td.textContent.trim())"
    )


def _row_button(browser, label, button):
    """Click a button of the Reconcile list's row whose label is ``label``."""
    return browser.evaluate(
        "(() => { const row = [...document.querySelectorAll('.o_list_view .o_data_row')]"
        f".find((r) => r.querySelector('td[name=payment_ref]')?.textContent.trim() === {label!r});"
        f" const button = row && row.querySelector('button[name={button}]');"
        " if (!button) return false; button.click(); return true; })()"
    )


def test_bank_screens(odoo_server, database, admin, browser, demo_csv, demo_ofx, shots_dir):
    url = odoo_server.url
    browser.login(url, database, "bookkeeper", "bookkeeper")
    browser.open(f"{url}/odoo/action-atlas_invoicing_bank.action_atlas_statement_import", ".modal .o_field_widget")
    browser.wait(".modal .o_field_widget[name=sheet_mapping_id]")
    defaults = browser.evaluate(
        "[document.querySelector('.modal .o_field_widget[name=journal_id] input').value,"
        " document.querySelector('.modal .o_field_widget[name=sheet_mapping_id] input').value]"
    )
    assert defaults == ["Business Checking", "Business Checking CSV"]

    _choose_file(browser, demo_csv)
    # A CSV carries no account number: nothing to confirm about it.
    assert browser.evaluate("!document.querySelector('.modal .o_field_widget[name=confirm_account]')")
    browser.screenshot(shots_dir / "bank-01-import.png")

    browser.click(".modal button[name=action_preview]", then=".modal button[name=action_import]")
    preview = browser.evaluate(
        "['line_count', 'duplicate_count', 'balance_start', 'balance_end'].map((f) =>"
        " document.querySelector(`.modal .o_field_widget[name=${f}]`).textContent.trim())"
    )
    # The statement follows on from Odoo's demo statement of January 1 (ending at 6,378.00).
    assert preview == ["5", "0", "$\xa06,378.00", "$\xa09,693.00"]
    browser.screenshot(shots_dir / "bank-02-import-preview.png")

    browser.click(".modal button[name=action_import]", then=".modal button[name=action_open_reconcile]")
    done = browser.evaluate(
        "['line_count', 'matched_count', 'confirmed_count'].map((f) =>"
        " document.querySelector(`.modal .o_field_widget[name=${f}]`).textContent.trim())"
    )
    assert done == ["5", "4", "2"]
    browser.screenshot(shots_dir / "bank-03-import-done.png")

    browser.click(".modal button[name=action_open_reconcile]", then=".o_list_view .o_data_row")
    labels = _labels(browser)
    [invoice_line] = [label for label in labels if label.startswith("ACH CREDIT INV/")]
    assert len(labels) == 3, f"the recorded payments' lines are settled at import: {labels}"
    matched_by = browser.evaluate(
        "[...document.querySelectorAll('.o_list_view .o_data_row')].map((row) =>"
        " [row.querySelector('td[name=payment_ref]').textContent.trim(),"
        " row.querySelector('td[name=atlas_match_label]').textContent.trim()])"
    )
    assert ["ZELLE FROM J SMITH", "Nothing"] in matched_by, matched_by
    # No header and no matched number cut short ("Matched I…", "INV/2026/…"): Label gives way.
    cut = browser.evaluate(
        """(() => {
            const cut = [];
            for (const name of ["atlas_match_label", "atlas_match_invoice_id", "atlas_match_payment_id",
                                "is_reconciled", "partner_name"]) {
                const cells = document.querySelectorAll(
                    `.o_list_view th[data-name=${name}] .text-truncate, .o_list_view td[name=${name}]`);
                for (const cell of cells) {
                    if (cell.scrollWidth > cell.clientWidth + 1) cut.push(`${name}: ${cell.textContent.trim()}`);
                }
            }
            return cut;
        })()"""
    )
    assert cut == [], f"cut short in Reconcile: {cut}"
    browser.screenshot(shots_dir / "bank-04-reconcile.png")

    [line] = admin.call(
        "account.bank.statement.line",
        "search_read",
        [("payment_ref", "=", invoice_line)],
        fields=["atlas_match_invoice_id", "statement_id"],
    )
    assert _row_button(browser, invoice_line, "action_atlas_confirm_match")
    # Confirmed, the line leaves the list (its filter is Not Reconciled).
    deadline = time.monotonic() + 30
    while invoice_line in _labels(browser) or len(_labels(browser)) != 2:
        assert time.monotonic() < deadline, "the confirmed line is still in Reconcile's list"
        time.sleep(0.2)
    invoice_id = line["atlas_match_invoice_id"][0]
    browser.open(
        f"{url}/odoo/atlas-invoices/{invoice_id}",
        '.o_statusbar_status button.o_arrow_button_current[data-value="paid"]',
    )
    browser.screenshot(shots_dir / "bank-05-invoice-paid.png")

    statement_id = line["statement_id"][0]
    browser.open(f"{url}/odoo/action-account.action_bank_statement_tree/{statement_id}", ".o_form_view .o_data_row")
    browser.screenshot(shots_dir / "bank-06-statement.png")

    # The check deposit met the check recorded with Record Payment: settled by the import.
    [settled] = admin.call(
        "account.bank.statement.line",
        "search_read",
        [("statement_id", "=", statement_id), ("payment_ref", "=", "CHECK DEPOSIT 1042")],
        fields=["move_id", "is_reconciled"],
    )
    assert settled["is_reconciled"]
    items = admin.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", settled["move_id"][0])],
        fields=["account_id", "debit", "credit"],
        order="debit desc",
    )
    assert [(i["account_id"][1].split(" ", 1)[1], i["debit"], i["credit"]) for i in items] == [
        ("Business Checking", 800.0, 0.0),
        ("Outstanding Receipts", 0.0, 800.0),
    ]
    browser.open(f"{url}/odoo/account.move/{settled['move_id'][0]}", ".o_form_view .o_data_row")
    # Its chatter says what the line settled, in words: no "Journal Item #95 deleted".
    browser.wait(".o-mail-Thread .o-mail-Message")
    chatter = browser.evaluate("document.querySelector('.o-mail-Thread').innerText")
    assert "Reconciled: " in chatter and "Outstanding Receipts $\xa0800.00, settling PBNK" in chatter, chatter
    assert "Journal Item" not in chatter and "Suspense" not in chatter, chatter
    # The Bookkeeper may neither reset nor reverse a bank line's entry: the form offers neither.
    header = browser.evaluate("document.querySelector('.o_form_view .o_statusbar_buttons').innerText")
    assert "Reset to Draft" not in header and "Reverse Entry" not in header, header
    browser.screenshot(shots_dir / "bank-07-settled-line-entry.png")

    # The same month's OFX: other import ids, so nothing counts as already imported, but the
    # preview warns that its lines look like the CSV's.
    browser.open(f"{url}/odoo/action-atlas_invoicing_bank.action_atlas_statement_import", ".modal .o_field_widget")
    browser.wait(".modal .o_field_widget[name=sheet_mapping_id]")
    _choose_file(browser, demo_ofx)
    # An OFX file is read by its own parser: no CSV mapping asked for.
    assert browser.evaluate("!document.querySelector('.modal .o_field_widget[name=sheet_mapping_id]')")
    browser.click(".modal button[name=action_preview]", then=".modal .alert-warning")
    warnings = browser.evaluate(
        "[...document.querySelectorAll('.modal .alert-warning')]"
        ".map((div) => div.textContent.replace(/\\s+/g, ' ').trim())"
    )
    assert any(text.startswith("5 of the new lines have the date and amount") for text in warnings), warnings
    browser.screenshot(shots_dir / "bank-08-import-ofx-same-month.png")
    # Going on without ticking "Import them anyway" imports nothing and says why.
    browser.click(".modal button[name=action_import]", then=".o_error_dialog")
    error = browser.evaluate("document.querySelector('.o_error_dialog').textContent.replace(/\\s+/g, ' ')")
    assert "Tick “Import them anyway” to import them all the same" in error, error
    browser.click(".o_error_dialog .modal-footer .btn-primary")
    browser.click(".modal .o_field_widget[name=import_lookalikes] input")
    browser.click(".modal button[name=action_import]", then=".modal button[name=action_open_reconcile]")
    warnings = browser.evaluate(
        "[...document.querySelectorAll('.modal .alert-warning')]"
        ".map((div) => div.textContent.replace(/\\s+/g, ' ').trim())"
    )
    assert any(text.startswith("5 of the imported lines have the date and amount") for text in warnings), warnings
    browser.screenshot(shots_dir / "bank-10-import-ofx-lookalikes-imported.png")

    # A "bank file" forwarded by someone, whose DOCTYPE would read a file of the server: the
    # preview refuses it and says what to do.
    hostile = demo_ofx.parent / "camt053-forwarded.xml"
    hostile.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<Stmt><Ntry><NtryDtls><TxDtls><RmtInf><Ustrd>&x;</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt>"
        "</BkToCstmrStmt></Document>\n"
    )
    browser.open(f"{url}/odoo/action-atlas_invoicing_bank.action_atlas_statement_import", ".modal .o_field_widget")
    browser.wait(".modal .o_field_widget[name=sheet_mapping_id]")
    _choose_file(browser, hostile)
    browser.click(".modal button[name=action_preview]", then=".o_error_dialog")
    error = browser.evaluate("document.querySelector('.o_error_dialog').textContent.replace(/\\s+/g, ' ')")
    assert "“camt053-forwarded.xml” is not a plain bank statement" in error, error
    assert "root:" not in error
    browser.screenshot(shots_dir / "bank-09-import-refused-doctype.png")

    # The OFX of a bank that masks the account number: refused until the user says it is this
    # journal's account.
    masked = demo_ofx.parent / "masked-account.ofx"
    masked.write_bytes(
        re.sub(rb"<ACCTID>[^<]*?(\w{4})(?=<|\s)", rb"<ACCTID>XXXXXXXX\1", demo_ofx.read_bytes(), count=1)
    )
    browser.open(f"{url}/odoo/action-atlas_invoicing_bank.action_atlas_statement_import", ".modal .o_field_widget")
    browser.wait(".modal .o_field_widget[name=sheet_mapping_id]")
    _choose_file(browser, masked)
    browser.click(".modal button[name=action_preview]", then=".o_error_dialog")
    error = browser.evaluate("document.querySelector('.o_error_dialog').textContent.replace(/\\s+/g, ' ')")
    assert "partly matches Business Checking" in error and "“It is this account”" in error, error
    browser.screenshot(shots_dir / "bank-11-import-refused-masked-account.png")
    browser.click(".o_error_dialog .modal-footer .btn-primary")
    browser.click(".modal .o_field_widget[name=confirm_account] input")
    browser.click(".modal button[name=action_preview]", then=".modal button[name=action_import]")
    browser.screenshot(shots_dir / "bank-12-import-masked-account-confirmed.png")


def test_every_bank_screenshot_is_there_and_not_blank(shots_dir):
    check_screenshots(shots_dir, EXPECTED)
    print(f"\n{len(EXPECTED)} bank screenshots in {shots_dir}")
