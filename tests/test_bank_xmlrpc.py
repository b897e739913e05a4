"""Bank statements over XML-RPC, against a live server: an Accountant saves the CSV mapping,
a Bookkeeper imports the bank's file (the line of a payment already recorded is settled at
once) and confirms Atlas's matches, the invoice becomes Paid with Record Payment's entry and
no second payment; the same file twice imports nothing; a bad file is refused with the line
named; a Viewer can do neither."""

import base64
import http.server
import importlib.util
import re
import threading
import xmlrpc.client
from pathlib import Path

import pytest
from conftest import company_bank_journal, create_invoice, create_user, statement_csv_mapping


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
        statement_csv_mapping("E2E Checking CSV", atlas_method_column="Method"),
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


def _attacks_module():
    """The hostile files of the addon's own tests (atlas_invoicing_bank/tests/statement_attacks.py)."""
    path = Path(__file__).resolve().parents[1] / "atlas_invoicing_bank" / "tests" / "statement_attacks.py"
    spec = importlib.util.spec_from_file_location("statement_attacks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>E2E-1</MsgId><CreDtTm>2026-03-31T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>E2E-STMT</Id><CreDtTm>2026-03-31T18:00:00</CreDtTm>
<Acct><Id><Othr><Id>000123456789</Id></Othr></Id><Ccy>USD</Ccy></Acct>
<Ntry><Amt Ccy="USD">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-03-05</Dt></BookgDt><AcctSvcrRef>E2E-BK-1</AcctSvcrRef>
<NtryDtls><TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def test_hostile_files_are_refused_and_read_nothing(world, admin, odoo_server, tmp_path):
    # A Bookkeeper imports "the bank's file" someone forwarded: a CAMT.053 whose DOCTYPE points
    # at a server file and at a URL, and a zip bomb. Each is refused with what to do; nothing
    # is imported; the server file's content is in no line, no answer and no line of the
    # server's log; the URL gets no request.
    attacks = _attacks_module()
    bianca, journal_id = world["bianca"], world["bank"]["id"]
    secret = "E2E-SERVER-SECRET-5b1e0c"
    secret_path = tmp_path / "odoo.conf"
    secret_path.write_text(f"admin_passwd = {secret}\n")
    hits = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{web.server_address[1]}"
    counts = {
        model: admin.call(model, "search_count", [])
        for model in ("account.bank.statement", "account.bank.statement.line", "account.move")
    }
    try:
        for name, (doctype, text) in attacks.doctype_attacks(secret_path, url).items():
            content = attacks.with_doctype(CAMT.format(text=text).encode(), doctype, after=b'encoding="UTF-8"?>')
            file = base64.b64encode(content).decode()
            with pytest.raises(xmlrpc.client.Fault, match="is not a plain bank statement") as caught:
                bianca.call("account.bank.statement", "atlas_import_statement", journal_id, file, "camt053.xml")
            assert secret not in caught.value.faultString, name
        bomb = base64.b64encode(attacks.zip_bomb(200 * 1024 * 1024)).decode()
        with pytest.raises(xmlrpc.client.Fault, match=r"would take 200\.0 MB once unpacked, over the 20 MB limit"):
            bianca.call("account.bank.statement", "atlas_import_statement", journal_id, bomb, "statements.zip")
    finally:
        web.shutdown()
        web.server_close()
    assert hits == []
    assert {model: admin.call(model, "search_count", []) for model in counts} == counts
    assert admin.call("account.bank.statement.line", "search_count", [("payment_ref", "ilike", secret)]) == 0
    assert secret not in Path(odoo_server.log_file).read_text(errors="replace")


CORPUS = Path(__file__).resolve().parent.parent / "atlas_invoicing_bank" / "tests" / "statement_files"


def _corpus_file(name):
    return base64.b64encode((CORPUS / name).read_bytes()).decode()


def _bank_counts(admin):
    return tuple(
        admin.call(model, "search_count", []) for model in ("account.bank.statement", "account.bank.statement.line")
    )


def test_quicken_card_statement_into_the_card_journal(world, admin):
    company_partner = admin.call("res.company", "read", [admin.ref("base.main_company")], ["partner_id"])[0][
        "partner_id"
    ][0]
    card_account = admin.call(
        "res.partner.bank", "create", {"acc_number": "4111-2222-3333-4444", "partner_id": company_partner}
    )
    card_id = admin.call(
        "account.journal",
        "create",
        {"name": "E2E Company Visa", "code": "EVISA", "type": "credit", "bank_account_id": card_account},
    )
    bianca = world["bianca"]
    name = "card_quicken_usascii_header_utf8_bytes.qfx"
    # Into the checking account: refused, nothing imported.
    before = _bank_counts(admin)
    with pytest.raises(xmlrpc.client.Fault, match=r"is the statement of E2E Company Visa .* choose E2E Company Visa"):
        bianca.call(
            "account.bank.statement", "atlas_import_statement", world["bank"]["id"], _corpus_file(f"ofx/{name}"), name
        )
    assert _bank_counts(admin) == before
    result = bianca.call("account.bank.statement", "atlas_import_statement", card_id, _corpus_file(f"ofx/{name}"), name)
    assert (result["line_count"], result["balance_start"], result["balance_end"]) == (3, 0.0, 195.81)
    assert sorted((line["amount"], line["label"]) for line in result["lines"]) == [
        (-84.2, "CRÊPERIE DU PORT : Dinner with client"),
        (-19.99, "SOFTWARE SUBSCRIPTION"),
        (300.0, "PAYMENT THANK YOU"),
    ]
    [statement] = admin.call("account.bank.statement", "read", result["statement_ids"], ["journal_id"])
    assert statement["journal_id"][0] == card_id


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ofx/truncated_after_two_transactions.ofx", r"it is cut short"),
        ("ofx/bank_error_signon.ofx", r"the bank answered with an error instead of a statement: 15500 ERROR"),
        ("ofx/no_transaction.ofx", r"it holds no transaction: account 000123456789, balance 1,234\.56 USD"),
        ("ofx/malformed_amount.ofx", r"Invalid Transaction Amount: '\$12\.50' \(transaction 2"),
    ],
)
def test_refused_file_says_why_and_imports_nothing(world, admin, name, message):
    file_name = Path(name).name
    before = _bank_counts(admin)
    with pytest.raises(xmlrpc.client.Fault, match=rf"“{re.escape(file_name)}” could not be imported: .*{message}"):
        world["bianca"].call(
            "account.bank.statement", "atlas_import_statement", world["bank"]["id"], _corpus_file(name), file_name
        )
    assert _bank_counts(admin) == before
