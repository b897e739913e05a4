"""A large, consistent customer book for the report benchmarks (bench/bench_reports.py).

Run through bench/reports_run.sh, which creates the database (atlas_invoicing and OCA's
account_financial_report installed, no demo data), runs this script, and keeps a pg_dump of
the result so later runs restore it instead of generating it again.

What it builds (defaults): 500 customers (one in ten invoiced in EUR), four service products
on two sales taxes, and 100,000 posted customer invoices dated over two years (2024-10-01 to
2026-09-30), with payments recorded into the bank account: most paid in full, some in two
payments, some partly paid, some open, some refunded in full (credit note, plus a refund
payment when money had come in) and some reduced by a partial credit note. Payments come up
to 45 days after their invoice, so an aging as of 2026-09-30 sees payments made after it.

How, in a few minutes instead of hours:

1. Template (ORM): one invoice per customer (500 by default) over the first 73 days, with
   every payment and refund made through the addon's own methods (``atlas_record_payment``,
   ``atlas_refund``) and Odoo's reconciliation, in date order, as users would.
2. Copies (SQL): the template's accounting rows (account_move, account_move_line,
   account_partial_reconcile, account_full_reconcile, account_payment and the tables linking
   them) are copied 199 times with INSERT ... SELECT: ids shifted by a fixed span per table
   (so every reference inside a copy points into the same copy), every date column shifted
   by a whole number of 73-day windows (10 windows fill the two years), customers rotated
   among customers invoiced in the same currency, and everything else (amounts, residuals,
   reconciled flags, payment and Atlas statuses) copied as is: a copy is the template's
   book, moved in time and to other customers, so what Odoo computed stays true of it.
   Currency rates are constant over the period, so the EUR amounts stay right at any date.
   Numbers are planned before copying: per journal, series and year in date order
   (INV/2025/00001, ...), for the template too, and every text that names an entry
   (move_name, payment reference, memo, labels, "Reversal of: ...") gets its copy's new
   name; matching numbers follow the shifted reconciliation ids.
3. Checks (SQL), which fail the run: every entry balanced; every reference of the copied
   rows resolves (foreign keys were not enforced while copying); every reconcilable line's
   residual equals its balance less its partial reconciliations, and reconciled flags,
   full reconciliations and invoice payment states agree with the residuals; the receivable
   accounts' balance equals the open receivable items' residuals; unique entry names; and
   exactly N posted customer invoices.

    PYTHONPATH=/opt/odoo18 .venv/bin/python bench/make_large_book.py -c .local/bench-reports.conf -d atlas_bench_books
"""

import argparse
import datetime
import logging
import random
import sys
import time

import benchlib
import psycopg2

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

_logger = logging.getLogger("make_large_book")

