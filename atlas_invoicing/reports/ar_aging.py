"""AR Aging as of a date: what each customer still owed on that date, by days past due.

The open amount of a receivable item on date D is its balance minus the partial
reconciliations (payments, credit notes, exchange differences) dated on or before D; the
partial's ``max_date`` is the later date of its two items. Odoo keeps the residual of every
item up to date (``amount_residual`` = balance − all its partials), so

    open(D) = balance − Σ partials with max_date ≤ D
            = amount_residual + Σ partials with max_date > D

and only two kinds of items can be open on D: those not reconciled today, and those with a
partial dated after D. Both are found through indexes (Odoo's partial index on unreconciled
posted items, and the partials' ``max_date``, indexed by this addon), so the report never
reads the fully settled history of a large book.

Tie-out: a partial always matches two items of the same receivable account, and both are
dated on or before its ``max_date``. When the partial is counted (max_date ≤ D) it lowers
one item and raises the other by the same amount; otherwise neither. So the open amounts of
all items dated ≤ D add up exactly to the receivable accounts' balance on D. That includes
exchange-difference entries: their receivable item is matched to the invoice by a partial of
its own, dated with the exchange entry, and counted on the same rule.

Large books: the screen asks for the customers only (``details`` False, the default). Their
sums come from one GROUP BY over the open items, so no item row leaves PostgreSQL; each
customer line is followed by a ``more`` line and ``get_more_lines`` reads that customer's
items page by page (Odoo's unreconciled index is on (account_id, partner_id)). The XLSX and
the PDF read the whole report from ``_iter_report_lines``, one statement streamed through a
server-side cursor.

With ``details`` (every item in one answer: XML-RPC clients) the same statement is read at
once, and tens of thousands of lines are built in Python: PostgreSQL does every sum, the
bucketing, the rounding to the company currency and the sort, and sends floats and text,
so each line is only assembled from a row (see ``_lines_of_rows``).
"""

import gc
import itertools
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

BUCKETS = ("current", "b_1_30", "b_31_60", "b_61_90", "b_90_plus")
# The columns of every row the report reads (customer, total and item rows alike), in order:
# rows are read as tuples, a report of many items builds its lines in one tight loop.
ROW_COLUMNS = (
    # customer and total rows; an item row has its amount in total
    "kind",
    "partner_id",
    "partner_name",
    "total",
    *BUCKETS,
    "item_count",
    "item_ids",
    # item rows
    "id",
    "move_id",
    "move_name",
    "date",
    "date_maturity",
    "days_overdue",
    "bucket",
    "foreign_currency",
    "foreign_amount",
)
# The item columns of ROW_COLUMNS, from an open item (bucketed b) and its currency (cur).
ITEM_COLUMNS = SQL(
    """b.id, b.move_id, b.move_name, b.date::text, b.date_maturity::text, b.days_overdue, b.bucket,
       CASE WHEN b.currency_id != b.company_currency_id THEN cur.name END,
       CASE WHEN b.currency_id != b.company_currency_id THEN ROUND(b.open_currency, cur.decimal_places)::float8 END"""
)
# Rows fetched at a time when the whole report is streamed (XLSX, PDF).
STREAM_CHUNK = 2000
# Names of the server-side cursors of the stream (unique within the process).
_cursor_numbers = itertools.count(1)


