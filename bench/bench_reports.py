"""Report benchmarks on a large book: Atlas vs OCA account_financial_report, in one process run.

1. AR Aging as of a date (default 2026-09-30, with payments and credit notes after it):
   Atlas ``atlas.report.ar.aging.get_report_data({"as_of_date", "company_id"})`` against
   OCA's Aged Partner Balance for the same date, company and receivable accounts, as its
   on-screen report gets its data: the wizard ``aged.partner.balance.report.wizard`` (posted
   entries, receivable accounts, with the open items as Atlas shows them), its
   ``_prepare_report_data()`` passed through JSON as the web client passes it, then
   ``report.account_financial_report.aged_partner_balance._get_report_values(wizard ids, data)``.
   Totals compared by bucket, in all and per customer. Targets: at least 10 times faster
   than OCA, and Atlas under 1 s for the customers (the screen), under 0.5 s with every
   open item.
2. General Ledger for one year (default 2025): Atlas ``atlas.report.general_ledger``'s first
   screen, ``get_report_data({"date_from", "date_to", "company_id"})``, against OCA's General
   Ledger for the same year (wizard ``general.ledger.report.wizard`` with its defaults, then
   ``report.account_financial_report.general_ledger._get_report_values``). Target: Atlas
   under 2 s.

Each round is one emulated request per path: a new cursor and a new environment (empty
caches), the call timed alone, then a rollback (OCA's wizard is a record), so every round
starts from the same database. One warm-up round, then N timed rounds alternating which
path goes first; the median round is kept. Totals of both paths are printed side by side
and must agree. Run it through bench/reports_run.sh, which builds or restores the database;
by hand:

    PYTHONPATH=/opt/odoo18 .venv/bin/python bench/bench_reports.py -c .local/bench-reports.conf
"""

import argparse
import json
import sys
import time
from contextlib import contextmanager

import benchlib

import odoo
from odoo import api
from odoo.modules.registry import Registry

TARGET_AGING_MS = 1000
TARGET_AGING_ITEMS_MS = 500
TARGET_AGING_RATIO = 10
TARGET_GL_MS = 2000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument(
        "-d", "--database", default="atlas_bench_books", help="the large book's database (default: %(default)s)"
    )
    parser.add_argument("--as-of", default="2026-09-30", help="AR Aging as-of date (default: %(default)s)")
    parser.add_argument("--year", type=int, default=2025, help="General Ledger year (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per report and path (default: %(default)s)")
    parser.add_argument(
        "--aging",
        choices=["screen", "items", "both"],
        default="both",
        help="AR Aging variants: 'screen' = customers only (Atlas's screen, details False; OCA's wizard "
        "default, Show Move Line Details off), 'items' = every open item on both sides (Atlas details True, "
        "OCA Show Move Line Details on), or both (default)",
    )
    parser.add_argument(
        "--gl-oca-rounds",
        type=int,
        default=2,
        help="timed rounds of OCA's General Ledger, about 1-2 min each on the large book (default: %(default)s)",
    )
    parser.add_argument(
        "--sql-profile", action="store_true", help="print the slowest SQL queries of each path's last round"
    )
    parser.add_argument("--skip-aging", action="store_true", help="skip the AR Aging benchmark")
    parser.add_argument("--skip-gl", action="store_true", help="skip the General Ledger benchmark")
    parser.add_argument("--skip-oca", action="store_true", help="time the Atlas paths only")
    parser.add_argument("--profile", metavar="DIR", help="write a cProfile (.prof) of each path's last round")
    parser.add_argument("--log-level", default="warn", help="Odoo log level (default: warn)")
    parser.add_argument("--logfile", help="Odoo log file (default: stderr)")
    args = parser.parse_args()
    if not args.database.startswith(("atlas_bench_", "h_reports_bench")):
        parser.error(f"{args.database}: only databases named atlas_bench_* may be used")
    return args


# --------------------------------------------------------------------------------------
# Requests and measures
# --------------------------------------------------------------------------------------


class SqlProfile:
    """Wall time of every query run through Odoo's cursors while active (--sql-profile)."""

    active = None  # the list collecting (seconds, query) while a profiled block runs
    _original = odoo.sql_db.Cursor.execute

    @classmethod
    def install(cls):
        def execute(cursor, query, params=None, log_exceptions=True):
            if cls.active is None:
                return cls._original(cursor, query, params, log_exceptions)
            start = time.perf_counter()
            try:
                return cls._original(cursor, query, params, log_exceptions)
            finally:
                cls.active.append((time.perf_counter() - start, str(getattr(query, "code", query))))

        odoo.sql_db.Cursor.execute = execute


