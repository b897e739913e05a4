"""Export over XML-RPC against a live server: Xero and QuickBooks files of two posted
invoices, a draft refused as a Fault with its message, the Bookkeeper refused, the log
readable with its file, and the same invoices giving the same bytes."""

import base64
import csv
import io
import xmlrpc.client

import pytest
import requests
from conftest import create_invoice, create_user

XERO_HEADER = (
    "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,"
    "POPostalCode,POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,InventoryItemCode,*Description,"
    "*Quantity,*UnitAmount,Discount,*AccountCode,*TaxType,TrackingName1,TrackingOption1,TrackingName2,"
    "TrackingOption2,Currency,BrandingTheme"
)
QUICKBOOKS_HEADER = (
    "*InvoiceNo,*Customer,*InvoiceDate,*DueDate,Terms,Location,Memo,Item(Product/Service),ItemDescription,"
    "ItemQuantity,ItemRate,*ItemAmount,Service Date,ItemTaxCode,ItemTaxAmount,Currency"
)


@pytest.fixture(scope="module")
def world(odoo_server, database, admin):
    create_user(admin, "bella", "atlas_invoicing.group_atlas_bookkeeper")
    create_user(admin, "alex", "atlas_invoicing.group_atlas_accountant")
    bella = odoo_server.login(database, "bella", "bella-pw-2026")
    company_id = admin.ref("base.main_company")
    revenue = admin.call(
        "account.account",
        "search_read",
        [("account_type", "=", "income"), ("company_ids", "in", [company_id])],
        fields=["code"],
        limit=1,
    )[0]
    tax_id = admin.call(
        "account.tax",
        "create",
        {
            "name": "Sales Tax 15%",
            "amount": 15.0,
            "amount_type": "percent",
            "type_tax_use": "sale",
            "atlas_xero_tax_type": "Sales Tax on Services",
        },
    )
    customer = bella.call("res.partner", "create", {"name": "Harbour Lights Ltd", "email": "ap@harbour.example"})
    return {
        "bella": bella,
        "alex": odoo_server.login(database, "alex", "alex-pw-2026"),
        "revenue": revenue,
        "tax_id": tax_id,
        "customer": customer,
    }


def _draft(world, price, discount=0.0):
    return create_invoice(
        world["bella"],
        world["customer"],
        [
            {
                "name": "Managed services",
                "account_id": world["revenue"]["id"],
                "quantity": 2,
                "price_unit": price,
                "discount": discount,
                "tax_ids": [(6, 0, [world["tax_id"]])],
            }
        ],
        invoice_date="2026-03-02",
    )


def _sent(world, price, discount=0.0):
    invoice_id = _draft(world, price, discount)
    world["bella"].call("account.move", "action_atlas_mark_sent", [invoice_id])
    return invoice_id


def _rows(result):
    text = base64.b64decode(result["content"]).decode("utf-8")
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def _read(client, invoice_ids):
    return client.call("account.move", "read", invoice_ids, ["name", "atlas_status", "amount_tax", "amount_untaxed"])


def test_demo_has_an_exported_invoice(admin):
    [invoice] = admin.call(
        "account.move",
        "search_read",
        [("invoice_line_ids.name", "=", "Cloud backup, monthly")],
        fields=["atlas_status", "atlas_export_log_ids"],
    )
    assert invoice["atlas_status"] == "exported"
    [log] = admin.call("atlas.export.log", "read", invoice["atlas_export_log_ids"], ["export_format", "file_name"])
    assert log["export_format"] == "xero" and log["file_name"].endswith("_xero.csv")


