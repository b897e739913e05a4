"""Contract invoicing benchmark: OCA contract's recurring-invoice cron vs an Atlas invoice batch.

Both paths generate AND post one invoice for each of the same N customer contracts, due on
the same date, from the identical database state:

- OCA: what the cron job "Generate Recurring Invoices from Contracts" runs,
  ``env["contract.contract"].cron_recurring_create_invoice(date_ref)`` (draft invoices, all
  in one transaction), then ``action_post()`` on the invoices it made, then the commit the
  cron's job ends with;
- Atlas (path ``atlas``): an ``atlas.invoice.batch`` on the same date and company over the
  same contracts with *Post as Generated* (``post_invoices``), ``batch.atlas_generate()``:
  each committed chunk makes and posts its invoices;
- Atlas with drafts (path ``atlas_drafts``): the same batch without it, ``atlas_generate()``
  then the batch's *Post All* (``atlas_post()``, committed chunk by chunk).

Target: Atlas's throughput (invoices/s) at least that of the OCA cron, with memory that
stays flat as the batch grows. Each (path, size) run happens in a fresh process on a fresh
copy of the snapshot database, so the peak RSS of the run is its own.

Subcommands (bench/contracts_run.sh runs them in order):

    setup    make the snapshot: fixtures and N contracts in a database where
             atlas_invoicing (and OCA contract) is installed
    bench    for each size and path: copy the snapshot, run one path in a child process,
             drop the copy; print the table, the check and the ratios
    one      (the child) run one path on one copy, print its figures as JSON
"""

import argparse
import contextlib
import cProfile
import datetime
import functools
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc

import benchlib

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

PATHS = ("oca", "atlas", "atlas_drafts")
TARGET_RATIO = 1.0  # Atlas invoices/s over OCA invoices/s
CODE_PREFIX = "BENCH-C"  # contract reference (code) of the benchmark's contracts
N_CUSTOMERS = 200
PRODUCTS = [  # (name, unit price): monthly subscriptions
    ("Bench Hosting", 49.0),
    ("Bench Support Plan", 120.0),
    ("Bench Backup", 15.0),
]


def common_args(parser):
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("--log-level", default="warn", help="Odoo log level (default: warn)")
    parser.add_argument("--logfile", help="Odoo log file (default: stderr)")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    setup = sub.add_parser("setup", help="create fixtures and contracts in the snapshot database")
    common_args(setup)
    setup.add_argument("--db", default="atlas_bench_contracts", help="snapshot database (default: %(default)s)")
    setup.add_argument("-n", "--contracts", type=int, default=2000, help="contracts (default: %(default)s)")
    setup.add_argument("--date", help="first invoice date of every contract, YYYY-MM-DD (default: 1st of this month)")

    bench = sub.add_parser("bench", help="run both paths at each size, each on a fresh copy of the snapshot")
    common_args(bench)
    bench.add_argument("--db", default="atlas_bench_contracts", help="snapshot database (default: %(default)s)")
    bench.add_argument(
        "--sizes", default="500,1000,2000", help="contracts per run, comma-separated (default: %(default)s)"
    )
    bench.add_argument("--rounds", type=int, default=1, help="runs per size and path (default: %(default)s)")
    bench.add_argument(
        "--paths",
        default="oca,atlas",
        help=f"paths to run, among {', '.join(PATHS)} (default: %(default)s)",
    )
    bench.add_argument("--chunk-size", type=int, help="the Atlas batch's chunk size (default: the batch's own, 50)")
    bench.add_argument("--profile", metavar="DIR", help="cProfile each run into DIR (slows the runs down)")
    bench.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (peak; slows the runs down ~2x)"
    )
    bench.add_argument("--json", metavar="FILE", help="also write every run's figures to FILE")

    one = sub.add_parser("one", help="(internal) run one path on one database copy")
    common_args(one)
    one.add_argument("--db", required=True)
    one.add_argument("--path", choices=PATHS, required=True)
    one.add_argument("--chunk-size", type=int)
    one.add_argument("--size", type=int, required=True)
    one.add_argument("--profile", metavar="FILE")
    one.add_argument("--tracemalloc", action="store_true")

    args = parser.parse_args()
    if not args.db.startswith("atlas_bench_"):
        parser.error(f"{args.db}: only databases named atlas_bench_* may be used")
    return args


def start_odoo(args):
    benchlib.start_odoo(args.config, args.log_level, args.logfile)


