"""OCA's statements (partner_statement): the company's branches, and exchange differences.

OCA's report SQL reads the journal items of one company (``c.id = <company>``). A branch
invoices on its parent's books, and AR Aging of the parent reads the branches' items, as Odoo's
own reports do: the parent's statement reads them too, so that it ties to AR Aging. A branch's
statement reads its own items only. The branches are those AR Aging reads: among the active
companies (Odoo's ``_accessible_branches``), all of them for the superuser (the scheduled run,
the XML-RPC method).

An exchange difference on an invoice in a foreign currency is a receivable item in that
currency for 0.00 (its amount is in the company's currency only). OCA's activity statement
lists such an item in the foreign currency's section at its company-currency amount (12.50 USD
shown as 12.50 EUR): the section's closing balance is then off by it. In the invoice's currency
nothing changed: the activity statement leaves these items out of that section (the company's
currency figures, from AR Aging, count them).
"""

import re

from odoo import models


class StatementCommon(models.AbstractModel):
    _inherit = "statement.common"

    def _atlas_statement_company_ids(self, company_id):
        company = self.env["res.company"].browse(company_id)
        if self.env.su:
            return company.search([("id", "child_of", company.id)]).ids
        return (company.sudo() | company._accessible_branches().sudo()).ids

    def _atlas_with_branches(self, sql, company_id):
        """OCA's ``c.id = <company>`` condition, for the company and its branches."""
        ids = ", ".join(str(int(id_)) for id_ in self._atlas_statement_company_ids(company_id))
        return re.sub(rf"\bc\.id = {int(company_id)}\b", f"c.id IN ({ids})", sql)

    def _show_buckets_sql_q3(self, company_id):
        return self._atlas_with_branches(super()._show_buckets_sql_q3(company_id), company_id)


class OutstandingStatement(models.AbstractModel):
    _inherit = "report.partner_statement.outstanding_statement"

    def _display_outstanding_lines_sql_q3(self, sub, company_id):
        return self._atlas_with_branches(super()._display_outstanding_lines_sql_q3(sub, company_id), company_id)


class ActivityStatement(models.AbstractModel):
    _inherit = "report.partner_statement.activity_statement"

    def _initial_balance_sql_q3(self, sub, company_id):
        return self._atlas_with_branches(super()._initial_balance_sql_q3(sub, company_id), company_id)

    def _display_activity_lines_sql_q1(self, partners, date_start, date_end, account_type):
        sql = super()._display_activity_lines_sql_q1(partners, date_start, date_end, account_type)
        return sql.replace(
            "WHERE l.partner_id IN",
            "WHERE NOT (l.amount_currency = 0.0 AND l.currency_id != l.company_currency_id)\n"
            "                AND l.partner_id IN",
            1,
        )

    def _display_activity_lines_sql_q2(self, sub, company_id):
        return self._atlas_with_branches(super()._display_activity_lines_sql_q2(sub, company_id), company_id)
