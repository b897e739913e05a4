from odoo import Command
from odoo.tests import Form, tagged

from .common import AtlasTestCommon

INVOICE_DATE = "2026-01-15"
IN_TIME = "2026-01-20"  # day 5 of 2/10 net 30
LAST_DAY = "2026-01-25"  # day 10, the discount's last day
TOO_LATE = "2026-01-26"


@tagged("post_install", "-at_install")
class TestPaymentTerms(AtlasTestCommon):
    """Record Payment and the invoice's payment terms, as Odoo's own Register Payment books them:
    an early-payment discount (2/10 net 30) taken when paid in time, instalments (30 % now,
    70 % in 30 days) proposed one at a time and aged each in its bucket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.bank = cls.company_data["default_journal_bank"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.tax = cls.company_data["default_tax_sale"]  # 15 %
        cls.tax_account = cls.tax.invoice_repartition_line_ids.account_id
        cls.discount_account = cls.company.account_journal_early_pay_discount_loss_account_id
        cls.two_ten = cls.env["account.payment.term"].create(
            {
                "name": "2/10 Net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "early_pay_discount_computation": "included",
                "line_ids": [Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})],
            }
        )
        cls.two_ten_untaxed = cls.two_ten.copy(
            {"name": "2/10 Net 30 (tax never reduced)", "early_pay_discount_computation": "excluded"}
        )
        cls.thirty_seventy = cls.env["account.payment.term"].create(
            {
                "name": "30% now, 70% in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 30}),
                ],
            }
        )

    # -------------------------------------------------------------------------
    # Helpers
    # -------------------------------------------------------------------------

    def _sent_invoice(self, term, price=100.0, taxes=None, **values):
        invoice = self._create_invoice(
            price=price,
            taxes=self.tax if taxes is None else taxes,
            invoice_date=INVOICE_DATE,
            invoice_payment_term_id=term.id,
            **values,
        )
        invoice.action_atlas_mark_sent()
        return invoice

    def _form(self, invoice, user="bookkeeper"):
        wizard = self.env["atlas.payment.record"].with_user(self.users[user])
        return Form(wizard.with_context(default_invoice_id=invoice.id))

    def _entry(self, payment):
        """(account code, debit, credit) of the payment's journal entry, in the company's currency."""
        return sorted((line.account_id.code, line.debit, line.credit) for line in payment.move_id.line_ids)

    def _payment_of(self, invoice):
        return invoice.matched_payment_ids.filtered(lambda p: p.payment_type == "inbound")

    def _assert_settled_with_discount(self, invoice, received, discount_lines):
        """Paid, nothing due, the payment's entry is Odoo's: Debit the bank the money and the
        cash discount account (and the tax, if reduced) the discount, Credit Accounts
        Receivable the whole invoice."""
        self.assertRecordValues(
            invoice,
            [{"atlas_status": "paid", "payment_state": "paid", "amount_residual": 0.0, "atlas_amount_paid": received}],
        )
        payment = self._payment_of(invoice)
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.amount, received)
        expected = [
            (self.bank.default_account_id.code, received, 0.0),
            (self.receivable.code, 0.0, invoice.amount_total),
            *discount_lines,
        ]
        self.assertEqual(self._entry(payment), sorted(expected))
        return payment

    # -------------------------------------------------------------------------
    # Early-payment discount
    # -------------------------------------------------------------------------

    def test_form_proposes_the_discounted_amount_and_settles_with_the_discount(self):
        """2/10 net 30 on 100 + 15 % tax, paid on day 5: 112.70 proposed and received; the 2.30
        discount is 2.00 on the cash discount account and 0.30 off the tax."""
        invoice = self._sent_invoice(self.two_ten)
        self.assertEqual(invoice.amount_total, 115.0)
        form = self._form(invoice)
        form.payment_date = IN_TIME
        self.assertEqual(form.amount, 112.70)
        self.assertEqual(form.amount_due, 115.0)
        self.assertEqual(
            form.terms_note,
            "Received by 01/25/2026, the early-payment discount of $\xa02.30 applies: $\xa0112.70 settles the invoice.",
        )
        form.journal_id = self.bank
        form.save().action_apply()
        self._assert_settled_with_discount(
            invoice,
            112.70,
            [(self.discount_account.code, 2.0, 0.0), (self.tax_account.code, 0.30, 0.0)],
        )
        self.assertEqual(invoice.amount_residual, 0.0, "nothing due")

    def test_form_after_the_period_proposes_the_whole_balance(self):
        invoice = self._sent_invoice(self.two_ten)
        form = self._form(invoice)
        form.payment_date = LAST_DAY
        self.assertEqual(form.amount, 112.70, "the discount's last day still counts")
        form.payment_date = TOO_LATE
        self.assertEqual(form.amount, 115.0)
        self.assertEqual(form.terms_note, "The early-payment discount ended on 01/25/2026: the whole balance is due.")
        form.save().action_apply()
        payment = self._payment_of(invoice)
        self.assertEqual(
            self._entry(payment),
            sorted([(self.bank.default_account_id.code, 115.0, 0.0), (self.receivable.code, 0.0, 115.0)]),
        )
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0}])

    def test_discounted_amount_after_the_period_leaves_the_discount_due(self):
        invoice = self._sent_invoice(self.two_ten)
        result = invoice.with_user(self.users["bookkeeper"]).atlas_record_payment(
            amount=112.70, date=TOO_LATE, journal_id=self.bank.id
        )
        self.assertEqual(result["invoice"]["status"], "partial")
        self.assertRecordValues(invoice, [{"atlas_status": "partial", "amount_residual": 2.30}])
        self.assertNotIn(self.discount_account, self._payment_of(invoice).move_id.line_ids.account_id)

    def test_tax_never_reduced_discounts_the_untaxed_amount_only(self):
        """early_pay_discount_computation "excluded": 2 % of the 100 untaxed, tax kept."""
        invoice = self._sent_invoice(self.two_ten_untaxed)
        form = self._form(invoice)
        form.payment_date = IN_TIME
        self.assertEqual(form.amount, 113.0)
        form.save().action_apply()
        self._assert_settled_with_discount(invoice, 113.0, [(self.discount_account.code, 2.0, 0.0)])

    def test_xmlrpc_default_and_explicit_discounted_amount(self):
        bookkeeper = self.users["bookkeeper"]
        invoice = self._sent_invoice(self.two_ten)
        self.assertEqual(
            invoice.with_user(bookkeeper).atlas_amount_to_pay(date=IN_TIME),
            {
                "amount": 112.70,
                "amount_residual": 115.0,
                "discount": 2.30,
                "discount_date": LAST_DAY,
                "instalment": False,
            },
        )
        self.assertEqual(
            invoice.with_user(bookkeeper).atlas_amount_to_pay(date=TOO_LATE),
            {
                "amount": 115.0,
                "amount_residual": 115.0,
                "discount": 0.0,
                "discount_date": LAST_DAY,
                "instalment": False,
            },
        )
        result = invoice.with_user(bookkeeper).atlas_record_payment(date=IN_TIME, journal_id=self.bank.id)
        self.assertEqual(result["amount"], 112.70, "the amount defaults to the discounted total in the period")
        self.assertEqual(
            result["invoice"], {"id": invoice.id, "name": invoice.name, "status": "paid", "amount_residual": 0.0}
        )
        self._assert_settled_with_discount(
            invoice, 112.70, [(self.discount_account.code, 2.0, 0.0), (self.tax_account.code, 0.30, 0.0)]
        )

        explicit = self._sent_invoice(self.two_ten)
        result = explicit.with_user(bookkeeper).atlas_record_payment(
            amount=112.70, date=LAST_DAY, journal_id=self.bank.id, payment_method="ach"
        )
        self.assertEqual(result["invoice"]["status"], "paid")
        self._assert_settled_with_discount(
            explicit, 112.70, [(self.discount_account.code, 2.0, 0.0), (self.tax_account.code, 0.30, 0.0)]
        )

    def test_partial_payment_in_the_period_forfeits_the_discount(self):
        """Odoo's rule: a discount applies to an invoice nothing was paid on yet, paid whole."""
        invoice = self._sent_invoice(self.two_ten)
        invoice.atlas_record_payment(amount=50.0, date=IN_TIME, journal_id=self.bank.id)
        self.assertRecordValues(invoice, [{"atlas_status": "partial", "amount_residual": 65.0}])
        self.assertEqual(invoice.atlas_amount_to_pay(date=IN_TIME)["amount"], 65.0)
        invoice.atlas_record_payment(date=IN_TIME, journal_id=self.bank.id)
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0, "atlas_amount_paid": 115.0}])
        self.assertNotIn(self.discount_account, invoice.matched_payment_ids.move_id.line_ids.account_id)

    def test_foreign_currency_discount(self):
        """EUR invoice at 2 EUR per USD, paid in the period at 4: the money at the payment's rate,
        the discount at the invoice's (it takes back part of the invoice's revenue and tax), as
        Odoo books it, and the rest of the receivable by Odoo's exchange difference entry."""
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0), ("2026-01-18", 4.0)])
        invoice = self._sent_invoice(self.two_ten, price=200.0, currency_id=eur.id)
        self.assertEqual(invoice.amount_total, 230.0)
        self.assertEqual(invoice.atlas_amount_to_pay(date=IN_TIME)["amount"], 225.40)
        result = invoice.atlas_record_payment(date=IN_TIME, journal_id=self.bank.id)
        payment = self.env["account.payment"].browse(result["payment_id"])
        self.assertRecordValues(payment, [{"amount": 225.40, "currency_id": eur.id}])
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0, "payment_state": "paid"}])
        company = self.company
        self.assertEqual(
            sorted((line.account_id.code, line.amount_currency, line.balance) for line in payment.move_id.line_ids),
            sorted(
                [
                    (self.bank.default_account_id.code, 225.40, 56.35),
                    (self.receivable.code, -230.0, -57.50),
                    (self.discount_account.code, 4.0, 2.0),
                    (self.tax_account.code, 0.60, 0.30),
                    (company.income_currency_exchange_account_id.code, 0.0, -1.15),
                ]
            ),
        )
        receivable = invoice.line_ids.filtered(lambda line: line.account_id == self.receivable)
        self.assertTrue(receivable.reconciled)
        exchange = receivable.full_reconcile_id.reconciled_line_ids.move_id.filtered(
            lambda move: move.journal_id == company.currency_exchange_journal_id
        )
        self.assertEqual(
            sorted((line.account_id.code, line.balance) for line in exchange.line_ids),
            sorted([(self.receivable.code, -57.50), (company.expense_currency_exchange_account_id.code, 57.50)]),
        )

    def test_refund_after_the_discount_pays_back_only_the_money(self):
        invoice = self._sent_invoice(self.two_ten)
        invoice.atlas_record_payment(date=IN_TIME, journal_id=self.bank.id)
        self.assertEqual(invoice.atlas_amount_paid, 112.70)
        result = invoice.with_user(self.users["accountant"]).atlas_refund(journal_id=self.bank.id, date="2026-03-01")
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertEqual(refund.amount, 112.70, "the money received, not the invoice's total")
        # Debit AR the whole credit note, Credit the bank the money, and the discount undone
        # on the accounts it used.
        self.assertEqual(
            self._entry(refund),
            sorted(
                [
                    (self.receivable.code, 115.0, 0.0),
                    (self.bank.default_account_id.code, 0.0, 112.70),
                    (self.discount_account.code, 0.0, 2.0),
                    (self.tax_account.code, 0.0, 0.30),
                ]
            ),
        )
        self.assertRecordValues(invoice, [{"atlas_status": "refunded", "atlas_amount_paid": 0.0}])
        moves = invoice | invoice.reversal_move_ids | invoice.matched_payment_ids.move_id | refund.move_id
        for account in (self.revenue, self.tax_account, self.discount_account, self.bank.default_account_id):
            lines = moves.line_ids.filtered(lambda line, account=account: line.account_id == account)
            self.assertEqual(round(sum(lines.mapped("balance")), 2), 0.0, account.name)

    # -------------------------------------------------------------------------
    # Instalments
    # -------------------------------------------------------------------------

    def test_instalments_proposed_one_at_a_time(self):
        """30 % now, 70 % in 30 days on 1000: the form proposes 300, then the 700 left."""
        invoice = self._sent_invoice(self.thirty_seventy, price=1000.0, taxes=self.env["account.tax"])
        form = self._form(invoice)
        form.payment_date = "2026-01-20"
        self.assertEqual(form.amount, 300.0)
        self.assertEqual(form.amount_due, 1000.0)
        self.assertEqual(
            form.terms_note, "Instalment terms: $\xa0300.00 of the $\xa01,000.00 balance is due by this date."
        )
        form.save().action_apply()
        self.assertRecordValues(invoice, [{"atlas_status": "partial", "amount_residual": 700.0}])
        first, second = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term").sorted(
            "date_maturity"
        )
        self.assertTrue(first.reconciled, "the payment settles the first instalment")
        self.assertEqual(second.amount_residual, 700.0)

        self.assertEqual(
            invoice.atlas_amount_to_pay(date="2026-02-20"),
            {"amount": 700.0, "amount_residual": 700.0, "discount": 0.0, "discount_date": False, "instalment": False},
        )
        result = invoice.with_user(self.users["bookkeeper"]).atlas_record_payment(
            date="2026-02-20", journal_id=self.bank.id
        )
        self.assertEqual(result["amount"], 700.0)
        self.assertEqual(result["invoice"]["status"], "paid")

    def test_xmlrpc_pays_the_instalment_due(self):
        invoice = self._sent_invoice(self.thirty_seventy, price=1000.0, taxes=self.env["account.tax"])
        self.assertEqual(invoice.atlas_amount_to_pay(date="2026-01-15")["amount"], 300.0)
        # Both overdue by March: the whole balance.
        self.assertEqual(invoice.atlas_amount_to_pay(date="2026-03-01")["amount"], 1000.0)
        result = invoice.with_user(self.users["bookkeeper"]).atlas_record_payment(
            date="2026-01-15", journal_id=self.bank.id
        )
        self.assertEqual((result["amount"], result["invoice"]["status"]), (300.0, "partial"))

    def test_ar_aging_shows_each_instalment_in_its_bucket(self):
        """Due 01/15 and 02/14: on 03/20 the first is 64 days past due, the second 34."""
        invoice = self._sent_invoice(self.thirty_seventy, price=1000.0, taxes=self.env["account.tax"])
        data = self.env["atlas.report.ar.aging"].get_report_data(
            {"as_of_date": "2026-03-20", "details": True, "partner_ids": [self.customer.id]}
        )
        items = sorted(
            (line["values"]["date_maturity"], line["values"]["days_overdue"], line["values"]["total"])
            for line in data["lines"]
            if line["kind"] == "detail" and line["move_id"] == invoice.id
        )
        self.assertEqual(items, [("2026-01-15", 64, 300.0), ("2026-02-14", 34, 700.0)])
        customer = next(line for line in data["lines"] if line["kind"] == "line")
        self.assertEqual(
            customer["values"],
            {"current": 0.0, "b_1_30": 0.0, "b_31_60": 700.0, "b_61_90": 300.0, "b_90_plus": 0.0, "total": 1000.0},
        )
        # The first instalment paid on 02/01: only the second is open on 03/20.
        invoice.atlas_record_payment(date="2026-02-01", amount=300.0, journal_id=self.bank.id)
        data = self.env["atlas.report.ar.aging"].get_report_data(
            {"as_of_date": "2026-03-20", "partner_ids": [self.customer.id]}
        )
        customer = next(line for line in data["lines"] if line["kind"] == "line")
        self.assertEqual(customer["values"]["b_31_60"], 700.0)
        self.assertEqual(customer["values"]["total"], 700.0)
