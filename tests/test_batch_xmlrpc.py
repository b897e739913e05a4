"""Invoice batches over XML-RPC against a live server: Send all through a real SMTP server,
Print all as one PDF, and a batch whose Odoo server is killed mid-run, then resumed.

What is checked is what an accountant checks: every customer got one email with its own
invoice PDF, the merged PDF shows every invoice number, and after the crash each contract
has exactly one invoice per period, no more, no less.
"""

import base64
import subprocess
import threading
import time
import uuid
import xmlrpc.client
from collections import Counter
from pathlib import Path

import pytest
from conftest import _env, clone_database, create_user, drop_database, start_odoo, stop_odoo

BATCH_DATE = "2026-01-01"


def pdftotext(content, tmp_path):
    path = Path(tmp_path) / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _product(admin):
    return admin.call(
        "product.product",
        "create",
        {"name": "Managed IT services", "type": "service", "list_price": 450.0, "taxes_id": [(5, 0, 0)]},
    )


def _contract_vals(partner_id, product_id, name, start, price=450.0, rule="monthly"):
    return {
        "name": name,
        "partner_id": partner_id,
        "contract_type": "sale",
        "recurring_rule_type": rule,
        "date_start": start,
        "contract_line_ids": [
            (
                0,
                0,
                {
                    "product_id": product_id,
                    "name": f"{name}, #START# to #END#",
                    "quantity": 1,
                    "price_unit": price,
                    "recurring_rule_type": rule,
                    "date_start": start,
                    "recurring_next_date": start,
                },
            )
        ],
    }


def _customers(client, count, prefix):
    return client.call(
        "res.partner",
        "create",
        [
            {
                "name": f"{prefix} Customer {n:03d}",
                "email": f"billing{n:03d}@{prefix.lower()}.example",
                "customer_rank": 1,
            }
            for n in range(count)
        ],
    )


def _run_mail_queue(admin):
    admin.call("ir.cron", "method_direct_trigger", [admin.ref("mail.ir_cron_mail_scheduler_action")])


