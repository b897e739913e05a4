"""Invoice benchmarks: vanilla Odoo 18 vs atlas_invoicing, in one process run.

1. Create + post: N customer invoices (3 lines, one sales tax each), created and posted one
   by one (each flushed, as one request would be), on a database with only ``account``
   installed (vanilla) and on one with ``atlas_invoicing`` installed (Atlas). Target: the
   Atlas database costs at most 10% more per invoice.
2. Send by email: on the Atlas database, Odoo's own Send & Print by email
   (``account.move.send._generate_and_send_invoices(moves, sending_methods={"email"})``, the
   engine behind both Send & Print wizards) on 50 posted invoices, against
   ``moves.atlas_send("email")`` on 50 other posted invoices of the same shape. Both render
   real PDFs with wkhtmltopdf and only queue the emails (mail.mail); nothing is sent.
   Target: Atlas no slower than vanilla.
3. Record a payment: on the Atlas database, N posted invoices per path, each paid in full
   by one payment, one invoice (one request) at a time. Vanilla: Odoo's Register Payment as
   the web client runs it (``account.payment.register`` created with ``active_ids`` = the
   invoice, then ``action_create_payments()``) with the bank journal's default payment
   method line; Atlas: ``invoice.atlas_record_payment(...)`` with its "check" method, which
   locks the invoice, checks it and calls the same wizard. Target: Atlas costs at most 5%
   more per payment.
4. Print All and Send All of a batch, 1, 20 and 200 invoices (one run, no rounds): Odoo's
   own per-invoice rendering (its invoice report, one wkhtmltopdf call per invoice as Debian's
   wkhtmltopdf needs, with Odoo's ``report.print_delay``), against the Atlas batch's
   ``atlas_print()`` and ``atlas_send()`` (many invoices per call, split per invoice). Send
   All queues the emails (mail.mail). Prints seconds per invoice, the ratio and the peak
   memory. Targets at 200 invoices: Print All ≤ 0.10 s and Send All ≤ 0.15 s per invoice,
   Atlas ≥ 10× faster than Odoo's per-invoice Print.

Every round works in a transaction that is rolled back, so all rounds start from the same
database; the figure kept is the median round. Run it through bench/invoices_run.sh, which creates
the databases; by hand:

    PYTHONPATH=/opt/odoo18 .venv/bin/python bench/bench_invoices.py -c .local/bench.conf
"""

import argparse
import base64
import datetime
import io
import logging
import resource
import socket
import subprocess
import sys
import time

import benchlib

import odoo
from odoo import Command, fields
from odoo.modules.registry import Registry

from odoo.addons.base.models.ir_actions_report import IrActionsReport

TARGET_CREATE_POST = 1.10
TARGET_SEND = 1.0
TARGET_PAYMENT = 1.05
TARGET_PRINT_ALL = 0.10  # s per invoice at the largest batch
TARGET_SEND_ALL = 0.15
TARGET_PRINT_SPEEDUP = 10.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument(
        "--vanilla-db",
        default="atlas_bench_vanilla",
        help="database with only account installed (default: %(default)s)",
    )
    parser.add_argument(
        "--atlas-db", default="atlas_bench_atlas", help="database with atlas_invoicing installed (default: %(default)s)"
    )
    parser.add_argument(
        "-n", "--invoices", type=int, default=200, help="invoices per create+post round (default: %(default)s)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="timed create+post rounds per database (default: %(default)s)"
    )
    parser.add_argument("--send", type=int, default=50, help="invoices per send path and round (default: %(default)s)")
    parser.add_argument("--send-rounds", type=int, default=3, help="timed send rounds (default: %(default)s)")
    parser.add_argument(
        "--vanilla-pdf-batch",
        type=int,
        help="account.pdf_generation_batch for the vanilla send (Odoo's default: 80 invoices per wkhtmltopdf call; "
        "default here: Odoo's with a wkhtmltopdf built on patched Qt, else 0 = one invoice per call)",
    )
    parser.add_argument(
        "--print-delay",
        type=int,
        help="report.print_delay (wkhtmltopdf --javascript-delay, ms) for both send paths; default: Odoo's, 1000",
    )
    parser.add_argument(
        "--payments", type=int, default=100, help="invoices paid per payment path and round (default: %(default)s)"
    )
    parser.add_argument("--payment-rounds", type=int, default=3, help="timed payment rounds (default: %(default)s)")
    parser.add_argument("--skip-create", action="store_true", help="skip the create+post benchmark")
    parser.add_argument("--skip-send", action="store_true", help="skip the send benchmark")
    parser.add_argument("--skip-payment", action="store_true", help="skip the record-a-payment benchmark")
    parser.add_argument(
        "--batch-sizes",
        default="1,20,200",
        help="invoices per Print All / Send All run, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--skip-batch", action="store_true", help="skip the Print All / Send All benchmark")
    parser.add_argument("--profile", metavar="DIR", help="write a cProfile (.prof) of each timed path's last round")
    parser.add_argument("--log-level", default="warn", help="Odoo log level (default: warn)")
    parser.add_argument("--logfile", help="Odoo log file (default: stderr)")
    args = parser.parse_args()
    args.batch_sizes = [int(size) for size in args.batch_sizes.split(",") if size.strip()]
    for name in (args.vanilla_db, args.atlas_db):
        if not name.startswith("atlas_bench_"):
            parser.error(f"{name}: only databases named atlas_bench_* may be used")
    return args