START = datetime.date(2024, 10, 1)
WINDOW_DAYS = 73  # 10 windows = 730 days = 2024-10-01 .. 2026-09-30
WINDOWS = 10
MAX_LAG = 45  # payments and refunds come at most this many days after the invoice
EUR_RATE = 0.92  # EUR per USD, constant over the period (no exchange differences)
PRODUCTS = [  # (name, unit price, tax key)
    ("Bench Consulting (hour)", 120.0, "std"),
    ("Bench Licence", 450.0, "std"),
    ("Bench Support", 80.0, "std"),
    ("Bench Training (day)", 300.0, "reduced"),
]
PAYMENT_TERMS = [  # (xml id, weight)
    ("account.account_payment_term_immediate", 2),
    ("account.account_payment_term_15days", 3),
    ("account.account_payment_term_30days", 4),
    ("account.account_payment_term_45days", 1),
]
# The accounting tables a template's book lives in; tables whose rows point at them are found
# in the catalog (foreign keys) and copied too.
CORE_TABLES = [
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_full_reconcile",
    "account_payment",
]
# Tables pointing at the core ones that are not part of the book: chatter and attachments.
# The copies have no chatter; the template keeps its own.
SKIPPED_TABLES = {"mail_message", "mail_followers", "mail_activity", "ir_attachment"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", default="atlas_bench_books", help="database (default: %(default)s)")
    parser.add_argument("--invoices", type=int, default=100_000, help="posted customer invoices (default: %(default)s)")
    parser.add_argument(
        "--customers", type=int, default=500, help="customers = invoices of the template (default: %(default)s)"
    )
    parser.add_argument("--log-level", default="warn", help="Odoo log level (default: warn)")
    parser.add_argument("--logfile", help="Odoo log file (default: stderr)")
    args = parser.parse_args()
    if not args.database.startswith(("atlas_bench_", "h_reports_bench")):
        parser.error(f"{args.database}: only databases named atlas_bench_* may be used")
    if args.customers % 10 or args.invoices % (args.customers * WINDOWS):
        parser.error("--customers must be a multiple of 10 and --invoices a multiple of 10 x --customers")
    return args


def step(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


# --------------------------------------------------------------------------------------
# 1. The template, through the ORM
# --------------------------------------------------------------------------------------


def setup(env, n_customers):
    company = env.company
    eur = env.ref("base.EUR")
    eur.active = True
    env["res.currency.rate"].create({"currency_id": eur.id, "name": "2020-01-01", "rate": EUR_RATE})
    std = company.account_sale_tax_id
    reduced = env["account.tax"].create(
        {
            "name": "5% (bench)",
            "amount": 5.0,
            "amount_type": "percent",
            "type_tax_use": "sale",
            "tax_group_id": std.tax_group_id.id,
            "company_id": company.id,
        }
    )
    taxes = {"std": std, "reduced": reduced}
    products = env["product.product"].create(
        [
            {"name": name, "type": "service", "list_price": price, "taxes_id": [Command.set(taxes[key].ids)]}
            for name, price, key in PRODUCTS
        ]
    )
    # One create: contiguous ids, which the copies' customer rotation relies on.
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {i:03d}",
                "is_company": True,
                "email": f"billing{i:03d}@bench-customer.example",
                "customer_rank": 1,
                "city": "Benchville",
                "country_id": env.ref("base.us").id,
            }
            for i in range(n_customers)
        ]
    )
    assert partners.ids == list(range(partners.ids[0], partners.ids[0] + n_customers)), "partner ids not contiguous"
    for partner in partners[::10]:  # one customer in ten is invoiced in EUR
        partner.atlas_currency_id = eur
    bank = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    terms = [(env.ref(xmlid), weight) for xmlid, weight in PAYMENT_TERMS]
    return {"products": products, "partners": partners, "bank": bank, "terms": terms, "eur": eur}