@contextmanager
def maybe_sql_profile(enabled, name):
    if not enabled:
        yield
        return
    SqlProfile.active = queries = []
    try:
        yield
    finally:
        SqlProfile.active = None
        total = sum(seconds for seconds, _query in queries)
        print(f"  SQL of {name}'s last round: {len(queries)} queries, {total * 1000:.0f} ms; the slowest:")
        for seconds, query in sorted(queries, reverse=True)[:5]:
            print(f"    {seconds * 1000:8.1f} ms  {' '.join(query.split())[:160]}")


def as_client_sends(data):
    """The report data as the web client sends it back to /report/html (JSON: dates as strings)."""
    return json.loads(json.dumps(data, default=odoo.tools.json_default))


def money(value):
    return f"{value:,.2f}" if value is not None else "n/a"


# --------------------------------------------------------------------------------------
# AR Aging
# --------------------------------------------------------------------------------------

# OCA's buckets (days past due) folded into Atlas's: OCA splits 91-120 and older.
AGING_BUCKETS = [
    ("current", ["current"]),
    ("b_1_30", ["30_days"]),
    ("b_31_60", ["60_days"]),
    ("b_61_90", ["90_days"]),
    ("b_90_plus", ["120_days", "older"]),
    ("total", ["residual"]),
]
AGING_KEYS = [key for key, _oca in AGING_BUCKETS]


def aging_atlas(env, args, company, details):
    return env["atlas.report.ar.aging"].get_report_data(
        {"as_of_date": args.as_of, "company_id": company.id, "details": details}
    )


def aging_atlas_summary(result):
    """What is compared with OCA, read from the report after the timed call. Customers are
    keyed by name (OCA's lines carry no partner id; "" for the items without a customer)."""
    totals = result["totals"]
    customers = {}
    for line in result["lines"]:
        if line["kind"] == "line":
            name = "" if line["key"] == "partner-0" else line["label"]
            sums = customers.setdefault(name, dict.fromkeys(AGING_KEYS, 0.0))
            for key in AGING_KEYS:
                sums[key] += line["values"][key]
    return {
        "totals": {key: totals.get(key) for key in AGING_KEYS},
        "per_customer": customers,
        "customers": sum(1 for line in result["lines"] if line["kind"] == "line"),
        "items": sum(1 for line in result["lines"] if line["kind"] == "detail"),
    }


def aging_oca_wizard(env, args, company, details):
    """The wizard as the screen fills it: company, date, receivable accounts only."""
    wizard = env["aged.partner.balance.report.wizard"].create(
        {"company_id": company.id, "date_at": args.as_of, "show_move_line_details": details}
    )
    wizard.receivable_accounts_only = True
    wizard.onchange_type_accounts_only()  # what the screen's onchange does: the receivable accounts
    assert wizard.account_ids, "no receivable account"
    return wizard


def aging_oca(env, wizard):
    data = as_client_sends(wizard._prepare_report_data())
    return env["report.account_financial_report.aged_partner_balance"]._get_report_values(wizard.ids, data)


def aging_oca_summary(values):
    """OCA's figures folded into Atlas's buckets, in all and per customer (summed over the
    receivable accounts, as Atlas's customer lines are)."""
    accounts = values["aged_partner_balance"]
    customers = {}
    for account in accounts:
        for partner in account["partners"]:
            sums = customers.setdefault(partner["name"] or "", dict.fromkeys(AGING_KEYS, 0.0))
            for key, oca in AGING_BUCKETS:
                sums[key] += sum(partner[k] for k in oca)
    return {
        "totals": {key: sum(a[k] for a in accounts for k in oca) for key, oca in AGING_BUCKETS},
        "per_customer": customers,
        "customers": sum(len(a["partners"]) for a in accounts),
        "items": sum(len(p.get("move_lines", [])) for a in accounts for p in a["partners"]),
    }


def compare_customers(outputs):
    """Customers whose sums differ by a cent or more in some bucket (or that only one side
    lists), as "name: key a vs b" texts; None when only one path ran."""
    if len(outputs) != 2:
        return None
    atlas, oca = outputs["atlas"]["per_customer"], outputs["oca"]["per_customer"]
    zero = dict.fromkeys(AGING_KEYS, 0.0)
    differ = []
    for name in sorted(set(atlas) | set(oca)):
        mine, theirs = atlas.get(name, zero), oca.get(name, zero)
        for key in AGING_KEYS:
            if round(mine[key] - theirs[key], 2):
                differ.append(f"{name or '(no customer)'}: {key} {money(mine[key])} vs {money(theirs[key])}")
    return differ


