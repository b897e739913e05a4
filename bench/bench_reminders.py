"""Reminder run benchmark: Atlas's scheduled reminder run vs OCA's reminder run as shipped.

The book: N customers with 5 posted invoices each, all due 10 days ago (the +7 step of the
default ladder, and overdue for OCA), made once in a snapshot database. Both paths email each
customer once, listing their overdue invoices with every invoice's PDF attached, queued in
Odoo's mail queue (mail.mail), from the identical database state:

- OCA (path ``oca``): account_invoice_overdue_reminder's wizard as a user runs it in its
  *Mass* interface: ``overdue.reminder.start`` ``run()`` (one step per customer), then
  ``validate()`` of all the steps (an email per customer, each invoice's PDF rendered by
  Odoo's ``account.report_invoice_with_payments``, one render per invoice);
- Atlas (path ``atlas``): ``account.move._atlas_cron_send_reminders()`` (what the daily
  scheduled action runs): the Atlas PDFs rendered many per wkhtmltopdf call, 100 customers per
  committed chunk.

Each (path, size) run happens in a fresh process on a fresh copy of the snapshot, so the peak
RSS is its own. Printed: emails queued, PDFs attached, wall time, emails/s, peak RSS growth.

Subcommands (bench/reminders_run.sh runs them in order):

    setup    make the snapshot: N customers × 5 overdue invoices
    bench    for each size and path: copy the snapshot (keeping the first ``size`` customers'
             invoices overdue), run one path in a child process, drop the copy
    one      (the child) run one path on one copy, print its figures as JSON
"""

import argparse
import datetime
import json
import subprocess
import sys
import time

import benchlib
from bench_invoices import start_http

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

PATHS = ("oca", "atlas")
INVOICES_PER_CUSTOMER = 5
PREFIX = "Bench Reminder Customer"


def _env(registry, cr):
    return api.Environment(cr, odoo.SUPERUSER_ID, {})


def setup(args):
    benchlib.start_odoo(args.config, "warn", args.logfile)
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = _env(registry, cr)
        existing = env["res.partner"].search_count([("name", "=like", f"{PREFIX} %")])
        if existing >= args.customers:
            print(f"snapshot has {existing} customers already")
            return
        company = env.ref("base.main_company")
        revenue = env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", company.ids)], limit=1
        )
        today = datetime.date.today()
        due = today - datetime.timedelta(days=10)
        for start in range(existing, args.customers, 100):
            partners = env["res.partner"].create(
                [
                    {"name": f"{PREFIX} {i:05d}", "email": f"ap{i:05d}@bench.example", "customer_rank": 1}
                    for i in range(start, min(start + 100, args.customers))
                ]
            )
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": due - datetime.timedelta(days=30),
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": f"Service {n}",
                                    "account_id": revenue.id,
                                    "price_unit": 100.0 + n,
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                    for partner in partners
                    for n in range(INVOICES_PER_CUSTOMER)
                ]
            )
            moves.action_post()
            cr.commit()
            env.invalidate_all()
            print(f"  {start + len(partners)} customers", flush=True)


def one(args):
    benchlib.start_odoo(args.config, "warn", args.logfile)
    registry = Registry(args.db)
    _httpd, url = start_http(args.db)
    with registry.cursor() as cr:
        env = _env(registry, cr)
        env["ir.config_parameter"].set_param("report.url", url)
        mails_before = env["mail.mail"].search_count([])
        cr.commit()
    rss_before = benchlib.proc_status("VmRSS")
    benchlib.reset_peak_rss()
    start = time.perf_counter()
    with registry.cursor() as cr:
        env = _env(registry, cr)
        if args.path == "atlas":
            env["account.move"]._atlas_cron_send_reminders()
        else:
            admin = env.ref("base.user_admin")
            wizard_env = env(user=admin, su=False)
            wizard = wizard_env["overdue.reminder.start"].create({"interface": "mass", "min_interval_days": 1})
            wizard.run()
            steps = wizard_env["overdue.reminder.step"].search([("user_id", "=", admin.id), ("state", "=", "draft")])
            steps.validate()
        cr.commit()
    elapsed = time.perf_counter() - start
    peak = benchlib.proc_status("VmHWM")
    with registry.cursor() as cr:
        env = _env(registry, cr)
        mails = env["mail.mail"].search([], order="id")[mails_before:]
        figures = {
            "emails": len(mails),
            "pdfs": sum(len(mail.attachment_ids) for mail in mails),
            "seconds": elapsed,
            "rss_growth_mb": peak - rss_before,
        }
    print(json.dumps(figures))


def bench(args):
    benchlib.print_header("Reminder run: OCA account_invoice_overdue_reminder vs Atlas")
    rows = []
    for size in args.sizes:
        for path in args.paths:
            if path == "oca" and size > args.oca_max:
                continue
            copy = f"{args.db}_run"
            subprocess.run(["dropdb", "--if-exists", copy], check=True)
            subprocess.run(["createdb", "-T", args.db, copy], check=True)
            # Only the first `size` customers' invoices stay overdue: the others are paid up
            # in the copy (their payment state), so both paths see the same `size` customers.
            subprocess.run(
                [
                    "psql",
                    "-q",
                    "-d",
                    copy,
                    "-c",
                    f"""UPDATE account_move m SET payment_state = 'paid' FROM res_partner p
                         WHERE p.id = m.partner_id AND p.name LIKE '{PREFIX} %'
                           AND p.name > '{PREFIX} {size - 1:05d}'""",
                ],
                check=True,
            )
            out = subprocess.run(
                [sys.executable, __file__, "one", "-c", args.config, "--db", copy, "--path", path]
                + (["--logfile", args.logfile] if args.logfile else []),
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            subprocess.run(["dropdb", copy], check=True)
            rows.append((size, path, figures))
            print(
                f"  {size:>5} customers {path:<6} {figures['emails']:>5} emails, {figures['pdfs']:>6} PDFs, "
                f"{figures['seconds']:8.1f} s, {figures['emails'] / figures['seconds']:6.2f} emails/s, "
                f"peak RSS +{figures['rss_growth_mb']:.0f} MiB; load {benchlib.load_average()}",
                flush=True,
            )
    by = {(size, path): figures for size, path, figures in rows}
    for size in args.sizes:
        if (size, "oca") in by and (size, "atlas") in by:
            oca, atlas = by[size, "oca"], by[size, "atlas"]
            ratio = (atlas["emails"] / atlas["seconds"]) / (oca["emails"] / oca["seconds"])
            print(f"  {size} customers: Atlas/OCA emails per second {ratio:.1f}×")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("setup", "bench", "one"):
        p = sub.add_parser(name)
        p.add_argument("-c", "--config", required=True)
        p.add_argument("--db", required=True)
        p.add_argument("--logfile")
        if name == "setup":
            p.add_argument("-n", "--customers", type=int, default=1000)
        if name == "bench":
            p.add_argument("--sizes", type=int, nargs="+", default=[40, 250, 500, 1000])
            p.add_argument("--paths", nargs="+", default=list(PATHS), choices=PATHS)
            p.add_argument("--oca-max", type=int, default=40, help="largest size OCA runs at (one render per invoice)")
        if name == "one":
            p.add_argument("--path", required=True, choices=PATHS)
    args = parser.parse_args()
    {"setup": setup, "bench": bench, "one": one}[args.command](args)


if __name__ == "__main__":
    main()
