"""Bank statement benchmark: import and auto-match a large CSV against a book of open invoices.

The snapshot database holds N open (posted, unpaid) customer invoices for 500 customers. A
CSV of L lines is made from them: 40 % of the lines name an invoice (its number in the
label, its full amount), 10 % give only the customer's name and the invoice's amount, and
50 % are card purchases (money out, matched to nothing). The run imports it as a Bookkeeper
does over XML-RPC (``account.bank.statement.atlas_import_statement``: OCA's CSV parser
through a mapping, Atlas's checks, the statement and its lines, Atlas's matching), in a fresh
process on a fresh copy of the snapshot, and prints lines/s, the share of lines matched (and
the share expected), and the peak RSS growth of the process.

Target: ≥ 500 lines/s with memory flat in the number of lines.

Subcommands (bench/bank_run.sh runs them in order):

    setup    make the snapshot: the mapping, customers and N open invoices
    bench    for each size: copy the snapshot, import a CSV of that many lines in a child
             process, drop the copy; print the table
    one      (the child) one import on one copy, its figures as JSON
"""

import argparse
import base64
import cProfile
import gc
import json
import os
import subprocess
import sys

import benchlib
from bench_contracts import copy_database, cron_env, drop_database

from odoo import Command
from odoo.modules.registry import Registry

MAPPING = "Bench Checking CSV"
N_CUSTOMERS = 500
TARGET_LINES_PER_S = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("setup", "bench", "one"):
        command = sub.add_parser(name)
        command.add_argument("-c", "--config", required=True, help="Odoo configuration file")
        command.add_argument("--db", default="atlas_bench_bank", help="snapshot database (default: %(default)s)")
        command.add_argument("--log-level", default="warn")
        command.add_argument("--logfile")
        if name == "setup":
            command.add_argument("-n", "--invoices", type=int, default=5000, help="open invoices (%(default)s)")
        if name == "bench":
            command.add_argument("--sizes", default="2500,5000,10000", help="CSV lines per run (default: %(default)s)")
            command.add_argument("--profile", help="folder for a cProfile of each run")
        if name == "one":
            command.add_argument("--size", type=int, required=True)
            command.add_argument("--profile")
    return parser.parse_args()


def start_odoo(args):
    benchlib.start_odoo(args.config, args.log_level, args.logfile)


# --------------------------------------------------------------------------------------
# setup
# --------------------------------------------------------------------------------------


def setup(args):
    start_odoo(args)
    registry = Registry(args.db)
    with cron_env(registry) as env:
        existing = env["account.move"].search_count([("move_type", "=", "out_invoice"), ("state", "=", "posted")])
        if existing >= args.invoices:
            print(f"{existing} open invoices already in {args.db}")
            return 0
        if not env["account.statement.import.sheet.mapping"].search([("name", "=", MAPPING)]):
            env["account.statement.import.sheet.mapping"].create(
                {
                    **env["account.statement.import.sheet.mapping"]._atlas_csv_layout(MAPPING),
                    "atlas_method_column": False,
                }
            )
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
# one: an import in a fresh process
# --------------------------------------------------------------------------------------


def make_csv(env, size):
    """The CSV and the number of lines that should match."""
    env.cr.execute(
        """
        SELECT move.name, partner.name, move.amount_residual
          FROM account_move move JOIN res_partner partner ON partner.id = move.partner_id
         WHERE move.move_type = 'out_invoice' AND move.state = 'posted' AND move.amount_residual > 0
         ORDER BY move.id
        """
    )
    invoices = env.cr.fetchall()
    rows = ["Date,Description,Reference,Payer,Amount,Balance"]
    balance, expected, used = 10000.0, 0, 0
    for k in range(size):
        day = f"2026-02-{1 + k * 28 // size:02d}"  # in date order, as banks write them
        kind = k % 10
        if kind < 5 and used < len(invoices):
            name, partner, amount = invoices[used]
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


def one(args):
    start_odoo(args)
    registry = Registry(args.db)
    with cron_env(registry) as env:
        content, expected = make_csv(env, args.size)
        mapping = env["account.statement.import.sheet.mapping"].search([("name", "=", MAPPING)])
        journal = env["account.journal"].search([("type", "=", "bank")], limit=1)
        admin = env.ref("base.user_admin")
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
            result = env["account.bank.statement"].atlas_import_statement(
                journal.id, base64.b64encode(content).decode(), "bench.csv", mapping.id
            )
            env.flush_all()
        if profiler:
            profiler.disable()
        rss_peak = benchlib.proc_status("VmHWM")
        env.cr.commit()
    if profiler:
        benchlib.write_profile(profiler, args.profile)
    seconds = measure.seconds
    print(
        "RESULT "
        + json.dumps(
            {
                "size": args.size,
                "lines": result["line_count"],
                "matched": result["matched"],
                "expected": expected,
                "seconds": seconds,
                "cpu_seconds": measure.cpu_seconds,
                "queries": measure.queries,
                "lines_per_s": result["line_count"] / seconds if seconds else 0.0,
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


def run_child(args, size):
    copy = f"{args.db}_run"
    copy_database(args.db, copy)
    cmd = [sys.executable, os.path.abspath(__file__), "one", "-c", args.config, "--db", copy, "--size", str(size)]
    cmd.append(f"--log-level={args.log_level}")
    if args.logfile:
        cmd.append(f"--logfile={args.logfile}")
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        cmd += ["--profile", os.path.join(args.profile, f"bank_{size}.prof")]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    finally:
        drop_database(copy)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        sys.exit(f"the import of {size} lines failed (exit {proc.returncode})")
    return json.loads(lines[-1][len("RESULT ") :])


def bench(args):
    start_odoo(args)
    benchlib.print_header("Bank statement import + auto-match benchmark", f"snapshot {args.db}; ")
    print(f"{'lines':>7} {'seconds':>8} {'lines/s':>8} {'matched':>8} {'expected':>8} {'queries':>8} {'RSS +MiB':>9}")
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        r = run_child(args, size)
        results.append(r)
        print(
            f"{r['lines']:>7} {r['seconds']:>8.1f} {r['lines_per_s']:>8.0f} {r['matched'] / r['lines']:>8.1%} "
            f"{r['expected'] / r['lines']:>8.1%} {r['queries']:>8} {r['rss_growth_mib']:>9.1f}",
            flush=True,
        )
    last = results[-1]
    verdict = "met" if last["lines_per_s"] >= TARGET_LINES_PER_S else "NOT met"
    print(f"target ≥ {TARGET_LINES_PER_S} lines/s at {last['lines']} lines: {verdict}")
    return 0


def main():
    args = parse_args()
    return {"setup": setup, "bench": bench, "one": one}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
