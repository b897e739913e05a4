"""Odoo's own methods over XML-RPC, against a live server: a Bookkeeper can't write an
invoice's status, state or due date around the operations that own them, reverse it, reset it
or its payment to draft, nor pay a draft; the invoice, its journal items and the AR Aging are
unchanged after each refusal."""

import xmlrpc.client

import pytest
from conftest import create_invoice, create_user


@pytest.fixture(scope="module")
def world(odoo_server, database, admin):
    create_user(admin, "dora", "atlas_invoicing.group_atlas_bookkeeper")
    create_user(admin, "dario", "atlas_invoicing.group_atlas_accountant")
    return {
        "dora": odoo_server.login(database, "dora", "dora-pw-2026"),
        "dario": odoo_server.login(database, "dario", "dario-pw-2026"),
        "revenue_id": admin.call("account.account", "search", [("account_type", "=", "income")], limit=1)[0],
    }


def _books(admin, invoice_id):
    [invoice] = admin.call(
        "account.move",
        "read",
        [invoice_id],
        ["state", "payment_state", "atlas_status", "is_move_sent", "amount_residual", "invoice_date_due"],
    )
    items = admin.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", invoice_id)],
        fields=["account_id", "balance", "reconciled"],
        order="id",
    )
    moves = admin.call("account.move", "search_count", [])
    payments = admin.call("account.payment", "search_count", [])
    return invoice, items, moves, payments


def test_bookkeeper_cannot_go_around_the_invoice_actions(world, admin):
    dora, dario = world["dora"], world["dario"]
    customer = dora.call("res.partner", "create", {"name": "Doors Test LLC"})
    line = {"name": "Work", "account_id": world["revenue_id"], "price_unit": 230.0, "tax_ids": []}
    sent = create_invoice(dora, customer, [line])
    dora.call("account.move", "action_atlas_mark_sent", [sent])
    paid = create_invoice(dora, customer, [line])
    dora.call("account.move", "action_atlas_mark_sent", [paid])
    payment_id = dora.call("account.move", "atlas_record_payment", [paid])["payment_id"]

    for invoice_id in (sent, paid):
        before = _books(admin, invoice_id)
        for vals in (
            {"atlas_status": "paid"},
            {"atlas_status": "refunded"},
            {"state": "draft"},
            {"is_move_sent": False},
            {"invoice_date_due": "2030-01-01"},
        ):
            with pytest.raises(xmlrpc.client.Fault, match="can't be written directly"):
                dora.call("account.move", "write", [invoice_id], vals)
        with pytest.raises(xmlrpc.client.Fault, match="Only an Atlas Accountant can reset an invoice to draft"):
            dora.call("account.move", "button_draft", [invoice_id])
        # Odoo's Reverse (list Actions, form's gear menu): its wizard, then Reverse.
        journal_id = admin.call("account.move", "read", [invoice_id], ["journal_id"])[0]["journal_id"][0]
        reversal = dora.call(
            "account.move.reversal",
            "create",
            {"journal_id": journal_id},
            context={"active_model": "account.move", "active_ids": [invoice_id]},
        )
        with pytest.raises(xmlrpc.client.Fault, match="Only an Atlas Accountant can refund an invoice"):
            dora.call("account.move.reversal", "refund_moves", [reversal])
        assert _books(admin, invoice_id) == before

    before = _books(admin, paid)
    with pytest.raises(xmlrpc.client.Fault, match="Only an Atlas Accountant can reset a payment to draft"):
        dora.call("account.payment", "action_draft", [payment_id])
    with pytest.raises(xmlrpc.client.Fault, match="can't be written directly"):
        dora.call("account.payment", "write", [payment_id], {"state": "draft"})
    assert _books(admin, paid) == before

    draft = create_invoice(dora, False, [line])
    with pytest.raises(xmlrpc.client.Fault, match="is not posted: a payment is recorded on a posted invoice only"):
        dora.call("account.move", "action_force_register_payment", [draft])

    # The Accountant resets the unpaid one, as Atlas's own Reset to Draft would.
    assert dario.call("account.move", "button_draft", [sent]) is True
    assert admin.call("account.move", "read", [sent], ["state", "atlas_status"])[0]["atlas_status"] == "draft"