@contextlib.contextmanager
def cron_env(registry):
    """An environment as the contract cron job runs: OdooBot (superuser), the company's
    context, on a new cursor; the caller commits (the cron job's commit) or it is rolled back."""
    threading.current_thread().dbname = registry.db_name
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        yield api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US", "tz": "UTC"})
        env.flush_all()


def bench_contracts(env):
    return env["contract.contract"].search([("code", "=like", f"{CODE_PREFIX}%")], order="id")


# --------------------------------------------------------------------------------------
# setup: fixtures and contracts in the snapshot database
# --------------------------------------------------------------------------------------


def setup(args):
    start_odoo(args)
    registry = Registry(args.db)
    date = (
        datetime.date.fromisoformat(args.date) if args.date else datetime.date.today().replace(day=1)
    )  # pre-paid monthly contracts starting on `date` are due on `date`
    with cron_env(registry) as env:
        installed = env["ir.module.module"].search(
            [("name", "in", ["atlas_invoicing", "contract"]), ("state", "=", "installed")]
        )
        if len(installed) != 2:
            sys.exit(f"{args.db}: atlas_invoicing and contract must be installed (found {installed.mapped('name')})")
        existing = bench_contracts(env)
        if existing:
            print(f"{args.db}: {len(existing)} benchmark contracts already there; nothing to do")
            return 0
        admin = env.ref("base.user_admin")
        # Contracts are made as a user would make them (admin follows them, as their creator).
        env = env(user=admin, su=False)
        start = time.perf_counter()
        company = env.company
        tax = company.account_sale_tax_id
        assert tax and tax.type_tax_use == "sale", "the company has no default sales tax"
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Bench Subscriber {i:03d}",
                    "email": f"billing{i:03d}@bench-subscriber.example",
                    "customer_rank": 1,
                    "street": f"{i} Bench Street",
                    "city": "Benchville",
                    "zip": f"20{i:03d}",
                }
                for i in range(N_CUSTOMERS)
            ]
        )
        products = env["product.product"].create(
            [
                {"name": name, "type": "service", "list_price": price, "taxes_id": [Command.set(tax.ids)]}
                for name, price in PRODUCTS
            ]
        )
        vals_list = []
        for i in range(args.contracts):
            # One line on even contracts, two on odd ones; prices vary a little per contract.
            lines = [products[i % 3]] if i % 2 == 0 else [products[i % 3], products[(i + 1) % 3]]
            vals_list.append(
                {
                    "name": f"Bench subscription {i:05d}",
                    "code": f"{CODE_PREFIX}{i:05d}",
                    "partner_id": partners[i % N_CUSTOMERS].id,
                    "contract_type": "sale",
                    "date_start": date,
                    "recurring_rule_type": "monthly",
                    "recurring_interval": 1,
                    "recurring_invoicing_type": "pre-paid",
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": f"{product.name} #START# - #END#",
                                "quantity": 1 + (i + k) % 3,
                                "price_unit": product.list_price + i % 11,
                                # The contract's recurrence, given rather than computed: in a
                                # bulk create, the lines' and contract's next dates compute
                                # each other and OCA's constraint sees them unset.
                                "date_start": date,
                                "recurring_next_date": date,
                                "recurring_rule_type": "monthly",
                                "recurring_interval": 1,
                                "recurring_invoicing_type": "pre-paid",
                            }
                        )
                        for k, product in enumerate(lines)
                    ],
                }
            )
        contracts = env["contract.contract"].create(vals_list)
        env.flush_all()
        due = contracts.filtered(lambda c: c.recurring_next_date == date)
        assert len(due) == args.contracts, f"{len(due)} of {args.contracts} contracts due on {date}"
        env.cr.commit()
        print(
            f"{args.db}: {N_CUSTOMERS} customers, {len(products)} products (tax {tax.name}), "
            f"{len(contracts)} monthly contracts ({sum(len(c.contract_line_ids) for c in contracts)} lines) "
            f"due on {date}, made in {time.perf_counter() - start:.1f} s"
        )
    return 0


# --------------------------------------------------------------------------------------
# one: a path on a copy of the snapshot, in its own process
# --------------------------------------------------------------------------------------


def keep_first(env, size):
    """Archive the contracts after the first `size`: neither path sees archived contracts."""
    contracts = bench_contracts(env)
    assert len(contracts) >= size, f"the snapshot has {len(contracts)} contracts, fewer than {size}"
    contracts[size:].write({"active": False})
    return contracts[:size]


