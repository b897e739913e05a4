"""Cash Flow Statement (direct method): money in and out of the bank and cash accounts.

"Cash" is what sits on the company's bank and cash accounts: every account of type Bank and
Cash (``asset_cash``) plus the default account of each bank and cash journal. An Atlas
payment debits that account directly, so it counts on its date. A payment through Odoo's
"Manual" method waits on an "Outstanding Receipts/Payments" account (a current asset, not
cash) and counts once the bank statement line moves it to the bank account (as an "Other"
line, the statement line having no payment method).

Each journal item on a cash account is a receipt (debit) or a disbursement (credit), filed
under the payment method of the payment whose entry it belongs to
(account.move.origin_payment_id → account.payment.payment_method_id); the bank addons file the
items of bank statement lines by the payments they settle (``_flows_method_sql``,
``_flows_queries``). Opening and closing cash are the cash accounts' balances, so closing =
opening + receipts − disbursements holds to the cent, and the checks show it against a separate
sum of those balances.
"""

import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

MAX_MONTHS = 36


class AtlasReportCashFlow(models.AbstractModel):
    _name = "atlas.report.cash.flow"
    _inherit = "atlas.report"
    _description = "Atlas Report: Cash Flow Statement"

    _report_key = "cash_flow"
    _report_options = ("date_from",)

    def _report_title(self):
        return self.env._("Cash Flow Statement")

    def _months(self, options):
        """First day of each month of the period."""
        month = options["date_from"].replace(day=1)
        months = []
        while month <= options["date_to"]:
            months.append(month)
            month += relativedelta(months=1)
        return months

    @staticmethod
    def _month_key(month):
        return f"m_{month.year:04d}_{month.month:02d}"

    def _report_columns(self, options):
        columns = [{"key": "label", "label": self.env._("Cash flow"), "type": "char"}]
        for month in self._months(options):
            label = self._format_date(month, "MMM yyyy")
            columns.append({"key": self._month_key(month), "label": label, "type": "monetary"})
        columns.append({"key": "total", "label": self.env._("Total"), "type": "monetary"})
        return columns

    @api.model
    def _normalize_options(self, options):
        options = super()._normalize_options(options)
        if len(self._months(options)) > MAX_MONTHS:
            raise UserError(
                self.env._(
                    "The Cash Flow Statement shows one column per month: choose a period of at most %s months.",
                    MAX_MONTHS,
                )
            )
        return options

    # -------------------------------------------------------------------------
    # Figures
    # -------------------------------------------------------------------------

    def _cash_account_ids(self, options):
        """Accounts of type Bank and Cash, and the bank and cash journals' own accounts (of
        the company, its parents and the branches the report reads)."""
        companies = self._report_companies(options)
        cash = self._report_accounts(options, [("account_type", "=", "asset_cash")])
        Journal = self.env["account.journal"].sudo().with_context(active_test=False)
        journals = Journal.search([*Journal._check_company_domain(companies), ("type", "in", ("bank", "cash"))])
        return sorted(set(cash.ids) | set(journals.default_account_id.ids))

    def _flows_queries(self, options, account_ids):
        """The queries whose rows (month, is_receipt, method_id, method_name, amount: the
        signed balance) make the receipts and disbursements. An addon that files some cash
        items by what they settle leaves them out of ``_flows_query`` (``_flows_kept_items``)
        and adds its own query here."""
        return [self._flows_query(options, account_ids)]

    def _flows_kept_items(self, options):
        """SQL condition on the cash items ``_flows_query`` files by payment method (aliases
        ``aml``, ``move``, and those of ``_flows_method_sql``'s joins)."""
        return SQL("TRUE")

    def _flows_method_sql(self):
        """(joins, method id): the payment method a cash item is filed under, from the
        payment whose entry it is (alias ``payment``); an addon that knows more joins more."""
        return SQL(), SQL("payment.payment_method_id")

    def _flows_query(self, options, account_ids):
        """Receipts and disbursements per month and payment method."""
        method_name = self.env["account.payment.method"]._field_to_sql("method", "name")
        method_joins, method_id = self._flows_method_sql()
        return SQL(
            """
            SELECT date_trunc('month', aml.date)::date AS month,
                   aml.balance > 0 AS is_receipt,
                   method.id AS method_id,
                   %(method_name)s AS method_name,
                   SUM(aml.balance) AS amount
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
              LEFT JOIN account_payment payment ON payment.id = move.origin_payment_id
              %(method_joins)s
              LEFT JOIN account_payment_method method ON method.id = %(method_id)s
             WHERE aml.account_id = ANY(%(accounts)s)
               AND %(posted)s
               AND aml.date BETWEEN %(from)s AND %(to)s
               AND aml.balance != 0
               AND %(kept)s
             GROUP BY 1, 2, 3, 4
            """,
            method_name=method_name,
            method_joins=method_joins,
            method_id=method_id,
            accounts=account_ids,
            posted=self._posted_items(options),
            kept=self._flows_kept_items(options),
            **{"from": options["date_from"], "to": options["date_to"]},
        )

    # -------------------------------------------------------------------------
    # Drill-down
    # -------------------------------------------------------------------------

    @staticmethod
    def _sign_domain(direction):
        return ("balance", ">", 0) if direction == "receipts" else ("balance", "<", 0)

    def _method_drilldown(self, options, account_ids, direction, method_id):
        """The journal items behind a method's receipts or disbursements (``method_id`` 0:
        the other ones), the same items ``_flows_queries`` sums."""
        return self._drilldown_domain(
            options,
            ("account_id", "in", account_ids),
            self._sign_domain(direction),
            *self._method_conditions(method_id),
        )

    def _method_conditions(self, method_id):
        """Domain on cash items: those ``_flows_method_sql`` files under ``method_id`` (0: none)."""
        if method_id:
            return [("move_id.origin_payment_id.payment_method_id", "=", method_id)]
        # Odoo reads "origin_payment_id.payment_method_id = False" as "a payment without a
        # method", never true of an entry without a payment.
        return [
            "|",
            ("move_id.origin_payment_id", "=", False),
            ("move_id.origin_payment_id.payment_method_id", "=", False),
        ]

    # -------------------------------------------------------------------------
    # Lines
    # -------------------------------------------------------------------------

    @api.model
    def _compute_report(self, options):
        self._flush_accounting()
        account_ids = self._cash_account_ids(options)
        months = self._months(options)
        month_keys = [self._month_key(month) for month in months]
        day_before = options["date_from"] - datetime.timedelta(days=1)
        rows, opening = [], 0.0
        if account_ids:
            rows = [row for query in self._flows_queries(options, account_ids) for row in self._query(query)]
            opening = self._accounts_balance(options, account_ids, day_before)

        # {(direction, method_id): {"label", month_key: amount}}, amounts positive
        groups = {}
        for direction in ("receipts", "disbursements"):
            for row in rows:
                if row["is_receipt"] != (direction == "receipts"):
                    continue
                group = groups.setdefault((direction, row["method_id"] or 0), {"label": row["method_name"]})
                key = self._month_key(row["month"])
                amount = row["amount"] if direction == "receipts" else -row["amount"]
                group[key] = group.get(key, 0.0) + amount

        def month_values(per_month):
            values = {key: self._round(options, per_month.get(key, 0.0)) for key in month_keys}
            values["total"] = self._round(options, sum(per_month.get(key, 0.0) for key in month_keys))
            return values

        lines = []
        section_totals = {}
        for direction, label, other_label in (
            ("receipts", self.env._("Receipts"), self.env._("Other receipts")),
            ("disbursements", self.env._("Disbursements"), self.env._("Other disbursements")),
        ):
            members = sorted(
                ((method_id, group) for (d, method_id), group in groups.items() if d == direction),
                key=lambda item: (item[0] == 0, item[1]["label"] or "", item[0]),
            )
            total = {key: sum(group.get(key, 0.0) for _method_id, group in members) for key in month_keys}
            section_totals[direction] = total
            member_lines = [
                self._line(
                    f"{direction}-method-{method_id}" if method_id else f"{direction}-other",
                    group["label"] if method_id else other_label,
                    month_values(group),
                    parent=direction,
                    level=1,
                    drilldown=self._method_drilldown(options, account_ids, direction, method_id),
                )
                for method_id, group in members
            ]
            section_drilldown = (
                expression.OR([member["drilldown"] for member in member_lines])
                if member_lines
                else self._drilldown_domain(options, ("account_id", "in", account_ids), self._sign_domain(direction))
            )
            lines.append(self._line(direction, label, month_values(total), kind="section", drilldown=section_drilldown))
            lines += member_lines

        # Opening and closing cash of each month follow from the period's opening balance.
        net = {key: section_totals["receipts"][key] - section_totals["disbursements"][key] for key in month_keys}
        opening_values, closing_values = {}, {}
        running = opening
        for key in month_keys:
            opening_values[key] = self._round(options, running)
            running += net[key]
            closing_values[key] = self._round(options, running)
        opening_values["total"] = self._round(options, opening)
        closing_values["total"] = self._round(options, running)
        lines.insert(0, self._line("opening", self.env._("Opening cash"), opening_values))
        lines.append(self._line("net", self.env._("Net cash flow"), month_values(net), kind="subtotal"))
        lines.append(self._line("closing", self.env._("Closing cash"), closing_values, kind="total"))

        checks = []
        if account_ids:
            # The opening cash is the accounts' balance on the day before; the closing cash,
            # carried through every month's flows, must land on their balance at the end.
            checks = [
                self._check(
                    options,
                    self.env._("Bank and cash accounts' balance on %s", self._format_date(day_before)),
                    opening,
                    opening_values["total"],
                ),
                self._check(
                    options,
                    self.env._("Bank and cash accounts' balance on %s", self._format_date(options["date_to"])),
                    self._accounts_balance(options, account_ids, options["date_to"]),
                    running,
                ),
            ]
        totals = {
            "opening": self._round(options, opening),
            "receipts": month_values(section_totals["receipts"])["total"],
            "disbursements": month_values(section_totals["disbursements"])["total"],
            "net": month_values(net)["total"],
            "closing": self._round(options, running),
        }
        return {"lines": lines, "checks": checks, "totals": totals}