@contextmanager
def _without_cyclic_gc():
    """Build many lines that all live on (nothing to collect) without Python's cycle
    collector: their allocations would otherwise set off collections that go through every
    object of the process, each one or more times."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class AtlasReportArAging(models.AbstractModel):
    _name = "atlas.report.ar.aging"
    _inherit = "atlas.report"
    _description = "Atlas Report: AR Aging"

    _report_key = "ar_aging"
    # details: False (default) sends each customer's items page by page (get_more_lines).
    _report_options = ("as_of_date", "partner_ids", "details", "line_limit")

    def _report_title(self):
        return self.env._("AR Aging")

    def _report_subtitle(self, options):
        return self.env._("As of %s", self._format_date(options["as_of_date"]))

    def _report_columns(self, options):
        return [
            {"key": "partner", "label": self.env._("Customer"), "type": "char"},
            {"key": "current", "label": self.env._("Current"), "type": "monetary"},
            {"key": "b_1_30", "label": self.env._("1–30"), "type": "monetary"},
            {"key": "b_31_60", "label": self.env._("31–60"), "type": "monetary"},
            {"key": "b_61_90", "label": self.env._("61–90"), "type": "monetary"},
            {"key": "b_90_plus", "label": self.env._("90+"), "type": "monetary"},
            {"key": "total", "label": self.env._("Total"), "type": "monetary"},
        ]

    # -------------------------------------------------------------------------
    # Figures
    # -------------------------------------------------------------------------

    def _drilldown_view(self, options):
        # A customer's items as they stood on the date: their open amounts add up to its line.
        return {
            "view_id": self.env.ref("atlas_invoicing.atlas_ar_aging_item_view_list").id,
            "context": {"atlas_as_of": fields.Date.to_string(fields.Date.to_date(options["as_of_date"]))},
        }

    def _receivable_account_ids(self, options):
        return self._report_accounts(options, [("account_type", "=", "asset_receivable")]).ids

    def _scope(self, options, account_ids, partner_id=None):
        """WHERE conditions on account_move_line (alias aml): the receivable items of the
        company and its branches posted on or before the as-of date, of the selected customers (or of one)."""
        if partner_id == 0:
            partner_filter = SQL("AND aml.partner_id IS NULL")  # the "No customer" line
        elif partner_id is not None:
            partner_filter = SQL("AND aml.partner_id = %s", partner_id)  # one customer's page
        elif options["partner_ids"]:
            partner_filter = SQL("AND aml.partner_id = ANY(%s)", options["partner_ids"])
        else:
            partner_filter = SQL()
        return SQL(
            """aml.account_id = ANY(%(accounts)s)
               AND %(posted)s
               AND aml.date <= %(as_of)s
               %(partner_filter)s""",
            accounts=account_ids,
            posted=self._posted_items(options),
            as_of=options["as_of_date"],
            partner_filter=partner_filter,
        )

    def _open_items_cte(self, options, account_ids, partner_id=None):
        """``WITH ... bucketed``: the items open on the as-of date with their bucket.

        Shared by the customers' sums, the pages of one customer and the whole stream, so
        every path counts the same items with the same amounts.
        """
        scope = self._scope(options, account_ids, partner_id)
        return SQL(
            """
            WITH late AS (
                -- partials matched after the as-of date: not applied yet on that date
                SELECT part.debit_move_id AS line_id,
                       part.amount AS amount,
                       part.debit_amount_currency AS amount_currency
                  FROM account_partial_reconcile part
                 WHERE part.max_date > %(as_of)s
                UNION ALL
                SELECT part.credit_move_id,
                       -part.amount,
                       -part.credit_amount_currency
                  FROM account_partial_reconcile part
                 WHERE part.max_date > %(as_of)s
            ),
            late_sum AS MATERIALIZED (
                SELECT line_id, SUM(amount) AS amount, SUM(amount_currency) AS amount_currency
                  FROM late
                 GROUP BY line_id
            ),
            -- open_items and bucketed are not MATERIALIZED: for the customers' sums PostgreSQL
            -- then feeds the scan straight into the GROUP BY (no copy of every open item
            -- spilled to disk), and it still materialises bucketed on its own where the
            -- stream reads it twice (sums and items).
            open_items AS (
                SELECT aml.id, aml.partner_id, aml.move_id, aml.move_name, aml.date,
                       COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       aml.currency_id, aml.company_currency_id,
                       ROUND(aml.amount_residual + COALESCE(ls.amount, 0), %(digits)s) AS open_amount,
                       aml.amount_residual_currency + COALESCE(ls.amount_currency, 0) AS open_currency
                  FROM account_move_line aml
                  LEFT JOIN late_sum ls ON ls.line_id = aml.id
                 -- not reconciled today: spelled like Odoo's partial index
                 -- account_move_line__unreconciled_index (account_id, partner_id), which finds them
                 WHERE (aml.reconciled IS NULL OR aml.reconciled = false OR aml.reconciled IS NOT true)
                   AND %(scope)s
                UNION ALL
                SELECT aml.id, aml.partner_id, aml.move_id, aml.move_name, aml.date,
                       COALESCE(aml.date_maturity, aml.date),
                       aml.currency_id, aml.company_currency_id,
                       ROUND(aml.amount_residual + ls.amount, %(digits)s),
                       aml.amount_residual_currency + ls.amount_currency
                  FROM late_sum ls
                  JOIN account_move_line aml ON aml.id = ls.line_id
                 -- reconciled today, but not yet on the as-of date
                 WHERE aml.reconciled AND %(scope)s
            ),
            bucketed AS (
                SELECT open_items.*,
                       %(as_of)s - date_maturity AS days_overdue,
                       CASE WHEN %(as_of)s - date_maturity <= 0 THEN 'current'
                            WHEN %(as_of)s - date_maturity <= 30 THEN 'b_1_30'
                            WHEN %(as_of)s - date_maturity <= 60 THEN 'b_31_60'
                            WHEN %(as_of)s - date_maturity <= 90 THEN 'b_61_90'
                            ELSE 'b_90_plus' END AS bucket
                  FROM open_items
                 WHERE open_amount != 0
            )
            """,
            as_of=options["as_of_date"],
            digits=self._currency(options).decimal_places,
            scope=scope,
        )

    def _customers_query(self, options, account_ids, with_items=False):
        """One row per customer with its sums by bucket and its item count, then the total,
        in the columns of ``ROW_COLUMNS``.

        The sums are one GROUP BY ROLLUP over the open items (bucket sums by FILTER), so
        PostgreSQL adds every figure and no item row leaves the database. With
        ``with_items``, each customer's row is followed by its items in screen order (due
        date, date, id): the whole report in one statement, for the stream.
        """
        customers = SQL(
            """
            SELECT CASE WHEN GROUPING(partner_id) = 1 THEN 'total' ELSE 'partner' END AS kind,
                   GROUPING(partner_id) AS is_total, partner_id,
                   COALESCE(SUM(open_amount), 0) AS total,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'current'), 0) AS current,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_1_30'), 0) AS b_1_30,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_31_60'), 0) AS b_31_60,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_61_90'), 0) AS b_61_90,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_90_plus'), 0) AS b_90_plus,
                   COUNT(*) AS item_count,
                   -- the partner line's drilldown: its open items
                   CASE WHEN GROUPING(partner_id) = 0 THEN array_agg(id) END AS item_ids
              FROM bucketed
             GROUP BY ROLLUP (partner_id)
            """
        )
        # The amounts leave PostgreSQL as floats (float8 is read in C, numeric through a
        # Python function per value), already rounded to the company currency's decimals.
        named = SQL(
            """
            SELECT c.kind, c.is_total, c.partner_id, COALESCE(partner.name, '') AS partner_name,
                   c.total::float8, c.current::float8, c.b_1_30::float8, c.b_31_60::float8,
                   c.b_61_90::float8, c.b_90_plus::float8, c.item_count, c.item_ids
              FROM (%s) c
              LEFT JOIN res_partner partner ON partner.id = c.partner_id
            """,
            customers,
        )
        cte = self._open_items_cte(options, account_ids)
        if not with_items:
            return SQL(
                """
                %(cte)s
                SELECT kind, partner_id, partner_name, total, current, b_1_30, b_31_60, b_61_90, b_90_plus,
                       item_count, item_ids, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
                  FROM (%(named)s) named
                 ORDER BY is_total, partner_name, partner_id
                """,
                cte=cte,
                named=named,
            )
        # Each customer's row is numbered in screen order (by name: 500 names sorted, not one
        # name per item); its items sort on that number, then on their due date (never NULL),
        # date and id, after the customer's own row (no due date: NULLS FIRST).
        return SQL(
            """
            %(cte)s,
            named AS (
                SELECT named.*,
                       COALESCE(named.partner_id, 0) AS partner_key,
                       ROW_NUMBER() OVER (ORDER BY is_total, partner_name, partner_id) AS position
                  FROM (%(named)s) named
            )
            SELECT kind, partner_id, partner_name, total, current, b_1_30, b_31_60, b_61_90, b_90_plus,
                   item_count, item_ids, id, move_id, move_name, date, date_maturity, days_overdue, bucket,
                   foreign_currency, foreign_amount
              FROM (
                SELECT position, NULL::date AS sort_due, NULL::date AS sort_date,
                       kind, partner_id, partner_name, total, current, b_1_30, b_31_60, b_61_90, b_90_plus,
                       item_count, item_ids, NULL::int AS id, NULL::int AS move_id, NULL::varchar AS move_name,
                       NULL::text AS date, NULL::text AS date_maturity, NULL::int AS days_overdue,
                       NULL::text AS bucket, NULL::varchar AS foreign_currency, NULL::float8 AS foreign_amount
                  FROM named
                UNION ALL
                SELECT named.position, b.date_maturity, b.date,
                       'item', b.partner_id, NULL, b.open_amount::float8, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                       %(item_columns)s
                  FROM bucketed b
                  JOIN named ON named.is_total = 0 AND named.partner_key = COALESCE(b.partner_id, 0)
                  JOIN res_currency cur ON cur.id = b.currency_id
              ) report
             ORDER BY position, sort_due NULLS FIRST, sort_date, id
            """,
            cte=cte,
            named=named,
            item_columns=ITEM_COLUMNS,
        )

    def _items_page_query(self, options, account_ids, partner_id, offset, limit):
        """A page of one customer's open items in screen order (``ROW_COLUMNS``, with how
        many items the customer has in ``item_count``)."""
        return SQL(
            """
            %(cte)s
            SELECT 'item', b.partner_id, NULL, b.open_amount::float8, NULL, NULL, NULL, NULL, NULL,
                   COUNT(*) OVER (), NULL, %(item_columns)s
              FROM bucketed b
              JOIN res_currency cur ON cur.id = b.currency_id
             ORDER BY b.date_maturity, b.date, b.id
             OFFSET %(offset)s LIMIT %(limit)s
            """,
            cte=self._open_items_cte(options, account_ids, partner_id),
            item_columns=ITEM_COLUMNS,
            offset=offset,
            limit=limit,
        )

    # -------------------------------------------------------------------------
    # Public API: the screen's pages of one customer
    # -------------------------------------------------------------------------

    @api.model
    def get_more_lines(self, options, parent_key, offset):
        """The next ``line_limit`` open items of one customer ("partner-<id>"), from ``offset``,
        in screen order; ends with a ``more`` line when the customer has items left."""
        options = self._paging_options(options, offset)
        partner_id = self._partner_of_key(options, parent_key)
        self._flush_accounting()
        account_ids = self._receivable_account_ids(options)
        if not account_ids:
            return []
        with self._sql_settings():
            self.env.cr.execute(self._items_page_query(options, account_ids, partner_id, offset, options["line_limit"]))
            rows = self.env.cr.fetchall()
        partner_key = f"partner-{partner_id}"
        lines = list(self._lines_of_rows(options, rows, account_ids, lazy=False, partner_key=partner_key))
        item_count = rows[0][ROW_COLUMNS.index("item_count")] if rows else 0
        if rows and offset + len(rows) < item_count:
            lines.append(self._more_items_line(partner_key, offset + len(rows), item_count))
        return lines

    def _partner_of_key(self, options, key):
        """The customer id of a partner line key (0: items without a customer)."""
        partner_id = None
        if isinstance(key, str) and key.startswith("partner-") and key[8:].isdigit():
            partner_id = int(key[8:])
        exists = partner_id == 0 or (
            partner_id and self.env["res.partner"].sudo().with_context(active_test=False).browse(partner_id).exists()
        )
        selected = not options["partner_ids"] or partner_id in options["partner_ids"]
        if partner_id is None or not exists or not selected:
            raise UserError(
                self.env._(
                    "“%s” is not a customer line of this AR Aging: use the key of a customer line "
                    "(partner-<id>) of the report with the same options.",
                    key,
                )
            )
        return partner_id

    # -------------------------------------------------------------------------
    # Python API: envelope without lines, the whole report streamed
    # -------------------------------------------------------------------------

    @api.model
    def _get_report_envelope(self, options):
        options = self._normalize_options(options)
        # The customers' sums are enough for the totals and the tie-out.
        body = self._compute_report(dict(options, details=False))
        body.pop("lines")
        return dict(self._envelope_header(options), **body)

    @api.model
    def _iter_report_lines(self, options):
        """Every customer line with all its items, then the total, whatever ``details`` says:
        one statement read through a server-side cursor, ``STREAM_CHUNK`` rows at a time."""
        options = self._normalize_options(options)
        self._flush_accounting()
        account_ids = self._receivable_account_ids(options)
        if not account_ids:
            yield self._total_line(options)
            return
        rows = self._stream(self._customers_query(options, account_ids, with_items=True))
        yield from self._lines_of_rows(options, rows, account_ids, lazy=False)

    def _stream(self, query):
        """Rows of ``query`` fetched by chunks from a cursor declared in the transaction, so
        other queries may run between two chunks (the consumer formats dates, reads
        currencies...) and memory stays bounded."""
        cr = self.env.cr
        name = SQL.identifier(f"atlas_ar_aging_{next(_cursor_numbers)}")
        with self._sql_settings():
            cr.execute(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", name, query))
            try:
                while True:
                    cr.execute(SQL("FETCH %s FROM %s", STREAM_CHUNK, name))
                    rows = cr.fetchall()
                    yield from rows
                    if len(rows) < STREAM_CHUNK:
                        break
            finally:
                cr.execute(SQL("CLOSE %s", name))

    @contextmanager
    def _sql_settings(self):
        """Settings of the report's statements, for this transaction only, restored after:

        - the items are sorted for the screen in one pass: give that sort memory instead of
          letting it spill to disk on large books;
        - no JIT compilation. PostgreSQL cannot know that receivable items are mostly
          reconciled while other items never are, so it expects the unreconciled receivable
          items of a large book to be ten times as many as they are; the estimated cost then
          passes ``jit_above_cost`` and compiling the statement takes longer than running it.
        """
        cr = self.env.cr
        cr.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        work_mem, jit = cr.fetchone()
        cr.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        try:
            yield
        finally:
            cr.execute(SQL("SELECT set_config('work_mem', %s, true), set_config('jit', %s, true)", work_mem, jit))

    # -------------------------------------------------------------------------
    # Lines
    # -------------------------------------------------------------------------

    def _amount_rounder(self, options):
        """None when the amounts from SQL are already rounded as the company currency rounds
        (its rounding is a power of ten: ``ROUND(x, decimal_places)`` gives the float
        ``currency.round`` gives); else the currency's rounding (0.05...), for every amount."""
        currency = self._currency(options)
        if currency.rounding == 10**-currency.decimal_places:
            return None
        return self._rounder(options)

    def _more_items_line(self, partner_key, offset, count):
        remaining = count - offset
        if offset:
            label = self.env._("Show 1 more item") if remaining == 1 else self.env._("Show %s more items", remaining)
        else:
            label = self.env._("Show 1 item") if remaining == 1 else self.env._("Show %s items", remaining)
        return self._more_line(partner_key, offset, remaining, label)

    def _total_line(self, options, values=None, account_ids=()):
        values = values or dict.fromkeys((*BUCKETS, "total"), 0.0)
        domain = self._drilldown_domain(options, ("account_id", "in", list(account_ids)))
        return self._line("total", self.env._("Total"), values, kind="total", drilldown=domain)

    def _lines_of_rows(self, options, rows, account_ids, lazy, partner_key=None):
        """Lines in screen order from rows (tuples of ``ROW_COLUMNS``): a customer line,
        then its items (or, when ``lazy``, one ``more`` line to load them), ..., the total.
        ``partner_key``: the customer line of items read without it (a page).

        Every line has the shape of ``_line``, written out here: a report with every item
        makes tens of thousands of them.
        """
        rnd = self._amount_rounder(options)
        for (
            kind,
            partner_id,
            partner_name,
            total,
            current,
            b_1_30,
            b_31_60,
            b_61_90,
            b_90_plus,
            item_count,
            item_ids,
            item_id,
            move_id,
            move_name,
            date,
            date_maturity,
            days_overdue,
            bucket,
            foreign_currency,
            foreign_amount,
        ) in rows:
            if kind == "item":
                if rnd:
                    total = rnd(total)
                foreign = {"currency": foreign_currency, "amount": foreign_amount} if foreign_currency else False
                values = {
                    "current": 0.0,
                    "b_1_30": 0.0,
                    "b_31_60": 0.0,
                    "b_61_90": 0.0,
                    "b_90_plus": 0.0,
                    "total": total,
                    "date": date,
                    "date_maturity": date_maturity,
                    "days_overdue": days_overdue,
                    "foreign": foreign,
                }
                values[bucket] = total
                yield {
                    "key": f"item-{item_id}",
                    "parent": partner_key,
                    "level": 1,
                    "kind": "detail",
                    "label": move_name,
                    "values": values,
                    "drilldown": [("id", "=", item_id)],
                    "move_id": move_id,
                    "foreign": foreign,
                }
                continue
            values = {
                "current": current,
                "b_1_30": b_1_30,
                "b_31_60": b_31_60,
                "b_61_90": b_61_90,
                "b_90_plus": b_90_plus,
                "total": total,
            }
            if rnd:
                values = {key: rnd(amount) for key, amount in values.items()}
            if kind == "partner":
                partner_key = f"partner-{partner_id or 0}"
                yield self._line(
                    partner_key,
                    partner_name or self.env._("No customer"),
                    values,
                    # sorted here: array_agg(... ORDER BY) would stop PostgreSQL hashing the groups
                    drilldown=[("id", "in", sorted(item_ids))],
                )
                if lazy:
                    yield self._more_items_line(partner_key, 0, item_count)
            else:
                yield self._total_line(options, values, account_ids)

    @api.model
    def _compute_report(self, options):
        self._flush_accounting()
        account_ids = self._receivable_account_ids(options)
        lazy = not options["details"]
        if account_ids:
            with _without_cyclic_gc():
                with self._sql_settings():
                    self.env.cr.execute(self._customers_query(options, account_ids, with_items=not lazy))
                    rows = self.env.cr.fetchall()
                lines = list(self._lines_of_rows(options, rows, account_ids, lazy))
                del rows  # freed now, the collector will not go through them once back
        else:
            lines = [self._total_line(options)]
        receivable_balance = self._accounts_balance(options, account_ids, options["as_of_date"]) if account_ids else 0.0
        totals = {key: lines[-1]["values"][key] for key in (*BUCKETS, "total")}
        label = self.env._("Receivable accounts' balance on %s", self._format_date(options["as_of_date"]))
        if options["partner_ids"]:
            label = self.env._("%s (selected customers)", label)
        totals["receivable_balance"] = self._round(options, receivable_balance)
        return {
            "lines": lines,
            "checks": [self._check(options, label, receivable_balance, totals["total"])],
            "totals": totals,
        }