# --------------------------------------------------------------------------------------
# Instrumentation: wkhtmltopdf calls and their time, queries
# --------------------------------------------------------------------------------------


class Counters:
    wkhtmltopdf_calls = 0
    wkhtmltopdf_seconds = 0.0


_original_run_wkhtmltopdf = IrActionsReport._run_wkhtmltopdf


def _counting_run_wkhtmltopdf(self, bodies, *args, **kwargs):
    start = time.perf_counter()
    try:
        return _original_run_wkhtmltopdf(self, bodies, *args, **kwargs)
    finally:
        Counters.wkhtmltopdf_calls += 1
        Counters.wkhtmltopdf_seconds += time.perf_counter() - start


# Every registry's ir.actions.report class inherits from this base class.
IrActionsReport._run_wkhtmltopdf = _counting_run_wkhtmltopdf


class WkhtmltopdfErrors(logging.Handler):
    """Odoo logs wkhtmltopdf's complaints and keeps its output: a PDF whose CSS failed to load
    is still "rendered". Any such error makes the round invalid."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        message = record.getMessage()
        if "wkhtmltopdf" in message.lower() and ("error" in message.lower() or "failed" in message.lower()):
            self.messages.append(message.strip().splitlines()[-1][-300:])


WKHTMLTOPDF_ERRORS = WkhtmltopdfErrors()


class Measure(benchlib.Measure):
    """Wall time, queries and wkhtmltopdf use of one timed block."""

    def __init__(self, cr, strict=True):
        super().__init__(cr)
        self.strict = strict  # wkhtmltopdf errors fail the block (not in warm-up rounds)
        self.pdf_calls = 0
        self.pdf_seconds = 0.0

    def __enter__(self):
        WKHTMLTOPDF_ERRORS.messages.clear()
        self._pdf = (Counters.wkhtmltopdf_calls, Counters.wkhtmltopdf_seconds)
        return super().__enter__()

    @staticmethod
    def _cpu_now():
        """CPU time of this process and of its finished children (the wkhtmltopdf runs)."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    def __exit__(self, *exc):
        super().__exit__(*exc)
        self.pdf_calls = Counters.wkhtmltopdf_calls - self._pdf[0]
        self.pdf_seconds = Counters.wkhtmltopdf_seconds - self._pdf[1]
        if WKHTMLTOPDF_ERRORS.messages and self.strict and not exc[0]:
            raise RuntimeError(f"wkhtmltopdf reported errors: {WKHTMLTOPDF_ERRORS.messages}")
        return False


