"""Bank statements over XML-RPC, against a live server: an Accountant saves the CSV mapping,
a Bookkeeper imports the bank's file (the line of a payment already recorded is settled at
once) and confirms Atlas's matches, the invoice becomes Paid with Record Payment's entry and
no second payment; the same file twice imports nothing; a bad file is refused with the line
named; a Viewer can do neither."""

import base64
import xmlrpc.client

import pytest
from conftest import company_bank_journal, create_invoice, create_user


@pytest.fixture(scope="module")
def world(odoo_server, database, admin):
    create_user(admin, "bianca", "atlas_invoicing.group_atlas_bookkeeper")
    create_user(admin, "anton", "atlas_invoicing.group_atlas_accountant")
    create_user(admin, "vera", "atlas_invoicing.group_atlas_viewer")
    return {
        "bianca": odoo_server.login(database, "bianca", "bianca-pw-2026"),
        "anton": odoo_server.login(database, "anton", "anton-pw-2026"),
        "vera": odoo_server.login(database, "vera", "vera-pw-2026"),
        "bank": company_bank_journal(admin),
        "revenue_id": admin.call("account.account", "search", [("account_type", "=", "income")], limit=1)[0],
    }


def _csv(rows):
    lines = ["Date,Description,Reference,Payer,Amount,Method"]
    lines += [f"{date},{label},{ref},{payer},{amount:.2f},{method}" for date, label, ref, payer, amount, method in rows]
    return base64.b64encode(("\n".join(lines) + "\n").encode()).decode()


def test_import_confirm_and_roles(world, admin):
    bianca, anton, vera = world["bianca"], world["anton"], world["vera"]
    mapping_id = anton.call(
        "account.statement.import.sheet.mapping",
        "create",
        {
            "name": "E2E Checking CSV",
            "float_thousands_sep": "none",
            "float_decimal_sep": "dot",
            "delimiter": "comma",
            "timestamp_format": "%Y-%m-%d",
            "timestamp_column": "Date",
            "amount_column": "Amount",
            "description_column": "Description",
            "reference_column": "Reference",
            "partner_name_column": "Payer",
            "atlas_method_column": "Method",
        },
    )
    with pytest.raises(xmlrpc.client.Fault, match="You are not allowed to create"):
        bianca.call("account.statement.import.sheet.mapping", "create", {"name": "x", "timestamp_format": "%Y"})

    customer = bianca.call("res.partner", "create", {"name": "Statement Payer LLC"})
    invoice_id = create_invoice(
        bianca, customer, [{"name": "Work", "account_id": world["revenue_id"], "price_unit": 1234.56, "tax_ids": []}]
    )
    bianca.call("account.move", "action_atlas_mark_sent", [invoice_id])
    name = bianca.call("account.move", "read", [invoice_id], ["name"])[0]["name"]
    journal_id = world["bank"]["id"]
    # A check already recorded with Record Payment: the bank's line for it is settled at import.
    checked_id = create_invoice(
        bianca, customer, [{"name": "Visit", "account_id": world["revenue_id"], "price_unit": 250.0, "tax_ids": []}]
    )
    bianca.call("account.move", "action_atlas_mark_sent", [checked_id])
    recorded = bianca.call(
        "account.move",
        "atlas_record_payment",
        [checked_id],
        amount=250.0,
        date="2026-03-01",
        journal_id=journal_id,
        payment_method="check",
    )
    file = _csv(
        [
            ("2026-03-02", f"WIRE IN {name}", "", "Statement Payer LLC", 1234.56, "Wire Transfer"),
            ("2026-03-02", "CHECK DEPOSIT 5521", "", "Statement Payer LLC", 250.0, "Check"),
            ("2026-03-03", "ZZ UNKNOWN DEPOSIT 7781", "", "Nobody Known", 0.37, ""),
        ]
    )

    with pytest.raises(xmlrpc.client.Fault, match="Only an Atlas Bookkeeper can import bank statements"):
        vera.call("account.bank.statement", "atlas_import_statement", journal_id, file, "march.csv", mapping_id)

    payments_before = admin.call("account.payment", "search_count", [])
    result = bianca.call("account.bank.statement", "atlas_import_statement", journal_id, file, "march.csv", mapping_id)
    assert (result["line_count"], result["duplicates"], result["matched"], result["confirmed"]) == (3, 0, 2, 1)
    assert admin.call("account.payment", "search_count", []) == payments_before, "no payment at import"
    lines = {line["label"]: line for line in result["lines"]}
    check = lines["CHECK DEPOSIT 5521"]
    assert (check["match"], check["payment_id"], check["invoice_id"], check["invoice_status"], check["reconciled"]) == (
        "payment",
        recorded["payment_id"],
        checked_id,
        "paid",
        True,
    )
    matched = lines[f"WIRE IN {name}"]
    assert (matched["match"], matched["invoice_id"], matched["certain"], matched["reconciled"]) == (
        "reference",
        invoice_id,
        True,
        False,
    )
    unknown = lines["ZZ UNKNOWN DEPOSIT 7781"]
    assert (unknown["match"], unknown["invoice_id"]) == (False, False)

    with pytest.raises(xmlrpc.client.Fault, match="Only an Atlas Bookkeeper"):
        vera.call("account.bank.statement.line", "atlas_confirm_matches", [matched["id"]])
    confirmed = bianca.call("account.bank.statement.line", "atlas_confirm_matches", [matched["id"]])
    assert confirmed[0]["reconciled"] is True
    assert confirmed[0]["invoice_status"] == "paid"
    invoice = admin.call("account.move", "read", [invoice_id], ["atlas_status", "amount_residual"])[0]
    assert (invoice["atlas_status"], invoice["amount_residual"]) == ("paid", 0.0)
    payments = admin.call(
        "account.payment",
        "search_read",
        [("id", "=", confirmed[0]["payment_id"])],
        fields=["amount", "payment_method_line_id", "date"],
    )
    assert len(payments) == 1
    assert (payments[0]["amount"], payments[0]["payment_method_line_id"][1], payments[0]["date"]) == (
        1234.56,
        f"Wire Transfer ({world['bank']['name']})",
        "2026-03-02",
    )
    with pytest.raises(xmlrpc.client.Fault, match="already reconciled"):
        bianca.call("account.bank.statement.line", "atlas_confirm_matches", [matched["id"]])

    again = bianca.call("account.bank.statement", "atlas_import_statement", journal_id, file, "march.csv", mapping_id)
    assert (again["line_count"], again["duplicates"], again["statement_ids"]) == (0, 3, [])


def test_bad_file_names_the_line_and_imports_nothing(world, admin):
    bianca = world["bianca"]
    mapping_id = admin.call("account.statement.import.sheet.mapping", "search", [("name", "=", "E2E Checking CSV")])[0]
    before = admin.call("account.bank.statement", "search_count", [])
    bad = base64.b64encode(
        b"Date,Description,Reference,Payer,Amount,Method\n2026-03-04,A,,B,10.00,\n2026-03-05,C,,D,ten,\n"
    ).decode()
    with pytest.raises(xmlrpc.client.Fault, match="Line 3 of the file has no amount"):
        bianca.call("account.bank.statement", "atlas_import_statement", world["bank"]["id"], bad, "bad.csv", mapping_id)
    with pytest.raises(xmlrpc.client.Fault, match="could not be read as a bank statement"):
        bianca.call(
            "account.bank.statement",
            "atlas_import_statement",
            world["bank"]["id"],
            base64.b64encode(b"not a statement").decode(),
            "statement.ofx",
        )
    assert admin.call("account.bank.statement", "search_count", []) == before
