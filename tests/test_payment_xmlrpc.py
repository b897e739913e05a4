"""Step 4 of "Your First Invoice" and refunds over XML-RPC, against a live server:
payments' journal entries, bad input, eight clients paying one invoice at once, and
idempotency keys."""

import threading
import xmlrpc.client

import pytest
from conftest import company_bank_journal, create_invoice, create_user

RETRYABLE = ("could not serialize", "concurrent update", "deadlock")


@pytest.fixture(scope="module")
def world(odoo_server, database, admin):
    create_user(admin, "paula", "atlas_invoicing.group_atlas_bookkeeper")
    create_user(admin, "carl", "atlas_invoicing.group_atlas_accountant")
    return {
        "paula": odoo_server.login(database, "paula", "paula-pw-2026"),
        "carl": odoo_server.login(database, "carl", "carl-pw-2026"),
        "bank": company_bank_journal(admin),
        "revenue_id": admin.call("account.account", "search", [("account_type", "=", "income")], limit=1)[0],
        "receivable_id": admin.call("account.account", "search", [("account_type", "=", "asset_receivable")], limit=1)[
            0
        ],
    }


def _sent_invoice(world, price, name="Payer Inc"):
    paula = world["paula"]
    customer = paula.call("res.partner", "create", {"name": name, "email": "ap@payer.example"})
    invoice_id = create_invoice(
        paula, customer, [{"name": "Work", "account_id": world["revenue_id"], "price_unit": price, "tax_ids": []}]
    )
    paula.call("account.move", "action_atlas_mark_sent", [invoice_id])
    return invoice_id


def _receivable(admin, invoice_id):
    """The receivable account the invoice debited."""
    [line] = admin.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", invoice_id), ("account_type", "=", "asset_receivable")],
        fields=["account_id"],
    )
    return line["account_id"][0]


def _invoice(client, invoice_id):
    return client.call("account.move", "read", [invoice_id], ["atlas_status", "amount_residual", "name"])[0]


def _payments(admin, invoice_id):
    return admin.call(
        "account.payment",
        "search_read",
        [("invoice_ids", "in", [invoice_id])],
        fields=["amount", "payment_method_line_id", "move_id", "atlas_idempotency_key"],
    )


def _entry(admin, move_id):
    lines = admin.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", move_id)],
        fields=["account_id", "debit", "credit", "name"],
    )
    return sorted((line["account_id"][0], line["debit"], line["credit"]) for line in lines), {
        line["name"] for line in lines
    }