# --------------------------------------------------------------------------------------
# Databases and HTTP
# --------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_http(dbname):
    """Serve Odoo over HTTP in this process: wkhtmltopdf loads the report CSS from report.url."""
    from odoo.service import server

    port = free_port()
    odoo.tools.config["http_interface"] = "127.0.0.1"
    odoo.tools.config["http_port"] = port
    # wkhtmltopdf's requests carry no session: the only database the server sees is this one.
    odoo.tools.config["dbfilter"] = f"^{dbname}$"
    server.load_server_wide_modules()
    httpd = server.ThreadedServer(odoo.http.root)
    # Odoo reads every addon's manifest on the first request (root.statics); parsing them in
    # the HTTP thread while this one works can break CPython 3.11's ast module ("AST constructor
    # recursion depth mismatch"), so that happens here, before the server thread starts.
    odoo.http.root.statics  # noqa: B018
    httpd.http_spawn()  # only the HTTP thread: no cron thread, no signal handlers
    return httpd, f"http://127.0.0.1:{port}"


# --------------------------------------------------------------------------------------
# Data: the same generator on both databases
# --------------------------------------------------------------------------------------

LINES = [  # (product, quantity, unit price)
    ("Bench Consulting", 3.0, 120.0),
    ("Bench Licence", 1.0, 450.0),
    ("Bench Support", 2.5, 80.0),
]
N_CUSTOMERS = 10


def make_fixtures(env):
    """Customers with an email, three service products and the company's default sales tax."""
    company = env.company
    tax = company.account_sale_tax_id
    assert tax and tax.type_tax_use == "sale", "the company has no default sales tax"
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {i:02d}",
                "email": f"billing{i:02d}@bench-customer.example",
                "customer_rank": 1,
                "street": f"{i} Bench Street",
                "city": "Benchville",
                "zip": f"10{i:03d}",
            }
            for i in range(N_CUSTOMERS)
        ]
    )
    products = env["product.product"].create(
        [
            {"name": name, "type": "service", "list_price": price, "taxes_id": [Command.set(tax.ids)]}
            for name, _qty, price in LINES
        ]
    )
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], order="sequence, id", limit=1
    )
    env.flush_all()
    return {"partners": partners, "products": products, "tax": tax, "journal": journal}


def invoice_vals(fixtures, i):
    return {
        "move_type": "out_invoice",
        "partner_id": fixtures["partners"][i % N_CUSTOMERS].id,
        "journal_id": fixtures["journal"].id,
        "invoice_date": datetime.date.today(),
        "ref": f"PO-{i:05d}",
        "invoice_line_ids": [
            Command.create(
                {
                    "product_id": product.id,
                    "quantity": qty,
                    "price_unit": price + i % 7,
                    "tax_ids": [Command.set(fixtures["tax"].ids)],
                }
            )
            for product, (_name, qty, price) in zip(fixtures["products"], LINES, strict=True)
        ],
    }


def create_and_post(env, fixtures, n, offset=0):
    """Create and post n invoices one at a time, each flushed as a request's commit would."""
    moves = env["account.move"]
    for i in range(offset, offset + n):
        move = env["account.move"].create(invoice_vals(fixtures, i))
        move.action_post()
        env.flush_all()
        moves |= move
    return moves


def check_posted(moves, n):
    assert len(moves) == n and set(moves.mapped("state")) == {"posted"}, "not all invoices were posted"
    assert all(len(m.invoice_line_ids) == 3 and len(m.line_ids.filtered("tax_line_id")) == 1 for m in moves)


def check_sent(env, moves):
    """Each invoice has its PDF and exactly one email waiting in the queue (not sent)."""
    assert all(m.invoice_pdf_report_id for m in moves), "an invoice has no PDF"
    assert all(m.invoice_pdf_report_id.raw[:5] == b"%PDF-" for m in moves), "an attachment is not a PDF"
    mails = env["mail.mail"].sudo().search([("model", "=", "account.move"), ("res_id", "in", moves.ids)])
    assert len(mails) == len(moves), f"{len(mails)} emails queued for {len(moves)} invoices"
    assert set(mails.mapped("state")) == {"outgoing"}, f"email states: {set(mails.mapped('state'))}"
    assert all(mail.attachment_ids for mail in mails), "an email has no attachment"


def bank_journal(env):
    """The deposit account of both payment paths: the company's first bank journal."""
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.company.id)], order="sequence, id", limit=1
    )
    assert journal, "the company has no bank journal"
    return journal


