from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools.safe_eval import safe_eval

from .common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestLedgerEdges(AtlasTestCommon):
    """Refunds, credit notes, branches, idempotency and roles off the happy path, checked on the
    journal entries an accountant reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.expense = cls.company_data["default_account_expense"]

    # -------------------------------------------------------------------------
    # Helpers
    # -------------------------------------------------------------------------

    def _sent_invoice(self, price=100.0, **values):
        invoice = self._create_invoice(price=price, **values)
        invoice.action_atlas_mark_sent()
        return invoice

    def _check_line(self, payment_type="inbound"):
        lines = self.bank[f"{payment_type}_payment_method_line_ids"]
        return lines.filtered(lambda line: line.code == "atlas_check")

    def _standalone_credit_note(self, price, **values):
        credit_note = self._create_invoice(price=price, move_type="out_refund", **values)
        credit_note.action_post()
        return credit_note

    def _apply(self, invoice, credit_note):
        """Odoo's "Add" on the invoice's outstanding credit."""
        line = credit_note.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        invoice.js_assign_outstanding_line(line.id)

    def _entry(self, move):
        lines = move.line_ids.filtered("balance")
        return sorted((line.account_id.code, round(line.debit, 2), round(line.credit, 2)) for line in lines)

    def _balance(self, account, moves):
        lines = self.env["account.move.line"].search(
            [("move_id", "in", moves.ids), ("account_id", "=", account.id), ("parent_state", "=", "posted")]
        )
        return round(sum(lines.mapped("balance")), 2)

    def _all_moves(self, invoice):
        """The invoice, every credit note and payment settled with it, and what settled those."""
        moves = invoice | invoice.reversal_move_ids
        for _round in range(3):
            lines = moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            partials = lines.matched_debit_ids | lines.matched_credit_ids
            moves |= partials.debit_move_id.move_id | partials.credit_move_id.move_id
        return moves

    def _open_receivable(self, moves):
        lines = moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        return round(sum(lines.mapped("amount_residual")), 2), round(sum(lines.mapped("amount_residual_currency")), 2)

    def _open_filter_domain(self):
        view = self.env.ref("atlas_invoicing.view_atlas_invoice_search")
        arch = etree.fromstring(self.env["account.move"].get_view(view.id, "search")["arch"])
        return safe_eval(arch.xpath("//filter[@name='atlas_open']")[0].get("domain"))

    # -------------------------------------------------------------------------
    # Refund: only the money received goes back, only what is not credited is credited
    # -------------------------------------------------------------------------

    def test_refund_after_standalone_credit_note_and_payment(self):
        invoice = self._sent_invoice(price=100.0)
        credit_30 = self._standalone_credit_note(30.0)
        self._apply(invoice, credit_30)
        invoice.atlas_record_payment(amount=70.0, journal_id=self.bank.id, date="2026-02-01")
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0, "atlas_amount_paid": 70.0}])

        result = invoice.atlas_refund(journal_id=self.bank.id, payment_method="check", date="2026-03-01")
        credit_note = self.env["account.move"].browse(result["credit_note_id"])
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertRecordValues(credit_note, [{"amount_total": 70.0, "amount_residual": 0.0, "state": "posted"}])
        self.assertEqual(
            self._entry(credit_note), sorted([(self.revenue.code, 70.0, 0.0), (self.receivable.code, 0.0, 70.0)])
        )
        self.assertRecordValues(refund, [{"payment_type": "outbound", "amount": 70.0}])
        self.assertEqual(
            self._entry(refund.move_id),
            sorted([(self.receivable.code, 70.0, 0.0), (self.bank.default_account_id.code, 0.0, 70.0)]),
        )
        moves = self._all_moves(invoice)
        self.assertEqual(self._balance(self.revenue, moves), 0.0, "revenue back to zero, not below")
        self.assertEqual(self._balance(self.bank.default_account_id, moves), 0.0, "70 in, 70 out")
        self.assertEqual(self._open_receivable(moves), (0.0, 0.0))
        self.assertRecordValues(invoice, [{"atlas_status": "refunded", "atlas_amount_paid": 0.0}])

    def test_refund_after_standalone_credit_note_with_tax(self):
        tax = self.company_data["default_tax_sale"]
        tax_account = tax.invoice_repartition_line_ids.account_id
        invoice = self._sent_invoice(price=100.0, taxes=tax)
        credit_note = self._standalone_credit_note(40.0, taxes=tax)
        self._apply(invoice, credit_note)
        invoice.atlas_record_payment(journal_id=self.bank.id, date="2026-02-01")
        paid = invoice.atlas_amount_paid
        self.assertEqual(paid, invoice.amount_total - credit_note.amount_total)

        result = invoice.atlas_refund(journal_id=self.bank.id, date="2026-03-01")
        new_credit_note = self.env["account.move"].browse(result["credit_note_id"])
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertRecordValues(new_credit_note, [{"amount_untaxed": 60.0, "amount_total": paid}])
        self.assertEqual(refund.amount, paid)
        moves = self._all_moves(invoice)
        for account in (self.revenue, tax_account, self.bank.default_account_id):
            self.assertEqual(self._balance(account, moves), 0.0, account.name)
        self.assertEqual(self._open_receivable(moves), (0.0, 0.0))
        self.assertEqual(invoice.atlas_status, "refunded")

    def test_refund_after_write_off_undoes_the_write_off(self):
        invoice = self._sent_invoice(price=100.0)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {
                "amount": 95.0,
                "payment_date": "2026-02-01",
                "journal_id": self.bank.id,
                "payment_method_line_id": self._check_line().id,
                "payment_difference_handling": "reconcile",
                "writeoff_account_id": self.expense.id,
                "writeoff_label": "Bank fee",
            }
        )._create_payments()
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0, "atlas_amount_paid": 95.0}])

        result = invoice.atlas_refund(journal_id=self.bank.id, date="2026-03-01")
        credit_note = self.env["account.move"].browse(result["credit_note_id"])
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertRecordValues(credit_note, [{"amount_total": 100.0, "amount_residual": 0.0}])
        self.assertEqual(refund.amount, 95.0, "only the 95 received goes back")
        # The write-off's 5 is closed on the account the write-off used: Debit AR 100 / Credit
        # the bank 95 / Credit the write-off account 5.
        self.assertEqual(
            self._entry(refund.move_id),
            sorted(
                [
                    (self.receivable.code, 100.0, 0.0),
                    (self.bank.default_account_id.code, 0.0, 95.0),
                    (self.expense.code, 0.0, 5.0),
                ]
            ),
        )
        moves = self._all_moves(invoice)
        for account in (self.revenue, self.expense, self.bank.default_account_id):
            self.assertEqual(self._balance(account, moves), 0.0, account.name)
        self.assertEqual(self._open_receivable(moves), (0.0, 0.0))
        self.assertRecordValues(invoice, [{"atlas_status": "refunded", "atlas_amount_paid": 0.0}])

    def test_refund_after_early_payment_discount_undoes_the_discount(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "2% 10 days, net 30",
                "early_discount": True,
                "discount_percentage": 2,
                "discount_days": 10,
                "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})],
            }
        )
        tax = self.company_data["default_tax_sale"]
        invoice = self._sent_invoice(price=100.0, taxes=tax, invoice_payment_term_id=term.id)
        total = invoice.amount_total
        wizard = self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids)
        wizard = wizard.create(
            {"payment_date": "2026-01-20", "journal_id": self.bank.id, "payment_method_line_id": self._check_line().id}
        )
        self.assertTrue(wizard.early_payment_discount_mode)
        received = wizard.amount
        self.assertLess(received, total)
        wizard._create_payments()
        self.assertRecordValues(invoice, [{"amount_residual": 0.0, "atlas_amount_paid": received}])

        result = invoice.atlas_refund(journal_id=self.bank.id, date="2026-03-01")
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertEqual(refund.amount, received)
        # Debit AR for the whole credit note, Credit the bank for the money, and the discount's
        # lines (discount account and its tax) credited back.
        discount_lines = refund.move_id.line_ids.filtered(
            lambda line: line.account_id not in (self.receivable, self.bank.default_account_id)
        )
        self.assertAlmostEqual(sum(discount_lines.mapped("credit")), total - received)
        self.assertTrue(discount_lines.tax_repartition_line_id, "the discount's tax is undone too")
        moves = self._all_moves(invoice)
        discount_accounts = moves.line_ids.filtered(
            lambda line: line.move_id.origin_payment_id and line.account_id.account_type not in ("asset_receivable",)
        ).account_id
        for account in discount_accounts | self.revenue | tax.invoice_repartition_line_ids.account_id:
            self.assertEqual(self._balance(account, moves), 0.0, account.name)
        self.assertEqual(self._open_receivable(moves), (0.0, 0.0))
        self.assertEqual(invoice.atlas_status, "refunded")

    def test_refund_in_foreign_currency_after_a_rate_change(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0), ("2026-02-01", 4.0)])
        invoice = self._sent_invoice(price=200.0, currency_id=eur.id)
        invoice.atlas_record_payment(amount=200.0, journal_id=self.bank.id, date="2026-02-10")
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "atlas_amount_paid": 200.0}])

        result = invoice.atlas_refund(journal_id=self.bank.id, date="2026-02-20")
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertRecordValues(refund, [{"amount": 200.0, "currency_id": eur.id}])
        # Paid back at the refund date's rate: 200 EUR = 50.00 in the company's currency.
        self.assertEqual(self._balance(self.bank.default_account_id, refund.move_id), -50.0)
        self.assertEqual(self._open_receivable(self._all_moves(invoice)), (0.0, 0.0))
        self.assertRecordValues(invoice, [{"atlas_status": "refunded", "atlas_amount_paid": 0.0}])

    def _odoo_credit_note(self, invoice, price):
        """Odoo's own Credit Note button on the invoice, for part of it."""
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "goodwill", "date": "2026-02-15"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids = [Command.update(credit_note.invoice_line_ids.id, {"price_unit": price})]
        credit_note.action_post()
        return credit_note

    def test_refund_after_an_earlier_credit_note_paid_back_or_not(self):
        # Paid 100, then 30 credited and paid back: 70 of money is left to pay back.
        invoice = self._sent_invoice(price=100.0)
        invoice.atlas_record_payment(amount=100.0, journal_id=self.bank.id, date="2026-02-01")
        earlier = self._odoo_credit_note(invoice, 30.0)
        invoice.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=earlier.ids
        ).create(
            {
                "journal_id": self.bank.id,
                "payment_method_line_id": self._check_line("outbound").id,
                "payment_date": "2026-02-16",
            }
        )._create_payments()
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "atlas_amount_paid": 70.0}])
        result = invoice.atlas_refund(journal_id=self.bank.id, date="2026-03-01")
        credit_note = self.env["account.move"].browse(result["credit_note_id"])
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertEqual((credit_note.amount_total, refund.amount), (70.0, 70.0))
        moves = self._all_moves(invoice)
        self.assertEqual(self._balance(self.revenue, moves), 0.0)
        self.assertEqual(self._balance(self.bank.default_account_id, moves), 0.0)
        self.assertEqual(self._open_receivable(moves), (0.0, 0.0))
        self.assertEqual(invoice.atlas_status, "refunded")

        # Paid 100, then 30 credited but still open as the customer's credit: the refund
        # credits 70 more and pays the whole 100 back, settling both credit notes.
        invoice = self._sent_invoice(price=100.0)
        invoice.atlas_record_payment(amount=100.0, journal_id=self.bank.id, date="2026-02-01")
        earlier = self._odoo_credit_note(invoice, 30.0)
        self.assertEqual(earlier.amount_residual, 30.0)
        result = invoice.atlas_refund(journal_id=self.bank.id, date="2026-03-01")
        credit_note = self.env["account.move"].browse(result["credit_note_id"])
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertEqual((credit_note.amount_total, refund.amount), (70.0, 100.0))
        self.assertRecordValues(earlier | credit_note, [{"amount_residual": 0.0}, {"amount_residual": 0.0}])
        moves = self._all_moves(invoice)
        self.assertEqual(self._balance(self.revenue, moves), 0.0)
        self.assertEqual(self._open_receivable(moves), (0.0, 0.0))
        self.assertEqual(invoice.atlas_status, "refunded")

    def test_refund_replay_without_the_optional_values_is_a_retry(self):
        invoice = self._sent_invoice(price=100.0)
        invoice.atlas_record_payment(amount=100.0, journal_id=self.bank.id)
        first = invoice.atlas_refund(journal_id=self.bank.id, payment_method="ach", idempotency_key="rf-9")
        self.assertEqual(invoice.atlas_refund(idempotency_key="rf-9"), first)
        with self.assertRefused(UserError, "“rf-9” was already used for credit note .* by ACH"):
            invoice.atlas_refund(payment_method="wire", idempotency_key="rf-9")
        self.assertEqual(len(invoice.reversal_move_ids), 1)

    # -------------------------------------------------------------------------
    # Status after a credit-note settlement
    # -------------------------------------------------------------------------

    def test_invoice_settled_by_standalone_credit_note_is_refunded_and_back(self):
        invoice = self._sent_invoice(price=50.0, invoice_date_due="2026-01-20")
        invoice.sudo().atlas_exported_date = fields.Datetime.now()
        credit_note = self._standalone_credit_note(50.0)
        self.assertEqual(credit_note.atlas_status, "posted")
        self._apply(invoice, credit_note)
        self.assertRecordValues(
            invoice, [{"payment_state": "reversed", "amount_residual": 0.0, "atlas_status": "refunded"}]
        )
        self.assertEqual(credit_note.atlas_status, "paid", "a credit note fully applied is settled")
        self.assertNotIn(invoice, self.env["account.move"].search(self._open_filter_domain()))

        invoice.line_ids.filtered(lambda line: line.account_id == self.receivable).remove_move_reconcile()
        self.assertRecordValues(invoice, [{"amount_residual": 50.0, "atlas_status": "exported"}])
        self.assertEqual(credit_note.atlas_status, "posted")
        self.assertIn(invoice, self.env["account.move"].search(self._open_filter_domain()))

    def test_invoice_settled_by_payment_and_credit_note_is_paid(self):
        invoice = self._sent_invoice(price=100.0)
        self._apply(invoice, self._standalone_credit_note(30.0))
        self.assertRecordValues(invoice, [{"atlas_status": "sent", "amount_residual": 70.0}])
        invoice.atlas_record_payment(amount=70.0, journal_id=self.bank.id)
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "atlas_amount_paid": 70.0}])

    def test_credit_note_paid_back_is_paid(self):
        credit_note = self._standalone_credit_note(40.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=credit_note.ids
        ).create({"journal_id": self.bank.id})._create_payments()
        self.assertRecordValues(credit_note, [{"atlas_status": "paid", "atlas_amount_paid": 40.0}])

    # -------------------------------------------------------------------------
    # Only customer documents have a status
    # -------------------------------------------------------------------------

    def test_misc_entry_bill_and_payment_have_no_status(self):
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-01-15",
                "line_ids": [
                    Command.create({"account_id": self.expense.id, "debit": 10.0}),
                    Command.create({"account_id": self.bank.default_account_id.id, "credit": 10.0}),
                ],
            }
        )
        entry.action_post()
        bill = self.init_invoice("in_invoice", amounts=[10.0], post=True)
        invoice = self._sent_invoice(price=10.0)
        payment = self.env["account.payment"].browse(
            invoice.atlas_record_payment(journal_id=self.bank.id)["payment_id"]
        )
        self.assertRecordValues(
            entry | bill | payment.move_id,
            [{"atlas_status": False}, {"atlas_status": False}, {"atlas_status": False}],
        )

    # -------------------------------------------------------------------------
    # Branches
    # -------------------------------------------------------------------------

    def test_branch_invoice_paid_and_refunded_from_the_parent_bank(self):
        parent = self.company_data["company"]
        branch = self.env["res.company"].create({"name": "Atlas Branch", "parent_id": parent.id})
        self.cr.precommit.run()  # the branch's accounting setup
        self.env.user.company_ids |= branch
        env = self.env(context=dict(self.env.context, allowed_company_ids=[branch.id, parent.id]))
        invoice = env["account.move"].create(dict(self._invoice_vals(price=100.0), company_id=branch.id))
        invoice.action_atlas_mark_sent()
        self.assertEqual(invoice.company_id, branch)

        wizard = env["atlas.payment.record"].create({"invoice_id": invoice.id})
        self.assertEqual(wizard.journal_id, self.bank, "the parent's bank is the branch's default")
        self.assertIn(self.bank, wizard.available_journal_ids)
        invoice.atlas_record_payment(amount=100.0)
        payment = invoice.matched_payment_ids
        self.assertRecordValues(payment, [{"journal_id": self.bank.id, "company_id": branch.id, "amount": 100.0}])
        self.assertEqual(invoice.atlas_status, "paid")

        refund_wizard = env["atlas.invoice.refund"].create({"invoice_id": invoice.id, "reason": "x"})
        self.assertEqual(refund_wizard.journal_id, self.bank)
        self.assertIn(self.bank, refund_wizard.available_journal_ids)
        result = invoice.atlas_refund(journal_id=self.bank.id)
        refund = env["account.payment"].browse(result["refund_payment_id"])
        self.assertRecordValues(refund, [{"journal_id": self.bank.id, "amount": 100.0}])
        self.assertEqual(invoice.atlas_status, "refunded")

    def test_branch_exchange_difference_stays_in_the_branch(self):
        """A branch's EUR invoice settled by a credit note at another rate: the exchange
        difference is booked in the branch, so its receivable balance is what is open (nothing)."""
        parent = self.company_data["company"]
        branch = self.env["res.company"].create({"name": "Atlas FX Branch", "parent_id": parent.id})
        self.cr.precommit.run()  # the branch's accounting setup
        self.env.user.company_ids |= branch
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0), ("2026-02-01", 4.0)])
        env = self.env(context=dict(self.env.context, allowed_company_ids=[branch.id, parent.id]))
        invoice = env["account.move"].create(
            dict(self._invoice_vals(price=200.0), company_id=branch.id, currency_id=eur.id, invoice_date="2026-01-15")
        )
        invoice.action_post()
        credit_note = env["account.move"].create(
            dict(
                self._invoice_vals(price=200.0),
                company_id=branch.id,
                currency_id=eur.id,
                invoice_date="2026-02-15",
                move_type="out_refund",
            )
        )
        credit_note.action_post()
        self._apply(invoice, credit_note)

        exchange = (invoice | credit_note).line_ids.matched_debit_ids.exchange_move_id
        self.assertTrue(exchange, "200 EUR at 2.0 against 200 EUR at 4.0 leaves a 50.00 difference")
        self.assertEqual(exchange.company_id, branch)
        branch_receivable = self.env["account.move.line"].search(
            [
                ("company_id", "=", branch.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertAlmostEqual(sum(branch_receivable.mapped("balance")), 0.0)
        aging = self.env["atlas.report.ar.aging"].with_company(branch).get_report_data({"company_id": branch.id})
        self.assertAlmostEqual(aging["totals"]["total"], 0.0)
        self.assertTrue(all(check["ok"] for check in aging["checks"]), aging["checks"])

    def test_journal_of_an_unrelated_company_is_refused(self):
        other = self.setup_other_company(name="Unrelated Co")
        self.env.user.company_ids |= other["company"]
        invoice = self._sent_invoice(price=100.0)
        foreign_bank = other["default_journal_bank"]
        with self.assertRefused(UserError, "belongs to Unrelated Co, not to"):
            invoice.atlas_record_payment(amount=100.0, journal_id=foreign_bank.id)
        wizard = self.env["atlas.payment.record"].create({"invoice_id": invoice.id})
        self.assertNotIn(foreign_bank, wizard.available_journal_ids)
        self.assertEqual(invoice.atlas_status, "sent")

    # -------------------------------------------------------------------------
    # Idempotency keys
    # -------------------------------------------------------------------------

    def test_idempotency_key_of_an_invoice_of_the_second_company(self):
        second = self.setup_other_company(name="Second Co")
        company_2 = second["company"]
        self.env.user.company_ids |= company_2
        env = self.env(context=dict(self.env.context, allowed_company_ids=[self.env.company.id, company_2.id]))
        self.assertNotEqual(env.company, company_2)
        invoice = env["account.move"].create(
            dict(
                self._invoice_vals(price=100.0),
                company_id=company_2.id,
                journal_id=second["default_journal_sale"].id,
                invoice_line_ids=[
                    Command.create(
                        {"name": "Consulting", "quantity": 1, "price_unit": 100.0, "tax_ids": [Command.clear()]}
                    )
                ],
            )
        )
        invoice.action_atlas_mark_sent()
        bank_2 = second["default_journal_bank"]
        first = invoice.atlas_record_payment(amount=40.0, journal_id=bank_2.id, idempotency_key="pay-1")
        again = invoice.atlas_record_payment(amount=40.0, journal_id=bank_2.id, idempotency_key="pay-1")
        self.assertEqual(again["payment_id"], first["payment_id"])
        self.assertEqual(invoice.amount_residual, 60.0, "the retry recorded nothing")

        with self.assertRefused(UserError, "“pay-1” was already used for payment .* of .*40\\.00"):
            invoice.atlas_record_payment(amount=45.0, journal_id=bank_2.id, idempotency_key="pay-1")
        with self.assertRefused(UserError, "“pay-1” was already used"):
            invoice.atlas_record_payment(
                amount=40.0, journal_id=bank_2.id, payment_method="wire", idempotency_key="pay-1"
            )
        with self.assertRefused(UserError, "“pay-1” was already used"):
            invoice.atlas_record_payment(amount=40.0, journal_id=bank_2.id, date="2020-01-01", idempotency_key="pay-1")
        cash_2 = second["default_journal_cash"]
        with self.assertRefused(UserError, "“pay-1” was already used"):
            invoice.atlas_record_payment(amount=40.0, journal_id=cash_2.id, idempotency_key="pay-1")
        self.assertEqual(invoice.amount_residual, 60.0)

        refund = invoice.atlas_refund(journal_id=bank_2.id, idempotency_key="refund-1", date="2026-03-01")
        self.assertEqual(
            invoice.atlas_refund(journal_id=bank_2.id, idempotency_key="refund-1", date="2026-03-01"), refund
        )
        with self.assertRefused(UserError, "“refund-1” was already used"):
            invoice.atlas_refund(journal_id=second["default_journal_cash"].id, idempotency_key="refund-1")

    # -------------------------------------------------------------------------
    # Roles on the server
    # -------------------------------------------------------------------------

    def test_bookkeeper_cannot_reset_to_draft(self):
        bookkeeper = self.users["bookkeeper"]
        invoice = self._sent_invoice(price=100.0)
        exported = self._sent_invoice(price=100.0)
        exported.sudo().atlas_exported_date = fields.Datetime.now()
        for move in (invoice, exported):
            with self.assertRefused(AccessError, "Only an Atlas Accountant can reset an invoice to draft"):
                move.with_user(bookkeeper).action_atlas_reset_to_draft()
            with self.assertRefused(AccessError, "Only an Atlas Accountant can reset an invoice to draft"):
                move.with_user(bookkeeper).atlas_set_status("draft")
            self.assertEqual(move.state, "posted")
        with self.assertRefused(AccessError, "Only an Atlas Accountant can refund"):
            invoice.with_user(bookkeeper).atlas_set_status("refunded")
        # The Bookkeeper keeps what is his: marking as sent and recording a payment.
        action = invoice.with_user(bookkeeper).atlas_set_status("paid")
        self.assertEqual(action["res_model"], "atlas.payment.record")
        draft = self._create_invoice(price=10.0)
        draft.with_user(bookkeeper).atlas_set_status("sent")
        self.assertEqual(draft.atlas_status, "sent")
        with self.assertRefused(AccessError, "Only an Atlas Bookkeeper can mark an invoice as sent"):
            self._create_invoice(price=10.0).with_user(self.users["viewer"]).action_atlas_mark_sent()
        invoice.with_user(self.users["accountant"]).atlas_set_status("draft")
        self.assertEqual(invoice.atlas_status, "draft")

    def test_cancel_of_a_posted_invoice_follows_the_reset_rule(self):
        """Odoo cancels a posted invoice by resetting it to draft first, which unmatches its
        payments: for Atlas's roles that is Reset to Draft's rule, over XML-RPC too."""
        invoice = self._sent_invoice(price=100.0)
        invoice.atlas_record_payment(amount=40.0)
        payment = invoice.matched_payment_ids
        with self.assertRefused(AccessError, "Only an Atlas Accountant can reset an invoice to draft"):
            invoice.with_user(self.users["bookkeeper"]).button_cancel()
        with self.assertRefused(UserError, "has payments or credit notes, so it can't go back to draft"):
            invoice.with_user(self.users["accountant"]).button_cancel()
        self.assertRecordValues(invoice, [{"state": "posted", "atlas_status": "partial", "amount_residual": 60.0}])
        self.assertEqual(invoice.matched_payment_ids, payment)
        # Nothing settled: an Accountant cancels it; a Bookkeeper still cancels a draft.
        unpaid = self._sent_invoice(price=100.0)
        unpaid.with_user(self.users["accountant"]).button_cancel()
        self.assertEqual(unpaid.atlas_status, "cancelled")
        draft = self._create_invoice(price=10.0)
        draft.with_user(self.users["bookkeeper"]).button_cancel()
        self.assertEqual(draft.atlas_status, "cancelled")

    def test_portal_user_cannot_read_internal_fields(self):
        portal = new_test_user(
            self.env,
            login="atlas_portal",
            groups="base.group_portal",
            partner_id=self.customer.id,
        )
        invoice = self._sent_invoice(price=100.0)
        invoice.sudo().atlas_exported_date = fields.Datetime.now()
        as_portal = invoice.with_user(portal)
        self.assertEqual(as_portal.read(["name", "amount_total"])[0]["amount_total"], 100.0)
        for field in (
            "atlas_delivery_state",
            "atlas_delivery_info",
            "atlas_exported_date",
            "atlas_batch_id",
            "atlas_refund_idempotency_key",
        ):
            with self.assertRefused(AccessError, f"You do not have enough rights to access the field.*{field}"):
                as_portal.read([field])
        values = invoice.with_user(self.users["bookkeeper"]).read(["atlas_delivery_state", "atlas_exported_date"])
        self.assertEqual(values[0]["atlas_delivery_state"], "none")
