"""The Cash Flow Statement of bank lines confirmed against a payment.

A bank statement line confirmed against an Atlas payment is the bank item of that payment's
money (the payment then waits on Outstanding Receipts, see docs/banking.md): it is filed under
that payment's method, on the bank's date, like the payment itself would have been.
"""

from odoo import models
from odoo.osv import expression
from odoo.tools import SQL


class AtlasReportCashFlow(models.AbstractModel):
    _inherit = "atlas.report.cash.flow"

    def _flows_method_sql(self):
        # EXTENDS atlas_invoicing: a confirmed bank line takes its payment's method.
        joins, _method_id = super()._flows_method_sql()
        return (
            SQL(
                """%s
                LEFT JOIN account_bank_statement_line st_line
                       ON st_line.id = move.statement_line_id AND st_line.is_reconciled
                LEFT JOIN account_payment matched ON matched.id = st_line.atlas_match_payment_id
                """,
                joins,
            ),
            SQL("COALESCE(payment.payment_method_id, matched.payment_method_id)"),
        )

    def _method_conditions(self, method_id):
        # EXTENDS atlas_invoicing: the same bank lines as _flows_method_sql.
        conditions = super()._method_conditions(method_id)
        if method_id:
            return expression.OR(
                [
                    conditions,
                    [
                        *self._confirmed_against_a_payment(),
                        ("move_id.statement_line_id.atlas_match_payment_id.payment_method_id", "=", method_id),
                    ],
                ]
            )
        # Odoo reads "statement_line_id.is_reconciled = False" as "a statement line not
        # reconciled", never true of an entry without a statement line.
        not_confirmed = [
            "|",
            ("move_id.statement_line_id", "=", False),
            "|",
            ("move_id.statement_line_id.is_reconciled", "=", False),
            ("move_id.statement_line_id.atlas_match_payment_id", "=", False),
        ]
        return expression.AND([conditions, not_confirmed])

    @staticmethod
    def _confirmed_against_a_payment():
        return [
            ("move_id.statement_line_id.is_reconciled", "=", True),
            ("move_id.statement_line_id.atlas_match_payment_id", "!=", False),
        ]