def check_paid(invoices, method_code):
    """Each invoice is paid in full by exactly one payment, made with the path's method."""
    for invoice in invoices:
        assert invoice.payment_state in ("paid", "in_payment"), f"{invoice.name}: payment_state {invoice.payment_state}"
        assert invoice.amount_residual == 0, f"{invoice.name}: {invoice.amount_residual} still due"
        payments = invoice._get_reconciled_payments()
        assert len(payments) == 1, f"{invoice.name}: {len(payments)} payments reconciled"
        assert (
            payments.payment_method_line_id.code == method_code
        ), f"{invoice.name}: paid with {payments.payment_method_line_id.code}, expected {method_code}"


# --------------------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------------------


def bench_create_post(registries, args):
    """Rounds alternate the order of the two databases; one warm-up round each first."""
    results = {label: [] for label in registries}
    order = list(registries)
    for rnd in range(args.rounds + 1):
        warmup = rnd == 0
        for label in order if rnd % 2 else reversed(order):
            n = min(20, args.invoices) if warmup else args.invoices
            benchlib.vacuum(registries[label].db_name)
            with benchlib.request(registries[label]) as env:
                fixtures = make_fixtures(env)
                last = rnd == args.rounds
                with (
                    benchlib.maybe_profile(args.profile, f"create_post_{label}", last, top=30),
                    Measure(env.cr) as measure,
                ):
                    moves = create_and_post(env, fixtures, n)
                check_posted(moves, n)
            if not warmup:
                results[label].append((n, measure))
            benchlib.print_round(
                rnd,
                warmup,
                label,
                f"{n} invoices: {measure.seconds:.2f} s ({measure.seconds / n * 1000:.1f} ms/invoice, "
                f"CPU {measure.cpu_seconds / n * 1000:.1f} ms/invoice, {measure.queries / n:.0f} queries/invoice",
            )
    return results


def wkhtmltopdf_has_patched_qt():
    """Debian's wkhtmltopdf (unpatched Qt) renders one HTML document per call, no more."""
    from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

    version = subprocess.run([_get_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True).stdout
    return "patched qt" in version.lower()


def send_vanilla(env, moves):
    """Odoo's Send & Print by email, as its wizards call the engine, with the email only queued."""
    ctx = {"mail_notify_force_send": False}
    env["account.move.send"].with_context(**ctx)._generate_and_send_invoices(
        moves.with_context(**ctx), sending_methods={"email"}
    )
    env.flush_all()


def send_atlas(env, moves):
    moves.atlas_send("email")
    env.flush_all()


def bench_send(registry, base_url, args):
    paths = {"vanilla": send_vanilla, "atlas": send_atlas}
    results = {label: [] for label in paths}
    for rnd in range(args.send_rounds + 1):
        warmup = rnd == 0
        n = min(3, args.send) if warmup else args.send
        benchlib.vacuum(registry.db_name)
        with benchlib.request(registry) as env:
            params = env["ir.config_parameter"].sudo()
            params.set_param("report.url", base_url)
            if args.vanilla_pdf_batch is not None:
                params.set_param("account.pdf_generation_batch", str(args.vanilla_pdf_batch))
            if args.print_delay is not None:
                params.set_param("report.print_delay", str(args.print_delay))
            fixtures = make_fixtures(env)
            # 2n posted invoices of the same shape: the first n for vanilla, the others for Atlas.
            moves = create_and_post(env, fixtures, 2 * n)
            batches = {"vanilla": moves[:n], "atlas": moves[n:]}
            env.invalidate_all()
            for label in list(paths) if rnd % 2 else reversed(list(paths)):
                last = rnd == args.send_rounds
                batch = batches[label].with_env(env)
                with (
                    benchlib.maybe_profile(args.profile, f"send_{label}", last, top=30),
                    Measure(env.cr, not warmup) as measure,
                ):
                    paths[label](env, batch)
                check_sent(env, batch)
                if not warmup:
                    results[label].append((n, measure))
                benchlib.print_round(
                    rnd,
                    warmup,
                    label,
                    f"{n} invoices: {measure.seconds:.2f} s ({measure.seconds / n * 1000:.0f} ms/invoice; "
                    f"wkhtmltopdf {measure.pdf_calls} call(s), {measure.pdf_seconds:.2f} s; "
                    f"CPU {measure.cpu_seconds / n * 1000:.0f} ms/invoice; {measure.queries / n:.0f} queries/invoice",
                )
    return results


def analyze(cr):
    """ANALYZE inside the round's transaction (it counts the transaction's own new rows), so the
    planner knows the data it works on, as autovacuum would tell it on a live database. The
    round's VACUUM ANALYZE ran on nearly empty accounting tables: with those statistics, some
    of Odoo's queries (the payment state's, on account_partial_reconcile and
    account_move_line) scan every line in nested loops, and a payment's SQL time grows with
    every payment made before it in the transaction."""
    cr.execute("ANALYZE")


def pay_vanilla(env, invoice_ids, form):
    """Odoo's Register Payment as the web client runs it, one invoice per request: the wizard
    created from the invoice with the form's values, then Create Payment."""
    for invoice_id in invoice_ids:
        invoice = env["account.move"].browse(invoice_id)
        wizard = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "journal_id": form["journal_id"],
                    "payment_method_line_id": form["method_line_id"],
                    "payment_date": form["date"],
                    "amount": invoice.amount_residual,
                }
            )
        )
        wizard.action_create_payments()
        env = benchlib.next_request(env)
    return env


