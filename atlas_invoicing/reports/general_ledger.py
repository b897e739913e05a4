"""General Ledger: per account, the opening balance, every journal item of the period with
its running balance, and the closing balance.

Large books: one aggregate query gives every account's opening, debits, credits and item
count; the screen then reads only the first ``line_limit`` items of each account (a LATERAL
join walking Odoo's (account_id, date) index), and "load more" pages through one account.
The XLSX streams the whole ledger by keyset pages, so memory stays bounded whatever the
size of the books.

Income and expense accounts start each fiscal year from zero (their earlier balance went to
the year's result), so their opening balance counts only from the start of the fiscal year
of ``date_from``; balance-sheet accounts carry everything before ``date_from``. As in Odoo's
own ledger, the result of the earlier fiscal years (the income and expense accounts' balance
before that start) opens on the company's Undistributed Profits/Losses account
(``equity_unaffected``), so the openings of an unfiltered ledger add up to zero.

A parent company's ledger reads its branches' journal items too (``_report_companies``).
"""

import datetime

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

STREAM_PAGE = 5000
ORDER = SQL("aml.date, aml.move_name, aml.id")


class AtlasReportGeneralLedger(models.AbstractModel):
    _name = "atlas.report.general.ledger"
    _inherit = "atlas.report"
    _description = "Atlas Report: General Ledger"

    _report_key = "general_ledger"
    # A Bookkeeper follows both journal entries of an invoice here.
    _report_group = "atlas_invoicing.group_atlas_bookkeeper"
    _report_role = "Bookkeeper"
    _report_options = ("date_from", "account_ids", "partner_ids", "line_limit")

    def _report_title(self):
        return self.env._("General Ledger")

    def _report_columns(self, options):
        return [
            {"key": "date", "label": self.env._("Date"), "type": "date"},
            {"key": "entry", "label": self.env._("Entry"), "type": "char"},
            {"key": "partner", "label": self.env._("Partner"), "type": "char"},
            {"key": "label", "label": self.env._("Label"), "type": "char"},
            {"key": "debit", "label": self.env._("Debit"), "type": "monetary"},
            {"key": "credit", "label": self.env._("Credit"), "type": "monetary"},
            {"key": "balance", "label": self.env._("Balance"), "type": "monetary"},
        ]

    # -------------------------------------------------------------------------
    # Public API
    # -------------------------------------------------------------------------

    @api.model
    def get_more_lines(self, options, parent_key, offset):
        """The next ``line_limit`` journal items of one account section, from ``offset``."""
        options = self._paging_options(options, offset)
        account = self._account_of_key(options, parent_key)
        if not account:
            raise UserError(self.env._("“%s” is not an account section of this General Ledger.", parent_key))
        return self._detail_lines(options, account, offset, options["line_limit"])

    # -------------------------------------------------------------------------
    # Python API: envelope without lines, streamed lines
    # -------------------------------------------------------------------------

    @api.model
    def _get_report_envelope(self, options):
        options = self._normalize_options(options)
        self._flush_accounting()
        accounts = self._accounts(options)
        return dict(self._envelope_header(options), **self._checks_and_totals(options, accounts))

    @api.model
    def _iter_report_lines(self, options):
        options = self._normalize_options(options)
        self._flush_accounting()
        rnd = self._rounder(options)
        for account in self._accounts(options):
            yield self._section_line(options, account)
            yield self._opening_line(options, account)
            after, running = None, account["opening"]
            while True:
                rows = self._query(self._stream_page_query(options, account, after, running))
                for row in rows:
                    yield self._detail_line(options, account, row, rnd)
                if len(rows) < STREAM_PAGE:
                    break
                last = rows[-1]
                after, running = (last["date"], last["move_name"], last["id"]), last["running"]
            yield self._closing_line(options, account)

    # -------------------------------------------------------------------------
    # Queries
    # -------------------------------------------------------------------------

    def _item_filter(self, options):
        """WHERE conditions on account_move_line (alias aml) shared by every query."""
        conditions = [self._posted_items(options)]
        if options["account_ids"]:
            conditions.append(SQL("aml.account_id = ANY(%s)", options["account_ids"]))
        if options["partner_ids"]:
            conditions.append(SQL("aml.partner_id = ANY(%s)", options["partner_ids"]))
        return SQL(" AND ").join(conditions)

    def _fiscal_year_start(self, options):
        return self._company(options).compute_fiscalyear_dates(options["date_from"])["date_from"]

    def _accounts(self, options):
        """Every account with an opening balance or items in the period, ordered by code; the
        earlier fiscal years' result is in the unaffected earnings account's opening."""
        accounts = self._account_sums(options)
        earlier = self._earlier_years_result(options)
        if self._currency(options).is_zero(earlier):
            return accounts
        earnings = self._unaffected_earnings_account(options)
        if not earnings:
            return accounts
        rnd = self._rounder(options)
        account = next((account for account in accounts if account["id"] == earnings.id), None)
        if account is None:
            # No items of its own: the account shows for its opening alone.
            account = dict(
                earnings.read(["account_type"])[0],
                code=earnings.with_company(self._company(options)).code,
                name=earnings.name,
                opening=0.0,
                debit=0.0,
                credit=0.0,
                line_count=0,
            )
            accounts = sorted([*accounts, account], key=lambda a: (a["code"] or "", a["id"]))
        account["opening"] = rnd(account["opening"] + earlier)
        account["closing"] = rnd(account["opening"] + account["debit"] - account["credit"])
        return accounts

    def _unaffected_earnings_account(self, options):
        """Odoo's Undistributed Profits/Losses account of the company (its root's for a
        branch), or None when an account filter leaves it out."""
        company = self._company(options)
        account = self._company_accounts(company, [("account_type", "=", "equity_unaffected")])[:1]
        if not account:
            account = company.get_unaffected_earnings_account().sudo()
        if options["account_ids"] and account.id not in options["account_ids"]:
            return None
        return account

    def _earlier_years_result(self, options):
        """The income and expense accounts' balance before the fiscal year of ``date_from``
        (same companies and partners as the ledger)."""
        accounts = self._report_accounts(options, [("internal_group", "in", ("income", "expense"))])
        day_before = self._fiscal_year_start(options) - datetime.timedelta(days=1)
        return self._accounts_balance(options, accounts.ids, day_before)

    def _account_sums(self, options):
        company = self._company(options)
        fiscal_year_start = self._fiscal_year_start(options)
        digits = self._currency(options).decimal_places
        return self._query(
            SQL(
                """
                SELECT acc.id, labels.code, labels.name, acc.account_type, opening, debit, credit, line_count,
                       ROUND(opening + debit - credit, %(digits)s) AS closing
                  FROM (
                    SELECT aml.account_id,
                           ROUND(COALESCE(SUM(aml.balance) FILTER (
                               WHERE aml.date < %(from)s
                                 AND (split_part(acc.account_type, '_', 1) NOT IN ('income', 'expense')
                                      OR aml.date >= %(fy_start)s)), 0), %(digits)s) AS opening,
                           COALESCE(SUM(aml.debit) FILTER (WHERE aml.date >= %(from)s), 0) AS debit,
                           COALESCE(SUM(aml.credit) FILTER (WHERE aml.date >= %(from)s), 0) AS credit,
                           COUNT(*) FILTER (WHERE aml.date >= %(from)s) AS line_count
                      FROM account_move_line aml
                      JOIN account_account acc ON acc.id = aml.account_id
                     WHERE %(filter)s AND aml.date <= %(to)s
                     GROUP BY aml.account_id
                  ) sums
                  JOIN account_account acc ON acc.id = sums.account_id,
                  LATERAL (SELECT %(code)s AS code, %(name)s AS name) labels
                 WHERE line_count > 0 OR opening != 0
                 ORDER BY labels.code, acc.id
                """,
                digits=digits,
                fy_start=fiscal_year_start,
                filter=self._item_filter(options),
                code=self._account_code_sql("acc", company),
                name=self._account_name_sql("acc"),
                **{"from": options["date_from"], "to": options["date_to"]},
            )
        )

    def _items_select(self):
        return SQL(
            """
            aml.id, aml.date, aml.move_id, aml.move_name, aml.name AS item_label,
            COALESCE(partner.name, '') AS partner_name, aml.debit, aml.credit, aml.balance
            """
        )

    def _first_pages_query(self, options, accounts, limit):
        """The first ``limit`` items of each account, with their running balance."""
        return SQL(
            """
            SELECT a.account_id, page.*,
                   a.opening + SUM(page.balance) OVER (
                       PARTITION BY a.account_id ORDER BY page.date, page.move_name, page.id
                   ) AS running
              FROM unnest(%(accounts)s::int[], %(openings)s::numeric[]) AS a(account_id, opening)
             CROSS JOIN LATERAL (
                   SELECT %(select)s
                     FROM account_move_line aml
                     LEFT JOIN res_partner partner ON partner.id = aml.partner_id
                    WHERE aml.account_id = a.account_id AND %(filter)s
                      AND aml.date BETWEEN %(from)s AND %(to)s
                    ORDER BY %(order)s
                    LIMIT %(limit)s
             ) page
             ORDER BY a.account_id, page.date, page.move_name, page.id
            """,
            accounts=[account["id"] for account in accounts],
            openings=[account["opening"] for account in accounts],
            select=self._items_select(),
            filter=self._item_filter(options),
            order=ORDER,
            limit=limit,
            **{"from": options["date_from"], "to": options["date_to"]},
        )

    def _page_query(self, options, account, offset, limit):
        """``limit`` items of one account from ``offset``; running balance from the opening."""
        period = SQL(
            "aml.account_id = %s AND %s AND aml.date BETWEEN %s AND %s",
            account["id"],
            self._item_filter(options),
            options["date_from"],
            options["date_to"],
        )
        return SQL(
            """
            WITH before AS (
                SELECT COALESCE(SUM(balance), 0) AS amount
                  FROM (SELECT aml.balance FROM account_move_line aml WHERE %(period)s
                         ORDER BY %(order)s LIMIT %(offset)s) skipped
            ), page AS (
                SELECT %(select)s
                  FROM account_move_line aml
                  LEFT JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE %(period)s
                 ORDER BY %(order)s
                OFFSET %(offset)s LIMIT %(limit)s
            )
            SELECT page.*,
                   %(opening)s + before.amount + SUM(page.balance) OVER (ORDER BY page.date, page.move_name, page.id)
                       AS running
              FROM page, before
             ORDER BY page.date, page.move_name, page.id
            """,
            period=period,
            order=ORDER,
            offset=offset,
            limit=limit,
            select=self._items_select(),
            opening=account["opening"],
        )

    def _stream_page_query(self, options, account, after, running):
        """Keyset page for the XLSX: the items after (date, move_name, id) ``after``."""
        keyset = SQL("AND (aml.date, aml.move_name, aml.id) > (%s, %s, %s)", *after) if after else SQL()
        return SQL(
            """
            SELECT page.*,
                   %(running)s + SUM(page.balance) OVER (ORDER BY page.date, page.move_name, page.id) AS running
              FROM (
                SELECT %(select)s
                  FROM account_move_line aml
                  LEFT JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.account_id = %(account)s AND %(filter)s
                   AND aml.date BETWEEN %(from)s AND %(to)s %(keyset)s
                 ORDER BY %(order)s
                 LIMIT %(limit)s
              ) page
             ORDER BY page.date, page.move_name, page.id
            """,
            running=running,
            select=self._items_select(),
            account=account["id"],
            filter=self._item_filter(options),
            keyset=keyset,
            order=ORDER,
            limit=STREAM_PAGE,
            **{"from": options["date_from"], "to": options["date_to"]},
        )

    # -------------------------------------------------------------------------
    # Lines
    # -------------------------------------------------------------------------

    @staticmethod
    def _section_key(account):
        return f"account-{account['id']}"

    def _account_of_key(self, options, key):
        if not isinstance(key, str) or not key.startswith("account-") or not key[8:].isdigit():
            return None
        account_id = int(key[8:])
        if options["account_ids"] and account_id not in options["account_ids"]:
            return None
        self._flush_accounting()
        # The totals of that one account, not of the whole ledger: a "load more" click.
        return next(iter(self._accounts(dict(options, account_ids=[account_id]))), None)

    def _period_values(self, options, account):
        """The period's debit and credit of an account, and its closing balance."""
        rnd = self._rounder(options)
        return {"debit": rnd(account["debit"]), "credit": rnd(account["credit"]), "balance": rnd(account["closing"])}

    def _section_line(self, options, account):
        return self._line(
            self._section_key(account),
            f"{account['code']} {account['name']}",
            self._period_values(options, account),
            kind="section",
            drilldown=self._drilldown_domain(options, ("account_id", "=", account["id"])),
        )

    def _opening_line(self, options, account):
        return self._line(
            f"{self._section_key(account)}-opening",
            self.env._("Opening balance"),
            {"date": options["date_from"].isoformat(), "balance": self._round(options, account["opening"])},
            parent=self._section_key(account),
            level=1,
        )

    def _closing_line(self, options, account):
        values = {"date": options["date_to"].isoformat(), **self._period_values(options, account)}
        return self._line(
            f"{self._section_key(account)}-closing",
            self.env._("Closing balance"),
            values,
            kind="subtotal",
            parent=self._section_key(account),
            level=1,
        )

    def _detail_line(self, options, account, row, rnd):
        values = {
            "date": row["date"].isoformat(),
            "entry": row["move_name"],
            "partner": row["partner_name"],
            "label": row["item_label"] or "",
            "debit": rnd(row["debit"]),
            "credit": rnd(row["credit"]),
            "balance": rnd(row["running"]),
        }
        return self._line(
            f"aml-{row['id']}",
            row["move_name"],
            values,
            kind="detail",
            parent=self._section_key(account),
            level=1,
            drilldown=[("id", "=", row["id"])],
            move_id=row["move_id"],
        )

    def _more_items_line(self, account, offset):
        remaining = account["line_count"] - offset
        return self._more_line(
            self._section_key(account), offset, remaining, self.env._("%s more journal items", remaining)
        )

    def _detail_lines(self, options, account, offset, limit):
        rows = self._query(self._page_query(options, account, offset, limit))
        rnd = self._rounder(options)
        lines = [self._detail_line(options, account, row, rnd) for row in rows]
        if offset + len(rows) < account["line_count"]:
            lines.append(self._more_items_line(account, offset + len(rows)))
        return lines

    def _checks_and_totals(self, options, accounts):
        totals = {
            key: self._round(options, sum(account[key] for account in accounts))
            for key in ("debit", "credit", "opening", "closing")
        }
        checks = []
        if not options["account_ids"] and not options["partner_ids"]:
            # Every entry balances, so the period's debits equal its credits, and the books add
            # up to zero on any day: before the period (the earlier years' result included)
            # and at its end.
            checks.append(
                self._check(options, self.env._("Total debit equals total credit"), totals["debit"], totals["credit"])
            )
            checks.append(self._check(options, self.env._("Opening balances add up to zero"), 0.0, totals["opening"]))
            checks.append(self._check(options, self.env._("Closing balances add up to zero"), 0.0, totals["closing"]))
        # As shown: each account's closing is its opening plus the period's debit minus credit.
        rnd = self._rounder(options)
        off = sum(
            abs(rnd(account["closing"]) - (rnd(account["opening"]) + rnd(account["debit"]) - rnd(account["credit"])))
            for account in accounts
        )
        checks.append(
            self._check(
                options,
                self.env._("Every account closes at opening + debit − credit (total difference)"),
                0.0,
                off,
            )
        )
        return {"checks": checks, "totals": totals}

    @api.model
    def _compute_report(self, options):
        self._flush_accounting()
        accounts = self._accounts(options)
        limit = options["line_limit"]
        by_account = {}
        if accounts:
            for row in self._query(self._first_pages_query(options, accounts, limit)):
                by_account.setdefault(row["account_id"], []).append(row)
        lines = []
        rnd = self._rounder(options)
        for account in accounts:
            lines.append(self._section_line(options, account))
            lines.append(self._opening_line(options, account))
            rows = by_account.get(account["id"], [])
            lines.extend(self._detail_line(options, account, row, rnd) for row in rows)
            if len(rows) < account["line_count"]:
                lines.append(self._more_items_line(account, len(rows)))
            lines.append(self._closing_line(options, account))
        return dict(lines=lines, **self._checks_and_totals(options, accounts))
