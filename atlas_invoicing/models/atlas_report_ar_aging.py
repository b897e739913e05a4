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
"""

from odoo import api, models
from odoo.tools import SQL

BUCKETS = ("current", "b_1_30", "b_31_60", "b_61_90", "b_90_plus")


class AtlasReportArAging(models.AbstractModel):
    _name = "atlas.report.ar.aging"
    _inherit = "atlas.report"
    _description = "Atlas Report: AR Aging"

    _report_key = "ar_aging"
    _report_options = ("as_of_date", "partner_ids")

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

    def _receivable_account_ids(self, company):
        self.env.cr.execute(
            SQL(
                """
                SELECT acc.id
                  FROM account_account acc
                  JOIN account_account_res_company_rel rel ON rel.account_account_id = acc.id
                 WHERE acc.account_type = 'asset_receivable' AND rel.res_company_id = %s
                """,
                company.id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _open_items_query(self, options, account_ids):
        """Open receivable items on the as-of date, then one row per customer and the total.

        One statement: the items ordered for the screen (kind 'item'), followed by the sums
        per customer and the grand total (ROLLUP), so every figure is summed by PostgreSQL.
        """
        partner_filter = (
            SQL("AND aml.partner_id = ANY(%s)", options["partner_ids"]) if options["partner_ids"] else SQL()
        )
        scope = SQL(
            """aml.account_id = ANY(%(accounts)s)
               AND aml.parent_state = 'posted'
               AND aml.company_id = %(company)s
               AND aml.date <= %(as_of)s
               %(partner_filter)s""",
            accounts=account_ids,
            company=options["company_id"],
            as_of=options["as_of_date"],
            partner_filter=partner_filter,
        )
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
            open_items AS MATERIALIZED (
                SELECT aml.id, aml.partner_id, aml.move_id, aml.move_name, aml.date,
                       COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       aml.currency_id, aml.company_currency_id,
                       ROUND(aml.amount_residual + COALESCE(ls.amount, 0), %(digits)s) AS open_amount,
                       aml.amount_residual_currency + COALESCE(ls.amount_currency, 0) AS open_currency
                  FROM account_move_line aml
                  LEFT JOIN late_sum ls ON ls.line_id = aml.id
                 -- not reconciled today: spelled like Odoo's partial index
                 -- account_move_line__unreconciled_index, which finds them
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
            bucketed AS MATERIALIZED (
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
            (
                SELECT 'item'::text AS kind, b.id, b.partner_id, COALESCE(partner.name, '') AS partner_name,
                       b.move_id, b.move_name, b.date::text AS date, b.date_maturity::text AS date_maturity,
                       b.days_overdue, b.bucket, b.open_amount AS total,
                       CASE WHEN b.currency_id != b.company_currency_id THEN cur.name END AS foreign_currency,
                       ROUND(b.open_currency, cur.decimal_places) AS foreign_amount,
                       NULL::numeric AS current, NULL::numeric AS b_1_30, NULL::numeric AS b_31_60,
                       NULL::numeric AS b_61_90, NULL::numeric AS b_90_plus, NULL::int[] AS item_ids
                  FROM bucketed b
                  JOIN res_currency cur ON cur.id = b.currency_id
                  LEFT JOIN res_partner partner ON partner.id = b.partner_id
            )
            UNION ALL
            SELECT CASE WHEN GROUPING(partner_id) = 1 THEN 'total' ELSE 'partner' END,
                   NULL, partner_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   SUM(open_amount), NULL, NULL,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'current'), 0),
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_1_30'), 0),
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_31_60'), 0),
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_61_90'), 0),
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_90_plus'), 0),
                   CASE WHEN GROUPING(partner_id) = 0 THEN array_agg(id ORDER BY id) END
              FROM bucketed
             GROUP BY ROLLUP (partner_id)
             -- items first ('item' > 'total' > 'partner'), in screen order
             ORDER BY kind DESC, partner_name, partner_id, date_maturity, date, id
            """,
            as_of=options["as_of_date"],
            digits=self._company(options).currency_id.decimal_places,
            scope=scope,
        )

    def _receivable_balance(self, options, account_ids):
        partner_filter = SQL("AND partner_id = ANY(%s)", options["partner_ids"]) if options["partner_ids"] else SQL()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(balance), 0)
                  FROM account_move_line
                 WHERE account_id = ANY(%s) AND date <= %s AND parent_state = 'posted' AND company_id = %s
                 %s
                """,
                account_ids,
                options["as_of_date"],
                options["company_id"],
                partner_filter,
            )
        )
        return self.env.cr.fetchone()[0]

    # -------------------------------------------------------------------------
    # Lines
    # -------------------------------------------------------------------------

    @api.model
    def _compute_report(self, options):
        self._flush_accounting()
        company = self._company(options)
        account_ids = self._receivable_account_ids(company)
        rows = []
        if account_ids:
            # The items are sorted for the screen in one pass: give that sort memory instead
            # of letting it spill to disk on large books, for this statement only.
            self.env.cr.execute("SELECT current_setting('work_mem')")
            work_mem = self.env.cr.fetchone()[0]
            self.env.cr.execute("SET LOCAL work_mem = '64MB'")
            try:
                rows = self._query(self._open_items_query(options, account_ids))
            finally:
                self.env.cr.execute(SQL("SELECT set_config('work_mem', %s, true)", work_mem))
        receivable_balance = self._receivable_balance(options, account_ids) if account_ids else 0.0

        base_domain = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id", "in", account_ids),
            ("date", "<=", options["as_of_date"].isoformat()),
        ]
        rnd = self._rounder(options)
        aggregates = {}  # partner id (None for the total) -> row of sums
        items = []
        for row in rows:
            if row["kind"] == "item":
                items.append(row)
            else:
                aggregates["total" if row["kind"] == "total" else row["partner_id"]] = row

        def bucket_values(row):
            return {key: rnd(row[key]) for key in (*BUCKETS, "total")}

        zero = dict.fromkeys((*BUCKETS, "total"), 0.0)
        lines = []
        current_partner = object()
        for row in items:
            partner_id = row["partner_id"]
            partner_key = f"partner-{partner_id or 0}"
            if partner_id != current_partner:
                current_partner = partner_id
                sums = aggregates[partner_id]
                lines.append(
                    self._line(
                        partner_key,
                        row["partner_name"] or self.env._("No customer"),
                        bucket_values(sums),
                        drilldown=[("id", "in", sums["item_ids"])],
                    )
                )
            amount = rnd(row["total"])
            foreign = (
                {"currency": row["foreign_currency"], "amount": float(row["foreign_amount"])}
                if row["foreign_currency"]
                else False
            )
            values = dict(zero)
            values[row["bucket"]] = amount
            values.update(
                total=amount,
                date=row["date"],
                date_maturity=row["date_maturity"],
                days_overdue=row["days_overdue"],
                foreign=foreign,
            )
            lines.append(
                {
                    "key": f"item-{row['id']}",
                    "parent": partner_key,
                    "level": 1,
                    "kind": "detail",
                    "label": row["move_name"],
                    "values": values,
                    "drilldown": [("id", "=", row["id"])],
                    "move_id": row["move_id"],
                    "foreign": foreign,
                }
            )
        totals = bucket_values(aggregates["total"]) if "total" in aggregates else dict(zero)
        domain = list(base_domain)
        if options["partner_ids"]:
            domain.append(("partner_id", "in", options["partner_ids"]))
        lines.append(self._line("total", self.env._("Total"), dict(totals), kind="total", drilldown=domain))

        label = self.env._("Receivable accounts' balance on %s", self._format_date(options["as_of_date"]))
        if options["partner_ids"]:
            label = self.env._("%s (selected customers)", label)
        totals["receivable_balance"] = self._round(options, receivable_balance)
        return {
            "lines": lines,
            "checks": [self._check(options, label, receivable_balance, totals["total"])],
            "totals": totals,
        }