def pay_atlas(env, invoice_ids, form):
    """Atlas's Record Payment (its XML-RPC method), one invoice per request."""
    for invoice_id in invoice_ids:
        invoice = env["account.move"].browse(invoice_id)
        invoice.atlas_record_payment(
            amount=invoice.amount_residual, date=form["date"], journal_id=form["journal_id"], payment_method="check"
        )
        env = benchlib.next_request(env)
    return env


def bench_payment(registry, args):
    paths = {"vanilla": pay_vanilla, "atlas": pay_atlas}
    results = {label: [] for label in paths}
    for rnd in range(args.payment_rounds + 1):
        warmup = rnd == 0
        n = min(10, args.payments) if warmup else args.payments
        benchlib.vacuum(registry.db_name)
        with benchlib.request(registry) as env:
            fixtures = make_fixtures(env)
            journal = bank_journal(env)
            # The bank journal's default method line, as the Register Payment form proposes it.
            method_line = journal._get_available_payment_method_lines("inbound")[:1]
            assert method_line and not method_line.code.startswith("atlas_"), "unexpected default method line"
            form = {
                "journal_id": journal.id,
                "method_line_id": method_line.id,
                "date": fields.Date.to_string(fields.Date.context_today(env.user)),
            }
            method_codes = {"vanilla": method_line.code, "atlas": "atlas_check"}
            # 2n posted invoices of the same shape: the first n for vanilla, the others for Atlas.
            moves = create_and_post(env, fixtures, 2 * n)
            batches = {"vanilla": moves[:n].ids, "atlas": moves[n:].ids}
            env = benchlib.next_request(env)  # the invoices' pre-commit work is done outside the timed block
            analyze(env.cr)
            for label in list(paths) if rnd % 2 else reversed(list(paths)):
                last = rnd == args.payment_rounds
                with benchlib.maybe_profile(args.profile, f"payment_{label}", last, top=30), Measure(env.cr) as measure:
                    env = paths[label](env, batches[label], form)
                check_paid(env["account.move"].browse(batches[label]), method_codes[label])
                env = benchlib.next_request(env)
                analyze(env.cr)  # the second path starts with statistics that count the first one's payments
                if not warmup:
                    results[label].append((n, measure))
                benchlib.print_round(
                    rnd,
                    warmup,
                    label,
                    f"{n} payments: {measure.seconds:.2f} s ({measure.seconds / n * 1000:.1f} ms/payment, "
                    f"CPU {measure.cpu_seconds / n * 1000:.1f} ms/payment, {measure.queries / n:.0f} queries/payment",
                )
    return results


# --------------------------------------------------------------------------------------
# Print All and Send All: Odoo's per-invoice rendering vs the Atlas batch
# --------------------------------------------------------------------------------------

