"""A bank line's entry tells in words what its line was reconciled with.

Reconciling a bank line (Atlas's Confirm, OCA's reconciliation screen, a matching rule) and
undoing it rewrite the items of the line's entry. Odoo logs each rewritten item of a posted
entry with its technical tracking ("Journal Item #95 deleted", "Bank Suspense Account → None");
for Atlas users the entry's chatter says instead, once, what the line was reconciled with, or
that the reconciliation was undone. Users without an Atlas role keep Odoo's messages.
"""

from odoo import models

from odoo.addons.atlas_invoicing.reports.abstract_report_files import format_amount

ITEMS_REWRITTEN = "atlas_bank_items_rewritten"


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _mail_track(self, tracked_fields, initial_values):
        # EXTENDS mail: Odoo logs an item only when it has tracking values, so none are made
        # for the items a bank line's reconciliation rewrites (asked of the user, not of the
        # environment: the reconciliation may run as superuser).
        if self.env.context.get(ITEMS_REWRITTEN) and self.env.user.has_group("atlas_invoicing.group_atlas_viewer"):
            return set(), []
        return super()._mail_track(tracked_fields, initial_values)


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"  # pylint: disable=consider-merging-classes-inherited

    def _reconcile_bank_line_edit(self, data):
        result = super(
            AccountBankStatementLine, self.with_context(**{ITEMS_REWRITTEN: True})
        )._reconcile_bank_line_edit(data)
        self._atlas_log_reconciled()
        return result

    def _reconcile_bank_line_keep(self, data):
        result = super(
            AccountBankStatementLine, self.with_context(**{ITEMS_REWRITTEN: True})
        )._reconcile_bank_line_keep(data)
        self._atlas_log_reconciled()
        return result

    def action_undo_reconciliation(self):
        result = super(
            AccountBankStatementLine, self.with_context(**{ITEMS_REWRITTEN: True})
        ).action_undo_reconciliation()
        for line in self:
            line.move_id._message_log(
                body=self.env._(
                    "Reconciliation undone: %(amount)s waits on %(account)s again.",
                    amount=format_amount(self.env, line.amount, line.currency_id),
                    account=line.journal_id.suspense_account_id.display_name,
                )
            )
        return result

    def _atlas_log_reconciled(self):
        """Log on the line's entry what its amount went to: each counterpart item's account and
        amount, with the entries it settles (a payment, and the invoices that payment paid)."""
        for line in self:
            _liquidity, suspense, others = line._seek_for_lines()
            parts = []
            for item in others | suspense:
                settled = (item.matched_debit_ids.debit_move_id | item.matched_credit_ids.credit_move_id).move_id
                names = settled.mapped("name")
                names += settled.origin_payment_id.reconciled_invoice_ids.mapped("name")
                part = self.env._(
                    "%(account)s %(amount)s",
                    account=item.account_id.display_name,
                    amount=format_amount(self.env, -item.balance, item.company_currency_id),
                )
                if names:
                    part = self.env._("%(item)s, settling %(entries)s", item=part, entries=", ".join(names))
                parts.append(part)
            if parts:
                line.move_id._message_log(
                    body=self.env._("Reconciled: %(items)s.", items="; ".join(parts)),
                )