def template_events(n):
    """The template's business, as dated events: (date, order, kind, invoice index, data)."""
    events = []
    for i in range(n):
        rng = random.Random(i)
        day = START + datetime.timedelta(days=i * WINDOW_DAYS // n)
        lines = [
            (rng.randrange(len(PRODUCTS)), rng.choice([1, 1, 2, 3, 5]), rng.choice([0, 0, 5, 10]))
            for _ in range(rng.choice([1, 2, 2, 3, 4]))
        ]
        term = rng.random()
        events.append((day, 0, "invoice", i, {"lines": lines, "term": term}))

        def at(lag, order, kind, data=None, day=day, i=i):
            events.append((day + datetime.timedelta(days=lag), order, kind, i, data or {}))

        r = rng.random()
        if r < 0.60:  # paid in full
            at(rng.randint(0, MAX_LAG), 1, "pay", {"share": 1.0})
        elif r < 0.70:  # paid in two payments
            first = rng.randint(0, MAX_LAG - 10)
            at(first, 1, "pay", {"share": round(rng.uniform(0.3, 0.7), 2)})
            at(rng.randint(first + 1, MAX_LAG), 2, "pay", {"share": 1.0})
        elif r < 0.78:  # partly paid, the rest still due
            at(rng.randint(0, MAX_LAG), 1, "pay", {"share": round(rng.uniform(0.2, 0.8), 2)})
        elif r < 0.88:  # open
            pass
        elif r < 0.93:  # refunded in full (after a payment, half of the time)
            first = rng.randint(0, MAX_LAG - 10)
            if rng.random() < 0.5:
                at(first, 1, "pay", {"share": 1.0})
            at(rng.randint(first + 1, MAX_LAG), 3, "refund")
        else:  # a partial credit note for the first line, then the rest paid
            first = rng.randint(0, MAX_LAG - 10)
            at(first, 3, "credit_note")
            if rng.random() < 0.8:
                at(rng.randint(first + 1, MAX_LAG), 4, "pay", {"share": 1.0})
    return sorted(events, key=lambda e: (e[0], e[1], e[3]))


def pick_term(terms, x):
    total = sum(w for _t, w in terms)
    acc = 0
    for term, weight in terms:
        acc += weight / total
        if x < acc:
            return term
    return terms[-1][0]


def run_event(env, fx, invoices, event):
    day, _order, kind, i, data = event
    if kind == "invoice":
        partner = fx["partners"][i]
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_payment_term_id": pick_term(fx["terms"], data["term"]).id,
                "ref": f"PO-{i:05d}",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": fx["products"][p].id,
                            "quantity": qty,
                            "price_unit": PRODUCTS[p][1] + extra,
                        }
                    )
                    for p, qty, extra in data["lines"]
                ],
            }
        )
        move.action_post()
        invoices[i] = move.id
        return
    invoice = env["account.move"].browse(invoices[i])
    if kind == "pay":
        due = invoice.amount_residual
        if invoice.currency_id.is_zero(due):
            return
        amount = due if data["share"] >= 1 else invoice.currency_id.round(invoice.amount_total * data["share"])
        invoice.atlas_record_payment(
            amount=min(amount, due), date=str(day), journal_id=fx["bank"].id, payment_method="check"
        )
    elif kind == "refund":
        invoice.atlas_refund(journal_id=fx["bank"].id, payment_method="check", date=str(day))
    elif kind == "credit_note":
        line = invoice.invoice_line_ids[0]
        credit_note = env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "currency_id": invoice.currency_id.id,
                "invoice_date": day,
                "reversed_entry_id": invoice.id,
                "ref": f"Partial credit on {invoice.name}",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "quantity": 1,
                            "price_unit": line.price_unit,
                            "tax_ids": [Command.set(line.tax_ids.ids)],
                        }
                    )
                ],
            }
        )
        credit_note.action_post()
        receivable = (invoice.line_ids | credit_note.line_ids).filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable" and not aml.reconciled
        )
        receivable.reconcile()


def build_template(registry, n):
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        env = api.Environment(cr, admin.id, {"lang": "en_US", "tz": "UTC", "tracking_disable": True})
        assert not env["account.move"].search_count([]), "the database already has journal entries"
        fx = setup(env, n)
        env = benchlib.next_request(env)
        invoices = {}
        events = template_events(n)
        for count, event in enumerate(events, 1):
            run_event(env, fx, invoices, event)
            env = benchlib.next_request(env)
            fx = {key: value.with_env(env) if hasattr(value, "with_env") else value for key, value in fx.items()}
            if count % 200 == 0:
                cr.commit()
                step(f"  template: {count}/{len(events)} events (up to {event[0]})")
        cr.commit()
        step(f"  template: {len(invoices)} invoices, {len(events)} events")
        return fx["partners"].ids


# --------------------------------------------------------------------------------------
# 2. The copies, in SQL, with their final numbers
# --------------------------------------------------------------------------------------

NAME_PATTERN = r"[A-Z][A-Z0-9]*/\d{4}/(?:\d{2}/)?\d+"  # an entry's name (no capturing group)


def superuser_connection(dbname):
    """A connection as PostgreSQL's superuser: copying with foreign-key triggers off
    (session_replication_role = replica) needs it; the references are checked afterwards."""
    _db, info = odoo.sql_db.connection_info_for(dbname)
    info = dict(info, user="postgres")
    info.pop("password", None)
    return psycopg2.connect(**info)


def columns(cr, table):
    cr.execute(
        """SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position""",
        [table],
    )
    return cr.fetchall()


def foreign_keys(cr, tables=None):
    """(table, column, referenced table) of the single-column foreign keys, optionally only
    those pointing at `tables`."""
    cr.execute(
        """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1"""
    )
    return [fk for fk in cr.fetchall() if tables is None or fk[2] in tables]