ODOO_INVOICE_REPORT = "account.account_invoices"


def print_odoo(env, moves):
    """Odoo's own rendering of its invoice report, one invoice per wkhtmltopdf call (what
    Debian's wkhtmltopdf takes), the PDFs merged into one document by Odoo's _merge_pdfs."""
    reports = env["ir.actions.report"]
    streams = [io.BytesIO(reports._render_qweb_pdf(ODOO_INVOICE_REPORT, move.ids)[0]) for move in moves]
    with reports._merge_pdfs(streams) as merged:
        return merged.getvalue()


def print_atlas(env, moves):
    """Print All of the batch (its XML-RPC method; the button renders the same report)."""
    return base64.b64decode(moves.atlas_batch_id.atlas_print()["content"])


def send_all_atlas(env, moves):
    """Send All of the batch; its chunks flushed, not committed (the run is rolled back)."""
    result = moves.atlas_batch_id.with_context(atlas_batch_no_commit=True).atlas_send()
    assert not result["failed"], result["failed"]
    env.flush_all()


def pdf_pages(content):
    from odoo.tools.pdf import PdfFileReader

    return len(PdfFileReader(io.BytesIO(content)).pages)


def make_batch(env, moves, name):
    batch = env["atlas.invoice.batch"].create({"name": name, "date": datetime.date.today()})
    moves.atlas_batch_id = batch
    env.flush_all()
    return batch


def run_batch_path(env, action, moves, args, name):
    benchlib.reset_peak_rss()
    with benchlib.maybe_profile(args.profile, name, True, top=30), Measure(env.cr) as measure:
        result = action(env, moves)
    measure.rss_peak_mib = benchlib.proc_status("VmHWM")
    return measure, result


def bench_batch(registry, base_url, args):
    """One run per size: for each size, 2n posted invoices, the first n for Odoo, the others in
    an Atlas batch; Print (both), then Send (both) on the same invoices."""
    results = []
    with benchlib.request(registry) as env:
        params = env["ir.config_parameter"].sudo()
        params.set_param("report.url", base_url)
        params.set_param("account.pdf_generation_batch", str(args.vanilla_pdf_batch or 0))
        fixtures = make_fixtures(env)
        offset = 0
        # Warm-up (not measured): the report assets, the HTTP server, the templates' caches.
        for size in [1] + args.batch_sizes:
            warmup = offset == 0
            n = size
            moves = create_and_post(env, fixtures, 2 * n, offset=offset)
            offset += 2 * n
            odoo_moves, atlas_moves = moves[:n], moves[n:]
            make_batch(env, atlas_moves, f"Bench batch {offset}")
            env.invalidate_all()
            row = {"n": n}
            for kind, paths in (
                ("print", {"odoo": print_odoo, "atlas": print_atlas}),
                ("send", {"odoo": send_vanilla, "atlas": send_all_atlas}),
            ):
                for label, action in paths.items():
                    batch_moves = (odoo_moves if label == "odoo" else atlas_moves).with_env(env)
                    measure, result = run_batch_path(env, action, batch_moves, args, f"{kind}_all_{label}_{n}")
                    if kind == "print":
                        assert pdf_pages(result) >= n, f"{label}: {pdf_pages(result)} pages for {n} invoices"
                    else:
                        check_sent(env, batch_moves)
                    row[kind, label] = measure
                    if not warmup:
                        print(
                            f"  {kind:<5} {label:<5} {n:>4} invoices: {measure.seconds:7.2f} s "
                            f"({measure.seconds / n:.3f} s/invoice; wkhtmltopdf {measure.pdf_calls} call(s), "
                            f"{measure.pdf_seconds:.2f} s; peak RSS {measure.rss_peak_mib:.0f} MiB; "
                            f"load {benchlib.load_average()})",
                            flush=True,
                        )
            if not warmup:
                results.append(row)
            env = benchlib.next_request(env)
    return results


