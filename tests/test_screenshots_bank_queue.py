"""Screenshots of a bank statement imported in the background (atlas_invoicing_bank_queue), for
a reviewer to look at: in $ATLAS_LOG_DIR/screenshots/.

Against a live server on a copy of the template database, told to use jobs (no job runner: the
jobs stay queued) with chunks of 20 lines, the demo's Bookkeeper imports a 45-line CSV through
Banking → Import Statement: the dialog says the lines are imported in the background, and the
statement says it is importing, with its three jobs and Cancel Import.
"""

from chromium import check_screenshots
from test_screenshots_bank import _choose_file

EXPECTED = {
    "bankq-01-import-background.png": "after Import: importing in the background, 0 of 45 lines",
    "bankq-02-statement-importing.png": "the statement: importing 0 of 45 lines, dated 04/28/2026, Cancel Import, "
    "its 3 jobs queued, no Add a line",
}


def _csv(path):
    rows = ["Date,Description,Reference,Payer,Amount,Balance,Method"]
    balance = 1000.0
    for k in range(45):
        amount = 20.0 + k if k % 2 == 0 else -2.5
        balance += amount
        rows.append(f"2026-04-{1 + k * 28 // 45:02d},LINE {k:03d},,,{amount:.2f},{balance:.2f},")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_bank_background_import_screens(odoo_server, database, admin, browser, shots_dir, tmp_path):
    admin.call("ir.config_parameter", "set_param", "atlas_invoicing_queue.dispatch", "always")
    admin.call("ir.config_parameter", "set_param", "atlas_invoicing_bank_queue.chunk_size", "20")
    url = odoo_server.url
    browser.login(url, database, "bookkeeper", "bookkeeper")
    browser.open(f"{url}/odoo/action-atlas_invoicing_bank.action_atlas_statement_import", ".modal .o_field_widget")
    browser.wait(".modal .o_field_widget[name=sheet_mapping_id]")
    _choose_file(browser, _csv(tmp_path / "april.csv"))
    browser.click(".modal button[name=action_preview]", then=".modal button[name=action_import]")
    browser.click(".modal button[name=action_import]", then=".modal button[name=action_open_reconcile]")
    text = browser.evaluate("document.querySelector('.modal .alert-info').textContent.replace(/\\s+/g, ' ')")
    assert "Importing in the background: 0 of 45 lines" in text
    browser.screenshot(shots_dir / "bankq-01-import-background.png")

    [statement] = admin.call(
        "account.bank.statement", "search_read", [("atlas_import_state", "=", "importing")], fields=["id"]
    )
    browser.open(f"{url}/odoo/action-account.action_bank_statement_tree/{statement['id']}", ".o_form_view .alert-info")
    text = browser.evaluate("document.querySelector('.o_form_view .alert-info').textContent.replace(/\\s+/g, ' ')")
    assert "Importing in the background: 0 of 45 lines" in text
    assert (
        browser.evaluate(
            "document.querySelectorAll('.o_form_view .o_field_widget[name=atlas_import_chunk_ids] .o_data_row').length"
        )
        == 3
    )
    assert browser.evaluate("!!document.querySelector('.o_form_view button[name=action_atlas_import_cancel]')")
    browser.screenshot(shots_dir / "bankq-02-statement-importing.png")
    # Dated as it will be once complete (its last line's date), and no line added by hand.
    dated = browser.evaluate("document.querySelector('.o_form_view .o_field_widget[name=date]').textContent.trim()")
    assert dated == "04/28/2026", dated
    assert not browser.evaluate(
        "!!document.querySelector('.o_form_view .o_field_widget[name=line_ids] .o_field_x2many_list_row_add')"
    )


def test_every_background_import_screenshot_is_there_and_not_blank(shots_dir):
    check_screenshots(shots_dir, EXPECTED)