def book_tables(cr):
    """The core tables plus every table whose rows point at them (relation tables of
    many2many fields, ...), without the chatter, the attachments and the wizards' records
    (transient models, and relation tables pointing at them)."""
    cr.execute("SELECT replace(model, '.', '_') FROM ir_model WHERE transient")
    transient = {row[0] for row in cr.fetchall()}
    fks = foreign_keys(cr)
    tables = list(CORE_TABLES)
    for table, column, target in fks:
        if target not in CORE_TABLES or table in tables or table in SKIPPED_TABLES or table in transient:
            continue
        if any(t == table and other in transient for t, _c, other in fks):
            continue
        cr.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT NULL')  # noqa: S608
        if cr.fetchone()[0]:
            tables.append(table)
    return tables


def id_spans(cr, tables):
    """For each table with an id: (min id, span, rows). Copy k's row of template row t gets id
    t.id + k * span: the copies' ids never meet (gaps in the template's ids are harmless)."""
    spans = {}
    for table in tables:
        if "id" not in dict(columns(cr, table)):
            continue
        cr.execute(f'SELECT min(id), max(id), count(*) FROM "{table}"')  # noqa: S608
        low, high, count = cr.fetchone()
        spans[table] = (low, high - low + 1, count)
    return spans


def named_columns(cr, spans):
    """Text columns of the template that name entries (payment reference, memo, labels...),
    apart from the names themselves, which are set from the new numbers."""
    own = {
        ("account_move", "name"),
        ("account_move", "sequence_prefix"),
        ("account_move_line", "move_name"),
        ("account_payment", "name"),
    }
    found = set()
    for table, (_low, _span, _count) in spans.items():
        for column, data_type in columns(cr, table):
            if (table, column) in own or data_type not in ("character varying", "text"):
                continue
            cr.execute(f'SELECT 1 FROM "{table}" WHERE "{column}" ~ %s LIMIT 1', [NAME_PATTERN])  # noqa: S608
            if cr.fetchone():
                found.add((table, column))
    return found