def print_batch_table(results):
    print()
    print("Print All and Send All (posted invoices; Send All queues the emails): Odoo per invoice vs Atlas")
    print(
        f"  {'action':<10} {'n':>4} {'Odoo s/inv':>11} {'Atlas s/inv':>12} {'Odoo/Atlas':>11} "
        f"{'wkhtmltopdf calls O/A':>22} {'peak RSS MiB O/A':>17}"
    )
    verdicts = []
    for row in results:
        n = row["n"]
        for kind, title in (("print", "Print All"), ("send", "Send All")):
            odoo_m, atlas_m = row[kind, "odoo"], row[kind, "atlas"]
            speedup = odoo_m.seconds / atlas_m.seconds
            print(
                f"  {title:<10} {n:>4} {odoo_m.seconds / n:>11.3f} {atlas_m.seconds / n:>12.3f} {speedup:>10.1f}x "
                f"{f'{odoo_m.pdf_calls} / {atlas_m.pdf_calls}':>22} "
                f"{f'{odoo_m.rss_peak_mib:.0f} / {atlas_m.rss_peak_mib:.0f}':>17}"
            )
    largest = results[-1]
    n = largest["n"]
    print_s = largest["print", "atlas"].seconds / n
    send_s = largest["send", "atlas"].seconds / n
    speedup = largest["print", "odoo"].seconds / largest["print", "atlas"].seconds
    verdicts.append(("Print All s/invoice", print_s, TARGET_PRINT_ALL, print_s <= TARGET_PRINT_ALL))
    verdicts.append(("Send All s/invoice", send_s, TARGET_SEND_ALL, send_s <= TARGET_SEND_ALL))
    print(f"  at {n} invoices:")
    for title, value, target, ok in verdicts:
        print(f"    {title} = {value:.3f} (target ≤ {target:.2f}) {'OK' if ok else 'NOT MET'}")
    print(
        f"    Print All Odoo/Atlas = {speedup:.1f}x (target ≥ {TARGET_PRINT_SPEEDUP:.0f}x) "
        f"{'OK' if speedup >= TARGET_PRINT_SPEEDUP else 'NOT MET'}"
    )
    one = results[0]
    if one["n"] == 1:
        ratio = one["send", "atlas"].seconds / one["send", "odoo"].seconds
        print(f"    one-invoice Send Atlas/Odoo = {ratio:.2f} (target ≤ 1.00) {'OK' if ratio <= 1 else 'NOT MET'}")
    print(f"  load average after: {benchlib.load_average()}", flush=True)


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def median_round(rounds):
    """The round with the median time per invoice (the lower middle one for an even count)."""
    ordered = sorted(rounds, key=lambda r: r[1].seconds / r[0])
    return ordered[(len(ordered) - 1) // 2]


def median_cpu_per_invoice(rounds):
    ordered = sorted(m.cpu_seconds / n for n, m in rounds)
    return ordered[(len(ordered) - 1) // 2]


def print_table(title, results, target, extra_pdf=False):
    print()
    print(title)
    header = f"  {'path':<8} {'n':>4} {'total s':>9} {'ms/invoice':>11} {'CPU ms/inv':>11} {'queries/inv':>12}"
    if extra_pdf:
        header += f" {'wkhtmltopdf calls':>18} {'wkhtmltopdf s':>14}"
    header += "   (each round: ms/invoice)"
    print(header)
    per_invoice, cpu_per_invoice = {}, {}
    for label, rounds in results.items():
        n, measure = median_round(rounds)
        per_invoice[label] = measure.seconds / n
        cpu_per_invoice[label] = median_cpu_per_invoice(rounds)
        line = (
            f"  {label:<8} {n:>4} {measure.seconds:>9.2f} {measure.seconds / n * 1000:>11.1f} "
            f"{cpu_per_invoice[label] * 1000:>11.1f} {measure.queries / n:>12.0f}"
        )
        if extra_pdf:
            line += f" {measure.pdf_calls:>18} {measure.pdf_seconds:>14.2f}"
        line += "   (" + ", ".join(f"{m.seconds / k * 1000:.1f}" for k, m in rounds) + ")"
        print(line)
    ratio = per_invoice["atlas"] / per_invoice["vanilla"]
    verdict = "OK" if ratio <= target else "NOT MET"
    print(f"  ratio atlas/vanilla = {ratio:.2f} (target ≤ {target:.2f}) {verdict}")
    cpu_ratio = cpu_per_invoice["atlas"] / cpu_per_invoice["vanilla"]
    print(f"  (CPU time ratio atlas/vanilla = {cpu_ratio:.2f}: this process and wkhtmltopdf, without PostgreSQL)")
    print(f"  load average after: {benchlib.load_average()}", flush=True)
    return ratio


def main():
    args = parse_args()
    benchlib.start_odoo(args.config, args.log_level, args.logfile)
    logging.getLogger("odoo.addons.base.models.ir_actions_report").addHandler(WKHTMLTOPDF_ERRORS)
    if odoo.tools.config["test_enable"] or odoo.tools.config["test_file"]:
        sys.exit("test mode is on in the configuration: PDFs would not be rendered")

    benchlib.print_header("atlas_invoicing benchmarks")
    registries = {"vanilla": Registry(args.vanilla_db), "atlas": Registry(args.atlas_db)}
    installed = {}
    for label, registry in registries.items():
        with benchlib.request(registry) as env:
            installed[label] = bool(
                env["ir.module.module"].search_count([("name", "=", "atlas_invoicing"), ("state", "=", "installed")])
            )
    if installed["vanilla"] or not installed["atlas"]:
        sys.exit(f"expected atlas_invoicing in {args.atlas_db} only, found: {installed}")

    ratios = {}
    if not args.skip_create:
        print(f"\n[1] create + post: {args.invoices} invoices x {args.rounds} rounds per database", flush=True)
        results = bench_create_post(registries, args)
        ratios["create"] = print_table(
            f"Create + post ({args.invoices} invoices, 3 lines + 1 sales tax each; median of {args.rounds} rounds)",
            results,
            TARGET_CREATE_POST,
        )

    if (not args.skip_send or not args.skip_batch) and args.vanilla_pdf_batch is None:
        if not wkhtmltopdf_has_patched_qt():
            # Odoo renders up to 80 invoices in one wkhtmltopdf call, which this wkhtmltopdf
            # refuses ("does not support more than one input document"): the output is empty
            # and Send & Print fails. Odoo's own setting makes it render one invoice per call.
            args.vanilla_pdf_batch = 0
            print(
                "\nnote: wkhtmltopdf is built on unpatched Qt (one input document per call): the vanilla path "
                "runs with account.pdf_generation_batch = 0 (one invoice per wkhtmltopdf call); with Odoo's "
                "default (80) it fails with an empty PDF.",
                flush=True,
            )

    httpd = base_url = None
    if not args.skip_send or not args.skip_batch:
        httpd, base_url = start_http(args.atlas_db)
    try:
        if not args.skip_send:
            print(
                f"\n[2] send by email on {args.atlas_db}: {args.send} invoices per path x {args.send_rounds} rounds "
                f"(report.url = {base_url})",
                flush=True,
            )
            results = bench_send(registries["atlas"], base_url, args)
            ratios["send"] = print_table(
                f"Send by email ({args.send} posted invoices, PDF rendered + email queued; "
                f"median of {args.send_rounds} rounds)",
                results,
                TARGET_SEND,
                extra_pdf=True,
            )
        if not args.skip_payment:
            print(
                f"\n[3] record a payment on {args.atlas_db}: {args.payments} invoices per path x "
                f"{args.payment_rounds} rounds",
                flush=True,
            )
            results = bench_payment(registries["atlas"], args)
            ratios["payment"] = print_table(
                f"Record a payment ({args.payments} posted invoices, each paid in full by one payment; "
                f"median of {args.payment_rounds} rounds)",
                results,
                TARGET_PAYMENT,
            )
        if not args.skip_batch:
            print(
                f"\n[4] Print All and Send All on {args.atlas_db}: {', '.join(map(str, args.batch_sizes))} invoices, "
                f"Odoo's per-invoice rendering vs the Atlas batch (one run; report.url = {base_url})",
                flush=True,
            )
            print_batch_table(bench_batch(registries["atlas"], base_url, args))
    finally:
        if httpd:
            httpd.httpd.shutdown()

    return 0


if __name__ == "__main__":
    sys.exit(main())
