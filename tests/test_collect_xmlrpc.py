"""Get Paid end to end: the reminder run over XML-RPC on the demo database, delivered by the
real SMTP sink: one email per customer and step, each with the PDFs of its invoices."""

import subprocess

import pytest
from conftest import create_user


def pdf_text(content):
    """The PDF's text as pdftotext lays it out."""
    assert content[:5] == b"%PDF-", content[:200]
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


def _run_mail_queue(admin):
    admin.call("ir.cron", "method_direct_trigger", [admin.ref("mail.ir_cron_mail_scheduler_action")])


@pytest.fixture(scope="module")
def people(odoo_server, database, admin):
    create_user(admin, "bella", "atlas_invoicing.group_atlas_bookkeeper")
    create_user(admin, "victor", "atlas_invoicing.group_atlas_viewer")
    return {
        "bella": odoo_server.login(database, "bella", "bella-pw-2026"),
        "victor": odoo_server.login(database, "victor", "victor-pw-2026"),
    }


def test_reminder_run_emails_each_customer_once_per_step_with_the_pdfs(admin, people, smtp_server):
    bella, victor = people["bella"], people["victor"]
    # The Viewer sees what is due; sending is a Bookkeeper's.
    due = victor.call("account.move", "atlas_send_reminders", dry_run=True)
    by_customer = {}
    for entry in due:
        by_customer.setdefault(entry["customer"], []).append(entry["step"])
    # The demo has a customer at each step of the ladder.
    assert by_customer["Summit Outdoor Gear"] == ["Coming due"]
    assert by_customer["Harbor Logistics"] == ["Overdue"]
    assert by_customer["Maple Street Bakery"] == ["Second notice"]
    assert by_customer["Quantum Legal LLP"] == ["Final notice"]
    with pytest.raises(Exception, match="Only an Atlas Bookkeeper can send reminders."):
        victor.call("account.move", "atlas_send_reminders")

    sent = bella.call("account.move", "atlas_send_reminders")
    assert sent == due
    assert bella.call("account.move", "atlas_send_reminders") == []  # never twice

    _run_mail_queue(admin)
    company = admin.call("res.company", "read", [admin.ref("base.main_company")], ["name"])[0]["name"]
    subjects = {
        "Coming due": f"Invoices coming due from {company}",
        "Overdue": f"Overdue invoices from {company}",
        "Second notice": f"Second notice: overdue invoices from {company}",
        "Final notice": f"Final notice: overdue invoices from {company}",
    }
    for entry in sent:
        [received] = smtp_server.sink.find(subjects[entry["step"]], to=[entry["email"]])
        attachments = {part.get_filename(): part.get_content() for part in received["message"].iter_attachments()}
        assert sorted(attachments) == sorted(f"{i['name'].replace('/', '_')}.pdf" for i in entry["invoices"])
        for invoice in entry["invoices"]:
            content = attachments[f"{invoice['name'].replace('/', '_')}.pdf"]
            assert content[:5] == b"%PDF-"
            assert invoice["name"] in pdf_text(content)
        body = received["message"].get_body(("html",)).get_content()
        assert all(invoice["name"] in body for invoice in entry["invoices"])
        assert "Pay now" in body

    # Each invoice shows its last reminder.
    invoice_ids = [i["id"] for entry in sent for i in entry["invoices"]]
    for invoice in bella.call(
        "account.move", "read", invoice_ids, ["atlas_reminder_step_id", "overdue_reminder_last_date"]
    ):
        assert invoice["atlas_reminder_step_id"] and invoice["overdue_reminder_last_date"]


def test_statement_over_xmlrpc_ties_to_ar_aging_and_is_emailed(admin, people, smtp_server):
    bella, victor = people["bella"], people["victor"]
    customers = bella.call("res.partner", "search", [("name", "in", ["Northwind Traders", "Harbor Logistics"])])
    with pytest.raises(Exception, match="Only an Atlas Bookkeeper can send statements."):
        victor.call("res.partner", "atlas_send_statement", customers, "outstanding")
    aging = victor.call("atlas.report.ar.aging", "get_report_data", {})
    totals = {line["key"]: line["values"]["total"] for line in aging["lines"] if line["kind"] == "line"}
    for kind in ("outstanding", "activity"):
        statements = bella.call("res.partner", "atlas_send_statement", customers, kind)
        assert sorted(s["customer_id"] for s in statements) == sorted(customers)
        for statement in statements:
            assert statement["closing_balance"] == totals[f"partner-{statement['customer_id']}"]
            assert statement["closing_balance"] > 0
    _run_mail_queue(admin)
    company = admin.call("res.company", "read", [admin.ref("base.main_company")], ["name"])[0]["name"]
    received = smtp_server.sink.find(f"Statement of account from {company}", to=["billing@northwind.example"])
    assert len(received) == 2  # the outstanding and the activity statement
    for message in received:
        [attachment] = list(message["message"].iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content()[:5] == b"%PDF-"
        # OCA's statement PDF comes out of wkhtmltopdf without a text layer here: its name says whose.
        assert "Northwind Traders" in attachment.get_filename()
