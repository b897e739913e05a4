"""Report data over XML-RPC, against a live server: the four reports' public
get_report_data, a figure of each checked against journal items read over XML-RPC too, and
the General Ledger read by a Bookkeeper and refused to a Viewer with a message naming the role
it needs."""

import xmlrpc.client

import pytest
from conftest import create_user


@pytest.fixture(scope="module")
def world(odoo_server, database, admin):
    create_user(admin, "vera", "atlas_invoicing.group_atlas_viewer")
    create_user(admin, "carl", "atlas_invoicing.group_atlas_accountant")
    create_user(admin, "bella", "atlas_invoicing.group_atlas_bookkeeper")
    customer = admin.call("res.partner", "create", {"name": "Report Rpc Customer", "email": "ap@rpc.example"})
    revenue_id = admin.call("account.account", "search", [("account_type", "=", "income")], limit=1)[0]
    invoice_id = admin.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "invoice_date": "2026-01-10",
            "invoice_date_due": "2026-01-20",
            "invoice_payment_term_id": False,
            "invoice_line_ids": [
                (0, 0, {"name": "Work", "account_id": revenue_id, "price_unit": 1000.0, "tax_ids": []})
            ],
        },
    )
    admin.call("account.move", "action_post", [invoice_id])
    admin.call("account.move", "atlas_record_payment", [invoice_id], amount=400.0, date="2026-02-01")
    # Paid again after the as-of date used below: must not count on 03/31.
    admin.call("account.move", "atlas_record_payment", [invoice_id], amount=100.0, date="2026-04-15")
    return {
        "vera": odoo_server.login(database, "vera", "vera-pw-2026"),
        "carl": odoo_server.login(database, "carl", "carl-pw-2026"),
        "bella": odoo_server.login(database, "bella", "bella-pw-2026"),
        "customer": customer,
        "invoice_id": invoice_id,
    }


def _sum(admin, domain, field="balance"):
    rows = admin.call("account.move.line", "search_read", [("parent_state", "=", "posted"), *domain], fields=[field])
    return round(sum(row[field] for row in rows), 2)


def test_ar_aging(admin, world):
    options = {"as_of_date": "2026-03-31", "partner_ids": [world["customer"]]}
    data = world["vera"].call("atlas.report.ar.aging", "get_report_data", dict(options, details=True))
    assert data["report"] == "ar_aging"
    [customer] = [line for line in data["lines"] if line["kind"] == "line"]
    # 1000 due 01/20, 400 paid 02/01, the 100 of 04/15 not yet: 600, 70 days past due.
    assert customer["values"] == {
        "current": 0.0,
        "b_1_30": 0.0,
        "b_31_60": 0.0,
        "b_61_90": 600.0,
        "b_90_plus": 0.0,
        "total": 600.0,
    }
    [item] = [line for line in data["lines"] if line["kind"] == "detail"]
    assert (item["move_id"], item["values"]["days_overdue"]) == (world["invoice_id"], 70)
    # By default the customer comes with a "more" line; its page is the same item.
    lazy = world["vera"].call("atlas.report.ar.aging", "get_report_data", options)
    assert [line["kind"] for line in lazy["lines"]] == ["line", "more", "total"]
    more = lazy["lines"][1]
    assert (more["parent"], more["values"]) == (customer["key"], {"offset": 0, "remaining": 1})
    page = world["vera"].call("atlas.report.ar.aging", "get_more_lines", lazy["options"], more["parent"], 0)
    assert page == [item]
    # The whole aging ties out to the receivable balance on that date.
    full = world["vera"].call("atlas.report.ar.aging", "get_report_data", {"as_of_date": "2026-03-31"})
    balance = _sum(
        admin,
        [
            ("account_id.account_type", "=", "asset_receivable"),
            ("date", "<=", "2026-03-31"),
            ("company_id", "=", full["company"]["id"]),
        ],
    )
    assert full["totals"]["total"] == balance == full["checks"][0]["expected"]
    assert full["checks"][0]["ok"] is True


def test_profit_loss(admin, world):
    data = world["vera"].call(
        "atlas.report.profit.loss",
        "get_report_data",
        {
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
            "comparison": {"date_from": "2025-01-01", "date_to": "2025-12-31"},
        },
    )
    domain = [("date", ">=", "2026-01-01"), ("date", "<=", "2026-12-31"), ("company_id", "=", data["company"]["id"])]
    income = -_sum(admin, [*domain, ("account_id.account_type", "in", ["income", "income_other"])])
    assert data["totals"]["income"] == income
    assert [c["key"] for c in data["columns"]] == ["account", "balance", "comparison", "change", "change_percent"]
    # Over XML-RPC too: a change in percent of a zero comparison has no value (False).
    new_accounts = [
        line for line in data["lines"] if line["values"].get("comparison") == 0 and line["values"]["balance"]
    ]
    assert new_accounts, "this year's income has no comparison in 2025"
    assert all(line["values"]["change_percent"] is False for line in new_accounts)


def test_cash_flow(admin, world):
    data = world["vera"].call(
        "atlas.report.cash.flow", "get_report_data", {"date_from": "2026-01-01", "date_to": "2026-06-30"}
    )
    assert [check["ok"] for check in data["checks"]] == [True, True]
    checks = [line for line in data["lines"] if line["parent"] == "receipts" and line["label"] == "Check"]
    assert checks and checks[0]["values"]["m_2026_02"] >= 400.0
    assert checks[0]["values"]["m_2026_04"] >= 100.0
    assert data["totals"]["closing"] == round(data["totals"]["opening"] + data["totals"]["net"], 2)


def test_general_ledger_for_a_bookkeeper_not_a_viewer(admin, world):
    with pytest.raises(xmlrpc.client.Fault) as refused:
        world["vera"].call("atlas.report.general.ledger", "get_report_data", {})
    assert "needs the Atlas Bookkeeper role" in refused.value.faultString
    receivable = admin.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", world["invoice_id"]), ("account_type", "=", "asset_receivable")],
        fields=["account_id"],
    )[0]["account_id"][0]
    options = {"date_from": "2026-01-01", "date_to": "2026-12-31", "account_ids": [receivable], "line_limit": 5}
    data = world["bella"].call("atlas.report.general.ledger", "get_report_data", options)
    [section] = [line for line in data["lines"] if line["kind"] == "section"]
    closing = _sum(
        admin,
        [("account_id", "=", receivable), ("date", "<=", "2026-12-31"), ("company_id", "=", data["company"]["id"])],
    )
    assert section["values"]["balance"] == closing
    more = [line for line in data["lines"] if line["kind"] == "more"]
    if more:
        page = world["bella"].call(
            "atlas.report.general.ledger", "get_more_lines", options, section["key"], more[0]["values"]["offset"]
        )
        assert page and page[0]["kind"] == "detail"


def test_bad_options_are_faults(world):
    with pytest.raises(xmlrpc.client.Fault) as refused:
        world["vera"].call("atlas.report.ar.aging", "get_report_data", {"as_of_date": "31/03/2026"})
    assert "write it as YYYY-MM-DD" in refused.value.faultString
