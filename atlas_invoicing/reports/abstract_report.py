"""Common ground of the Atlas reports.

Every report is an AbstractModel inheriting ``atlas.report``: ``get_report_data(options)``
returns the whole report as plain values (an "envelope": title, columns, options, lines,
checks, totals), for the screen, the PDF, the XLSX and XML-RPC clients alike. Figures come
from SQL with bound parameters. Raw SQL bypasses record rules, so the company and the role
are checked here, before any query runs; the journal items a report reads (the posted items
of its companies, ``_posted_items``) are the ones its drill-downs open
(``_drilldown_domain``).
"""

import datetime
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

# Every option any report understands; a key outside this set is a typo worth reporting.
KNOWN_OPTIONS = {
    "company_id",
    "as_of_date",
    "date_from",
    "date_to",
    "comparison",
    "account_ids",
    "partner_ids",
    "line_limit",
    "details",
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_LINE_LIMIT = 10000


class AtlasReport(models.AbstractModel):
    _name = "atlas.report"
    _description = "Atlas Report"

    # Set by each report.
    _report_key = None
    _report_group = "atlas_invoicing.group_atlas_viewer"
    _report_role = "Viewer"
    # The options this report reads (besides company_id).
    _report_options = ()
    # Zeros under a heading read better blank (an empty aging bucket, a zero debit); a report
    # whose every figure is an amount of its own (a P&L beside its comparison) shows 0.00.
    _report_blank_zeros = True

    # -------------------------------------------------------------------------
    # Public API (XML-RPC)
    # -------------------------------------------------------------------------

    @api.model
    def get_report_data(self, options=None):
        """The whole report as plain values (the envelope).

        :param options: dict of filters, every key optional: ``company_id``, and those the
            report reads (``as_of_date``, ``date_from``/``date_to``, ``comparison``,
            ``account_ids``, ``partner_ids``, ``line_limit``, ``details``)
        :raise AccessError: the user lacks the role or the company
        :raise UserError: an option is wrong; the message says what to fix
        """
        options = self._normalize_options(options)
        body = self._compute_report(options)
        return dict(self._envelope_header(options), **body)

    @api.model
    def get_more_lines(self, options, parent_key, offset):
        raise UserError(self.env._("Only the General Ledger and AR Aging load their lines page by page."))

    # -------------------------------------------------------------------------
    # Python API (XLSX writer, screen)
    # -------------------------------------------------------------------------

    @api.model
    def _get_report_envelope(self, options):
        """The envelope without its lines (title, columns, options, checks, totals)."""
        envelope = self.get_report_data(options)
        envelope.pop("lines")
        return envelope

    @api.model
    def _iter_report_lines(self, options):
        """Every line of the report in screen order (the XLSX writer streams this)."""
        yield from self.get_report_data(options)["lines"]

    # -------------------------------------------------------------------------
    # To implement in each report
    # -------------------------------------------------------------------------

    def _report_title(self):
        raise NotImplementedError

    def _report_subtitle(self, options):
        """The period, for the reports that read one; a report as of a date says so."""
        return self._period_text(options["date_from"], options["date_to"])

    def _report_columns(self, options):
        raise NotImplementedError

    def _compute_report(self, options):
        """{"lines": [...], "checks": [...], "totals": {...}} for normalised options."""
        raise NotImplementedError

    # -------------------------------------------------------------------------
    # Options
    # -------------------------------------------------------------------------

    @api.model
    def _normalize_options(self, options):
        """Check the role, the company and every option; return them normalised.

        Idempotent: the normalised options (echoed in the envelope) can be sent back as is.
        """
        self._check_report_access()
        if options is None or options is False:
            options = {}
        if not isinstance(options, dict):
            raise UserError(self.env._("The report options must be a dictionary, e.g. {'company_id': 1}."))
        # An addon may give a report an option of its own (in the report's _report_options).
        known = KNOWN_OPTIONS | set(self._report_options)
        unknown = sorted(set(options) - known)
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown report option(s): %(unknown)s. The options are: %(known)s.",
                    unknown=", ".join(map(str, unknown)),
                    known=", ".join(sorted(known)),
                )
            )
        company = self._option_company(options.get("company_id"))
        result = {"company_id": company.id}
        today = fields.Date.context_today(self)
        if "as_of_date" in self._report_options:
            as_of = self._option_date(options.get("as_of_date"), self.env._("as-of date"))
            result["as_of_date"] = as_of or today
        if "date_from" in self._report_options:
            date_from = self._option_date(options.get("date_from"), self.env._("start date"))
            date_to = self._option_date(options.get("date_to"), self.env._("end date"))
            # By default the company's fiscal year (fiscalyear_last_month/day), as in Odoo.
            fiscal_year = company.compute_fiscalyear_dates(today)
            result["date_from"] = date_from or fiscal_year["date_from"]
            result["date_to"] = date_to or fiscal_year["date_to"]
            self._check_period(result["date_from"], result["date_to"])
        if "comparison" in self._report_options:
            result["comparison"] = self._option_comparison(options.get("comparison"))
        if "account_ids" in self._report_options:
            result["account_ids"] = self._option_accounts(options.get("account_ids"), company)
        if "partner_ids" in self._report_options:
            result["partner_ids"] = self._option_partners(options.get("partner_ids"))
        if "line_limit" in self._report_options:
            result["line_limit"] = self._option_line_limit(options.get("line_limit"))
        if "details" in self._report_options:
            result["details"] = self._option_bool(options.get("details"), "details")
        return result

    def _paging_options(self, options, offset):
        """The normalised options of a "load more" call (``get_more_lines``), once its
        ``offset`` is known to be a whole number, 0 or more."""
        options = self._normalize_options(options)
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise UserError(self.env._("offset must be a whole number, 0 or more, not %r.", offset))
        return options

    def _check_report_access(self):
        if self.env.su or self.env.user.has_group(self._report_group):
            return
        raise AccessError(
            self.env._(
                "The %(report)s report needs the Atlas %(role)s role. Ask an Atlas administrator " "to give it to you.",
                report=self._report_title(),
                role=self._report_role,
            )
        )

    def _option_company(self, company_id):
        if company_id is None or company_id is False:
            return self.env.company
        if not isinstance(company_id, int) or isinstance(company_id, bool):
            raise UserError(self.env._("company_id must be a company id (a whole number), not %r.", company_id))
        allowed = self.env.user.company_ids
        if company_id not in allowed.ids and not self.env.su:
            raise AccessError(
                self.env._(
                    "You are not allowed to see the reports of company #%(id)s. Your companies are: %(names)s.",
                    id=company_id,
                    names=", ".join(f"{c.name} (#{c.id})" for c in allowed),
                )
            )
        company = self.env["res.company"].sudo().browse(company_id).exists()
        if not company:
            raise UserError(self.env._("There is no company #%s.", company_id))
        return company

    def _option_date(self, value, what):
        if value is None or value is False or value == "":
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        parsed = None
        if isinstance(value, str) and DATE_RE.match(value):
            try:
                parsed = datetime.date.fromisoformat(value)
            except ValueError:
                parsed = None  # 2026-02-30: shaped like a date, but not one
        if parsed:
            return parsed
        raise UserError(
            self.env._(
                "The %(what)s “%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-06-30.",
                what=what,
                value=value,
            )
        )

    def _check_period(self, date_from, date_to):
        if date_from > date_to:
            raise UserError(
                self.env._(
                    "The start date %(start)s is after the end date %(end)s: swap them or pick another period.",
                    start=date_from.isoformat(),
                    end=date_to.isoformat(),
                )
            )

    def _option_comparison(self, value):
        if not value:
            return False
        if not isinstance(value, dict) or not value.get("date_from") or not value.get("date_to"):
            raise UserError(
                self.env._(
                    "The comparison period must be {'date_from': 'YYYY-MM-DD', 'date_to': 'YYYY-MM-DD'} or False."
                )
            )
        date_from = self._option_date(value["date_from"], self.env._("comparison start date"))
        date_to = self._option_date(value["date_to"], self.env._("comparison end date"))
        self._check_period(date_from, date_to)
        return {"date_from": date_from, "date_to": date_to}

    def _option_ids(self, value, what):
        if value is None or value is False:
            return []
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise UserError(
                self.env._("%(what)s must be a list of ids (whole numbers), not %(value)r.", what=what, value=value)
            )
        return sorted(set(value))

    def _report_companies(self, options):
        """The companies whose journal items the report reads, as Odoo's own reports: the
        company and its branches (recursively) among the user's active companies (Odoo's
        ``_accessible_branches``: the companies selected in the switcher, all the user's
        companies over XML-RPC); a branch reads itself only. The drill-downs open the same
        journal items, as Odoo's record rules follow the same active companies."""
        company = self.env["res.company"].browse(options["company_id"])
        if self.env.su:
            return company.search([("id", "child_of", company.id)])
        return company.sudo() | company._accessible_branches().sudo()

    def _report_company_ids(self, options):
        return sorted(self._report_companies(options).ids)

    def _report_accounts(self, options, domain):
        """The accounts of the report's companies (``_report_companies``) matching ``domain``."""
        return self._company_accounts(self._report_companies(options), domain)

    def _company_accounts(self, company, domain=()):
        """The accounts ``company`` uses, by Odoo's own rule (``_check_company_domain``: its
        own and its parent companies' accounts, so a branch finds the root's)."""
        Account = self.env["account.account"].sudo().with_context(active_test=False)
        # Sorted by code here: Odoo's default order (by code) joins each account to its first
        # company among the user's own, which drops the parent's accounts for a user of a
        # branch only.
        accounts = Account.search([*Account._check_company_domain(company), *domain], order="id")
        return accounts.sorted(lambda account: (account.code or "", account.id))

    def _option_accounts(self, value, company):
        ids = self._option_ids(value, "account_ids")
        if not ids:
            return []
        found = self._company_accounts(company, [("id", "in", ids)])
        unknown = sorted(set(ids) - set(found.ids))
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown account id(s) %(ids)s for company %(company)s: "
                    "use ids of that company's chart of accounts.",
                    ids=", ".join(map(str, unknown)),
                    company=company.name,
                )
            )
        return ids

    def _option_partners(self, value):
        ids = self._option_ids(value, "partner_ids")
        if not ids:
            return []
        found = self.env["res.partner"].sudo().with_context(active_test=False).browse(ids).exists()
        unknown = sorted(set(ids) - set(found.ids))
        if unknown:
            raise UserError(self.env._("Unknown customer (partner) id(s): %s.", ", ".join(map(str, unknown))))
        return ids

    def _option_bool(self, value, what):
        if value is None:
            return False
        if not isinstance(value, bool):
            raise UserError(self.env._("%(what)s must be true or false, not %(value)r.", what=what, value=value))
        return value

    def _option_line_limit(self, value):
        if value is None or value is False:
            return 80
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LINE_LIMIT:
            raise UserError(
                self.env._(
                    "line_limit must be a whole number from 1 to %(max)s, not %(value)r.",
                    max=MAX_LINE_LIMIT,
                    value=value,
                )
            )
        return value

    # -------------------------------------------------------------------------
    # Envelope helpers
    # -------------------------------------------------------------------------

    def _company(self, options):
        return self.env["res.company"].sudo().browse(options["company_id"])

    def _currency(self, options):
        """The company currency: every figure of a report is in it."""
        return self._company(options).currency_id

    def _currency_info(self, company):
        currency = company.currency_id
        return {
            "id": currency.id,
            "name": currency.name,
            "symbol": currency.symbol,
            "position": currency.position,
            "decimal_places": currency.decimal_places,
        }

    def _echo_options(self, options):
        """Options as plain values (dates as YYYY-MM-DD), ready to be sent back."""

        def plain(value):
            if isinstance(value, datetime.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return plain(options)

    def _envelope_header(self, options):
        company = self._company(options)
        return {
            "report": self._report_key,
            "title": self._report_title(),
            "subtitle": self._report_subtitle(options),
            "company": {"id": company.id, "name": company.name},
            "currency": self._currency_info(company),
            "options": self._echo_options(options),
            "columns": self._report_columns(options),
            "blank_zeros": self._report_blank_zeros,
            "drilldown_view": self._drilldown_view(options),
            "select_filters": self._report_select_filters(options),
        }

    def _report_select_filters(self, options):
        """The screen's drop-down filters of options an addon adds to the report:
        [{"key": option, "label": ..., "choices": [{"value": ..., "label": ...}]}]."""
        return []

    def _drilldown_view(self, options):
        """The list view (id) and context the screen opens the journal items of a figure with;
        False: Odoo's journal items list."""
        return False

    def _format_date(self, date, date_format=False):
        return format_date(self.env, date, date_format=date_format)

    def _period_text(self, date_from, date_to):
        return self.env._("%(start)s – %(end)s", start=self._format_date(date_from), end=self._format_date(date_to))

    def _round(self, options, amount):
        """Round an amount to the company currency (plain float, -0.0 made 0.0)."""
        return self._rounder(options)(amount)

    def _rounder(self, options):
        """The rounding function of the company currency, for loops over many lines
        (reads the currency once instead of once per amount)."""
        currency = self._currency(options)

        def rounded(amount):
            # The currency's own rounding (a 0.05 rounding is not 2 decimal places).
            return currency.round(amount or 0.0) + 0.0

        return rounded

    def _check(self, options, label, expected, value):
        expected = self._round(options, expected)
        value = self._round(options, value)
        difference = self._round(options, value - expected)
        return {
            "label": label,
            "expected": expected,
            "value": value,
            "difference": difference,
            "ok": self._currency(options).is_zero(difference),
        }

    @staticmethod
    def _line(key, label, values, kind="line", parent=False, level=0, drilldown=False, move_id=False, foreign=False):
        return {
            "key": key,
            "parent": parent,
            "level": level,
            "kind": kind,
            "label": label,
            "values": values,
            "drilldown": drilldown,
            "move_id": move_id,
            "foreign": foreign,
        }

    def _more_line(self, parent_key, offset, remaining, label):
        """The screen's pager under ``parent_key``: ``get_more_lines(options, parent_key,
        offset)`` loads the next lines."""
        return self._line(
            f"{parent_key}-more-{offset}",
            label,
            {"offset": offset, "remaining": remaining},
            kind="more",
            parent=parent_key,
            level=1,
        )

    def _drilldown_domain(self, options, *conditions):
        """The journal items behind a figure, as a domain for the screen's drill-down: the
        posted items of the report's companies matching ``conditions``, within the report's
        period (``date_from``–``date_to``, or up to ``as_of_date``) and of its selected
        customers, if any. The same items as ``_posted_items`` and the report's own filters."""
        domain = [
            ("company_id", "in", self._report_company_ids(options)),
            ("parent_state", "=", "posted"),
            *conditions,
        ]
        if options.get("date_from"):
            domain.append(("date", ">=", options["date_from"].isoformat()))
        date_to = options.get("date_to") or options.get("as_of_date")
        if date_to:
            domain.append(("date", "<=", date_to.isoformat()))
        if options.get("partner_ids"):
            domain.append(("partner_id", "in", options["partner_ids"]))
        return domain

    # -------------------------------------------------------------------------
    # SQL helpers
    # -------------------------------------------------------------------------

    def _flush_accounting(self):
        """Raw SQL reads the tables: write pending ORM changes first."""
        for model in (
            "account.move.line",
            "account.move",
            "account.account",
            "account.partial.reconcile",
            "account.payment",
            "account.journal",
            "account.bank.statement.line",
            "res.partner",
        ):
            self.env[model].flush_model()

    def _query(self, query):
        """Run an odoo.tools.SQL (parameters bound by psycopg2) and return dict rows."""
        self.env.cr.execute(query)
        return self.env.cr.dictfetchall()

    def _account_code_sql(self, alias, company):
        # Odoo 18 stores the code per root company (company_dependent code_store).
        return self.env["account.account"].with_company(company)._field_to_sql(alias, "code")

    def _account_name_sql(self, alias):
        # Translated field (jsonb): the user's language, falling back to English.
        return self.env["account.account"]._field_to_sql(alias, "name")

    def _posted_items(self, options, alias="aml"):
        """WHERE condition on account_move_line: the posted items of the report's companies."""
        return SQL(
            "%s = ANY(%s) AND %s = 'posted'",
            SQL.identifier(alias, "company_id"),
            self._report_company_ids(options),
            SQL.identifier(alias, "parent_state"),
        )

    def _accounts_balance(self, options, account_ids, until):
        """Balance of ``account_ids`` at the end of the day ``until``: their posted items in
        the report's companies (of its selected customers, if any), in company currency."""
        partner_ids = options.get("partner_ids")
        partner_filter = SQL("AND aml.partner_id = ANY(%s)", partner_ids) if partner_ids else SQL()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(aml.balance), 0)
                  FROM account_move_line aml
                 WHERE aml.account_id = ANY(%s) AND aml.date <= %s AND %s %s
                """,
                account_ids,
                until,
                self._posted_items(options),
                partner_filter,
            )
        )
        return self.env.cr.fetchone()[0]
