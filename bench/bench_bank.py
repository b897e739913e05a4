"""Bank statement benchmark: import and match a large CSV against a book of open invoices,
OCA's import as shipped (the reference) and Atlas's, on the same file and the same book.

Each snapshot database holds N open (posted, unpaid) customer invoices for 500 customers,
made alike (same customers, amounts, order, so Odoo numbers them alike), and the same CSV
mapping. A CSV of L lines is made from them: 40 % of the lines name an invoice (its number
in the label, its full amount), 10 % give only the customer's name and the invoice's amount,
and 50 % are card purchases (money out, matched to nothing). Each path imports it in a fresh
process on a fresh copy of its snapshot and prints lines/s, the share of lines matched and
reconciled (and the share expected), and the peak RSS growth of the process:

- oca: ``atlas_bench_bank_oca``, only ``account``, ``account_statement_import_sheet_file``
  and ``account_reconcile_oca``. OCA's wizard as a user runs it from the bank journal:
  ``account.statement.import`` with the file and the mapping, ``journal_id`` in the context,
  ``import_file_button()``. OCA's account_reconcile_oca then applies the reconcile models
  marked "auto-validate" to the new lines (Odoo's "Invoices/Bills Perfect Match"): that is
  part of OCA's path as shipped. "matched" is the lines it reconciled.
- jobs (bench/bank_queue_run.sh): the same call with atlas_invoicing_bank_queue, on its own
  snapshot (``atlas_bench_bank_queue``, where "atlas" runs too, told not to use jobs): the
  statement is created in the call and its lines by one job per chunk of 500, performed in the
  child process one after the other, each committed (see ``import_jobs``).
- atlas: ``atlas_bench_bank``, atlas_invoicing. The Bookkeeper's XML-RPC call,
  ``account.bank.statement.atlas_import_statement`` (OCA's CSV parser through the mapping,
  Atlas's checks, the statement and its lines, Atlas's matching). "matched" is the lines
  Atlas found an invoice or a payment for (confirmed later, or at once if the journal says
  so: "reconciled").

The CSV is made once per size from the first snapshot of the run, and the run stops if the
other snapshot would give a different file.

Target: ≥ 500 lines/s with memory flat in the number of lines.

Subcommands (bench/bank_run.sh runs them in order):

    setup    make a snapshot (--path atlas or oca): the mapping, customers and N open invoices
    bench    for each size: for each path, copy its snapshot, import a CSV of that many lines
             in a child process, drop the copy; print both rows and the ratio
    one      (the child) one import on one copy, its figures as JSON
"""

import argparse
import base64
import contextlib
import cProfile
import gc
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import benchlib
from bench_contracts import copy_database, cron_env, drop_database

import odoo
from odoo import Command
from odoo.modules.registry import Registry

