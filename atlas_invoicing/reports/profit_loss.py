"""Profit & Loss (accrual): income and expenses of a period by account type and account.

Accrual basis: an invoice's revenue falls in the period of its accounting date, whether or
not it was paid. One SQL statement sums the posted journal items of both periods (the
period and the optional comparison) per account. With a comparison, each line also shows
the change (period − comparison) and the change in percent of the comparison's amount
(none when the comparison is zero).
"""

from odoo import api, models
from odoo.tools import SQL

INCOME_TYPES = ("income", "income_other")
EXPENSE_TYPES = ("expense", "expense_direct_cost", "expense_depreciation")


class AtlasReportProfitLoss(models.AbstractModel):
    _name = "atlas.report.profit.loss"
    _inherit = "atlas.report"
    _description = "Atlas Report: Profit & Loss"

    _report_key = "profit_loss"
    _report_options = ("date_from", "comparison")
    _report_blank_zeros = False

    def _report_title(self):
        return self.env._("Profit & Loss")

    def _report_subtitle(self, options):
        text = self._period_text(options["date_from"], options["date_to"])
        if options["comparison"]:
            comparison = options["comparison"]
            text = self.env._(
                "%(period)s, compared with %(comparison)s",
                period=text,
                comparison=self._period_text(comparison["date_from"], comparison["date_to"]),
            )
        return text

    def _report_columns(self, options):
        columns = [
            {"key": "account", "label": self.env._("Account"), "type": "char"},
            {
                "key": "balance",
                "label": self._period_text(options["date_from"], options["date_to"]),
                "type": "monetary",
            },
        ]
        if options["comparison"]:
            comparison = options["comparison"]
            columns += [
                {
                    "key": "comparison",
                    "label": self._period_text(comparison["date_from"], comparison["date_to"]),
                    "type": "monetary",
                },
                {"key": "change", "label": self.env._("Change"), "type": "monetary"},
                {"key": "change_percent", "label": self.env._("%"), "type": "percent"},
            ]
        return columns

    def _balances_query(self, options):
        company = self._company(options)
        comparison = options["comparison"] or {"date_from": None, "date_to": None}
        return SQL(
            """
            SELECT acc.id AS account_id,
                   %(code)s AS code,
                   %(name)s AS name,
                   acc.account_type,
                   COALESCE(SUM(aml.balance) FILTER (WHERE aml.date BETWEEN %(from)s AND %(to)s), 0) AS balance,
                   COALESCE(SUM(aml.balance) FILTER (WHERE aml.date BETWEEN %(cfrom)s AND %(cto)s), 0) AS comparison
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE %(posted)s
               AND acc.account_type = ANY(%(types)s)
               AND (aml.date BETWEEN %(from)s AND %(to)s OR aml.date BETWEEN %(cfrom)s AND %(cto)s)
             GROUP BY acc.id
             ORDER BY 2, acc.id
            """,
            code=self._account_code_sql("acc", company),
            name=self._account_name_sql("acc"),
            posted=self._posted_items(options),
            types=list(INCOME_TYPES + EXPENSE_TYPES),
            **{
                "from": options["date_from"],
                "to": options["date_to"],
                "cfrom": comparison["date_from"],
                "cto": comparison["date_to"],
            },
        )

    @api.model
    def _compute_report(self, options):
        self._flush_accounting()
        rows = self._query(self._balances_query(options))
        with_comparison = bool(options["comparison"])
        type_labels = dict(self.env["account.account"]._fields["account_type"]._description_selection(self.env))
        keys = ("balance", "comparison") if with_comparison else ("balance",)

        def values_of(amounts):
            values = {key: self._round(options, amounts[key]) for key in keys}
            if with_comparison:
                values["change"] = self._round(options, values["balance"] - values["comparison"])
                values["change_percent"] = self._change_percent(values["change"], values["comparison"])
            return values

        lines, totals = [], {}
        sections = [
            ("income", self.env._("Income"), INCOME_TYPES, -1),
            ("expense", self.env._("Expenses"), EXPENSE_TYPES, 1),
        ]
        for section_key, section_label, types, sign in sections:
            section_rows = [row for row in rows if row["account_type"] in types]
            section_total = {key: sign * sum(row[key] for row in section_rows) for key in keys}
            lines.append(
                self._line(
                    section_key,
                    section_label,
                    values_of(section_total),
                    kind="section",
                    drilldown=self._drilldown_domain(options, ("account_id.account_type", "in", types)),
                )
            )
            for account_type in types:
                type_rows = [row for row in section_rows if row["account_type"] == account_type]
                if not type_rows:
                    continue
                if account_type != types[0]:
                    # The section's heading names its first type; the others (Other Income,
                    # Cost of Revenue, Depreciation) get their own, above their accounts.
                    lines.append(
                        self._line(
                            f"heading-{account_type}",
                            type_labels.get(account_type, account_type),
                            {},
                            kind="section",
                            parent=section_key,
                            level=1,
                        )
                    )
                for row in type_rows:
                    lines.append(
                        self._line(
                            f"account-{row['account_id']}",
                            f"{row['code']} {row['name']}",
                            values_of({key: sign * row[key] for key in keys}),
                            parent=section_key,
                            level=1,
                            drilldown=self._drilldown_domain(options, ("account_id", "=", row["account_id"])),
                        )
                    )
                lines.append(
                    self._line(
                        f"type-{account_type}",
                        self.env._("Total %s", type_labels.get(account_type, account_type)),
                        values_of({key: sign * sum(row[key] for row in type_rows) for key in keys}),
                        kind="subtotal",
                        parent=section_key,
                        level=1,
                        drilldown=self._drilldown_domain(options, ("account_id.account_type", "=", account_type)),
                    )
                )
            totals[section_key] = section_total
        net = {key: totals["income"][key] - totals["expense"][key] for key in keys}
        lines.append(self._line("net_profit", self.env._("Net Profit"), values_of(net), kind="total"))

        result_totals = {
            "income": self._round(options, totals["income"]["balance"]),
            "expense": self._round(options, totals["expense"]["balance"]),
            "net_profit": self._round(options, net["balance"]),
        }
        if with_comparison:
            result_totals.update(
                comparison_income=self._round(options, totals["income"]["comparison"]),
                comparison_expense=self._round(options, totals["expense"]["comparison"]),
                comparison_net_profit=self._round(options, net["comparison"]),
            )
        return {"lines": lines, "checks": [], "totals": result_totals}

    @staticmethod
    def _change_percent(change, comparison):
        """The change in percent of the comparison's amount, one decimal; False when the
        comparison is zero, moved or not (no percentage of nothing; False, not None, so that
        XML-RPC can carry it)."""
        if not comparison:
            return False
        return round(100.0 * change / abs(comparison), 1) + 0.0
