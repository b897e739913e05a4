"""The foundation, end to end: users log in over XML-RPC and get exactly their role's rights."""

import xmlrpc.client

import pytest
from conftest import create_invoice, create_user


def _shown_menus(client):
    """Menus the web client shows this user, by path ("Atlas Invoicing/Invoicing/Invoices").

    ir.ui.menu's search only returns menus visible to the user; the web client also drops
    those whose parent is hidden, so this does too.
    """
    menus = {m["id"]: m for m in client.call("ir.ui.menu", "search_read", [], fields=["name", "parent_id"])}

    def path(menu):
        parent = menu["parent_id"] and menus.get(menu["parent_id"][0])
        if menu["parent_id"] and not parent:
            return None  # its parent is hidden, so it is never shown
        prefix = path(parent) if parent else ""
        return None if prefix is None else (prefix + "/" if prefix else "") + menu["name"]

    return {p for p in (path(m) for m in menus.values()) if p}


def _atlas_menu_tree(client):
    prefix = "Atlas Invoicing/"
    return {p[len(prefix) :] for p in _shown_menus(client) if p.startswith(prefix)}


def _app_menu_names(client):
    return {p for p in _shown_menus(client) if "/" not in p}


def test_admin_opens_the_atlas_app(admin):
    assert "Atlas Invoicing" in _app_menu_names(admin)
    assert "Configuration/Settings" in _atlas_menu_tree(admin)


def test_bookkeeper_logs_in_and_works_over_xmlrpc(odoo_server, database, admin):
    uid = create_user(admin, "bella", "atlas_invoicing.group_atlas_bookkeeper")
    bella = odoo_server.login(database, "bella", "bella-pw-2026")
    assert bella.uid == uid
    assert bella.call("res.users", "has_group", [uid], "atlas_invoicing.group_atlas_bookkeeper")
    assert not bella.call("res.users", "has_group", [uid], "atlas_invoicing.group_atlas_accountant")

    # Her menu is the Atlas app without Configuration; the General Ledger is hers too.
    assert _atlas_menu_tree(bella) == {
        "Contacts",
        "Contacts/Customers",
        "Invoicing",
        "Invoicing/Invoices",
        "Invoicing/Credit Notes",
        "Invoicing/Payments",
        "Invoicing/Contracts",
        "Invoicing/Batches",
        "Invoicing/Reminder Runs",
        "Banking",
        "Banking/Import Statement",
        "Banking/Reconcile",
        "Banking/Statements",
        "Reports",
        "Reports/AR Aging",
        "Reports/Profit & Loss",
        "Reports/Cash Flow",
        "Reports/General Ledger",
        "Reports/Invoice Analysis",
    }

    # Step 1 and 2 of "Your First Invoice": a customer and a draft invoice.
    customer_id = bella.call("res.partner", "create", {"name": "Smoke Test Customer", "email": "ap@smoke.example"})
    revenue_id = bella.call(
        "account.account",
        "search",
        [("account_type", "=", "income"), ("company_ids", "in", [admin.ref("base.main_company")])],
        limit=1,
    )[0]
    invoice_id = create_invoice(
        bella,
        customer_id,
        [{"name": "Setup fee", "account_id": revenue_id, "quantity": 2, "price_unit": 60.0, "tax_ids": []}],
    )
    [invoice] = bella.call("account.move", "read", [invoice_id], ["state", "amount_total", "partner_id"])
    assert invoice["state"] == "draft"
    assert invoice["amount_total"] == 120.0
    assert invoice["partner_id"][0] == customer_id


def test_user_without_atlas_role_is_refused_invoices(odoo_server, database, admin):
    create_user(admin, "norah")
    norah = odoo_server.login(database, "norah", "norah-pw-2026")
    assert "Atlas Invoicing" not in _app_menu_names(norah)
    with pytest.raises(xmlrpc.client.Fault) as refused:
        norah.call("account.move", "search_read", [("move_type", "=", "out_invoice")], fields=["name"])
    assert "You are not allowed to access 'Journal Entry' (account.move) records" in refused.value.faultString


def test_viewer_reads_but_cannot_create(odoo_server, database, admin):
    create_user(admin, "vic", "atlas_invoicing.group_atlas_viewer")
    vic = odoo_server.login(database, "vic", "vic-pw-2026")
    assert isinstance(vic.call("account.move", "search_read", [], fields=["name"], limit=5), list)
    with pytest.raises(xmlrpc.client.Fault) as refused:
        vic.call("res.partner", "create", {"name": "Not allowed"})
    assert "You are not allowed to create" in refused.value.faultString
    assert not admin.call("res.partner", "search", [("name", "=", "Not allowed")])
