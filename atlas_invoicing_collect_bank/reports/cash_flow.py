"""The Cash Flow Statement of a provider's payout.

The payout's bank item is the online payments it bundles less the provider's fee. Filed as
one net receipt it would hide both: the Cash Flow Statement files it by what its entry settles
instead, on the bank's date (the money reached the bank then):

- each payment's money it settles (its Outstanding Receipts item), under the payment's method
  (Credit Card for an online payment), as a receipt, in full;
- the rest of the entry — the fee on the provider's Fees Account — under the method of the
  payout's payments, as a disbursement (the outbound method of the same code: Credit Card's
  disbursements are on its outbound method).

The entry balances, so these rows add up to the bank item to the cent and the report's checks
hold. The drill-down lists the payments' own items (the customer, the payment's date) and the
fee item.
"""

from odoo import models
from odoo.osv import expression
from odoo.tools import SQL

PAYOUT_PAYMENTS = "atlas_bank_line_payout_payment_rel"


class AtlasReportCashFlow(models.AbstractModel):
    _inherit = "atlas.report.cash.flow"

    def _flows_kept_items(self, options):
        # EXTENDS atlas_invoicing_bank: a confirmed payout's bank item is filed by its entry.
        return SQL(
            "%s AND NOT EXISTS (SELECT 1 FROM %s payout WHERE payout.line_id = st_line.id)",
            super()._flows_kept_items(options),
            SQL.identifier(PAYOUT_PAYMENTS),
        )

    def _flows_queries(self, options, account_ids):
        # EXTENDS atlas_invoicing: the confirmed payouts' entries, filed by what they settle.
        return [*super()._flows_queries(options, account_ids), self._payout_flows_query(options, account_ids)]

    def _payout_flows_query(self, options, account_ids):
        """The other items of confirmed payouts' entries, sign reversed: the money they bring
        to the bank (a payment's item settled: a receipt) or take from it (the fee)."""
        method_name = self.env["account.payment.method"]._field_to_sql("method", "name")
        return SQL(
            """
            SELECT date_trunc('month', aml.date)::date AS month,
                   aml.balance < 0 AS is_receipt,
                   method.id AS method_id,
                   %(method_name)s AS method_name,
                   SUM(-aml.balance) AS amount
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
              JOIN account_bank_statement_line st_line
                ON st_line.id = move.statement_line_id AND st_line.is_reconciled
              -- the payment whose item this one settles, if any
              LEFT JOIN LATERAL (
                    SELECT payment.payment_method_id
                      FROM account_partial_reconcile partial
                      JOIN account_move_line settled
                        ON settled.id IN (partial.debit_move_id, partial.credit_move_id) AND settled.id != aml.id
                      JOIN account_move settled_move ON settled_move.id = settled.move_id
                      JOIN account_payment payment ON payment.id = settled_move.origin_payment_id
                     WHERE aml.id IN (partial.debit_move_id, partial.credit_move_id)
                     LIMIT 1
              ) settled ON TRUE
              -- the payout's payments' method (online payments of one provider: one method),
              -- and its outbound twin (Credit Card out) for what the payout pays out: the fee
              LEFT JOIN LATERAL (
                    SELECT MIN(payment.payment_method_id) AS payment_method_id
                      FROM %(payout_payments)s payout
                      JOIN account_payment payment ON payment.id = payout.payment_id
                     WHERE payout.line_id = st_line.id
              ) payout ON TRUE
              LEFT JOIN account_payment_method payout_method ON payout_method.id = payout.payment_method_id
              LEFT JOIN account_payment_method payout_twin
                     ON payout_twin.code = payout_method.code AND payout_twin.payment_type = 'outbound'
              LEFT JOIN account_payment_method method
                     ON method.id = COALESCE(
                            settled.payment_method_id,
                            CASE WHEN aml.balance > 0 THEN payout_twin.id END,
                            payout.payment_method_id
                        )
             WHERE EXISTS (SELECT 1 FROM %(payout_payments)s payout WHERE payout.line_id = st_line.id)
               AND aml.account_id != ALL(%(accounts)s)
               AND %(posted)s
               AND aml.date BETWEEN %(from)s AND %(to)s
               AND aml.balance != 0
             GROUP BY 1, 2, 3, 4
            """,
            method_name=method_name,
            payout_payments=SQL.identifier(PAYOUT_PAYMENTS),
            accounts=account_ids,
            posted=self._posted_items(options),
            **{"from": options["date_from"], "to": options["date_to"]},
        )

    def _method_drilldown(self, options, account_ids, direction, method_id):
        # EXTENDS atlas_invoicing: a payout's bank item is not listed; the payments' items it
        # settles and its fee are, where _payout_flows_query files them.
        not_payout = [
            "|",
            ("move_id.statement_line_id", "=", False),
            "|",
            ("move_id.statement_line_id.is_reconciled", "=", False),
            ("move_id.statement_line_id.atlas_payout_payment_ids", "=", False),
        ]
        domains = [expression.AND([super()._method_drilldown(options, account_ids, direction, method_id), not_payout])]
        if method_id:
            payout_items = [
                ("move_id.statement_line_id.is_reconciled", "=", True),
                ("move_id.statement_line_id.atlas_payout_payment_ids", "!=", False),
                ("account_id", "not in", account_ids),
            ]
            # The payments' items the payouts of the period settle, whatever their own date.
            side, other = ("credit", "debit") if direction == "receipts" else ("debit", "credit")
            settling = self._drilldown_domain(options, *payout_items)
            domains.append(
                [
                    ("company_id", "in", self._report_company_ids(options)),
                    ("parent_state", "=", "posted"),
                    ("move_id.origin_payment_id.payment_method_id", "=", method_id),
                    self._sign_domain(direction),
                    (f"matched_{side}_ids", "any", [(f"{side}_move_id", "any", settling)]),
                ]
            )
            # The rest of the payouts' entries (the fee), sign reversed.
            not_settling = [
                (f"matched_{name}_ids", "not any", [(f"{name}_move_id.move_id.origin_payment_id", "!=", False)])
                for name in (side, other)
            ]
            domains.append(
                self._drilldown_domain(
                    options,
                    *payout_items,
                    *not_settling,
                    ("balance", "<" if direction == "receipts" else ">", 0),
                    (
                        "move_id.statement_line_id.atlas_payout_payment_ids.payment_method_id",
                        "in",
                        self._payout_methods_filed_under(direction, method_id),
                    ),
                )
            )
        return expression.OR(domains)

    def _payout_methods_filed_under(self, direction, method_id):
        """The payout payments' methods whose payouts' fees (disbursements) or other money
        (receipts) _payout_flows_query files under ``method_id``: a fee goes under the
        outbound method of the payments' method's code, when there is one."""
        method = self.env["account.payment.method"].sudo().browse(method_id)
        if direction == "receipts":
            return method.ids
        twins = method.search([("code", "=", method.code)])
        if method.payment_type == "outbound":
            return twins.ids
        return [] if twins.filtered(lambda twin: twin.payment_type == "outbound") else method.ids
