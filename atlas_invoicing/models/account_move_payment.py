"""Record Payment and Refund of an Atlas invoice (seed 000 step 4, seed 001 Refunded).

Payments are Odoo's own (account.payment.register creates and reconciles them); Atlas
adds the checks a bookkeeper expects, its payment methods, a row lock so concurrent
clients never pay more than is due, and idempotency keys for retried calls.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .account_payment_method import ATLAS_PAYMENT_METHODS, atlas_method_code


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    atlas_refund_idempotency_key = fields.Char(
        string="Refund Idempotency Key",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )

    # -------------------------------------------------------------------------
    # Buttons
    # -------------------------------------------------------------------------

    def action_atlas_record_payment(self):
        self.ensure_one()
        self._atlas_check_payable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Payment"),
            "res_model": "atlas.payment.record",
            "view_mode": "form",
            "target": "new",
            "context": {"default_invoice_id": self.id},
        }

    def action_atlas_refund(self):
        self.ensure_one()
        self._atlas_check_refundable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refund"),
            "res_model": "atlas.invoice.refund",
            "view_mode": "form",
            "target": "new",
            "context": {"default_invoice_id": self.id},
        }

    # -------------------------------------------------------------------------
    # XML-RPC API
    # -------------------------------------------------------------------------

    def atlas_record_payment(
        self,
        amount=None,
        date=None,
        journal_id=None,
        payment_method="check",
        memo=None,
        keep_excess_as_credit=False,
        idempotency_key=None,
    ):
        """Record a customer payment on one invoice.

        :param amount: amount received, in the invoice's currency (default: the balance due)
        :param date: date received, "YYYY-MM-DD" (default: today)
        :param journal_id: the deposit account's bank or cash journal (default: the first bank journal)
        :param payment_method: "check", "ach", "wire", "card" or "cash" (not "method": Odoo's
            execute_kw already takes that name)
        :param keep_excess_as_credit: accept more than the balance due; the excess stays as the
            customer's credit
        :param idempotency_key: a retried call with the same key returns the first payment
        :return: {"payment_id", "payment_name", "amount", "invoice": {id, name, status, amount_residual}}

        Goes through the Record Payment wizard, so its access rights (Bookkeeper) apply.
        """
        self.ensure_one()
        self.env["atlas.payment.record"].check_access("create")
        return self._atlas_record_payment(
            amount=amount,
            date=date,
            journal_id=journal_id,
            method=payment_method,
            memo=memo,
            keep_excess_as_credit=keep_excess_as_credit,
            idempotency_key=idempotency_key,
        )

    def _atlas_record_payment(self, amount, date, journal_id, method, memo, keep_excess_as_credit, idempotency_key):
        self.ensure_one()
        if idempotency_key:
            existing = self._atlas_payment_by_key(idempotency_key)
            if existing:
                if self not in existing.reconciled_invoice_ids:
                    raise UserError(
                        self.env._(
                            "The idempotency key “%(key)s” was already used for payment %(payment)s of another "
                            "invoice. Use a new key for each payment.",
                            key=idempotency_key,
                            payment=existing.name,
                        )
                    )
                return self._atlas_payment_result(existing)
        self._atlas_lock()
        self._atlas_check_payable()
        journal = self._atlas_deposit_journal(journal_id)
        method_line = self._atlas_method_line(journal, method, "inbound")
        amount = self.amount_residual if amount is None else amount
        self._atlas_check_amount(amount, keep_excess_as_credit)

        payment = self._atlas_register_payment(
            amount=amount,
            date=date or fields.Date.context_today(self),
            journal=journal,
            method_line=method_line,
            memo=memo or self.name,
        )
        if idempotency_key:
            payment.atlas_idempotency_key = idempotency_key
        # A log line, not a message to followers: nobody is notified of a payment by email.
        self._message_log(
            body=self.env._(
                "Payment %(payment)s of %(amount)s received by %(method)s into %(journal)s.",
                payment=payment.name,
                amount=payment.currency_id.format(payment.amount),
                method=method_line.name,
                journal=journal.name,
            )
        )
        return self._atlas_payment_result(payment)

    def atlas_refund(self, journal_id=None, payment_method="check", date=None, reason=None, idempotency_key=None):
        """Refund the whole invoice: a full credit note reconciled with it and, if money had
        been received, the refund payment of that money (Debit Accounts Receivable / Credit
        the bank) from the chosen bank or cash journal with the chosen method.

        Goes through the Refund wizard, so its access rights (Accountant) apply over XML-RPC too.

        :return: {"credit_note_id", "credit_note_name", "refund_payment_id", "invoice": {...}}
        """
        self.ensure_one()
        wizard = self.env["atlas.invoice.refund"].create(
            {
                "invoice_id": self.id,
                "journal_id": journal_id,
                "method": payment_method,
                "date": date or fields.Date.context_today(self),
                "reason": reason or self.env._("Refund of %(name)s", name=self.name),
                "idempotency_key": idempotency_key,
            }
        )
        return wizard._apply()

    def _atlas_refund(self, journal_id=None, method="check", date=None, reason=None, idempotency_key=None):
        self.ensure_one()
        if idempotency_key:
            existing = self.search(
                [("atlas_refund_idempotency_key", "=", idempotency_key), ("company_id", "=", self.company_id.id)],
                limit=1,
            )
            if existing:
                if existing.reversed_entry_id != self:
                    raise UserError(
                        self.env._(
                            "The idempotency key “%(key)s” was already used to refund another invoice.",
                            key=idempotency_key,
                        )
                    )
                return self._atlas_refund_result(existing)
        self._atlas_lock()
        self._atlas_check_refundable()
        paid = self.atlas_amount_paid
        journal = method_line = None
        if paid:
            journal = self._atlas_deposit_journal(journal_id)
            method_line = self._atlas_method_line(journal, method, "outbound")

        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=self.ids)
            .create(
                {
                    "journal_id": self.journal_id.id,
                    "date": date or fields.Date.context_today(self),
                    "reason": reason or self.env._("Refund of %(name)s", name=self.name),
                }
            )
        )
        credit_note = self.browse(reversal.refund_moves()["res_id"])
        credit_note.atlas_refund_idempotency_key = idempotency_key or False
        credit_note.action_post()  # Odoo reconciles it with what is still due on the invoice

        refund_payment = self.env["account.payment"]
        if paid:
            refund_payment = credit_note._atlas_register_payment(
                amount=credit_note.amount_residual,
                date=date or fields.Date.context_today(self),
                journal=journal,
                method_line=method_line,
                memo=credit_note.name,
            )
        self.message_post(
            body=self.env._(
                "Refunded by credit note %(credit_note)s%(payment)s.",
                credit_note=credit_note.name,
                payment=self.env._(" and refund payment %(payment)s", payment=refund_payment.name)
                if refund_payment
                else "",
            )
        )
        return self._atlas_refund_result(credit_note)

    def _atlas_refund_result(self, credit_note):
        invoice = credit_note.reversed_entry_id
        refund_payment = credit_note.matched_payment_ids[:1] or self.env["account.payment"].search(
            [("invoice_ids", "in", credit_note.ids)], limit=1
        )
        return {
            "credit_note_id": credit_note.id,
            "credit_note_name": credit_note.name,
            "refund_payment_id": refund_payment.id or False,
            "invoice": {
                "id": invoice.id,
                "name": invoice.name,
                "status": invoice.atlas_status,
                "amount_residual": invoice.amount_residual,
            },
        }

    def _atlas_check_refundable(self):
        self.ensure_one()
        if self.move_type != "out_invoice":
            raise UserError(self.env._("%(name)s is not a customer invoice.", name=self.display_name))
        if self.state == "draft":
            raise UserError(self.env._("A draft has no journal entry to refund: delete it, or send it first."))
        if self.state == "cancel":
            raise UserError(self.env._("Invoice %(name)s is cancelled; there is nothing to refund.", name=self.name))
        if self.atlas_status == "refunded" or self.reversal_move_ids.filtered(lambda m: m.state == "posted"):
            raise UserError(
                self.env._(
                    "Invoice %(name)s already has a credit note. Refund what is left from that credit note.",
                    name=self.name,
                )
            )

    def _atlas_payment_result(self, payment):
        return {
            "payment_id": payment.id,
            "payment_name": payment.name,
            "amount": payment.amount,
            "invoice": {
                "id": self.id,
                "name": self.name,
                "status": self.atlas_status,
                "amount_residual": self.amount_residual,
            },
        }

    # -------------------------------------------------------------------------
    # Checks
    # -------------------------------------------------------------------------

    def _atlas_lock(self):
        """Lock the invoice row for the rest of the transaction.

        Concurrent payments on one invoice queue here; the balance is read after the lock, so
        two clients can't both pay what only one of them may. (Under PostgreSQL's repeatable
        read, a waiter whose snapshot predates the other's commit gets a serialization
        failure, and Odoo replays its request with fresh data.)
        """
        self.env.cr.execute("SELECT id FROM account_move WHERE id IN %s FOR UPDATE", [tuple(self.ids)])
        self.invalidate_recordset(["state", "amount_residual", "payment_state", "atlas_amount_paid"])

    def _atlas_check_payable(self):
        for move in self:
            if move.move_type != "out_invoice":
                raise UserError(self.env._("%(name)s is not a customer invoice.", name=move.display_name))
            if move.state == "draft":
                raise UserError(
                    self.env._(
                        "Invoice %(name)s is a draft: send it (or mark it as sent) before recording a payment.",
                        name=move.display_name,
                    )
                )
            if move.state == "cancel":
                raise UserError(self.env._("Invoice %(name)s is cancelled; it can't be paid.", name=move.name))
            if move.currency_id.is_zero(move.amount_residual):
                raise UserError(self.env._("Invoice %(name)s has nothing left to pay.", name=move.name))

    def _atlas_check_amount(self, amount, keep_excess_as_credit):
        currency = self.currency_id
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise UserError(self.env._("The amount received must be greater than zero."))
        if currency.compare_amounts(amount, self.amount_residual) > 0 and not keep_excess_as_credit:
            raise UserError(
                self.env._(
                    "%(amount)s is more than the %(due)s due on invoice %(name)s. Record at most the balance due, "
                    "or choose to keep the excess as the customer's credit.",
                    amount=currency.format(amount),
                    due=currency.format(self.amount_residual),
                    name=self.name,
                )
            )

    @api.model
    def _atlas_payment_by_key(self, key):
        return self.env["account.payment"].search(
            [("atlas_idempotency_key", "=", key), ("company_id", "=", self.env.company.id)], limit=1
        )

    def _atlas_deposit_journal(self, journal_id):
        self.ensure_one()
        Journal = self.env["account.journal"]
        if journal_id:
            journal = Journal.browse(journal_id).exists()
            if not journal or journal.type not in ("bank", "cash"):
                raise UserError(self.env._("The deposit account must be a bank or cash journal."))
        else:
            journal = Journal.search([("type", "=", "bank"), *Journal._check_company_domain(self.company_id)], limit=1)
            if not journal:
                raise UserError(self.env._("Create a bank journal (e.g. Business Checking) to deposit payments."))
        if journal.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "%(journal)s belongs to %(company)s, not to %(invoice_company)s: choose a deposit account "
                    "of the invoice's company.",
                    journal=journal.name,
                    company=journal.company_id.name,
                    invoice_company=self.company_id.name,
                )
            )
        if journal.currency_id and journal.currency_id != self.currency_id:
            raise UserError(
                self.env._(
                    "%(journal)s only takes %(journal_currency)s; invoice %(name)s is in %(currency)s. "
                    "Choose a deposit account in %(currency)s or without a currency of its own.",
                    journal=journal.name,
                    journal_currency=journal.currency_id.name,
                    name=self.name,
                    currency=self.currency_id.name,
                )
            )
        return journal

    def _atlas_method_line(self, journal, method, payment_type):
        if method not in ATLAS_PAYMENT_METHODS:
            raise UserError(
                self.env._(
                    "Unknown payment method “%(method)s”: use one of %(methods)s.",
                    method=method,
                    methods=", ".join(ATLAS_PAYMENT_METHODS),
                )
            )
        lines = (
            journal.inbound_payment_method_line_ids
            if payment_type == "inbound"
            else journal.outbound_payment_method_line_ids
        )
        line = lines.filtered(lambda line: line.code == atlas_method_code(method))[:1]
        if not line:
            raise UserError(
                self.env._(
                    "%(journal)s has no %(method)s payment method: add it on the journal's Incoming/Outgoing "
                    "Payments tab.",
                    journal=journal.name,
                    method=ATLAS_PAYMENT_METHODS[method],
                )
            )
        return line

    # -------------------------------------------------------------------------
    # Odoo's payment engine
    # -------------------------------------------------------------------------

    def _atlas_register_payment(self, amount, date, journal, method_line, memo):
        """Create, post and reconcile the payment with Odoo's own wizard (account.payment.register)."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=self.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": date,
                    "journal_id": journal.id,
                    "payment_method_line_id": method_line.id,
                    "communication": memo,
                    # Underpaid: the invoice stays partially paid. Overpaid: the excess stays
                    # open on the receivable account as the customer's credit.
                    "payment_difference_handling": "open",
                }
            )
        )
        return wizard._create_payments()