MAPPING = "Bench Checking CSV"
N_CUSTOMERS = 500
TARGET_LINES_PER_S = 500
PATHS = ("oca", "atlas", "jobs")  # the reference first
LABELS = {"oca": "OCA reference", "atlas": "Atlas", "jobs": "Atlas, jobs"}
DISPATCH_PARAM = "atlas_invoicing_queue.dispatch"
# The mapping of the OCA snapshot, written out: the same columns and formats as Atlas's
# (account.statement.import.sheet.mapping._atlas_csv_layout), which is not there; the
# benchmark's CSV has no method column.
OCA_MAPPING = {
    "name": MAPPING,
    "float_thousands_sep": "none",
    "float_decimal_sep": "dot",
    "delimiter": "comma",
    "timestamp_format": "%Y-%m-%d",
    "timestamp_column": "Date",
    "amount_column": "Amount",
    "description_column": "Description",
    "reference_column": "Reference",
    "partner_name_column": "Payer",
    "balance_column": "Balance",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("setup", "bench", "one"):
        command = sub.add_parser(name)
        command.add_argument("-c", "--config", required=True, help="Odoo configuration file")
        command.add_argument("--db", default="atlas_bench_bank", help="Atlas snapshot database (default: %(default)s)")
        command.add_argument(
            "--oca-db", default="atlas_bench_bank_oca", help="OCA snapshot database (default: %(default)s)"
        )
        command.add_argument("--log-level", default="warn")
        command.add_argument("--logfile")
        if name in ("setup", "one"):
            command.add_argument("--path", choices=PATHS, default="atlas", help="which snapshot (default: %(default)s)")
        if name == "setup":
            command.add_argument("-n", "--invoices", type=int, default=5000, help="open invoices (%(default)s)")
        if name == "bench":
            command.add_argument("--sizes", default="2500,5000,10000", help="CSV lines per run (default: %(default)s)")
            command.add_argument("--paths", default="oca,atlas", help="paths to run (default: %(default)s)")
            command.add_argument("--profile", help="folder for a cProfile of each run")
        if name == "one":
            command.add_argument("--size", type=int, required=True)
            command.add_argument("--csv", required=True, help="the CSV file to import")
            command.add_argument("--expected", type=int, required=True, help="the lines that should match")
            command.add_argument("--profile")
    return parser.parse_args()


def start_odoo(args):
    benchlib.start_odoo(args.config, args.log_level, args.logfile)


def snapshot(args, path):
    # "atlas" and "jobs" run on the same snapshot: one transaction, or queue jobs.
    return args.oca_db if path == "oca" else args.db


# --------------------------------------------------------------------------------------
# setup
# --------------------------------------------------------------------------------------


def setup(args):
    start_odoo(args)
    db = snapshot(args, args.path)
    registry = Registry(db)
    with cron_env(registry) as env:
        installed = set(env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")) & {
            "atlas_invoicing",
            "atlas_invoicing_bank",
            "account_statement_import_sheet_file",
            "account_reconcile_oca",
        }
        wanted = {"account_statement_import_sheet_file", "account_reconcile_oca"}
        if args.path == "atlas":
            wanted |= {"atlas_invoicing", "atlas_invoicing_bank"}
        if installed != wanted:
            sys.exit(f"{db}: the {args.path} snapshot needs {sorted(wanted)} installed (found {sorted(installed)})")
        if args.path == "oca":
            # OCA's import wizard is for accountants: Settings → Users, "Show Full Accounting
            # Features", which atlas_invoicing gives the admin in the other snapshot.
            env.ref("base.user_admin").groups_id |= env.ref("account.group_account_user")
            env.cr.commit()
        existing = env["account.move"].search_count([("move_type", "=", "out_invoice"), ("state", "=", "posted")])
        if existing >= args.invoices:
            print(f"{existing} open invoices already in {db}")
            return 0
        Mapping = env["account.statement.import.sheet.mapping"]
        if not Mapping.search([("name", "=", MAPPING)]):
            if args.path == "atlas":
                Mapping.create({**Mapping._atlas_csv_layout(MAPPING), "atlas_method_column": False})
            else:
                Mapping.create(OCA_MAPPING)
        customers = env["res.partner"].search([("name", "=like", "Bench Customer %")], order="id")
        if not customers:
            customers = env["res.partner"].create(
                [{"name": f"Bench Customer {i:04d}", "customer_rank": 1} for i in range(N_CUSTOMERS)]
            )
        account = env["account.account"].search([("account_type", "=", "income")], limit=1)
        env.cr.commit()
        for start in range(existing, args.invoices, 250):
            invoices = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customers[i % N_CUSTOMERS].id,
                        "invoice_date": "2026-01-15",
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Bench services",
                                    "account_id": account.id,
                                    "quantity": 1,
                                    # Distinct amounts: 100.00 + i * 1.37
                                    "price_unit": round(100 + i * 1.37, 2),
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for i in range(start, min(start + 250, args.invoices))
                ]
            )
            invoices.action_post()
            env.cr.commit()
            env.invalidate_all()
            print(f"{min(start + 250, args.invoices)} invoices", flush=True)
    return 0


# --------------------------------------------------------------------------------------
# the CSV
# --------------------------------------------------------------------------------------


