"""If the PDF can't be rendered, Send changes nothing.

The failure is real, not simulated: a second Odoo server runs with a PATH where
wkhtmltopdf can't be found (an administrator who never installed it), and Odoo's
report engine refuses to render.
"""

import os
import sys
import xmlrpc.client
from pathlib import Path

import pytest
from conftest import _env, create_invoice, create_user, start_odoo, stop_odoo


@pytest.fixture(scope="module")
def server_without_pdf_engine(smtp_server):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    process, server = start_odoo(Path(_env("ATLAS_LOG_DIR")) / "e2e-server-no-pdf.log", smtp_server.port, env=env)
    yield server
    stop_odoo(process)


@pytest.mark.parametrize("delivery", ["email", "download"])
def test_send_without_pdf_changes_nothing(server_without_pdf_engine, database, delivery):
    admin = server_without_pdf_engine.login(database, "admin", "admin")
    login = f"bea_{delivery}"
    create_user(admin, login, "atlas_invoicing.group_atlas_bookkeeper")
    bea = server_without_pdf_engine.login(database, login, f"{login}-pw-2026")
    customer_id = bea.call("res.partner", "create", {"name": "PDF Less Ltd", "email": "ap@pdfless.example"})
    revenue_id = admin.call("account.account", "search", [("account_type", "=", "income")], limit=1)[0]
    invoice_id = create_invoice(
        bea, customer_id, [{"name": "Work", "account_id": revenue_id, "quantity": 1, "price_unit": 80}]
    )
    with pytest.raises(xmlrpc.client.Fault) as refused:
        bea.call("account.move", "atlas_send", [invoice_id], delivery)
    assert "Wkhtmltopdf" in refused.value.faultString

    [invoice] = bea.call("account.move", "read", [invoice_id], ["state", "name", "atlas_status", "is_move_sent"])
    assert invoice["state"] == "draft" and invoice["atlas_status"] == "draft" and not invoice["is_move_sent"]
    assert invoice["name"] in (False, "/"), "no number was consumed"
    assert not admin.call("mail.mail", "search", [("model", "=", "account.move"), ("res_id", "=", invoice_id)])
    assert not admin.call(
        "account.move.line", "search", [("move_id", "=", invoice_id), ("parent_state", "=", "posted")]
    )
