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
        """Open receivable items on the as-of date, with partner and grand totals.

        One statement: GROUPING SETS return the items (one group each), one row per customer
        and one grand-total row, so every figure is summed by PostgreSQL.
        """
        as_of = options["as_of_date"]
        company_id = options["company_id"]
        digits = self._company(options).currency_id.decimal_places
        partner_filter = (
            SQL("AND aml.partner_id = ANY(%s)", options["partner_ids"]) if options["partner_ids"] else SQL()
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
            late_sum AS (
                SELECT line_id, SUM(amount) AS amount, SUM(amount_currency) AS amount_currency
                  FROM late
                 GROUP BY line_id
            ),
            candidates AS (
                -- spelled like Odoo's partial index account_move_line__unreconciled_index
                SELECT aml.id
                  FROM account_move_line aml
                 WHERE aml.account_id = ANY(%(accounts)s)
                   AND (aml.reconciled IS NULL OR aml.reconciled = false OR aml.reconciled IS NOT true)
                   AND aml.parent_state = 'posted'
                UNION
                SELECT line_id FROM late_sum
            ),
            items AS (
                SELECT aml.id,
                       aml.partner_id,
                       COALESCE(partner.name, '') AS partner_name,
                       aml.move_id,
                       aml.move_name,
                       aml.date,
                       COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       %(as_of)s - COALESCE(aml.date_maturity, aml.date) AS days_overdue,
                       ROUND(aml.amount_residual + COALESCE(ls.amount, 0), %(digits)s) AS open_amount,
                       CASE WHEN aml.currency_id != aml.company_currency_id THEN cur.name END AS foreign_currency,
                       ROUND(aml.amount_residual_currency + COALESCE(ls.amount_currency, 0), cur.decimal_places)
                           AS foreign_amount
                  FROM candidates c
                  JOIN account_move_line aml ON aml.id = c.id
                  JOIN res_currency cur ON cur.id = aml.currency_id
                  LEFT JOIN late_sum ls ON ls.line_id = aml.id
                  LEFT JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.account_id = ANY(%(accounts)s)
                   AND aml.parent_state = 'posted'
                   AND aml.company_id = %(company)s
                   AND aml.date <= %(as_of)s
                   %(partner_filter)s
            ),
            bucketed AS (
                SELECT items.*,
                       CASE WHEN days_overdue <= 0 THEN 'current'
                            WHEN days_overdue <= 30 THEN 'b_1_30'
                            WHEN days_overdue <= 60 THEN 'b_31_60'
                            WHEN days_overdue <= 90 THEN 'b_61_90'
                            ELSE 'b_90_plus' END AS bucket
                  FROM items
                 WHERE open_amount != 0
            )
            SELECT GROUPING(partner_id) AS is_total,
                   GROUPING(id) AS is_partner,
                   partner_id, partner_name, id, move_id, move_name, date, date_maturity, days_overdue,
                   foreign_currency, foreign_amount,
                   CASE WHEN GROUPING(partner_id) = 0 AND GROUPING(id) = 1 THEN array_agg(id) END AS item_ids,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'current'), 0) AS current,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_1_30'), 0) AS b_1_30,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_31_60'), 0) AS b_31_60,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_61_90'), 0) AS b_61_90,
                   COALESCE(SUM(open_amount) FILTER (WHERE bucket = 'b_90_plus'), 0) AS b_90_plus,
                   COALESCE(SUM(open_amount), 0) AS total
              FROM bucketed
             GROUP BY GROUPING SETS (
                   (partner_id, partner_name, id, move_id, move_name, date, date_maturity, days_overdue,
                    foreign_currency, foreign_amount),
                   (partner_id, partner_name),
                   ()
             )
             ORDER BY GROUPING(partner_id), partner_name, partner_id, GROUPING(id) DESC, date_maturity, date, id
            """,
            as_of=as_of,
            accounts=account_ids,
            company=company_id,
            digits=digits,
            partner_filter=partner_filter,
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
        rows = self._query(self._open_items_query(options, account_ids)) if account_ids else []
        receivable_balance = self._receivable_balance(options, account_ids) if account_ids else 0.0

        lines = []
        totals = dict.fromkeys((*BUCKETS, "total"), 0.0)
        base_domain = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id", "in", account_ids),
            ("date", "<=", options["as_of_date"].isoformat()),
        ]
        for row in rows:
            values = {key: self._round(options, row[key]) for key in (*BUCKETS, "total")}
            if row["is_total"]:
                totals = values
                domain = base_domain + (
                    [("partner_id", "in", options["partner_ids"])] if options["partner_ids"] else []
                )
                lines.append(self._line("total", self.env._("Total"), values, kind="total", drilldown=domain))
                continue
            partner_key = f"partner-{row['partner_id'] or 0}"
            if row["is_partner"]:
                label = row["partner_name"] or self.env._("No customer")
                lines.append(self._line(partner_key, label, values, drilldown=[("id", "in", sorted(row["item_ids"]))]))
                continue
            foreign = (
                {"currency": row["foreign_currency"], "amount": row["foreign_amount"]}
                if row["foreign_currency"]
                else False
            )
            values.update(
                date=row["date"].isoformat(),
                date_maturity=row["date_maturity"].isoformat(),
                days_overdue=row["days_overdue"],
                foreign=foreign,
            )
            lines.append(
                self._line(
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
            )
        if not lines:
            lines.append(self._line("total", self.env._("Total"), dict(totals), kind="total", drilldown=base_domain))

        label = self.env._("Receivable accounts' balance on %s", self._format_date(options["as_of_date"]))
        if options["partner_ids"]:
            label = self.env._("%s (selected customers)", label)
        totals["receivable_balance"] = self._round(options, receivable_balance)
        return {
            "lines": lines,
            "checks": [self._check(options, label, receivable_balance, totals["total"])],
            "totals": totals,
        }
