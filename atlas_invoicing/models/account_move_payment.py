"""Record Payment and Refund of an Atlas invoice.

Payments are Odoo's own (account.payment.register creates and reconciles them); Atlas
adds the checks a bookkeeper expects, its payment methods, a row lock so concurrent
clients never pay more than is due, and idempotency keys for retried calls.
"""

from odoo import Command, fields, models
from odoo.exceptions import UserError

from .account_payment_method import ATLAS_PAYMENT_METHODS, atlas_method_code


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    atlas_refund_idempotency_key = fields.Char(
        string="Refund Idempotency Key",
        copy=False,
        readonly=True,
        index="btree_not_null",
        groups="account.group_account_invoice,account.group_account_readonly",
    )

    # -------------------------------------------------------------------------
    # Buttons
    # -------------------------------------------------------------------------

    def action_atlas_record_payment(self):
        self.ensure_one()
        self._atlas_check_role("bookkeeper", self.env._("Only an Atlas Bookkeeper can record a payment."))
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
        self._atlas_check_role("accountant", self.env._("Only an Atlas Accountant can refund an invoice."))
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
        payment_method=None,
        memo=None,
        keep_excess_as_credit=False,
        idempotency_key=None,
    ):
        """Record a customer payment on one invoice.

        :param amount: amount received, in the invoice's currency (default: what Record Payment
            proposes for the date, see atlas_amount_to_pay: the discounted total within an
            early-payment discount's period, the instalment due with instalment terms, else the
            balance due)
        :param date: date received, "YYYY-MM-DD" (default: today)
        :param journal_id: the deposit account's bank or cash journal (default: the first bank journal)
        :param payment_method: "check" (default), "ach", "wire", "card" or "cash" (not "method":
            Odoo's execute_kw already takes that name)
        :param keep_excess_as_credit: accept more than the balance due; the excess stays as the
            customer's credit
        :param idempotency_key: a retried call with the same key returns the first payment; a call
            with the same key and a different amount, date, deposit account or method is refused
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

    def atlas_amount_to_pay(self, date=None):
        """What Record Payment proposes to receive on one invoice on a date (XML-RPC).

        :param date: date received, "YYYY-MM-DD" (default: today)
        :return: {"amount": the amount proposed, "amount_residual": the balance due,
            "discount": the early-payment discount a payment of ``amount`` on that date takes
            (0 outside the discount's period), "discount_date": the discount's last day or False,
            "instalment": True when ``amount`` is the instalment(s) due of instalment terms}
        """
        self.ensure_one()
        self.check_access("read")
        self._atlas_check_payable()
        proposal = self._atlas_payment_proposal(fields.Date.to_date(date) if date else None)
        return {**proposal, "discount_date": fields.Date.to_string(proposal["discount_date"])}

    def _atlas_payment_proposal(self, date=None):
        """What Odoo's Register Payment proposes for this invoice on ``date``, in the invoice's
        currency: the discounted total within an early-payment discount's period (a payment of
        exactly that settles the invoice with Odoo's discount entry), the instalments overdue
        or the next one with instalment terms, else the balance due. Odoo's wizard computes it
        (account.payment.register._get_total_amounts_to_pay), in memory: nothing is written.
        """
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        currency = self.currency_id
        proposal = {
            "amount": self.amount_residual,
            "amount_residual": self.amount_residual,
            "discount": 0.0,
            "discount_date": False,
            "instalment": False,
        }
        if self.state != "posted" or currency.is_zero(self.amount_residual):
            return proposal
        open_lines = self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=self.ids)
            .new({"line_ids": [Command.set(open_lines.ids)], "payment_date": date, "currency_id": currency.id})
        )
        totals = wizard._get_total_amounts_to_pay(wizard.batches)
        amount = currency.round(totals["amount_by_default"])
        if totals["epd_applied"]:
            proposal["discount"] = currency.round(totals["amount_for_difference"] - amount)
        if self.invoice_payment_term_id.early_discount and self._is_eligible_for_early_payment_discount(currency, None):
            proposal["discount_date"] = self.invoice_payment_term_id._get_last_discount_date(self.invoice_date)
        proposal["instalment"] = (
            bool(totals["installment_mode"]) and currency.compare_amounts(amount, self.amount_residual) < 0
        )
        proposal["amount"] = amount
        return proposal

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
                self._atlas_check_same_payment(existing, idempotency_key, amount, date, journal_id, method)
                return self._atlas_payment_result(existing)
        method = method or "check"
        self._atlas_lock()
        self._atlas_check_payable()
        journal = self._atlas_deposit_journal(journal_id)
        method_line = self._atlas_method_line(journal, method, "inbound")
        date = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        amount = self._atlas_payment_proposal(date)["amount"] if amount is None else amount
        self._atlas_check_amount(amount, keep_excess_as_credit)

        payment = self._atlas_register_payment(
            amount=amount,
            date=date,
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

    def atlas_refund(self, journal_id=None, payment_method=None, date=None, reason=None, idempotency_key=None):
        """Refund the invoice: a credit note of what is not credited yet, reconciled with it and,
        if money had been received, the refund payment of that money (Debit Accounts Receivable
        / Credit the bank) from the chosen bank or cash journal with the chosen method ("check"
        by default).

        Goes through the Refund wizard, so its access rights (Accountant) apply over XML-RPC too.
        A retried call with the same idempotency key returns the first refund; one with a
        different date, deposit account or method is refused.

        :return: {"credit_note_id", "credit_note_name", "refund_payment_id", "invoice": {...}}
        """
        self.ensure_one()
        self.env["atlas.invoice.refund"].check_access("create")
        if idempotency_key:
            replay = self._atlas_refund_replay(idempotency_key, journal_id, payment_method, date)
            if replay:
                return replay
        wizard = self.env["atlas.invoice.refund"].create(
            {
                "invoice_id": self.id,
                "journal_id": journal_id,
                "method": payment_method or "check",
                "date": date or fields.Date.context_today(self),
                "reason": reason or self.env._("Refund of %(name)s", name=self.name),
                "idempotency_key": idempotency_key,
            }
        )
        return wizard._apply()

    def _atlas_refund(self, journal_id=None, method="check", date=None, reason=None, idempotency_key=None):
        """Credit what is not credited yet and pay back the money received, so that nothing of
        this invoice stays open on the customer's receivable.

        The credit note credits the invoice total minus the credit notes already applied
        (stand-alone ones by what was applied, the invoice's own in full): revenue and tax
        never go below zero. Odoo reconciles it with what is still due; what it credits beyond
        that stays open on the receivable until the refund payment settles it, together with
        any earlier credit note of the invoice still open.

        Write-offs and early-payment discounts of the payments were not money: the refund
        payment pays back only the money (liquidity lines) and closes the rest of the credit
        note with the mirror image of those write-off lines (same accounts, taxes and tags,
        opposite amounts). The invoice then nets to zero on every account it touched: revenue
        and tax through the credit note, the write-off or discount account (and its tax) through
        the refund payment. Limiting the credit note to what was paid would instead leave the
        write-off expense and the matching revenue both on the books.
        """
        self.ensure_one()
        if idempotency_key:
            replay = self._atlas_refund_replay(idempotency_key, journal_id, method, date)
            if replay:
                return replay
        date = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        method = method or "check"
        self._atlas_lock()
        self._atlas_check_refundable()
        currency = self.currency_id
        ledger = self._atlas_ledger()
        money = currency.round(ledger["received"] - ledger["paid_back"])
        journal = method_line = None
        if currency.compare_amounts(money, 0.0) > 0:
            journal = self._atlas_deposit_journal(journal_id)
            method_line = self._atlas_method_line(journal, method, "outbound")

        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=self.ids)
            .create(
                {
                    "journal_id": self.journal_id.id,
                    "date": date,
                    "reason": reason or self.env._("Refund of %(name)s", name=self.name),
                }
            )
        )
        credit_note = self.browse(reversal.refund_moves()["res_id"])
        credit_note._atlas_limit_total(currency.round(self.amount_total - ledger["credited"]))
        credit_note.atlas_refund_idempotency_key = idempotency_key or False
        credit_note.action_post()  # Odoo reconciles it with what is still due on the invoice

        refund_payment = self.env["account.payment"]
        if journal:
            open_credit_notes = self.reversal_move_ids.filtered(
                lambda m: m.state == "posted" and not m.currency_id.is_zero(m.amount_residual)
            )
            refund_payment = open_credit_notes._atlas_register_payment(
                amount=money,
                date=date,
                journal=journal,
                method_line=method_line,
                memo=credit_note.name,
                write_off_line_vals=self._atlas_undo_write_offs(ledger["write_off_lines"]),
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

    def _atlas_limit_total(self, total):
        """Scale a draft credit note's lines down so that it credits ``total``.

        The lines keep their accounts and taxes, in proportion; the last cent is put on the
        largest line.
        """
        self.ensure_one()
        currency = self.currency_id
        if currency.compare_amounts(total, self.amount_total) >= 0:
            return
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        factor = total / self.amount_total
        for line in lines:
            line.price_unit = line.price_unit * factor
        largest = max(lines, key=lambda line: abs(line.price_total))
        for _attempt in range(5):
            difference = currency.round(total - self.amount_total)
            if currency.is_zero(difference) or not largest.quantity:
                break
            gross = largest.price_total / largest.price_subtotal if largest.price_subtotal else 1.0
            largest.price_unit += difference / gross / largest.quantity

    def _atlas_undo_write_offs(self, write_off_lines):
        """The refund payment's lines that cancel the payments' write-offs and discounts."""
        vals_list = []
        company_currency = self.company_id.currency_id
        for line, ratio in write_off_lines:
            vals_list.append(
                {
                    "name": line.name,
                    "account_id": line.account_id.id,
                    "partner_id": line.partner_id.id,
                    "currency_id": line.currency_id.id,
                    "amount_currency": line.currency_id.round(-line.amount_currency * ratio),
                    # The original balance, so that the company's currency is undone exactly too.
                    "balance": company_currency.round(-line.balance * ratio),
                    "tax_ids": [Command.set(line.tax_ids.ids)],
                    "tax_tag_ids": [Command.set(line.tax_tag_ids.ids)],
                    "tax_repartition_line_id": line.tax_repartition_line_id.id,
                    "analytic_distribution": line.analytic_distribution,
                }
            )
        return vals_list

    def _atlas_refund_replay(self, key, journal_id, method, date):
        """The first refund made with this key (in the invoice's company), if any; a call that
        differs from it in what it was given is refused."""
        existing = self.search(
            [("atlas_refund_idempotency_key", "=", key), ("company_id", "=", self.company_id.id)],
            limit=1,
        )
        if not existing:
            return None
        if existing.reversed_entry_id != self:
            raise UserError(
                self.env._(
                    "The idempotency key “%(key)s” was already used to refund another invoice.",
                    key=key,
                )
            )
        self._atlas_check_same_refund(existing, key, journal_id, method, date)
        return self._atlas_refund_result(existing)

    def _atlas_check_same_refund(self, credit_note, key, journal_id, method, date):
        refund_payment = self._atlas_refund_payment(credit_note)
        differs = [bool(date) and fields.Date.to_date(date) != credit_note.date]
        if refund_payment:
            differs += [
                bool(journal_id) and journal_id != refund_payment.journal_id.id,
                bool(method) and method != refund_payment.payment_method_line_id.code.removeprefix("atlas_"),
            ]
        if any(differs):
            raise UserError(
                self.env._(
                    "The idempotency key “%(key)s” was already used for credit note %(credit_note)s of %(date)s"
                    "%(payment)s. This call asks for a different refund: repeat the first call exactly.",
                    key=key,
                    credit_note=credit_note.name,
                    date=credit_note.date,
                    payment=self.env._(
                        ", paid back from %(journal)s by %(method)s",
                        journal=refund_payment.journal_id.name,
                        method=refund_payment.payment_method_line_id.name,
                    )
                    if refund_payment
                    else "",
                )
            )

    def _atlas_refund_payment(self, credit_note):
        return credit_note.matched_payment_ids[:1] or self.env["account.payment"].search(
            [("invoice_ids", "in", credit_note.ids)], limit=1
        )

    def _atlas_refund_result(self, credit_note):
        invoice = credit_note.reversed_entry_id
        refund_payment = self._atlas_refund_payment(credit_note)
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
        if (
            self.atlas_status == "refunded"
            or self.currency_id.compare_amounts(self._atlas_ledger()["credited"], self.amount_total) >= 0
        ):
            raise UserError(
                self.env._(
                    "Invoice %(name)s already has a credit note for its whole amount. Pay back what is left "
                    "from that credit note (Register Payment on it).",
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

    def _atlas_payment_by_key(self, key):
        # The invoice's company, not the user's current one: the unique index is per payment
        # company, which Odoo's payment engine sets to the invoice's (a branch's payment too).
        self.ensure_one()
        return self.env["account.payment"].search(
            [("atlas_idempotency_key", "=", key), ("company_id", "=", self.company_id.id)], limit=1
        )

    def _atlas_check_same_payment(self, payment, key, amount, date, journal_id, method):
        """A retried call must be the same call: a different one under the same key is an error
        of the client, not a retry, and answering it with the first payment would hide it."""
        currency = self.currency_id
        differs = [
            amount is not None and currency.compare_amounts(amount, payment.amount) != 0,
            bool(date) and fields.Date.to_date(date) != payment.date,
            bool(journal_id) and journal_id != payment.journal_id.id,
            bool(method) and method != payment.payment_method_line_id.code.removeprefix("atlas_"),
        ]
        if any(differs):
            raise UserError(
                self.env._(
                    "The idempotency key “%(key)s” was already used for payment %(payment)s of %(amount)s on "
                    "%(date)s into %(journal)s by %(method)s. This call asks for a different payment: use a "
                    "new key for a new payment, or repeat the first call exactly.",
                    key=key,
                    payment=payment.name,
                    amount=payment.currency_id.format(payment.amount),
                    date=payment.date,
                    journal=payment.journal_id.name,
                    method=payment.payment_method_line_id.name,
                )
            )

    def _atlas_deposit_journals(self):
        """The bank and cash journals that may take this invoice's payments and refunds.

        Odoo's company rule (_check_company_domain): the invoice's company's own journals and
        those of its parent companies, so a branch pays into the parent's bank. Record Payment,
        Refund and the XML-RPC calls all use this one rule.
        """
        self.ensure_one()
        Journal = self.env["account.journal"]
        return Journal.search([("type", "in", ("bank", "cash")), *Journal._check_company_domain(self.company_id)])

    def _atlas_default_deposit_journal(self):
        """The first bank journal of the closest company (the branch's own before its parent's)
        that takes the invoice's currency."""
        self.ensure_one()
        currencies = (False, self.currency_id.id)
        banks = self._atlas_deposit_journals().filtered(
            lambda journal: journal.type == "bank" and journal.currency_id.id in currencies
        )
        return banks.sorted(lambda journal: -len(journal.company_id.parent_ids))[:1]

    def _atlas_deposit_journal(self, journal_id):
        self.ensure_one()
        Journal = self.env["account.journal"]
        if journal_id:
            journal = Journal.browse(journal_id).exists()
            if not journal or journal.type not in ("bank", "cash"):
                raise UserError(self.env._("The deposit account must be a bank or cash journal."))
        else:
            journal = self._atlas_default_deposit_journal()
            if not journal:
                raise UserError(self.env._("Create a bank journal (e.g. Business Checking) to deposit payments."))
        if journal not in self._atlas_deposit_journals():
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

    def _atlas_register_payment(self, amount, date, journal, method_line, memo, write_off_line_vals=None):
        """Create, post and reconcile the payment with Odoo's own wizard (account.payment.register).

        Several documents (a refund over the invoice's credit notes) make one payment.
        ``write_off_line_vals`` are extra lines of the payment's entry, settled with the documents
        like its money (see account.payment.register._create_payment_vals_from_wizard).

        An amount Odoo recognises as the early-payment discount's (paid in time, exactly the
        discounted total) is booked as Odoo books it: the discount's lines (on the company's
        cash discount account, taxes reduced as the payment terms say) settle the rest and the
        invoice is paid. Any other difference stays open.
        """
        wizard = (
            self.env["account.payment.register"]
            .with_context(
                active_model="account.move",
                active_ids=self.ids,
                atlas_write_off_line_vals=write_off_line_vals or [],
            )
            .create(
                {
                    "amount": amount,
                    "payment_date": date,
                    "journal_id": journal.id,
                    "payment_method_line_id": method_line.id,
                    "communication": memo,
                    "group_payment": True,
                }
            )
        )
        if not wizard.early_payment_discount_mode:
            # Underpaid: the invoice stays partially paid. Overpaid: the excess stays open on
            # the receivable account as the customer's credit.
            wizard.payment_difference_handling = "open"
        return wizard._create_payments()
