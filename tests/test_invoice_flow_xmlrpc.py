"""Steps 1-3 of "Your First Invoice" over XML-RPC, against a live server and a real SMTP server.

What is checked is what a bookkeeper checks: the status after every action, the journal
entry's accounts and amounts, the email as the SMTP server received it (recipient,
subject, a PDF that shows the invoice number and the company), and that bad input
changes nothing.
"""

import base64
import io
import xmlrpc.client
from datetime import date, timedelta

import pytest
from chromium import Chromium
from conftest import create_invoice, create_user
from PyPDF2 import PdfReader


def pdf_text(content):
    """Page count and text of a PDF (wkhtmltopdf's word gaps come out as tabs)."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), text.replace("\t", " ")


@pytest.fixture(scope="module")
def world(odoo_server, database, admin):
    """A Bookkeeper, a Viewer, the company's facts, its sales tax and a 30-day payment term."""
    create_user(admin, "bella", "atlas_invoicing.group_atlas_bookkeeper")
    create_user(admin, "victor", "atlas_invoicing.group_atlas_viewer")
    company_id = admin.ref("base.main_company")
    [company] = admin.call("res.company", "read", [company_id], ["name", "currency_id", "account_sale_tax_id"])
    tax_id = company["account_sale_tax_id"][0]  # the chart's default sales tax, with its own tax account
    [tax] = admin.call("account.tax", "read", [tax_id], ["amount", "amount_type"])
    assert tax["amount_type"] == "percent"
    tax_accounts = admin.call(
        "account.tax.repartition.line",
        "search_read",
        [("tax_id", "=", tax_id), ("repartition_type", "=", "tax"), ("document_type", "=", "invoice")],
        fields=["account_id"],
    )
    return {
        "tax_rate": tax["amount"] / 100,
        "tax_account_id": tax_accounts[0]["account_id"][0],
        "bella": odoo_server.login(database, "bella", "bella-pw-2026"),
        "victor": odoo_server.login(database, "victor", "victor-pw-2026"),
        "company": company,
        "tax_id": tax_id,
        "term_id": admin.ref("account.account_payment_term_30days"),
        "revenue_id": admin.call(
            "account.account",
            "search",
            [("account_type", "=", "income"), ("company_ids", "in", [company_id])],
            limit=1,
        )[0],
    }


def _customer(client, world, name, email="billing@northwind.example"):
    return client.call(
        "res.partner",
        "create",
        {
            "name": name,
            "email": email,
            "atlas_currency_id": world["company"]["currency_id"][0],
            "street": "12 Harbour Road",
            "city": "Portland",
            "zip": "97201",
            "customer_rank": 1,
        },
    )


def _draft_invoice(client, world, customer_id, lines=((2, 150.0, True), (1, 100.0, False))):
    return create_invoice(
        client,
        customer_id,
        [
            {
                "name": f"Service {i}",
                "account_id": world["revenue_id"],
                "quantity": qty,
                "price_unit": price,
                "tax_ids": [(6, 0, [world["tax_id"]] if taxed else [])],
            }
            for i, (qty, price, taxed) in enumerate(lines, start=1)
        ],
        invoice_date=date.today().isoformat(),
        invoice_payment_term_id=world["term_id"],
    )


def _invoice(client, invoice_id, *fields):
    return client.call("account.move", "read", [invoice_id], list(fields))[0]


def _run_mail_queue(admin):
    """What Odoo's 'Mail: Email Queue Manager' cron does, run now."""
    admin.call("ir.cron", "method_direct_trigger", [admin.ref("mail.ir_cron_mail_scheduler_action")])