def test_step_4_partial_payment_then_the_rest(admin, world):
    paula, bank = world["paula"], world["bank"]
    invoice_id = _sent_invoice(world, 100.0)
    name = _invoice(paula, invoice_id)["name"]

    result = paula.call(
        "account.move",
        "atlas_record_payment",
        [invoice_id],
        amount=40.0,
        date="2026-11-20",
        journal_id=bank["id"],
        payment_method="check",
    )
    assert result["invoice"]["status"] == "partial" and result["invoice"]["amount_residual"] == 60.0
    [payment] = _payments(admin, invoice_id)
    entry, labels = _entry(admin, payment["move_id"][0])
    # Debit the deposit account itself / Credit Accounts Receivable.
    assert entry == sorted([(bank["default_account_id"][0], 40.0, 0.0), (_receivable(admin, invoice_id), 0.0, 40.0)])
    assert labels == {f"Check: {name}"}
    assert payment["payment_method_line_id"][1] == f"Check ({bank['name']})"

    result = paula.call(
        "account.move", "atlas_record_payment", [invoice_id], journal_id=bank["id"], payment_method="wire"
    )
    assert result["amount"] == 60.0
    assert _invoice(paula, invoice_id)["atlas_status"] == "paid"
    assert _invoice(paula, invoice_id)["amount_residual"] == 0.0
    assert sorted(p["amount"] for p in _payments(admin, invoice_id)) == [40.0, 60.0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": 0.0}, "greater than zero"),
        ({"amount": -10.0}, "greater than zero"),
        ({"amount": 100.5}, "more than the"),
        ({"amount": 10.0, "payment_method": "barter"}, "Unknown payment method"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(admin, world, kwargs, message):
    invoice_id = _sent_invoice(world, 100.0)
    with pytest.raises(xmlrpc.client.Fault) as refused:
        world["paula"].call(
            "account.move", "atlas_record_payment", [invoice_id], journal_id=world["bank"]["id"], **kwargs
        )
    assert message in refused.value.faultString
    assert _invoice(admin, invoice_id)["amount_residual"] == 100.0
    assert _payments(admin, invoice_id) == []


def test_retried_call_with_the_same_key_pays_once(admin, world):
    invoice_id = _sent_invoice(world, 100.0)
    calls = [
        world["paula"].call(
            "account.move", "atlas_record_payment", [invoice_id], amount=25.0, idempotency_key="retry-me-1"
        )
        for _ in range(3)
    ]
    assert len({c["payment_id"] for c in calls}) == 1
    assert [p["amount"] for p in _payments(admin, invoice_id)] == [25.0]
    assert _invoice(admin, invoice_id)["amount_residual"] == 75.0


def test_eight_clients_paying_at_once_never_overpay(odoo_server, database, admin, world):
    """Each of 8 clients pays 200 on an 800 invoice at the same moment, retrying (with the same
    key) when the server reports a concurrency failure. Exactly 800 is paid, never more."""
    invoice_id = _sent_invoice(world, 800.0, name="Busy Customer")
    barrier = threading.Barrier(8)
    outcomes = [None] * 8

    def client(i):
        me = odoo_server.login(database, "paula", "paula-pw-2026")  # its own connection
        barrier.wait()
        for _attempt in range(20):
            try:
                outcomes[i] = me.call(
                    "account.move", "atlas_record_payment", [invoice_id], amount=200.0, idempotency_key=f"busy-{i}"
                )
                return
            except xmlrpc.client.Fault as fault:
                if not any(word in fault.faultString for word in RETRYABLE):
                    outcomes[i] = fault.faultString
                    return
        outcomes[i] = "gave up"

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    paid = [o for o in outcomes if isinstance(o, dict)]
    refused = [o for o in outcomes if isinstance(o, str)]
    assert len(paid) == 4, outcomes
    assert all("more than the" in o or "nothing left to pay" in o for o in refused), refused
    payments = _payments(admin, invoice_id)
    assert sorted(p["amount"] for p in payments) == [200.0] * 4
    assert len({p["atlas_idempotency_key"] for p in payments}) == 4, "nothing was posted twice"
    invoice = _invoice(admin, invoice_id)
    assert invoice["atlas_status"] == "paid" and invoice["amount_residual"] == 0.0


def test_refund_of_a_paid_invoice(admin, world):
    bank = world["bank"]
    invoice_id = _sent_invoice(world, 150.0, name="Refund Me Ltd")
    world["paula"].call("account.move", "atlas_record_payment", [invoice_id], journal_id=bank["id"])
    with pytest.raises(xmlrpc.client.Fault) as refused:
        world["paula"].call("account.move", "atlas_refund", [invoice_id])
    assert "Accountant" in refused.value.faultString, "refunds need the Accountant role"

    carl = world["carl"]
    result = carl.call(
        "account.move",
        "atlas_refund",
        [invoice_id],
        journal_id=bank["id"],
        payment_method="ach",
        idempotency_key="rf-1",
    )
    again = carl.call("account.move", "atlas_refund", [invoice_id], idempotency_key="rf-1")
    assert again["credit_note_id"] == result["credit_note_id"]
    assert result["invoice"]["status"] == "refunded"
    refund = admin.call(
        "account.payment", "read", [result["refund_payment_id"]], ["amount", "payment_type", "move_id"]
    )[0]
    assert (refund["amount"], refund["payment_type"]) == (150.0, "outbound")
    entry, _labels = _entry(admin, refund["move_id"][0])
    # Debit Accounts Receivable / Credit the bank.
    assert entry == sorted([(_receivable(admin, invoice_id), 150.0, 0.0), (bank["default_account_id"][0], 0.0, 150.0)])
    assert _invoice(admin, invoice_id)["atlas_status"] == "refunded"


def _term(admin, name, lines, **values):
    return admin.call(
        "account.payment.term", "create", {"name": name, **values, "line_ids": [(0, 0, line) for line in lines]}
    )


def _invoice_with_terms(world, term_id, price, invoice_date):
    paula = world["paula"]
    customer = paula.call("res.partner", "create", {"name": "Terms Customer", "email": "ap@terms.example"})
    invoice_id = create_invoice(
        paula,
        customer,
        [{"name": "Work", "account_id": world["revenue_id"], "price_unit": price, "tax_ids": []}],
        invoice_date=invoice_date,
        invoice_payment_term_id=term_id,
    )
    paula.call("account.move", "action_atlas_mark_sent", [invoice_id])
    return invoice_id


def test_2_10_net_30_paid_98_on_day_5_is_paid_with_odoos_discount_entry(admin, world):
    paula, bank = world["paula"], world["bank"]
    term_id = _term(
        admin,
        "2/10 Net 30 (XML-RPC)",
        [{"value": "percent", "value_amount": 100.0, "nb_days": 30}],
        early_discount=True,
        discount_percentage=2.0,
        discount_days=10,
    )
    invoice_id = _invoice_with_terms(world, term_id, 100.0, "2026-03-02")
    proposal = paula.call("account.move", "atlas_amount_to_pay", [invoice_id], date="2026-03-07")
    assert proposal == {
        "amount": 98.0,
        "amount_residual": 100.0,
        "discount": 2.0,
        "discount_date": "2026-03-12",
        "instalment": False,
    }
    late = paula.call("account.move", "atlas_amount_to_pay", [invoice_id], date="2026-03-13")
    assert (late["amount"], late["discount"]) == (100.0, 0.0)

    result = paula.call(
        "account.move", "atlas_record_payment", [invoice_id], amount=98.0, date="2026-03-07", journal_id=bank["id"]
    )
    assert result["invoice"]["status"] == "paid"
    assert result["invoice"]["amount_residual"] == 0.0
    assert _invoice(paula, invoice_id)["atlas_status"] == "paid"
    [payment] = _payments(admin, invoice_id)
    entry, _labels = _entry(admin, payment["move_id"][0])
    [company] = admin.call(
        "res.company", "read", [admin.ref("base.main_company")], ["account_journal_early_pay_discount_loss_account_id"]
    )
    discount_account = company["account_journal_early_pay_discount_loss_account_id"][0]
    assert entry == sorted(
        [
            (bank["default_account_id"][0], 98.0, 0.0),
            (discount_account, 2.0, 0.0),
            (_receivable(admin, invoice_id), 0.0, 100.0),
        ]
    )


def test_instalments_30_now_70_later_pay_the_instalment_due(admin, world):
    paula, bank = world["paula"], world["bank"]
    term_id = _term(
        admin,
        "30% now, 70% in 30 days (XML-RPC)",
        [
            {"value": "percent", "value_amount": 30.0, "nb_days": 0},
            {"value": "percent", "value_amount": 70.0, "nb_days": 30},
        ],
    )
    invoice_id = _invoice_with_terms(world, term_id, 1000.0, "2026-03-02")
    assert paula.call("account.move", "atlas_amount_to_pay", [invoice_id], date="2026-03-05")["amount"] == 300.0
    result = paula.call("account.move", "atlas_record_payment", [invoice_id], date="2026-03-05", journal_id=bank["id"])
    assert (result["amount"], result["invoice"]["status"], result["invoice"]["amount_residual"]) == (
        300.0,
        "partial",
        700.0,
    )
    result = paula.call("account.move", "atlas_record_payment", [invoice_id], date="2026-04-01", journal_id=bank["id"])
    assert (result["amount"], result["invoice"]["status"]) == (700.0, "paid")