def make_csv(cr, size):
    """The CSV and the number of lines that should match, from a snapshot's open invoices."""
    cr.execute(
        """
        SELECT move.name, partner.name, move.amount_residual
          FROM account_move move JOIN res_partner partner ON partner.id = move.partner_id
         WHERE move.move_type = 'out_invoice' AND move.state = 'posted' AND move.amount_residual > 0
         ORDER BY move.id
        """
    )
    invoices = cr.fetchall()
    rows = ["Date,Description,Reference,Payer,Amount,Balance"]
    balance, expected, used = 10000.0, 0, 0
    for k in range(size):
        day = f"2026-02-{1 + k * 28 // size:02d}"  # in date order, as banks write them
        kind = k % 10
        if kind < 5 and used < len(invoices):
            name, partner, amount = invoices[used]
            amount = float(amount)
            used += 1
            expected += 1
            if kind < 4:
                label, payer = f"ACH CREDIT {name}", partner
            else:
                label, payer = "INCOMING WIRE", partner
        else:
            label, payer, amount = f"CARD PURCHASE {k:06d}", "Some Shop", -round(3 + (k % 97) * 0.31, 2)
        balance += amount
        rows.append(f"{day},{label},,{payer},{amount:.2f},{balance:.2f}")
    return ("\n".join(rows) + "\n").encode(), expected


@contextlib.contextmanager
def snapshot_cursor(db):
    """A plain read-only cursor on a snapshot (the parent process loads no registry)."""
    import psycopg2

    _db, info = odoo.sql_db.connection_info_for(db)
    cnx = psycopg2.connect(**info)
    try:
        cnx.set_session(readonly=True)
        with cnx.cursor() as cr:
            yield cr
    finally:
        cnx.close()


def mapping_values(cr):
    cr.execute(
        f"SELECT {', '.join(OCA_MAPPING)} FROM account_statement_import_sheet_mapping WHERE name = %s",
        [MAPPING],
    )
    return cr.fetchall()


def snapshot_csv(args, paths, size):
    """The CSV of ``size`` lines from the first path's snapshot, checked identical (file and
    mapping) on the other's."""
    made = {}
    for path in paths:
        with snapshot_cursor(snapshot(args, path)) as cr:
            made[path] = (*make_csv(cr, size), mapping_values(cr))
    (content, expected, mapping), *others = made.values()
    for other in others:
        if other[0] != content or other[1] != expected:
            sys.exit(f"the snapshots {', '.join(snapshot(args, p) for p in paths)} give different CSV files")
        if other[2] != mapping:
            sys.exit(f"the snapshots {', '.join(snapshot(args, p) for p in paths)} have different mappings")
    if len(mapping) != 1:
        sys.exit(f"{snapshot(args, paths[0])}: no mapping named {MAPPING!r} (run bench/bank_run.sh)")
    return content, expected


# --------------------------------------------------------------------------------------
# one: an import in a fresh process
# --------------------------------------------------------------------------------------


def import_oca(env, journal, mapping, content):
    """OCA's wizard, as a user runs it from the bank journal's Import Statement."""
    wizard = (
        env["account.statement.import"]
        .with_context(journal_id=journal.id)
        .create(
            {
                "statement_file": base64.b64encode(content),
                "statement_filename": "bench.csv",
                "sheet_mapping_id": mapping.id,
            }
        )
    )
    action = wizard.import_file_button()
    statements = env["account.bank.statement"].search(action["domain"])
    return statements.line_ids


def import_atlas(env, journal, mapping, content):
    """The Bookkeeper's XML-RPC call."""
    result = env["account.bank.statement"].atlas_import_statement(
        journal.id, base64.b64encode(content).decode(), "bench.csv", mapping.id
    )
    return env["account.bank.statement"].browse(result["statement_ids"]).line_ids, result["matched"]