def bench_aging(registry, args, atlas_available, details):
    paths = ["atlas", "oca"] if atlas_available else ["oca"]
    if args.skip_oca:
        paths = [p for p in paths if p != "oca"]
    results = {path: [] for path in paths}
    outputs = {}
    for rnd in range(args.rounds + 1):
        warmup = rnd == 0
        for path in paths if rnd % 2 else list(reversed(paths)):
            with benchlib.request(registry) as env:
                company = env.company
                last = rnd == args.rounds
                if path == "atlas":
                    with (
                        maybe_sql_profile(args.sql_profile and last, f"aging_atlas{details * '_items'}"),
                        benchlib.maybe_profile(args.profile, f"aging_atlas{details * '_items'}", last),
                        benchlib.Measure(env.cr) as measure,
                    ):
                        result = aging_atlas(env, args, company, details)
                    output = aging_atlas_summary(result)  # not timed: the benchmark's own reading
                else:
                    wizard = aging_oca_wizard(env, args, company, details)  # the wizard form: a request of its own
                    env = api.Environment(env.cr, env.uid, env.context)
                    env.invalidate_all()
                    wizard = wizard.with_env(env)
                    with (
                        maybe_sql_profile(args.sql_profile and last, f"aging_oca{details * '_items'}"),
                        benchlib.maybe_profile(args.profile, f"aging_oca{details * '_items'}", last),
                        benchlib.Measure(env.cr) as measure,
                    ):
                        result = aging_oca(env, wizard)
                    output = aging_oca_summary(result)
            outputs[path] = output
            if not warmup:
                results[path].append(measure)
            benchlib.print_round(
                rnd,
                warmup,
                path,
                f"{measure.seconds * 1000:9.1f} ms (CPU {measure.cpu_seconds * 1000:.0f} ms, {measure.queries} "
                f"queries; {output['customers']} customers, {output['items']} open items",
                width=6,
            )
    return results, {path: outputs[path] for path in paths}  # Atlas first, in the tables too


# --------------------------------------------------------------------------------------
# General Ledger
# --------------------------------------------------------------------------------------


def gl_atlas(env, args, company):
    result = env["atlas.report.general.ledger"].get_report_data(
        {"date_from": f"{args.year}-01-01", "date_to": f"{args.year}-12-31", "company_id": company.id}
    )
    totals = result["totals"]
    sections = {}
    for line in result["lines"]:
        if line.get("kind") == "section":
            values = line.get("values") or {}
            sections[str(line.get("label", "")).split(" ")[0]] = (values.get("debit", 0.0), values.get("credit", 0.0))
    return {
        "totals": {key: totals.get(key) for key in ("debit", "credit", "opening", "closing")},
        "accounts": sections,
        "lines": len(result["lines"]),
    }


def gl_oca_wizard(env, args, company):
    """The wizard with its defaults (grouped by partner, ...), for the year."""
    return env["general.ledger.report.wizard"].create(
        {"company_id": company.id, "date_from": f"{args.year}-01-01", "date_to": f"{args.year}-12-31"}
    )


def gl_oca(env, wizard):
    data = as_client_sends(wizard._prepare_report_data())
    values = env["report.account_financial_report.general_ledger"]._get_report_values(wizard.ids, data)
    accounts = {}
    shown = 0
    opening = closing = 0.0
    for account in values["general_ledger"]:
        # fin_bal accumulates the opening balance and the period.
        debit = account["fin_bal"]["debit"] - account["init_bal"]["debit"]
        credit = account["fin_bal"]["credit"] - account["init_bal"]["credit"]
        accounts[account["code"]] = (debit, credit)
        opening += account["init_bal"]["balance"]
        closing += account["fin_bal"]["balance"]
        if "list_grouped" in account:
            shown += sum(len(group["move_lines"]) for group in account["list_grouped"])
        else:
            shown += len(account.get("move_lines", []))
    return {
        "totals": {
            "debit": sum(d for d, _c in accounts.values()),
            "credit": sum(c for _d, c in accounts.values()),
            "opening": opening,
            "closing": closing,
        },
        "accounts": accounts,
        "lines": shown,
    }