def test_xero_and_quickbooks_files_of_two_posted_invoices(world):
    alex = world["alex"]
    invoice_ids = [_sent(world, 100.0), _sent(world, 250.0, discount=20.0)]
    first, second = _read(alex, invoice_ids)
    assert (first["amount_untaxed"], first["amount_tax"]) == (200.0, 30.0)
    assert (second["amount_untaxed"], second["amount_tax"]) == (400.0, 60.0)

    result = alex.call("account.move", "atlas_export", invoice_ids, "xero")
    header, rows = _rows(result)
    assert ",".join(header) == XERO_HEADER
    assert result["mimetype"] == "text/csv"
    assert [
        (r["*InvoiceNumber"], r["*InvoiceDate"], r["*Quantity"], r["*UnitAmount"], r["Discount"], r["*TaxType"])
        for r in rows
    ] == [
        # A US organisation (or, without a country, US English): month first.
        (first["name"], "03/02/2026", "2.00", "100.00", "", "Sales Tax on Services"),
        (second["name"], "03/02/2026", "2.00", "250.00", "20.00", "Sales Tax on Services"),
    ]
    assert {r["*ContactName"] for r in rows} == {"Harbour Lights Ltd"}
    assert {r["*AccountCode"] for r in rows} == {world["revenue"]["code"]}
    assert [s["atlas_status"] for s in _read(alex, invoice_ids)] == ["exported", "exported"]

    result = alex.call("account.move", "atlas_export", invoice_ids, "quickbooks")
    header, rows = _rows(result)
    assert ",".join(header) == QUICKBOOKS_HEADER
    assert [
        (r["*InvoiceNo"], r["*InvoiceDate"], r["ItemQuantity"], r["ItemRate"], r["*ItemAmount"], r["ItemTaxAmount"])
        for r in rows
    ] == [
        (first["name"], "03/02/2026", "2.00", "100.00", "200.00", "30.00"),
        (second["name"], "03/02/2026", "2.00", "200.00", "400.00", "60.00"),
    ]

    # The log keeps who, when, the format, the invoices and the very file.
    [log] = alex.call(
        "atlas.export.log",
        "read",
        [result["log_id"]],
        ["name", "export_format", "user_id", "create_date", "invoice_ids", "file_name", "checksum", "file"],
    )
    assert log["name"] == result["log_name"] and log["name"].startswith("EXP/")
    assert log["export_format"] == "quickbooks"
    assert log["user_id"][0] == alex.uid
    assert log["create_date"]
    assert sorted(log["invoice_ids"]) == sorted(invoice_ids)
    assert log["file_name"] == result["file_name"]
    assert base64.b64decode(log["file"]) == base64.b64decode(result["content"])

    # Same invoices, same bytes; a new log each time.
    again = alex.call("account.move", "atlas_export", invoice_ids[::-1], "quickbooks")
    assert again["content"] == result["content"]
    assert again["log_id"] != result["log_id"]


def test_draft_refused_as_a_fault_and_nothing_changes(admin, world):
    alex = world["alex"]
    draft_id = _draft(world, 80.0)
    logs_before = admin.call("atlas.export.log", "search_count", [])
    with pytest.raises(xmlrpc.client.Fault) as refused:
        alex.call("account.move", "atlas_export", [draft_id], "xero")
    assert "Draft invoices can't be exported" in refused.value.faultString
    assert "post_drafts=True" in refused.value.faultString
    assert _read(admin, [draft_id])[0]["atlas_status"] == "draft"
    assert admin.call("atlas.export.log", "search_count", []) == logs_before

    result = alex.call("account.move", "atlas_export", [draft_id], "xero", post_drafts=True)
    [invoice] = _read(admin, [draft_id])
    assert invoice["atlas_status"] == "exported"
    _header, rows = _rows(result)
    assert [r["*InvoiceNumber"] for r in rows] == [invoice["name"]]


def test_bookkeeper_may_not_export_nor_read_the_log(world):
    bella = world["bella"]
    invoice_id = _sent(world, 40.0)
    with pytest.raises(xmlrpc.client.Fault) as refused:
        bella.call("account.move", "atlas_export", [invoice_id], "csv")
    assert "Accountant" in refused.value.faultString
    with pytest.raises(xmlrpc.client.Fault):
        bella.call("atlas.export.log", "search_read", [], fields=["name"])
    assert _read(bella, [invoice_id])[0]["atlas_status"] == "sent"


def _web_session(odoo_server, database, login):
    """A browser-like session of the web client (cookies), logged in as this user."""
    session = requests.Session()
    response = session.post(
        f"{odoo_server.url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": database, "login": login, "password": f"{login}-pw-2026"}},
        timeout=30,
    )
    assert response.json()["result"]["uid"], f"{login} could not log in"
    return session


def test_wizard_download_url_serves_the_logged_file(odoo_server, database, world):
    """What the Export button downloads (/web/content/<attachment>) is the logged file, for the
    accountant only."""
    alex = world["alex"]
    invoice_id = _sent(world, 60.0)
    wizard_id = alex.call(
        "atlas.invoice.export", "create", {"export_format": "xero"}, context={"default_invoice_ids": [invoice_id]}
    )
    action = alex.call("atlas.invoice.export", "action_export", [wizard_id])
    assert action["type"] == "ir.actions.act_url"
    [log] = alex.call("atlas.export.log", "search_read", [("invoice_ids", "in", [invoice_id])], fields=["file"])

    download = _web_session(odoo_server, database, "alex").get(f"{odoo_server.url}{action['url']}", timeout=30)
    assert download.status_code == 200
    assert download.content == base64.b64decode(log["file"])
    assert download.content.startswith(XERO_HEADER.encode() + b"\r\n")
    assert "attachment" in download.headers["Content-Disposition"]

    refused = _web_session(odoo_server, database, "bella").get(f"{odoo_server.url}{action['url']}", timeout=30)
    assert refused.status_code in (403, 404)
    assert XERO_HEADER.encode() not in refused.content
