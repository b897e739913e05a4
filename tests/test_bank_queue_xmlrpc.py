"""A long bank statement imported by queue jobs over two Odoo servers on one database
(atlas_invoicing_bank_queue).

Two servers, each with two HTTP workers, behind a load balancer; the first runs queue_job's job
runner. A Bookkeeper imports a 5,000-line CSV over XML-RPC: the file is checked whole, the
statement is created empty and says it is importing, and ten jobs of 500 lines each create and
match the lines. The second server is killed (SIGKILL, workers and all) while one of its
workers is in the middle of a chunk; the first finishes the import once the killed worker's
job is requeued. What is checked is what a bookkeeper checks: each line of the file exactly
once, the statement's start and end balances the file's, and the statement no longer importing.
"""

import base64
import time
from pathlib import Path

from conftest import company_bank_journal, create_user, sql_rows, statement_csv_mapping

LINES = 5000
START = 25000.0


def _csv():
    """A month of a busy account, as the bank exports it (with a running balance): customer
    payments, card purchases and fees, some on the same day for the same amount."""
    rows = ["Date,Description,Reference,Payer,Amount,Balance"]
    balance = START
    for k in range(LINES):
        day = f"2026-03-{1 + k * 31 // LINES:02d}"
        if k % 3 == 0:
            label, ref, payer, amount = f"ACH CREDIT INV/{k:05d}", f"R{k:05d}", f"Customer {k % 40:02d}", 50 + k % 400
        elif k % 3 == 1:
            label, ref, payer, amount = f"CARD PURCHASE {k:06d}", "", "Some Shop", -round(3 + (k % 97) * 0.31, 2)
        else:
            label, ref, payer, amount = "MONTHLY SERVICE FEE", "", "", -2.5  # alike lines, told apart by rank
        balance = round(balance + amount, 2)
        rows.append(f"{day},{label},{ref},{payer},{amount:.2f},{balance:.2f}")
    return ("\n".join(rows) + "\n").encode(), balance


def _chunk_jobs(database, statement_id):
    return sql_rows(
        database,
        "SELECT c.sequence, c.state, j.state, j.worker_pid FROM atlas_statement_import_chunk c "
        "JOIN queue_job j ON j.uuid = c.job_uuid WHERE c.statement_id = %s ORDER BY c.sequence",
        (statement_id,),
    )


def test_a_server_killed_mid_import_the_other_finishes_it_each_line_once(queue_cluster):
    database = queue_cluster.database
    admin = queue_cluster.servers[0].login(database, "admin", "admin")
    create_user(admin, "bruno", "atlas_invoicing.group_atlas_bookkeeper")
    create_user(admin, "anton", "atlas_invoicing.group_atlas_accountant")
    accountant = queue_cluster.servers[0].login(database, "anton", "anton-pw-2026")
    mapping_id = accountant.call(
        "account.statement.import.sheet.mapping",
        "create",
        statement_csv_mapping("E2E Queue Checking CSV", balance_column="Balance"),
    )
    journal_id = company_bank_journal(admin)["id"]
    content, end = _csv()
    queue_cluster.wait_for_runner()

    # The import's request goes to the server that will be killed; its jobs, to both.
    bookkeeper = queue_cluster.servers[1].login(database, "bruno", "bruno-pw-2026")
    started = time.monotonic()
    result = bookkeeper.call(
        "account.bank.statement",
        "atlas_import_statement",
        journal_id,
        base64.b64encode(content).decode(),
        "march.csv",
        mapping_id,
    )
    [statement_id] = result["statement_ids"]
    assert result["line_count"] == 0
    assert result["importing"] == [
        {
            "statement_id": statement_id,
            "state": "importing",
            "done": 0,
            "total": LINES,
            "message": "Importing in the background: 0 of 5,000 lines",
        }
    ]
    assert (result["balance_start"], result["balance_end"]) == (START, end)

    # Kill the second server while one of its workers is in the middle of a chunk, after some
    # chunks are done.
    deadline = time.monotonic() + 900
    while True:
        pids = queue_cluster.worker_pids(1)
        jobs = _chunk_jobs(database, statement_id)
        done = sum(1 for _seq, state, *_rest in jobs if state == "done")
        busy = [pid for _seq, state, job_state, pid in jobs if job_state == "started" and pid in pids]
        if done >= 2 and busy:
            break
        assert done < LINES // 500, f"the second server never ran a chunk: {jobs}"
        assert time.monotonic() < deadline, f"no chunk started on the second server: {jobs}"
        time.sleep(0.2)
    queue_cluster.kill(1)
    killed_at = sum(1 for _seq, state, *_rest in jobs if state == "done")

    deadline = time.monotonic() + 1800
    import_state = "SELECT atlas_import_state FROM account_bank_statement WHERE id = %s"
    while sql_rows(database, import_state, (statement_id,)) != [(None,)]:
        assert time.monotonic() < deadline, f"still importing: {_chunk_jobs(database, statement_id)}"
        time.sleep(1)
    elapsed = time.monotonic() - started

    # Each line of the file exactly once, by its import id.
    [(count, distinct)] = sql_rows(
        database,
        "SELECT count(*), count(DISTINCT unique_import_id) FROM account_bank_statement_line WHERE statement_id = %s",
        (statement_id,),
    )
    [(twice,)] = sql_rows(
        database,
        "SELECT count(*) FROM (SELECT unique_import_id FROM account_bank_statement_line WHERE journal_id = %s "
        "AND unique_import_id IS NOT NULL GROUP BY unique_import_id HAVING count(*) > 1) t",
        (journal_id,),
    )
    assert (count, distinct, twice) == (LINES, LINES, 0)
    # The statement: the file's balances, complete, no longer importing.
    [statement] = admin.call(
        "account.bank.statement",
        "read",
        [statement_id],
        ["balance_start", "balance_end_real", "balance_end", "is_complete", "atlas_import_state", "date"],
    )
    assert statement["balance_start"] == START
    assert statement["balance_end_real"] == end
    assert round(statement["balance_end"], 2) == end
    assert statement["is_complete"] is True
    assert statement["atlas_import_state"] is False
    assert statement["date"] == "2026-03-31"
    [(total,)] = sql_rows(
        database,
        "SELECT round(sum(amount)::numeric, 2) FROM account_bank_statement_line WHERE statement_id = %s",
        (statement_id,),
    )
    assert float(total) == round(end - START, 2)
    # Every chunk done; the killed worker's chunk was queued again and done by the server still up.
    jobs = _chunk_jobs(database, statement_id)
    assert [state for _seq, state, *_rest in jobs] == ["done"] * (LINES // 500)
    log = Path(queue_cluster.servers[0].log_file).read_text(errors="replace")
    assert f"Statement {statement_id}: job" in log and "lost its worker; queued again" in log
    print(
        f"\n{LINES} lines in {elapsed:.1f} s ({LINES / elapsed:.1f} lines/s) on two servers; "
        f"second server killed after {killed_at} of {LINES // 500} chunks; {count} lines, {distinct} import ids, "
        f"{twice} twice"
    )