def last_move_id(env):
    return env["account.move"].search([], order="id desc", limit=1).id or 0


def post_drafts(env, invoices, phases):
    """Post the generated drafts (Odoo's Confirm on all of them) in a request of its own."""
    invoices.action_post()
    env.cr.commit()
    phases.mark("post")


def oca_path(env, date, phases):
    """The OCA cron job (its method, then the cron job's commit), then the drafts posted."""
    last_id = last_move_id(env)
    env["contract.contract"].cron_recurring_create_invoice(date)
    env.cr.commit()  # the cron job's commit
    phases.mark("generate")
    env = benchlib.next_request(env)
    post_drafts(env, env["account.move"].search([("id", ">", last_id), ("move_type", "=", "out_invoice")]), phases)


def atlas_path(env, date, phases, chunk_size=None, post_invoices=True):
    """An Atlas invoice batch on the same date over the same (due) contracts, run through its
    XML-RPC methods: ``atlas_generate()`` (chunks committed one by one) posting each chunk's
    invoices in the chunk (``post_invoices``), or leaving drafts that ``atlas_post()`` (Post
    All, committed chunk by chunk) posts in a request of its own."""
    batch = env["atlas.invoice.batch"].create(
        {
            "name": f"Bench {date}",
            "date": date,
            "company_id": env.company.id,
            "contract_selection": "filter",  # every due customer contract, as OCA's cron
            "contract_domain": "[]",
            "post_invoices": post_invoices,
        }
    )
    env.cr.commit()  # the batch exists before it runs, as when made from its form
    batch.atlas_generate(chunk_size=chunk_size)
    env.cr.commit()
    phases.mark("generate")
    env = benchlib.next_request(env)
    if not post_invoices:
        batch.with_env(env).atlas_post()
    phases.mark("post")


def check_invoices(env, last_id, contracts, date):
    """What both paths must have made: one posted invoice per contract, on the date."""
    invoices = env["account.move"].search([("id", ">", last_id), ("move_type", "=", "out_invoice")])
    contract_lines = invoices.invoice_line_ids.contract_line_id
    per_contract = {}
    for invoice in invoices:
        key = invoice.invoice_line_ids.contract_line_id.contract_id.code
        per_contract[key] = round(invoice.amount_total, 2)
    contracts.invalidate_recordset()
    return {
        "invoices": len(invoices),
        "posted": len(invoices.filtered(lambda m: m.state == "posted")),
        "dated": len(invoices.filtered(lambda m: m.invoice_date == date)),
        "contracts_invoiced": len(contract_lines.contract_id),
        "contracts_advanced": len(contracts.filtered(lambda c: c.recurring_next_date and c.recurring_next_date > date)),
        "in_a_batch": len(invoices.filtered("atlas_batch_id")),
        "lines": len(invoices.invoice_line_ids),
        "untaxed": round(sum(invoices.mapped("amount_untaxed")), 2),
        "total": round(sum(invoices.mapped("amount_total")), 2),
        # A digest of (contract, invoice total) pairs: the same invoices, not only the same sums.
        "digest": hash_pairs(per_contract),
    }


def hash_pairs(pairs):
    import hashlib

    text = "\n".join(f"{k}:{v:.2f}" for k, v in sorted(pairs.items()))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def one(args):
    start_odoo(args)
    registry = Registry(args.db)
    with cron_env(registry) as env:
        contracts = keep_first(env, args.size)
        date = min(contracts.mapped("recurring_next_date"))
        contract_ids = contracts.ids
        env.cr.commit()
    benchlib.vacuum(args.db)
    # Warm-up, rolled back: the first invoice made and posted in a process loads code and
    # caches that both paths need.
    with cron_env(registry) as env:
        sample = env["contract.contract"].browse(contract_ids[:3])
        sample._recurring_create_invoice(date).action_post()
        env.flush_all()
        env.cr.rollback()

    path = {
        "oca": oca_path,
        "atlas": functools.partial(atlas_path, chunk_size=args.chunk_size),
        "atlas_drafts": functools.partial(atlas_path, chunk_size=args.chunk_size, post_invoices=False),
    }[args.path]
    profiler = cProfile.Profile() if args.profile else None
    with cron_env(registry) as env:
        last_id = last_move_id(env)
        gc.collect()
        rss_start = benchlib.proc_status("VmRSS")
        if args.tracemalloc:
            tracemalloc.start()
        if profiler:
            profiler.enable()
        phases = benchlib.Phases()
        path(env, date, phases)
        if profiler:
            profiler.disable()
        py_peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
        tracemalloc.stop()
    with cron_env(registry) as env:
        contracts = env["contract.contract"].browse(contract_ids)
        check = check_invoices(env, last_id, contracts, date)
    if profiler:
        benchlib.write_profile(profiler, args.profile)
    steps = phases.steps
    result = {
        "path": args.path,
        "size": args.size,
        "date": str(date),
        "seconds": sum(step["seconds"] for step in steps.values()),
        "cpu_seconds": sum(step["cpu_seconds"] for step in steps.values()),
        "queries": sum(step["queries"] for step in steps.values()),
        "rss_start_mib": rss_start,
        "rss_peak_mib": max(step["rss_peak_mib"] for step in steps.values()),
        "steps": steps,
        "py_peak_mib": py_peak,
        "check": check,
    }
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# --------------------------------------------------------------------------------------
# bench: both paths at each size, each on a fresh copy of the snapshot
# --------------------------------------------------------------------------------------