def import_jobs(env, journal, mapping, content):
    """The Bookkeeper's XML-RPC call with atlas_invoicing_bank_queue: the file checked and the
    statement created in the call, then its chunks' jobs (and the progress jobs they queue)
    performed in this process one after the other, each in its own transaction committed when
    the job is done, as a queue_job worker performs them (the job runner's dispatch over HTTP is
    not measured)."""
    from odoo.addons.queue_job.job import Job

    result = env["account.bank.statement"].atlas_import_statement(
        journal.id, base64.b64encode(content).decode(), "bench.csv", mapping.id
    )
    statements = env["account.bank.statement"].browse(result["statement_ids"])
    if not statements.atlas_import_state:
        sys.exit("the jobs path imported the file in the call: is atlas_invoicing_bank_queue installed?")
    env.cr.commit()
    while uuids := env["queue.job"].sudo().search([("state", "=", "pending")], order="id").mapped("uuid"):
        for uuid in uuids:
            job = Job.load(env, uuid)
            job.set_started()
            job.store()
            job.perform()
            job.set_done()
            job.store()
            env.cr.commit()
            env.invalidate_all()
    if statements.filtered("atlas_import_state"):
        sys.exit(f"the statement is still {statements.atlas_import_state} after its jobs")
    lines = statements.line_ids
    matched = len(lines.filtered(lambda line: line.atlas_match_kind not in (False, "ambiguous")))
    return lines, matched


def wrong_reconciliations(lines):
    """The reconciled lines not paying exactly the invoice the CSV meant: the one named in
    the label, else the payer's invoice of that amount."""
    wrong = 0
    for line in lines.filtered("is_reconciled"):
        invoices = line.move_id.line_ids.matched_debit_ids.debit_move_id.move_id
        invoice = invoices[:1]
        named = invoice.name and invoice.name in (line.payment_ref or "")
        right = (
            len(invoices) == 1
            and invoice.currency_id.compare_amounts(invoice.amount_total, line.amount) == 0
            and (named or invoice.partner_id.name == line.partner_name)
        )
        wrong += not right
    return wrong


def one(args):
    start_odoo(args)
    registry = Registry(args.db)
    with open(args.csv, "rb") as f:
        content = f.read()
    with cron_env(registry) as env:
        mapping = env["account.statement.import.sheet.mapping"].search([("name", "=", MAPPING)])
        journal = env["account.journal"].search([("type", "=", "bank")], limit=1)
        admin = env.ref("base.user_admin")
        if args.path != "oca":
            env["ir.config_parameter"].set_param(DISPATCH_PARAM, "always" if args.path == "jobs" else "never")
        env.cr.commit()
    benchlib.vacuum(args.db)
    profiler = cProfile.Profile() if args.profile else None
    with cron_env(registry) as env:
        env = env(user=admin.id)
        gc.collect()
        rss_start = benchlib.proc_status("VmRSS")
        benchlib.reset_peak_rss()
        if profiler:
            profiler.enable()
        with benchlib.Measure(env.cr) as measure:
            if args.path == "oca":
                lines = import_oca(env, journal, mapping, content)
            elif args.path == "jobs":
                lines, matched = import_jobs(env, journal, mapping, content)
            else:
                lines, matched = import_atlas(env, journal, mapping, content)
            env.flush_all()
        if profiler:
            profiler.disable()
        rss_peak = benchlib.proc_status("VmHWM")
        env.cr.commit()
        env.invalidate_all()
        reconciled = len(lines.filtered("is_reconciled"))
        wrong = wrong_reconciliations(lines)
        if args.path == "oca":
            matched = reconciled
        line_count = len(lines)
    if profiler:
        benchlib.write_profile(profiler, args.profile)
    seconds = measure.seconds
    print(
        "RESULT "
        + json.dumps(
            {
                "path": args.path,
                "size": args.size,
                "lines": line_count,
                "matched": matched,
                "reconciled": reconciled,
                "wrong": wrong,
                "expected": args.expected,
                "seconds": seconds,
                "cpu_seconds": measure.cpu_seconds,
                "queries": measure.queries,
                "lines_per_s": line_count / seconds if seconds else 0.0,
                "rss_start_mib": rss_start,
                "rss_growth_mib": rss_peak - rss_start,
            }
        ),
        flush=True,
    )
    return 0