def bench_gl(registry, args, atlas_available):
    paths = ["atlas", "oca"] if atlas_available else ["oca"]
    if args.skip_oca:
        paths = [p for p in paths if p != "oca"]
    results = {path: [] for path in paths}
    outputs = {}
    for rnd in range(max(args.rounds, args.gl_oca_rounds) + 1):
        warmup = rnd == 0
        for path in paths if rnd % 2 else list(reversed(paths)):
            # OCA's General Ledger takes minutes on the large book: fewer rounds of it.
            if rnd > (args.gl_oca_rounds if path == "oca" else args.rounds):
                continue
            with benchlib.request(registry) as env:
                company = env.company
                last = rnd == args.rounds
                last_oca = rnd == args.gl_oca_rounds
                if path == "atlas":
                    with (
                        maybe_sql_profile(args.sql_profile and last, "gl_atlas"),
                        benchlib.maybe_profile(args.profile, "gl_atlas", last),
                        benchlib.Measure(env.cr) as measure,
                    ):
                        output = gl_atlas(env, args, company)
                else:
                    wizard = gl_oca_wizard(env, args, company)
                    env = api.Environment(env.cr, env.uid, env.context)
                    env.invalidate_all()
                    wizard = wizard.with_env(env)
                    with (
                        maybe_sql_profile(args.sql_profile and last_oca, "gl_oca"),
                        benchlib.maybe_profile(args.profile, "gl_oca", last_oca),
                        benchlib.Measure(env.cr) as measure,
                    ):
                        output = gl_oca(env, wizard)
            outputs[path] = output
            if not warmup:
                results[path].append(measure)
            benchlib.print_round(
                rnd,
                warmup,
                path,
                f"{measure.seconds * 1000:9.1f} ms (CPU {measure.cpu_seconds * 1000:.0f} ms, {measure.queries} "
                f"queries; {len(output['accounts'])} accounts, {output['lines']} lines",
                width=6,
            )
    return results, {path: outputs[path] for path in paths}  # Atlas first, in the tables too


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def median(measures):
    ordered = sorted(measures, key=lambda m: m.seconds)
    return ordered[(len(ordered) - 1) // 2]


def print_timings(results):
    print(f"  {'path':<6} {'median ms':>10} {'CPU ms':>8} {'queries':>8}   (each round: ms)")
    medians = {}
    for path, measures in results.items():
        m = median(measures)
        medians[path] = m.seconds * 1000
        rounds = ", ".join(f"{x.seconds * 1000:.0f}" for x in measures)
        print(f"  {path:<6} {m.seconds * 1000:>10.1f} {m.cpu_seconds * 1000:>8.0f} {m.queries:>8}   ({rounds})")
    return medians


def print_totals(outputs, keys, compared=None):
    """Totals side by side; True when the `compared` ones (default: all) agree to the cent."""
    print(f"  {'total':<10} " + " ".join(f"{path:>18}" for path in outputs) + "   difference")
    ok = True
    for key in keys:
        values = [outputs[path]["totals"].get(key) for path in outputs]
        diff = ""
        if len(values) == 2 and None not in values:
            delta = round(values[0] - values[1], 2)
            diff = "same" if not delta else f"{delta:,.2f}"
            if compared is None or key in compared:
                ok = ok and not delta
        print(f"  {key:<10} " + " ".join(f"{money(v):>18}" for v in values) + f"   {diff}")
    return ok


def main():
    args = parse_args()
    benchlib.start_odoo(args.config, args.log_level, args.logfile)
    benchlib.print_header("atlas_invoicing report benchmarks")
    if args.sql_profile:
        SqlProfile.install()
    registry = Registry(args.database)
    with benchlib.request(registry) as env:
        modules = dict(
            env["ir.module.module"]
            .search([("name", "in", ["atlas_invoicing", "account_financial_report"])])
            .mapped(lambda m: (m.name, m.state))
        )
        cr = env.cr
        cr.execute("SELECT count(*) FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted'")
        invoices = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM account_move_line WHERE parent_state = 'posted'")
        items = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM res_partner WHERE customer_rank > 0")
        customers = cr.fetchone()[0]
        oca_version = env["ir.module.module"].search([("name", "=", "account_financial_report")]).latest_version
        missing = [name for name in ("atlas.report.ar.aging", "atlas.report.general.ledger") if name not in env]
    if modules != {"atlas_invoicing": "installed", "account_financial_report": "installed"}:
        sys.exit(f"{args.database}: expected atlas_invoicing and account_financial_report installed, found {modules}")
    print(
        f"{args.database}: {invoices} posted customer invoices, {items} posted journal items, {customers} customers; "
        f"OCA account_financial_report {oca_version}",
        flush=True,
    )
    if missing:
        print(f"note: {', '.join(missing)} not in this checkout: OCA timed alone for those reports", flush=True)
    verdicts = []

    if not args.skip_aging:
        variants = {"screen": [False], "items": [True], "both": [False, True]}[args.aging]
        for number, details in enumerate(variants, 1):
            what = "every open item" if details else "customers only (the screen)"
            print(f"\n[1.{number}] AR Aging as of {args.as_of}, {what}: {args.rounds} rounds per path", flush=True)
            results, outputs = bench_aging(registry, args, "atlas.report.ar.aging" not in missing, details)
            print(f"\nAR Aging as of {args.as_of}, {what} ({invoices} invoices; median of {args.rounds} rounds)")
            medians = print_timings(results)
            same = print_totals(outputs, AGING_KEYS)
            differ = compare_customers(outputs)
            if differ is not None:
                atlas_count, oca_count = (len(outputs[path]["per_customer"]) for path in ("atlas", "oca"))
                print(
                    f"  customers: Atlas {atlas_count}, OCA {oca_count}; their sums by bucket "
                    + (f"differ on {len(differ)}: {'; '.join(differ[:5])}" if differ else "the same for every one")
                )
                same = same and not differ
            target_ms = TARGET_AGING_ITEMS_MS if details else TARGET_AGING_MS
            if "atlas" in medians:
                line = f"  Atlas {medians['atlas']:.0f} ms (target < {target_ms} ms) "
                line += "OK" if medians["atlas"] < target_ms else "NOT MET"
                if "oca" in medians:
                    ratio = medians["oca"] / medians["atlas"]
                    line += f"; ratio OCA/Atlas = {ratio:.1f} (target ≥ {TARGET_AGING_RATIO}) "
                    line += "OK" if ratio >= TARGET_AGING_RATIO else "NOT MET"
                    verdicts.append(ratio >= TARGET_AGING_RATIO)
                verdicts += [medians["atlas"] < target_ms, same]
                print(line + f"; totals {'agree' if same else 'DIFFER'}")
            print(
                f"  load average after: {benchlib.load_average()}; "
                f"peak memory of this process {benchlib.peak_rss_mb():.0f} MB"
            )

    if not args.skip_gl:
        print(f"\n[2] General Ledger {args.year}-01-01 .. {args.year}-12-31: {args.rounds} rounds per path")
        results, outputs = bench_gl(registry, args, "atlas.report.general.ledger" not in missing)
        print(
            f"\nGeneral Ledger {args.year}, first screen (median of {args.rounds} rounds; "
            f"OCA: {args.gl_oca_rounds} rounds)"
        )
        medians = print_timings(results)
        # Opening and closing are shown, not compared: OCA carries earlier years' profit into
        # the unaffected earnings account's opening balance, which Atlas need not do.
        same = print_totals(outputs, ["debit", "credit", "opening", "closing"], compared={"debit", "credit"})
        if len(outputs) == 2:
            atlas_accounts, oca_accounts = outputs["atlas"]["accounts"], outputs["oca"]["accounts"]
            differ = sorted(
                code
                for code in set(atlas_accounts) | set(oca_accounts)
                if [round(x, 2) for x in atlas_accounts.get(code, (0.0, 0.0))]
                != [round(x, 2) for x in oca_accounts.get(code, (0.0, 0.0))]
            )
            print(
                f"  accounts: Atlas {len(atlas_accounts)}, OCA {len(oca_accounts)}; period debit/credit "
                + (f"differ on {', '.join(differ)}" if differ else "the same on every account")
            )
        if "atlas" in medians:
            line = f"  Atlas {medians['atlas']:.0f} ms (target < {TARGET_GL_MS} ms) "
            line += "OK" if medians["atlas"] < TARGET_GL_MS else "NOT MET"
            if "oca" in medians:
                line += f"; ratio OCA/Atlas = {medians['oca'] / medians['atlas']:.1f}"
            verdicts += [medians["atlas"] < TARGET_GL_MS, same]
            print(line + f"; period debit and credit {'agree' if same else 'DIFFER'}")
        print(
            f"  load average after: {benchlib.load_average()}; "
            f"peak memory of this process {benchlib.peak_rss_mb():.0f} MB",
            flush=True,
        )
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