def test_send_all_and_print_all(odoo_server, smtp_server, admin, database, tmp_path):
    create_user(admin, "anna", "atlas_invoicing.group_atlas_accountant")
    anna = odoo_server.login(database, "anna", "anna-pw-2026")
    product_id = _product(admin)
    customers = _customers(anna, 3, "Send")
    contract_ids = anna.call(
        "contract.contract",
        "create",
        [
            _contract_vals(customers[0], product_id, "Send monthly", BATCH_DATE, 450.0),
            _contract_vals(customers[1], product_id, "Send quarterly", BATCH_DATE, 900.0, "quarterly"),
            _contract_vals(customers[2], product_id, "Send yearly", BATCH_DATE, 4800.0, "yearly"),
        ],
    )
    batch_id = anna.call(
        "atlas.invoice.batch",
        "create",
        {
            "name": "Send batch",
            "date": BATCH_DATE,
            "contract_selection": "manual",
            "contract_ids": [(6, 0, contract_ids)],
        },
    )
    [summary] = anna.call("atlas.invoice.batch", "atlas_generate", [batch_id])["batches"]
    assert (summary["state"], summary["invoices"], summary["draft_invoices"]) == ("done", 3, 3)

    result = anna.call("atlas.invoice.batch", "atlas_send", [batch_id])
    assert [row["status"] for row in result["invoices"]] == ["sent"] * 3
    invoices = anna.call(
        "account.move",
        "search_read",
        [("atlas_batch_id", "=", batch_id)],
        fields=["name", "partner_id", "amount_total", "atlas_status", "atlas_contract_id"],
        order="name",
    )
    assert {inv["atlas_contract_id"][0] for inv in invoices} == set(contract_ids)
    assert sorted(inv["amount_total"] for inv in invoices) == [450.0, 900.0, 4800.0]

    # The mail queue delivers: each customer got exactly one email, with its own invoice's PDF.
    _run_mail_queue(admin)
    for invoice in invoices:
        n = int(invoice["partner_id"][1].split()[-1])
        received = [m for m in smtp_server.sink.messages if m["to"] == [f"billing{n:03d}@send.example"]]
        assert len(received) == 1, invoice
        [attachment] = list(received[0]["message"].iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        text = pdftotext(attachment.get_content(), tmp_path)
        assert invoice["name"] in text
        assert invoice["partner_id"][1] in text

    # Print all: one PDF with every invoice of the batch, one after the other.
    pdf = anna.call("atlas.invoice.batch", "atlas_print", [batch_id])
    assert pdf["mimetype"] == "application/pdf" and pdf["filename"] == "Send batch.pdf"
    text = pdftotext(base64.b64decode(pdf["content"]), tmp_path)
    positions = [text.find(invoice["name"]) for invoice in invoices]
    assert all(pos >= 0 for pos in positions), (positions, text[:500])
    assert positions == sorted(positions)
    assert text.count("\f") >= 3  # at least one page per invoice


def test_bookkeeper_is_refused_batches(odoo_server, admin, database):
    create_user(admin, "bella", "atlas_invoicing.group_atlas_bookkeeper")
    bella = odoo_server.login(database, "bella", "bella-pw-2026")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        bella.call("atlas.invoice.batch", "create", {"name": "Mine", "date": BATCH_DATE})
    assert "not allowed to create" in fault.value.faultString
    assert "Accountant" in fault.value.faultString


def test_two_clients_generating_the_same_batch_make_each_invoice_once(odoo_server, admin, database):
    """Two Generate calls at the same time on one batch: one works, the other steps aside
    (the batch row is locked); every contract is invoiced once."""
    product_id = _product(admin)
    customers = _customers(admin, 6, "Twice")
    contract_ids = admin.call(
        "contract.contract",
        "create",
        [
            _contract_vals(customers[n % 6], product_id, f"Twice contract {n:03d}", BATCH_DATE, 50.0 + n)
            for n in range(60)
        ],
    )
    batch_id = admin.call(
        "atlas.invoice.batch",
        "create",
        {
            "name": "Twice batch",
            "date": BATCH_DATE,
            "chunk_size": 5,
            "contract_domain": "[('name', '=like', 'Twice contract %')]",
        },
    )
    results, errors = [], []

    def generate():
        try:
            client = odoo_server.login(database, "admin", "admin")
            results.append(client.call("atlas.invoice.batch", "atlas_generate", [batch_id])["batches"][0])
        except xmlrpc.client.Fault as fault:
            errors.append(fault.faultString)

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # Both clients answered (none hung on the other's locks), without error, and between
    # them the batch is finished: the second one stepped aside or finished the rest.
    assert not any(thread.is_alive() for thread in threads)
    assert errors == [] and len(results) == 2
    assert "done" in {result["state"] for result in results}
    assert max(result["invoices"] for result in results) == 60

    [summary] = admin.call("atlas.invoice.batch", "atlas_generate", [batch_id])["batches"]
    assert summary["invoices"] == 60 and summary["contracts_failed"] == 0
    invoices = admin.call(
        "account.move",
        "search_read",
        [("atlas_contract_id", "in", contract_ids)],
        fields=["atlas_contract_id", "atlas_period_start", "atlas_batch_id"],
    )
    assert sorted(inv["atlas_contract_id"][0] for inv in invoices) == sorted(contract_ids)
    assert {inv["atlas_period_start"] for inv in invoices} == {BATCH_DATE}
    assert {inv["atlas_batch_id"][0] for inv in invoices} == {batch_id}


@pytest.fixture
def crash_database():
    name = clone_database(f"atlas_e2e_crash_{uuid.uuid4().hex[:8]}")
    yield name
    drop_database(name)


def test_batch_killed_mid_run_resumes_with_one_invoice_per_contract_and_period(smtp_server, crash_database):
    """Odoo is killed (SIGKILL) after the first chunks committed; the resumed batch finishes
    with exactly one invoice per contract and period."""
    log_dir = Path(_env("ATLAS_LOG_DIR"))
    log_dir.mkdir(parents=True, exist_ok=True)
    contracts_count, periods, chunk = 120, 2, 10  # each contract is two months behind
    process, server = start_odoo(log_dir / "e2e-batch-crash-1.log", smtp_server.port)
    try:
        admin = server.login(crash_database, "admin", "admin")
        product_id = _product(admin)
        customers = _customers(admin, 12, "Crash")
        contract_ids = admin.call(
            "contract.contract",
            "create",
            [
                _contract_vals(customers[n % 12], product_id, f"Crash contract {n:03d}", "2025-12-01", 100.0 + n)
                for n in range(contracts_count)
            ],
        )
        batch_id = admin.call(
            "atlas.invoice.batch",
            "create",
            {
                "name": "Crash batch",
                "date": BATCH_DATE,
                "chunk_size": chunk,
                "contract_domain": "[('name', '=like', 'Crash contract %')]",
            },
        )
        # Generate as the web button does (the batch is marked running and the cron is
        # triggered), then the cron job runs in a worker of its own.
        admin.call("atlas.invoice.batch", "action_generate", [batch_id])
        cron_id = admin.ref("atlas_invoicing.ir_cron_atlas_invoice_batch")

        def run_cron():
            try:
                server.login(crash_database, "admin", "admin").call("ir.cron", "method_direct_trigger", [cron_id])
            except (OSError, xmlrpc.client.Error):
                pass  # the server is killed under it

        worker = threading.Thread(target=run_cron, daemon=True)
        worker.start()
        deadline = time.monotonic() + 120
        while True:
            [batch] = admin.call("atlas.invoice.batch", "read", [batch_id], ["contract_done"])
            if batch["contract_done"] >= 2 * chunk:
                break
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.1)
        process.kill()  # SIGKILL: no cleanup, the chunk in progress is cut off
        process.wait()
        worker.join(timeout=30)
    finally:
        if process.poll() is None:
            stop_odoo(process)

    process, server = start_odoo(log_dir / "e2e-batch-crash-2.log", smtp_server.port)
    try:
        admin = server.login(crash_database, "admin", "admin")
        [batch] = admin.call(
            "atlas.invoice.batch", "read", [batch_id], ["state", "contract_total", "contract_done", "invoice_count"]
        )
        # Killed half-way: what was committed is whole chunks, with all their invoices.
        assert batch["state"] == "running"
        assert batch["contract_total"] == contracts_count
        assert chunk * 2 <= batch["contract_done"] < contracts_count
        assert batch["contract_done"] % chunk == 0
        assert batch["invoice_count"] == batch["contract_done"] * periods

        # Resume.
        [summary] = admin.call("atlas.invoice.batch", "atlas_generate", [batch_id])["batches"]
        assert summary["state"] == "done"
        assert summary["contracts_done"] == summary["contracts_due"] == contracts_count
        assert summary["invoices"] == contracts_count * periods
        assert summary["contracts_failed"] == 0

        invoices = admin.call(
            "account.move",
            "search_read",
            [("atlas_contract_id", "in", contract_ids)],
            fields=["atlas_contract_id", "atlas_period_start", "amount_total", "atlas_batch_id"],
        )
        pairs = Counter((inv["atlas_contract_id"][0], inv["atlas_period_start"]) for inv in invoices)
        expected = {(cid, start) for cid in contract_ids for start in ("2025-12-01", "2026-01-01")}
        assert set(pairs) == expected
        assert set(pairs.values()) == {1}
        assert {inv["atlas_batch_id"][0] for inv in invoices} == {batch_id}
        next_dates = admin.call("contract.contract", "read", contract_ids, ["recurring_next_date"])
        assert {row["recurring_next_date"] for row in next_dates} == {"2026-02-01"}
        # Generating again makes nothing new.
        [again] = admin.call("atlas.invoice.batch", "atlas_generate", [batch_id])["batches"]
        assert again["invoices"] == contracts_count * periods
    finally:
        stop_odoo(process)