# --------------------------------------------------------------------------------------
# bench
# --------------------------------------------------------------------------------------


def run_child(args, path, size, csv_file, expected):
    db = snapshot(args, path)
    copy = f"{db}_run"
    copy_database(db, copy)
    cmd = [sys.executable, os.path.abspath(__file__), "one", "-c", args.config, "--db", copy, "--path", path]
    cmd += ["--size", str(size), "--csv", csv_file, "--expected", str(expected), f"--log-level={args.log_level}"]
    if args.logfile:
        cmd.append(f"--logfile={args.logfile}")
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        cmd += ["--profile", os.path.join(args.profile, f"bank_{path}_{size}.prof")]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    finally:
        drop_database(copy)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        sys.exit(f"the {path} import of {size} lines failed (exit {proc.returncode})")
    return json.loads(lines[-1][len("RESULT ") :])


def bench(args):
    start_odoo(args)
    paths = [path for path in PATHS if path in args.paths.split(",")]
    if not paths or set(args.paths.split(",")) - set(PATHS):
        sys.exit(f"--paths: one or more of {', '.join(PATHS)}")
    dbs = ", ".join(f"{path} {snapshot(args, path)}" for path in paths)
    benchlib.print_header("Bank statement import + match benchmark", f"snapshots {dbs}; ")
    print(
        f"{'path':<14} {'lines':>7} {'seconds':>8} {'lines/s':>8} {'matched':>8} {'reconc.':>8} "
        f"{'expected':>8} {'queries':>8} {'RSS +MiB':>9}"
    )
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        content, expected = snapshot_csv(args, paths, size)
        with tempfile.NamedTemporaryFile(prefix=f"bench_bank_{size}_", suffix=".csv") as csv_file:
            csv_file.write(content)
            csv_file.flush()
            digest = hashlib.sha256(content).hexdigest()[:12]
            several = len({snapshot(args, path) for path in paths}) > 1
            note = "identical from both snapshots" if several else f"from {snapshot(args, paths[0])}"
            print(f"CSV of {size} lines, sha256 {digest}…, {note}", flush=True)
            row = {}
            for path in paths:
                r = row[path] = run_child(args, path, size, csv_file.name, expected)
                print(
                    f"{LABELS[path]:<14} {r['lines']:>7} {r['seconds']:>8.1f} {r['lines_per_s']:>8.1f} "
                    f"{r['matched'] / r['lines']:>8.1%} {r['reconciled'] / r['lines']:>8.1%} "
                    f"{r['expected'] / r['lines']:>8.1%} {r['queries']:>8} {r['rss_growth_mib']:>9.1f}"
                    f"  ({r['wrong']} wrong; load {benchlib.load_average()})",
                    flush=True,
                )
            if "oca" in row and "atlas" in row and row["oca"]["lines_per_s"]:
                ratio = row["atlas"]["lines_per_s"] / row["oca"]["lines_per_s"]
                print(f"{'':<14} {size:>7} lines: Atlas lines/s ÷ OCA lines/s = {ratio:.2f}", flush=True)
            results.append(row)
    if len(results) > 1:
        # Flat per-line time: the last size's lines/s against the first's.
        first, last = results[0], results[-1]
        for path in paths:
            big, small = last[path], first[path]
            ratio = big["lines_per_s"] / small["lines_per_s"] if small["lines_per_s"] else 0.0
            print(
                f"{LABELS[path]:<14} lines/s at {big['lines']} ÷ lines/s at {small['lines']} = {ratio:.2f}",
                flush=True,
            )
    if "atlas" in paths:
        last = results[-1]["atlas"]
        verdict = "met" if last["lines_per_s"] >= TARGET_LINES_PER_S else "NOT met"
        print(f"target ≥ {TARGET_LINES_PER_S} lines/s at {last['lines']} lines: {verdict}")
    return 0


def main():
    args = parse_args()
    return {"setup": setup, "bench": bench, "one": one}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