def copy_plan(n_copies, n_customers):
    """(k, day shift, customer rotation) of each copy; copy 0 is the template itself."""
    plan = [(0, 0, 0)]
    for k in range(1, n_copies):
        window, j = k % WINDOWS, k // WINDOWS
        plan.append((k, window * WINDOW_DAYS, 10 * ((j + 3 * window) % (n_customers // 10))))
    return plan


def plan_numbers(cr, n_copies, n_customers, spans):
    """The final number of every entry of every copy (template included): per journal, series
    (INV/, RINV/, PBNK1/...) and year, in date order; and, per copy, each template name's new
    name, for the texts that name entries."""
    low, span, _count = spans["account_move"]
    cr.execute(
        "CREATE TEMP TABLE bench_plan (k int PRIMARY KEY, shift int, rot int); "
        "INSERT INTO bench_plan SELECT * FROM unnest(%s::int[], %s::int[], %s::int[]); ANALYZE bench_plan",
        [list(x) for x in zip(*copy_plan(n_copies, n_customers), strict=True)],
    )
    # Odoo's formats: yearly INV/2025/00001, monthly EXCH/2025/03/0001.
    cr.execute(
        r"""
        CREATE TEMP TABLE bench_names AS
        SELECT p.k, m.id AS tid, m.name AS old_name, f.width,
               f.base || to_char(m.date + p.shift, CASE WHEN f.monthly THEN 'YYYY/MM/' ELSE 'YYYY/' END) AS prefix,
               row_number() OVER (
                   PARTITION BY m.journal_id, f.base,
                                to_char(m.date + p.shift, CASE WHEN f.monthly THEN 'YYYY/MM/' ELSE 'YYYY/' END)
                   ORDER BY m.date + p.shift, m.id + p.k * %s) AS number
          FROM account_move m
         CROSS JOIN bench_plan p
         CROSS JOIN LATERAL (SELECT r[1] AS base, r[2] IS NOT NULL AS monthly, length(r[3]) AS width
                               FROM regexp_match(m.name, '^(.*?)\d{4}/(\d{2}/)?(\d+)$') r) f
         WHERE m.name != '/';
        ALTER TABLE bench_names ADD COLUMN name varchar;
        UPDATE bench_names SET name = prefix || lpad(number::text, width, '0');
        CREATE UNIQUE INDEX ON bench_names (tid, k);
        CREATE UNIQUE INDEX ON bench_names (old_name, k);
        ANALYZE bench_names;
        """,
        [span],
    )
    cr.execute("SELECT count(*), count(*) FILTER (WHERE length(number::text) > width) FROM bench_names")
    count, too_long = cr.fetchone()
    assert not too_long, f"{too_long} numbers are longer than their series' digits"
    step(f"  {count} entry numbers planned")


def copy_expression(table, column, data_type, fks, spans, partners, named):
    """The SQL expression of `column` in copy k (p.k), from the template row t."""
    col = f't."{column}"'
    target = fks.get((table, column))
    if column == "id":
        return f"{col} + p.k * {spans[table][1]}"
    if (table, column) == ("account_move", "name"):
        return f"COALESCE((SELECT n.name FROM bench_names n WHERE n.tid = t.id AND n.k = p.k), {col})"
    if (table, column) == ("account_move", "sequence_prefix"):
        return f"COALESCE((SELECT n.prefix FROM bench_names n WHERE n.tid = t.id AND n.k = p.k), {col})"
    if (table, column) == ("account_move", "sequence_number"):
        return f"COALESCE((SELECT n.number FROM bench_names n WHERE n.tid = t.id AND n.k = p.k), {col})"
    if (table, column) == ("account_move", "made_sequence_gap"):
        return "FALSE"  # the new numbers have no gaps
    if (table, column) in (("account_move_line", "move_name"), ("account_payment", "name")):
        return f"COALESCE((SELECT n.name FROM bench_names n WHERE n.tid = t.move_id AND n.k = p.k), {col})"
    if (table, column) in named:
        token = f"(regexp_match({col}, '{NAME_PATTERN}'))[1]"
        new = f"(SELECT n.name FROM bench_names n WHERE n.old_name = {token} AND n.k = p.k)"
        return (
            f"CASE WHEN {col} ~ '{NAME_PATTERN}' THEN replace({col}, {token}, COALESCE({new}, {token})) ELSE {col} END"
        )
    if target in spans:
        return f"{col} + p.k * {spans[target][1]}"
    if target == "res_partner":
        low, n = partners[0], len(partners)
        # Rotate customers by a multiple of 10: EUR customers (index % 10 == 0) stay EUR ones.
        return (
            f"CASE WHEN {col} BETWEEN {low} AND {low + n - 1} "
            f"THEN {low} + ({col} - {low} + p.rot) % {n} ELSE {col} END"
        )
    if data_type == "date":
        return f"{col} + p.shift"
    if (table, column) == ("account_move_line", "matching_number"):
        return (
            f"CASE WHEN t.full_reconcile_id IS NOT NULL "
            f"THEN (t.full_reconcile_id + p.k * {spans['account_full_reconcile'][1]})::text "
            f"WHEN {col} LIKE 'P%' THEN 'P' || (substr({col}, 2)::int + p.k * {spans['account_partial_reconcile'][1]}) "
            f"ELSE {col} END"
        )
    return col


def make_copies(cnx, n_copies, partners):
    cr = cnx.cursor()
    tables = book_tables(cr)
    spans = id_spans(cr, tables)
    fks = {(table, column): target for table, column, target in foreign_keys(cr)}
    named = named_columns(cr, spans)
    step("  tables copied: " + ", ".join(f"{t} ({spans[t][2]} rows)" if t in spans else t for t in tables))
    step("  texts naming entries: " + ", ".join(sorted(f"{t}.{c}" for t, c in named)))
    plan_numbers(cr, n_copies, len(partners), spans)
    # The template's own names make way for the copies' new ones (unique per journal).
    cr.execute("UPDATE account_move SET name = 'bench-tmp-' || id WHERE name != '/'")
    cr.execute("SET session_replication_role = replica")  # no foreign-key triggers while copying
    for table in tables:
        cols = columns(cr, table)
        names = ", ".join(f'"{c}"' for c, _t in cols)
        exprs = ", ".join(copy_expression(table, c, t, fks, spans, partners, named) for c, t in cols)
        start = time.perf_counter()
        cr.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {exprs} FROM "{table}" t, bench_plan p WHERE p.k > 0'  # noqa: S608
        )
        step(f"  {table}: {cr.rowcount} rows copied in {time.perf_counter() - start:.1f} s")
    cr.execute("SET session_replication_role = DEFAULT")
    # The template (copy 0) gets its new numbers and texts the same way, in place.
    for table in spans:
        cols = [
            (c, t)
            for c, t in columns(cr, table)
            if (table, c) in named
            or (table, c)
            in {
                ("account_move", "name"),
                ("account_move", "sequence_prefix"),
                ("account_move", "sequence_number"),
                ("account_move", "made_sequence_gap"),
                ("account_move_line", "move_name"),
                ("account_payment", "name"),
            }
        ]
        if not cols:
            continue
        sets = ", ".join(f'"{c}" = {copy_expression(table, c, t, fks, spans, partners, named)}' for c, t in cols)
        cr.execute(
            f'UPDATE "{table}" t SET {sets} FROM (SELECT 0 AS k) p WHERE t.id < %s',  # noqa: S608
            [spans[table][0] + spans[table][1]],
        )
    start = time.perf_counter()
    for table in tables:
        cr.execute(f'ANALYZE "{table}"')
    step(f"  template renumbered, ANALYZE in {time.perf_counter() - start:.1f} s")
    for table, (low, span, _count) in spans.items():
        cr.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cr.fetchone()[0]
        cr.execute("SELECT setval(%s, %s)", [sequence, low + span * n_copies - 1])
    return tables, spans


# --------------------------------------------------------------------------------------
# 3. Checks
# --------------------------------------------------------------------------------------


def check(cr, label, sql, params=None, expected=0):
    cr.execute(sql, params)
    value = cr.fetchone()[0]
    ok = value == expected
    step(f"  {'ok ' if ok else 'BAD'} {label}: {value}" + ("" if ok else f" (expected {expected})"))
    return ok


def validate(cnx, tables, n_invoices):
    cr = cnx.cursor()
    results = [
        check(
            cr,
            "unbalanced entries",
            """SELECT count(*) FROM (SELECT move_id FROM account_move_line GROUP BY move_id
                HAVING round(sum(debit) - sum(credit), 2) != 0 OR round(sum(balance), 2) != 0) x""",
        ),
        check(
            cr,
            "posted customer invoices",
            "SELECT count(*) FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted'",
            expected=n_invoices,
        ),
        check(
            cr,
            "entries whose lines' date, journal, state or partner differ from the entry's",
            """SELECT count(*) FROM account_move_line l JOIN account_move m ON m.id = l.move_id
                WHERE l.date != m.date OR l.journal_id != m.journal_id OR l.parent_state != m.state
                   OR (m.move_type != 'entry' AND l.partner_id IS DISTINCT FROM m.commercial_partner_id)""",
        ),
        check(
            cr,
            "reconcilable lines whose residual is not balance - partials",
            """SELECT count(*) FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                WHERE a.reconcile AND round(l.balance
                      - COALESCE((SELECT sum(amount) FROM account_partial_reconcile WHERE debit_move_id = l.id), 0)
                      + COALESCE((SELECT sum(amount) FROM account_partial_reconcile WHERE credit_move_id = l.id), 0)
                      - l.amount_residual, 2) != 0""",
        ),
        check(
            cr,
            "lines whose reconciled flag disagrees with their residual",
            """SELECT count(*) FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                WHERE a.reconcile AND l.reconciled != (round(l.amount_residual, 2) = 0
                      AND round(l.amount_residual_currency, 2) = 0)""",
        ),
        check(
            cr,
            "fully reconciled sets whose lines don't sum to zero",
            """SELECT count(*) FROM (SELECT full_reconcile_id FROM account_move_line
                WHERE full_reconcile_id IS NOT NULL GROUP BY full_reconcile_id HAVING round(sum(balance), 2) != 0) x""",
        ),
        check(
            cr,
            "invoices whose residual or payment state disagrees with their receivable lines",
            """SELECT count(*) FROM account_move m
                 JOIN (SELECT l.move_id, sum(l.amount_residual_currency) AS residual
                         FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                        WHERE a.account_type = 'asset_receivable' GROUP BY l.move_id) r ON r.move_id = m.id
                WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
                  AND (round(abs(r.residual) - m.amount_residual, 2) != 0
                       OR (m.payment_state IN ('paid', 'in_payment', 'reversed')) != (round(r.residual, 2) = 0))""",
        ),
        check(
            cr,
            "receivable balance - open receivable residuals (cents)",
            """SELECT round(100 * ((SELECT sum(l.balance) FROM account_move_line l
                         JOIN account_account a ON a.id = l.account_id
                        WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted')
                     - (SELECT sum(l.amount_residual) FROM account_move_line l
                         JOIN account_account a ON a.id = l.account_id
                        WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
                          AND NOT l.reconciled)))::int""",
        ),
        check(
            cr,
            "payments not reconciled with the invoice their memo names, or for another customer",
            """SELECT count(*) FROM account_payment p
                 JOIN account_move i ON i.name = p.memo AND i.move_type = 'out_invoice'
                WHERE i.partner_id != p.partner_id OR NOT EXISTS (
                      SELECT 1 FROM account_move_line pl
                        JOIN account_partial_reconcile r ON r.credit_move_id = pl.id
                        JOIN account_move_line il ON il.id = r.debit_move_id
                       WHERE pl.move_id = p.move_id AND il.move_id = i.id)""",
        ),
        check(
            cr,
            "entries whose name is not their series' prefix (with their date's year) and number",
            """SELECT count(*) FROM account_move WHERE name != '/' AND (
                   name != sequence_prefix || lpad(sequence_number::text, length(name) - length(sequence_prefix), '0')
                   OR position(to_char(date, 'YYYY') || '/' IN sequence_prefix) = 0)""",
        ),
        check(
            cr,
            "duplicate entry names in a journal",
            """SELECT count(*) FROM (SELECT 1 FROM account_move WHERE state = 'posted' AND name != '/'
                GROUP BY journal_id, name HAVING count(*) > 1) x""",
        ),
    ]
    for table, column, target in foreign_keys(cr):
        if table not in tables:
            continue
        cr.execute(
            f'SELECT count(*) FROM "{table}" x WHERE x."{column}" IS NOT NULL '  # noqa: S608
            f'AND NOT EXISTS (SELECT 1 FROM {target} y WHERE y.id = x."{column}")'
        )
        dangling = cr.fetchone()[0]
        if dangling:
            step(f"  BAD {table}.{column}: {dangling} references to missing {target} rows")
            results.append(False)
    if all(results):
        step(f"  ok  every foreign key of {', '.join(tables)} resolves")
    cr.execute(
        """SELECT count(*) FILTER (WHERE move_type = 'out_invoice'), count(*) FILTER (WHERE move_type = 'out_refund'),
                  count(*) FILTER (WHERE move_type = 'entry'), min(date), max(date)
             FROM account_move WHERE state = 'posted'"""
    )
    invoices, refunds, entries, first, last = cr.fetchone()
    cr.execute("SELECT count(*) FROM account_move_line")
    lines = cr.fetchone()[0]
    cr.execute("SELECT payment_state, count(*) FROM account_move WHERE move_type = 'out_invoice' GROUP BY 1 ORDER BY 1")
    states = ", ".join(f"{state} {count}" for state, count in cr.fetchall())
    step(
        f"  book: {invoices} invoices ({states}), {refunds} credit notes, {entries} payment entries, "
        f"{lines} journal items, {first} .. {last}"
    )
    return all(results)


def main():
    args = parse_args()
    benchlib.start_odoo(args.config, args.log_level, args.logfile)
    started = time.perf_counter()
    n_copies = args.invoices // args.customers
    step(f"[1/3] template through the ORM: {args.customers} customers and invoices in {args.database}")
    registry = Registry(args.database)
    partners = build_template(registry, args.customers)
    step(f"[2/3] {n_copies - 1} copies in SQL ({time.perf_counter() - started:.0f} s so far)")
    cnx = superuser_connection(args.database)
    try:
        tables, spans = make_copies(cnx, n_copies, partners)
        step("[3/3] checks")
        ok = validate(cnx, tables, args.invoices)
        if not ok:
            cnx.rollback()
            step("the book failed its checks: nothing committed")
            return 1
        cnx.commit()
        cnx.autocommit = True
        cnx.cursor().execute("VACUUM ANALYZE")
    finally:
        cnx.close()
    step(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
