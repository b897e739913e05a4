"""AR Aging as of a date: what each customer still owed on that date, by days past due.

The open amount of a receivable item on date D is its balance minus the partial
reconciliations (payments, credit notes, exchange differences) dated on or before D; the
partial's ``max_date`` is the later date of its two items. Odoo keeps the residual of every
item up to date (``amount_residual`` = balance − all its partials), so

    open(D) = balance − Σ partials with max_date ≤ D
            = amount_residual + Σ partials with max_date > D

and only two kinds of items can be open on D: those not reconciled today, and those with a
partial dated after D. Both are found through indexes (Odoo's partial index on unreconciled
posted items, and the partials' ``max_date``), so the report never reads the fully settled
history of a large book.

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
"""

import itertools
from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

BUCKETS = ("current", "b_1_30", "b_31_60", "b_61_90", "b_90_plus")
# Rows fetched at a time when the whole report is streamed (XLSX, PDF).
STREAM_CHUNK = 2000
# Names of the server-side cursors of the stream (unique within the process).
_cursor_numbers = itertools.count(1)


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
        """One row per customer with its sums by bucket and its item count, then the total.

        The sums are one GROUP BY ROLLUP over the open items (bucket sums by FILTER), so
        PostgreSQL adds every figure and no item row leaves the database. With
        ``with_items``, each customer's row is followed by its items in screen order (due
        date, date, id): the whole report in one statement, for the stream.
        """
        customers = SQL(
            """
            SELECT CASE WHEN GROUPING(partner_id) = 1 THEN 'total' ELSE 'partner' END AS kind,
                   GROUPING(partner_id) AS is_total, partner_id,
                   SUM(open_amount) AS total,
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
        named = SQL(
            """
            SELECT c.*, COALESCE(partner.name, '') AS partner_name
              FROM (%s) c
              LEFT JOIN res_partner partner ON partner.id = c.partner_id
            """,
            customers,
        )
        cte = self._open_items_cte(options, account_ids)
        if not with_items:
            return SQL("%s %s ORDER BY is_total, partner_name, partner_id", cte, named)
        # Customer rows (rank 0) and item rows (rank 1) share the sort on the customer.
        return SQL(
            """
            %(cte)s
            SELECT kind, is_total, partner_id, partner_name, 0 AS rank, NULL::date AS sort_due,
                   NULL::date AS sort_date, NULL::int AS id, NULL::int AS move_id, NULL::varchar AS move_name,
                   NULL::text AS date, NULL::text AS date_maturity, NULL::int AS days_overdue,
                   NULL::text AS bucket, total, NULL::varchar AS foreign_currency,
                   NULL::numeric AS foreign_amount, current, b_1_30, b_31_60, b_61_90, b_90_plus,
                   item_count, item_ids
              FROM (%(named)s) named
            UNION ALL
            SELECT 'item', 0, b.partner_id, COALESCE(partner.name, ''), 1, b.date_maturity, b.date,
                   b.id, b.move_id, b.move_name, b.date::text, b.date_maturity::text, b.days_overdue,
                   b.bucket, b.open_amount,
                   CASE WHEN b.currency_id != b.company_currency_id THEN cur.name END,
                   ROUND(b.open_currency, cur.decimal_places),
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL
              FROM bucketed b
              JOIN res_currency cur ON cur.id = b.currency_id
              LEFT JOIN res_partner partner ON partner.id = b.partner_id
             ORDER BY is_total, partner_name, partner_id, rank, sort_due, sort_date, id
            """,
            cte=cte,
            named=named,
        )

    def _items_page_query(self, options, account_ids, partner_id, offset, limit):
        """A page of one customer's open items in screen order, with how many it has."""
        return SQL(
            """
            %(cte)s
            SELECT 'item' AS kind, b.id, b.partner_id, b.move_id, b.move_name, b.date::text AS date,
                   b.date_maturity::text AS date_maturity, b.days_overdue, b.bucket, b.open_amount AS total,
                   CASE WHEN b.currency_id != b.company_currency_id THEN cur.name END AS foreign_currency,
                   ROUND(b.open_currency, cur.decimal_places) AS foreign_amount,
                   COUNT(*) OVER () AS item_count
              FROM bucketed b
              JOIN res_currency cur ON cur.id = b.currency_id
             ORDER BY b.date_maturity, b.date, b.id
             OFFSET %(offset)s LIMIT %(limit)s
            """,
            cte=self._open_items_cte(options, account_ids, partner_id),
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
        rows = self._query(self._items_page_query(options, account_ids, partner_id, offset, options["line_limit"]))
        rnd = self._rounder(options)
        partner_key = f"partner-{partner_id}"
        lines = [self._detail_line(row, partner_key, rnd) for row in rows]
        if rows and offset + len(rows) < rows[0]["item_count"]:
            lines.append(self._more_items_line(partner_key, offset + len(rows), rows[0]["item_count"]))
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
            yield self._total_line(options, None)
            return
        rows = self._stream(self._customers_query(options, account_ids, with_items=True))
        yield from self._lines_of_rows(options, rows, account_ids, lazy=False)

    def _stream(self, query):
        """Rows of ``query`` fetched by chunks from a cursor declared in the transaction, so
        other queries may run between two chunks (the consumer formats dates, reads
        currencies...) and memory stays bounded."""
        cr = self.env.cr
        name = SQL.identifier(f"atlas_ar_aging_{next(_cursor_numbers)}")
        with self._big_sort():
            cr.execute(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", name, query))
            try:
                while True:
                    cr.execute(SQL("FETCH %s FROM %s", STREAM_CHUNK, name))
                    rows = cr.dictfetchall()
                    yield from rows
                    if len(rows) < STREAM_CHUNK:
                        break
            finally:
                cr.execute(SQL("CLOSE %s", name))

    @contextmanager
    def _big_sort(self):
        """The items are sorted for the screen in one pass: give that sort memory instead of
        letting it spill to disk on large books, for this transaction's statements only."""
        cr = self.env.cr
        cr.execute("SELECT current_setting('work_mem')")
        work_mem = cr.fetchone()[0]
        cr.execute("SET LOCAL work_mem = '64MB'")
        try:
            yield
        finally:
            cr.execute(SQL("SELECT set_config('work_mem', %s, true)", work_mem))

    # -------------------------------------------------------------------------
    # Lines
    # -------------------------------------------------------------------------

    def _bucket_values(self, row, rnd):
        return {key: rnd(row[key]) for key in (*BUCKETS, "total")}

    def _detail_line(self, row, partner_key, rnd):
        amount = rnd(row["total"])
        foreign = (
            {"currency": row["foreign_currency"], "amount": float(row["foreign_amount"])}
            if row["foreign_currency"]
            else False
        )
        values = dict.fromkeys((*BUCKETS, "total"), 0.0)
        values[row["bucket"]] = amount
        values.update(
            total=amount,
            date=row["date"],
            date_maturity=row["date_maturity"],
            days_overdue=row["days_overdue"],
            foreign=foreign,
        )
        return self._line(
            f"item-{row['id']}",
            row["move_name"],
            values,
            kind="detail",
            parent=partner_key,
            level=1,
            drilldown=[("id", "=", row["id"])],
            move_id=row["move_id"],
            foreign=foreign,
        )

    def _more_items_line(self, partner_key, offset, count):
        remaining = count - offset
        if offset:
            label = self.env._("Show 1 more item") if remaining == 1 else self.env._("Show %s more items", remaining)
        else:
            label = self.env._("Show 1 item") if remaining == 1 else self.env._("Show %s items", remaining)
        return self._more_line(partner_key, offset, remaining, label)

    def _total_line(self, options, row, account_ids=()):
        rnd = self._rounder(options)
        values = self._bucket_values(row, rnd) if row else dict.fromkeys((*BUCKETS, "total"), 0.0)
        domain = self._drilldown_domain(options, ("account_id", "in", list(account_ids)))
        return self._line("total", self.env._("Total"), values, kind="total", drilldown=domain)

    def _lines_of_rows(self, options, rows, account_ids, lazy):
        """Lines in screen order from the rows of ``_customers_query``: a customer line, then
        its items (or, when ``lazy``, one ``more`` line to load them), ..., the total."""
        rnd = self._rounder(options)
        partner_key = None
        for row in rows:
            if row["kind"] == "item":
                yield self._detail_line(row, partner_key, rnd)
            elif row["kind"] == "partner":
                partner_key = f"partner-{row['partner_id'] or 0}"
                yield self._line(
                    partner_key,
                    row["partner_name"] or self.env._("No customer"),
                    self._bucket_values(row, rnd),
                    # sorted here: array_agg(... ORDER BY) would stop PostgreSQL hashing the groups
                    drilldown=[("id", "in", sorted(row["item_ids"]))],
                )
                if lazy:
                    yield self._more_items_line(partner_key, 0, row["item_count"])
            else:
                yield self._total_line(options, row, account_ids)

    @api.model
    def _compute_report(self, options):
        self._flush_accounting()
        account_ids = self._receivable_account_ids(options)
        lazy = not options["details"]
        if account_ids:
            query = self._customers_query(options, account_ids, with_items=not lazy)
            if lazy:
                rows = self._query(query)
            else:
                with self._big_sort():
                    rows = self._query(query)
            lines = list(self._lines_of_rows(options, rows, account_ids, lazy))
        else:
            lines = [self._total_line(options, None)]
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
