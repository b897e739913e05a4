"""The addon installs on a fresh database without a warning and uninstalls cleanly."""

import os
import re
from pathlib import Path


def test_fresh_install_log_has_no_warning_or_error():
    log = Path(os.environ["ATLAS_INSTALL_LOG"]).read_text(errors="replace")
    assert "Modules loaded." in log, "the install log does not show a finished install"
    problems = [line for line in log.splitlines() if re.search(r" (WARNING|ERROR|CRITICAL) ", line)]
    assert problems == []


def _module(admin):
    [module] = admin.call("ir.module.module", "search_read", [("name", "=", "atlas_invoicing")], fields=["state"])
    return module


def _atlas_records(admin):
    return admin.call("ir.model.data", "search_count", [("module", "=", "atlas_invoicing")])


def test_uninstall_then_reinstall(odoo_server, admin):
    assert _module(admin)["state"] == "installed"
    assert _atlas_records(admin) > 0
    errors_before = len(odoo_server.log_lines())
    posted = [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
    posted_before = admin.call("account.move", "search_count", posted)
    assert posted_before > 0
    payments_before = admin.call("account.payment", "search_read", [], fields=["payment_method_line_id"])
    assert payments_before, "the demo has payments by check, ACH and card"

    export_files = [("res_model", "=", "atlas.export.log")]
    assert admin.call("ir.attachment", "search_count", export_files), "the demo has an exported invoice"

    admin.call("ir.module.module", "button_immediate_uninstall", [_module(admin)["id"]])
    assert _module(admin)["state"] == "uninstalled"
    assert _atlas_records(admin) == 0
    assert not admin.call("res.groups", "search", [("category_id.name", "=", "Atlas Invoicing")])
    assert not admin.call("ir.ui.menu", "search", [("name", "=", "Atlas Invoicing")])
    # The books are untouched: every posted invoice (the demo's too) is still there.
    assert admin.call("ir.module.module", "search_count", [("name", "=", "account"), ("state", "=", "installed")])
    assert admin.call("account.move", "search_count", posted) == posted_before
    # The export logs went with the module, and so did their files.
    assert admin.call("ir.attachment", "search_count", export_files) == 0
    # ... and every payment still says how it was paid.
    assert admin.call("account.payment", "search_read", [], fields=["payment_method_line_id"]) == payments_before

    admin.call("ir.module.module", "button_immediate_install", [_module(admin)["id"]])
    assert _module(admin)["state"] == "installed"
    assert admin.call(
        "res.users", "has_group", [admin.uid], "atlas_invoicing.group_atlas_admin"
    ), "reinstalling gives the admin the Administrator role again"
    assert odoo_server.log_lines()[errors_before:] == []