def test_first_invoice_tutorial(odoo_server, smtp_server, admin, world):
    bella = world["bella"]
    # Step 1: a customer with email, currency and billing address.
    customer_id = _customer(bella, world, "Northwind Traders")

    # Step 2: a draft invoice with two lines, one taxed; due date from the payment terms.
    invoice_id = _draft_invoice(bella, world, customer_id)
    draft = _invoice(
        bella,
        invoice_id,
        "state",
        "atlas_status",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "invoice_date_due",
        "currency_id",
    )
    assert draft["state"] == "draft" and draft["atlas_status"] == "draft"
    tax = round(300.0 * world["tax_rate"], 2)  # only the first line (2 x 150) is taxed
    assert (draft["amount_untaxed"], draft["amount_tax"], draft["amount_total"]) == (400.0, tax, 400.0 + tax)
    assert draft["invoice_date_due"] == (date.today() + timedelta(days=30)).isoformat()
    assert draft["currency_id"][0] == world["company"]["currency_id"][0]

    # Preview PDF: the whole document, and nothing changes.
    preview = bella.call("account.move", "atlas_get_pdf", [invoice_id])
    _pages, text = pdf_text(base64.b64decode(preview["content"]))
    assert world["company"]["name"] in text
    assert "12 Harbour Road" in text and "Portland" in text
    assert "Draft Invoice" in text
    assert _invoice(bella, invoice_id, "state")["state"] == "draft"

    # Step 3: Send Invoice by email.
    result = bella.call("account.move", "atlas_send", [invoice_id], "email")
    assert result["invoices"][0]["status"] == "sent"
    sent = _invoice(bella, invoice_id, "name", "state", "atlas_status", "atlas_delivery_state", "line_ids")
    assert sent["state"] == "posted" and sent["atlas_status"] == "sent"
    assert sent["name"].startswith(f"INV/{date.today().year}/")
    assert sent["atlas_delivery_state"] == "queued"

    # The journal entry: Debit Accounts Receivable / Credit Revenue (400) and the tax account.
    lines = admin.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", invoice_id), ("parent_state", "=", "posted")],
        fields=["account_id", "account_type", "debit", "credit"],
    )
    debits = [(line["account_type"], line["debit"]) for line in lines if line["debit"]]
    credits = sorted((line["account_id"][0], line["credit"]) for line in lines if line["credit"])
    assert debits == [("asset_receivable", 400.0 + tax)]
    revenue = world["revenue_id"]
    assert credits == sorted([(revenue, 300.0), (revenue, 100.0), (world["tax_account_id"], tax)])

    # The status change is in the chatter.
    trackings = admin.call(
        "mail.tracking.value",
        "search_read",
        [("mail_message_id.model", "=", "account.move"), ("mail_message_id.res_id", "=", invoice_id)],
        fields=["field_id", "old_value_char", "new_value_char"],
    )
    assert {"old_value_char": "Draft", "new_value_char": "Sent"}.items() <= next(
        t for t in trackings if t["field_id"][1].startswith("Invoice Status")
    ).items()

    # The mail queue delivers it: the SMTP server received the customer's email with the PDF.
    _run_mail_queue(admin)
    subject = f"Invoice {sent['name']} from {world['company']['name']}"
    [received] = smtp_server.sink.find(subject, to=["billing@northwind.example"])
    [attachment] = list(received["message"].iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    _pages, text = pdf_text(attachment.get_content())
    assert sent["name"] in text and world["company"]["name"] in text
    assert _invoice(bella, invoice_id, "atlas_delivery_state")["atlas_delivery_state"] == "sent"


def test_download_pdf_sends_without_email(smtp_server, world):
    bella = world["bella"]
    invoice_id = _draft_invoice(bella, world, _customer(bella, world, "Download Co", "dl@download.example"))
    result = bella.call("account.move", "atlas_send", [invoice_id], "download")
    invoice = _invoice(bella, invoice_id, "name", "atlas_status", "atlas_delivery_state")
    assert invoice["atlas_status"] == "sent" and invoice["atlas_delivery_state"] == "none"
    _pages, text = pdf_text(base64.b64decode(result["pdf"]["content"]))
    assert invoice["name"] in text
    assert result["pdf"]["filename"].endswith(".pdf")
    assert not [m for m in smtp_server.sink.messages if "dl@download.example" in m["to"]]


def test_print_many_invoices_gives_one_pdf(world):
    bella = world["bella"]
    customer_id = _customer(bella, world, "Many Pages Ltd")
    ids = [_draft_invoice(bella, world, customer_id, lines=((1, 10.0 * n, False),)) for n in (1, 2, 3)]
    bella.call("account.move", "action_atlas_mark_sent", ids)
    names = [_invoice(bella, i, "name")["name"] for i in ids]
    pdf = bella.call("account.move", "atlas_get_pdf", ids)
    pages, text = pdf_text(base64.b64decode(pdf["content"]))
    assert pages >= 3
    assert all(name in text for name in names)


def test_customer_without_email_changes_nothing(world):
    bella = world["bella"]
    customer_id = bella.call("res.partner", "create", {"name": "No Email Inc"})
    invoice_id = _draft_invoice(bella, world, customer_id)
    with pytest.raises(xmlrpc.client.Fault) as refused:
        bella.call("account.move", "atlas_send", [invoice_id], "email")
    assert "Customer No Email Inc has no email address" in refused.value.faultString
    invoice = _invoice(bella, invoice_id, "state", "atlas_status", "name")
    assert invoice["state"] == "draft" and invoice["atlas_status"] == "draft"


def test_smtp_down_invoice_is_sent_in_the_books_and_email_stays_queued(
    odoo_server, database, smtp_server, admin, world
):
    bella = world["bella"]
    invoice_id = _draft_invoice(bella, world, _customer(bella, world, "Queue Co", "ap@queue.example"))
    smtp_server.stop()
    try:
        bella.call("account.move", "atlas_send", [invoice_id], "email")
        invoice = _invoice(bella, invoice_id, "state", "atlas_status", "atlas_delivery_state", "atlas_delivery_info")
        assert invoice["state"] == "posted" and invoice["atlas_status"] == "sent"
        assert invoice["atlas_delivery_state"] == "queued"
        assert "ap@queue.example" in invoice["atlas_delivery_info"]
        # The queue runs while the SMTP server is down: the failure shows on the invoice.
        _run_mail_queue(admin)
        invoice = _invoice(bella, invoice_id, "atlas_status", "atlas_delivery_state", "atlas_delivery_info")
        assert invoice["atlas_status"] == "sent"
        assert invoice["atlas_delivery_state"] == "failed"
        # Nothing listened on the mail server's port: no server refused anything.
        assert invoice["atlas_delivery_info"] == (
            "The mail server could not be reached. An administrator sets it in Settings → General Settings → "
            "Emails → Outgoing Email Servers; then use Send Again."
        )
        with Chromium() as browser:
            browser.login(odoo_server.url, database, "bella", "bella-pw-2026")
            browser.open(f"{odoo_server.url}/odoo/atlas-invoices/{invoice_id}", ".o_form_view .alert-danger")
            banner = browser.evaluate("document.querySelector('.o_form_view .alert-danger').innerText")
        assert (
            banner.split()
            == ["The", "email", "could", "not", "be", "delivered:"] + invoice["atlas_delivery_info"].split()
        )
    finally:
        smtp_server.start()
    # Once the server is back, Send Again delivers it.
    bella.call("account.move", "atlas_send", [invoice_id], "email")
    _run_mail_queue(admin)
    assert [m for m in smtp_server.sink.messages if m["to"] == ["ap@queue.example"]]
    assert _invoice(bella, invoice_id, "atlas_delivery_state")["atlas_delivery_state"] == "sent"


def test_viewer_is_refused_with_the_role_named(world):
    with pytest.raises(xmlrpc.client.Fault) as refused:
        _draft_invoice(world["victor"], world, _customer(world["bella"], world, "Viewer Target"))
    assert "Bookkeeper" in refused.value.faultString


def test_status_after_every_action(admin, world):
    bella = world["bella"]
    invoice_id = _draft_invoice(bella, world, _customer(bella, world, "Status Co"), lines=((1, 100.0, False),))
    status = lambda: _invoice(bella, invoice_id, "atlas_status")["atlas_status"]  # noqa: E731
    assert status() == "draft"
    bella.call("account.move", "atlas_set_status", [invoice_id], "sent")
    assert status() == "sent"

    def pay(amount):
        wizard = bella.call(
            "account.payment.register",
            "create",
            {"amount": amount},
            context={"active_model": "account.move", "active_ids": [invoice_id]},
        )
        bella.call(
            "account.payment.register",
            "action_create_payments",
            [wizard],
            context={"active_model": "account.move", "active_ids": [invoice_id]},
        )

    pay(30.0)
    assert status() == "partial"
    with pytest.raises(xmlrpc.client.Fault) as refused:
        bella.call("account.move", "atlas_set_status", [invoice_id], "draft")
    assert "Only an Atlas Accountant can reset an invoice to draft" in refused.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as refused:
        admin.call("account.move", "atlas_set_status", [invoice_id], "draft")
    assert "has payments" in refused.value.faultString
    assert status() == "partial"
    pay(70.0)
    assert status() == "paid"
    assert _invoice(bella, invoice_id, "amount_residual")["amount_residual"] == 0.0


def test_cancel_over_xmlrpc(admin, world):
    # Cancel is the web client's button_cancel: over XML-RPC it answers (no fault about
    # marshalling nothing) and the invoice is cancelled, with nothing left in the books.
    bella = world["bella"]
    draft_id = _draft_invoice(bella, world, _customer(bella, world, "Cancel Draft Co"), lines=((1, 100.0, False),))
    assert bella.call("account.move", "button_cancel", [draft_id]) is True
    assert _invoice(bella, draft_id, "state", "atlas_status") == {
        "id": draft_id,
        "state": "cancel",
        "atlas_status": "cancelled",
    }
    posted_id = _draft_invoice(bella, world, _customer(bella, world, "Cancel Posted Co"), lines=((1, 250.0, False),))
    bella.call("account.move", "action_post", [posted_id])
    assert admin.call("account.move", "button_cancel", [posted_id]) is True
    invoice = _invoice(bella, posted_id, "state", "atlas_status", "amount_residual")
    assert (invoice["state"], invoice["atlas_status"]) == ("cancel", "cancelled")
    items = bella.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", posted_id), ("parent_state", "=", "posted")],
        fields=["id"],
    )
    assert items == []