def admin_connection():
    import psycopg2

    _db, info = odoo.sql_db.connection_info_for("postgres")
    cnx = psycopg2.connect(**info)
    cnx.autocommit = True
    return cnx


def copy_database(template, name):
    cnx = admin_connection()
    try:
        with cnx.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cr.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        cnx.close()


def drop_database(name):
    cnx = admin_connection()
    try:
        with cnx.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        cnx.close()


def run_child(args, path, size, rnd):
    copy = f"{args.db}_run"
    copy_database(args.db, copy)
    cmd = [sys.executable, os.path.abspath(__file__), "one", "-c", args.config, "--db", copy]
    cmd += ["--path", path, "--size", str(size), f"--log-level={args.log_level}"]
    if args.logfile:
        cmd.append(f"--logfile={args.logfile}")
    if args.tracemalloc:
        cmd.append("--tracemalloc")
    if args.chunk_size:
        cmd += ["--chunk-size", str(args.chunk_size)]
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        cmd += ["--profile", os.path.join(args.profile, f"{path}_{size}_r{rnd}.prof")]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    finally:
        drop_database(copy)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        sys.exit(f"the {path} run on {size} contracts failed (exit {proc.returncode})")
    return json.loads(lines[-1][len("RESULT ") :])


def bench(args):
    start_odoo(args)
    sizes = [int(s) for s in args.sizes.split(",")]
    paths = [p.strip() for p in args.paths.split(",")]
    benchlib.print_header("Contract invoicing benchmark", f"snapshot {args.db}; ")
    results = []
    for size in sizes:
        for rnd in range(args.rounds):
            # Alternate which path goes first, from one run to the next.
            order = paths if (len(results) // len(paths)) % 2 == 0 else list(reversed(paths))
            for path in order:
                r = run_child(args, path, size, rnd)
                results.append(r)
                c, gen, post = r["check"], r["steps"]["generate"], r["steps"]["post"]
                print(
                    f"  {path:<16} {size:>5} contracts: {r['seconds']:7.1f} s = generate {gen['seconds']:.1f} "
                    f"+ post {post['seconds']:.1f}; {c['invoices'] / r['seconds']:5.1f} invoices/s; CPU "
                    f"{r['cpu_seconds']:.1f} s; {r['queries'] / max(c['invoices'], 1):.1f} queries/invoice; "
                    f"peak RSS over the start ({r['rss_start_mib']:.0f} MiB): generate "
                    f"+{gen['rss_peak_mib'] - r['rss_start_mib']:.0f} MiB, post "
                    f"+{post['rss_peak_mib'] - r['rss_start_mib']:.0f} MiB"
                    + (f", Python peak {r['py_peak_mib']:.0f} MiB" if r["py_peak_mib"] is not None else "")
                    + f"; {c['invoices']} invoices ({c['posted']} posted), total {c['total']:.2f}; "
                    f"load {benchlib.load_average()}",
                    flush=True,
                )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return report(results, sizes, paths)


def median_by(runs, key):
    return statistics.median(key(r) for r in runs)


def growth(run, step=None):
    """Peak RSS over the RSS at the start of the path, for one step or the whole path (MiB)."""
    peak = run["steps"][step]["rss_peak_mib"] if step else run["rss_peak_mib"]
    return peak - run["rss_start_mib"]


def print_memory_slopes(results, sizes, paths):
    """Peak RSS growth per step at each size, and its slope from the smallest to the largest size."""
    if len(sizes) < 2:
        return
    print("  memory (peak RSS over the RSS at the start of the path, median run):")
    for path in paths:
        for step in ("generate", "post"):
            points = []
            for size in sizes:
                runs = [r for r in results if r["path"] == path and r["size"] == size]
                if runs:
                    points.append((size, median_by(runs, lambda r, s=step: growth(r, s))))
            if len(points) < 2:
                continue
            (n0, g0), (n1, g1) = points[0], points[-1]
            slope = (g1 - g0) / (n1 - n0) * 1000
            print(
                f"    {path:<16} {step:<8} "
                + " / ".join(f"{g:.0f}" for _n, g in points)
                + f" MiB at {' / '.join(str(n) for n, _g in points)} contracts: {slope:+.1f} MiB per 1000 contracts"
            )


def report(results, sizes, paths):
    print()
    print("Generate + post one invoice per due contract (each run: fresh process, fresh copy of the snapshot)")
    print(
        f"  {'path':<16} {'contracts':>9} {'wall s':>7} {'gen s':>6} {'post s':>6} {'inv/s':>6} {'CPU ms/inv':>10} "
        f"{'queries/inv':>11} {'RSS start':>9} {'peak RSS growth: gen':>20} {'post':>6}"
    )
    throughput, cpu_per_invoice = {}, {}
    ok = True
    for size in sizes:
        checks = {}
        for path in paths:
            runs = [r for r in results if r["path"] == path and r["size"] == size]
            if not runs:
                continue
            c = runs[0]["check"]
            n = c["invoices"] or 1
            wall = median_by(runs, lambda r: r["seconds"])
            throughput[(path, size)] = n / wall
            cpu_per_invoice[(path, size)] = median_by(runs, lambda r: r["cpu_seconds"]) / n
            checks[path] = c
            print(
                f"  {path:<16} {size:>9} {wall:>7.1f} "
                f"{median_by(runs, lambda r: r['steps']['generate']['seconds']):>6.1f} "
                f"{median_by(runs, lambda r: r['steps']['post']['seconds']):>6.1f} {n / wall:>6.1f} "
                f"{median_by(runs, lambda r: r['cpu_seconds']) / n * 1000:>10.1f} "
                f"{median_by(runs, lambda r: r['queries']) / n:>11.1f} {runs[0]['rss_start_mib']:>7.0f} M "
                f"{median_by(runs, lambda r: growth(r, 'generate')):>18.0f} M "
                f"{median_by(runs, lambda r: growth(r, 'post')):>4.0f} M"
            )
            in_batch = c["in_a_batch"] if path.startswith("atlas") else c["invoices"]
            if not (c["invoices"] == c["posted"] == c["dated"] == c["contracts_invoiced"] == in_batch == size):
                ok = False
                print(f"    CHECK FAILED for {path} at {size}: {c}")
        reference = checks.get("oca") or next(iter(checks.values()), None)
        for path, c in checks.items():
            if c is reference:
                continue
            same = all(c[k] == reference[k] for k in ("invoices", "lines", "untaxed", "total", "digest"))
            ok = ok and same
            print(
                f"    {path} made the same invoices as oca: {'yes' if same else 'NO'} "
                f"({c['invoices']} posted invoices, {c['lines']} lines, untaxed {c['untaxed']:.2f}, "
                f"total {c['total']:.2f}, digest of (contract, total) pairs {c['digest']}"
                f"{'' if same else '; oca: ' + str(reference)})"
            )
    print_memory_slopes(results, sizes, paths)
    for path in paths:
        for size in sizes:
            if path != "oca" and (path, size) in throughput and ("oca", size) in throughput:
                ratio = throughput[(path, size)] / throughput[("oca", size)]
                verdict = "OK" if ratio >= TARGET_RATIO else "NOT MET"
                cpu_ratio = cpu_per_invoice[("oca", size)] / cpu_per_invoice[(path, size)]
                print(
                    f"  ratio {path}/oca throughput at {size} contracts = {ratio:.2f} "
                    f"(target ≥ {TARGET_RATIO:.2f}) {verdict}; on this process's CPU time: {cpu_ratio:.2f}"
                )
    print(f"  load average after: {benchlib.load_average()}", flush=True)
    return 0 if ok else 1


def main():
    args = parse_args()
    return {"setup": setup, "bench": bench, "one": one}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
