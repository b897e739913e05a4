"""Which online payments a provider's payout is matched to: the consecutive payments whose
total less the line is the smallest fee (not the oldest ones), never a payment proposed on
another line, none when two choices are as good; a payout in a foreign currency confirmed at
the payout's rate; a payout whose payment changed since the proposal refused with the reason."""

from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PayoutTestCommon


@tagged("post_install", "-at_install")
class TestPayoutChoice(PayoutTestCommon):
    # -------------------------------------------------------------------------
    # Which payments
    # -------------------------------------------------------------------------

    def test_the_payments_the_payout_adds_up_to_not_the_oldest(self):
        self._paid_on(3, 100.0)
        second = self._paid_on(2, 250.0, self.contoso)
        third = self._paid_on(1, 80.0, self.fabrikam)
        # 250 + 80 less a 9.60 fee; the oldest payments (100 + 250) would leave a fee of 29.60.
        line = self._line(320.40)
        self.assertEqual(line.atlas_match_kind, "payout")
        self.assertEqual(line.atlas_payout_payment_ids, second | third)
        self.assertEqual(line.atlas_payout_fee, 9.60)

    def test_an_exact_total_is_preferred_to_a_fee(self):
        self._paid_on(3, 101.0)
        exact = self._paid_on(2, 100.0)
        line = self._line(100.0)
        self.assertEqual(line.atlas_payout_payment_ids, exact)
        self.assertEqual(line.atlas_payout_fee, 0.0)

    def test_a_payout_does_not_split_a_days_payments_when_another_choice_fits_as_well(self):
        self._paid_on(3, 50.0)
        self._paid_on(3, 50.0)
        whole_day = self._paid_on(2, 50.0)
        # Each payment alone less 1.50: the one of day 2 is all that day paid, those of day 3 are not.
        line = self._line(48.50)
        self.assertEqual(line.atlas_payout_payment_ids, whole_day)

    def test_the_oldest_payments_of_a_usual_fee_go_before_a_smaller_fee(self):
        oldest = self._paid_on(3, 100.0)
        self._paid_on(2, 98.0)
        # 100 less 3.50 or 98 less 1.50: both usual fees; the provider pays out the older money first.
        line = self._line(96.50)
        self.assertEqual(line.atlas_payout_payment_ids, oldest)

    def test_payouts_imported_day_after_day_each_find_their_day(self):
        # Four days of payments, each day's paid out two days later and imported a statement a
        # day: each payout is proposed its own day's payments, not another run's that happens to
        # leave a smaller fee.
        amounts = [(41.0, 233.5, 78.9), (310.0, 18.5, 122.25), (64.0, 57.0, 240.4), (99.9, 385.0, 12.0)]
        days = []
        for number, day_amounts in enumerate(amounts):
            days.append(self.env["account.payment"].union(*(self._paid_on(12 - 2 * number, a) for a in day_amounts)))
        for number, payments in enumerate(days):
            total = sum(payments.mapped("amount"))
            fee = round(total * 0.029 + 0.30 * len(payments), 2)
            line = self.env["account.bank.statement.line"].create(
                {
                    "journal_id": self.bank_journal.id,
                    "date": payments[0].date + timedelta(days=2),
                    "amount": round(total - fee, 2),
                    "payment_ref": f"DEMO PAYOUT PO-{number}",
                }
            )
            line._atlas_match_lines()
            self.assertEqual(line.atlas_payout_payment_ids, payments, number)
            self.assertEqual(line.atlas_payout_fee, fee, number)

    def test_two_choices_as_good_propose_none(self):
        self._paid_on(3, 100.0)
        self._paid_on(2, 100.0)
        line = self._line(97.0)
        self.assertFalse(line.atlas_payout_payment_ids)
        self.assertEqual(line.atlas_match_kind, "ambiguous")
        self.assertEqual(line.atlas_match_label, "Several candidates")
        with self.assertRefused(UserError, r"matched to nothing: reconcile it by hand in Banking → Reconcile"):
            line.atlas_confirm_matches()

    def test_a_refunded_payment_is_not_proposed(self):
        refunded = self._paid_on(4, 100.0)
        refunded_invoice = self._paid_on(3, 100.0)
        kept = self._paid_on(2, 100.0)
        # Refunded through the provider; the other's invoice refunded with Atlas's Refund.
        self._refund(refunded)
        refunded_invoice.reconciled_invoice_ids.atlas_refund(payment_method="card")
        line = self._line(97.0)
        self.assertEqual(line.atlas_payout_payment_ids, kept)

    # -------------------------------------------------------------------------
    # Never the same payments on two lines
    # -------------------------------------------------------------------------

    def test_two_payout_lines_of_one_import_share_no_payment(self):
        first = self._paid_on(3, 100.0)
        second = self._paid_on(2, 250.0)
        lines = self.env["account.bank.statement.line"].create(
            [
                {"journal_id": self.bank_journal.id, "date": self.today, "amount": amount, "payment_ref": label}
                for amount, label in ((340.0, "DEMO PAYOUT PO-1"), (97.0, "DEMO PAYOUT PO-2"))
            ]
        )
        lines._atlas_match_lines()
        # The first line pays out both payments: the second line (the first payment less 3.00)
        # is not proposed the first payment again.
        self.assertEqual(lines[0].atlas_payout_payment_ids, first | second)
        self.assertFalse(lines[1].atlas_payout_payment_ids)
        self.assertNotEqual(lines[1].atlas_match_kind, "payout")
        lines[0].atlas_confirm_matches()
        self.assertTrue(lines[0].is_reconciled)

    def test_a_payment_proposed_on_a_line_is_not_proposed_on_a_later_import(self):
        payment = self._paid_on(2, 100.0)
        first = self._line(97.0, "DEMO PAYOUT PO-1")
        self.assertEqual(first.atlas_payout_payment_ids, payment)
        # A second statement, imported before the first line is confirmed.
        later = self._line(97.0, "DEMO PAYOUT PO-1")
        self.assertFalse(later.atlas_payout_payment_ids)
        self.assertNotEqual(later.atlas_match_kind, "payout")
        first.atlas_confirm_matches()
        self.assertTrue(first.is_reconciled)

    def test_a_line_matched_again_keeps_or_frees_its_payments(self):
        payment = self._paid_on(2, 100.0)
        first = self._line(97.0, "DEMO PAYOUT PO-1")
        # Matched again, the line finds its own payments.
        first._atlas_match_lines()
        self.assertEqual(first.atlas_payout_payment_ids, payment)
        # Deleted, it lets them go to the next line.
        first.unlink()
        later = self._line(97.0, "DEMO PAYOUT PO-1")
        self.assertEqual(later.atlas_payout_payment_ids, payment)

    # -------------------------------------------------------------------------
    # A payout that no longer fits
    # -------------------------------------------------------------------------

    def _refund(self, payment):
        refund_tx = payment.sudo().payment_transaction_id._send_refund_request()
        refund_tx._post_process()
        self.env.invalidate_all()
        self.assertTrue(refund_tx.payment_id)
        return refund_tx.payment_id

    def _assert_confirm_refused(self, line, pattern):
        entry = line.move_id.line_ids.mapped(lambda item: (item.account_id.id, item.balance))
        payments = line.atlas_payout_payment_ids
        items = payments.move_id.line_ids.mapped(lambda item: (item.account_id.id, item.reconciled))
        with self.assertRefused(UserError, pattern):
            line.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self.assertFalse(line.is_reconciled)
        self.assertEqual(line.move_id.line_ids.mapped(lambda item: (item.account_id.id, item.balance)), entry)
        self.assertEqual(payments.move_id.line_ids.mapped(lambda item: (item.account_id.id, item.reconciled)), items)

    def test_a_payment_refunded_since_the_proposal(self):
        first = self._paid_on(3, 100.0)
        second = self._paid_on(2, 250.0)
        line = self._line(340.0)
        self.assertEqual(line.atlas_payout_payment_ids, first | second)
        refund = self._refund(second)
        self._assert_confirm_refused(
            line,
            rf"The payout on bank line “DEMO PAYOUT PO-0001” no longer fits its payments: online payment "
            rf"{second.name} was refunded \({refund.name}\)\. Nothing was changed: reconcile the line by hand "
            r"in Banking → Reconcile\.",
        )

    def test_a_payment_whose_invoice_was_refunded_since_the_proposal(self):
        first = self._paid_on(3, 100.0)
        second = self._paid_on(2, 250.0)
        line = self._line(340.0)
        self.assertEqual(line.atlas_payout_payment_ids, first | second)
        # Atlas's Refund of the invoice: a credit note, and the money paid back by card.
        result = second.reconciled_invoice_ids.atlas_refund(payment_method="card")
        refund = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertTrue(refund)
        self._assert_confirm_refused(
            line, rf"online payment {second.name} was refunded \({refund.name}\)\. Nothing was changed"
        )
        # Matched again, the payout is not proposed the refunded payment.
        line._atlas_match_lines()
        self.assertNotIn(second, line.atlas_payout_payment_ids)

    def test_a_payment_matched_elsewhere_since_the_proposal(self):
        first = self._paid_on(3, 100.0)
        second = self._paid_on(2, 250.0)
        line = self._line(340.0)
        self.assertEqual(line.atlas_payout_payment_ids, first | second)
        # A bookkeeper reconciles another bank line with the second payment by hand.
        other = self.env["account.bank.statement.line"].create(
            {"journal_id": self.bank_journal.id, "date": self.today, "amount": 250.0, "payment_ref": "Wire 250"}
        )
        other.write({"atlas_match_kind": "payment", "atlas_match_payment_id": second.id})
        other._atlas_confirm()
        self.assertTrue(other.is_reconciled)
        self._assert_confirm_refused(
            line,
            rf"online payment {second.name} is on bank line “Wire 250” now\. Nothing was changed",
        )

    def test_a_payment_cancelled_since_the_proposal(self):
        first = self._paid_on(3, 100.0)
        second = self._paid_on(2, 250.0)
        line = self._line(340.0)
        self.assertEqual(line.atlas_payout_payment_ids, first | second)
        second.action_draft()
        second.action_cancel()
        self._assert_confirm_refused(line, rf"online payment {second.name} was cancelled\. Nothing was changed")

    def test_a_payment_reversed_since_the_proposal(self):
        first = self._paid_on(3, 100.0)
        second = self._paid_on(2, 250.0)
        line = self._line(340.0)
        self.assertEqual(line.atlas_payout_payment_ids, first | second)
        # Reverse Entry of the payment's journal entry, by Odoo's own Billing user (Atlas's
        # roles are refused it: a payment is undone on its form).
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.users["billing"])
            .with_context(active_model="account.move", active_ids=second.move_id.ids)
            .create({"journal_id": second.journal_id.id, "date": self.today})
        )
        reversal.reverse_moves()
        entry = second.move_id.reversal_move_ids
        self.assertEqual(entry.state, "posted")
        self._assert_confirm_refused(
            line, rf"online payment {second.name} was reversed \({entry.name}\)\. Nothing was changed"
        )

    # -------------------------------------------------------------------------
    # A payout in a foreign currency
    # -------------------------------------------------------------------------

    def test_a_payout_in_euros_with_a_rate_change(self):
        # 1 USD = 0.5 EUR when the customers paid, 0.4 EUR on the payout's day.
        eur = self.env.ref("base.EUR")
        eur.active = True
        eur.rate_ids.filtered(lambda rate: rate.company_id == self.company).unlink()
        self.env["res.currency.rate"].create(
            [
                {"currency_id": eur.id, "company_id": self.company.id, "name": day, "rate": rate}
                for day, rate in ((self.today - timedelta(days=10), 0.5), (self.today, 0.4))
            ]
        )
        self.assertEqual(self.company.currency_id, self.env.ref("base.USD"))
        journal = self.env["account.journal"].create(
            {"name": "Bank EUR", "type": "bank", "code": "BEUR", "currency_id": eur.id}
        )
        self.provider.journal_id = journal
        self.bank_journal = journal
        first = self._paid_on(3, 100.0, currency=eur)
        second = self._paid_on(2, 250.0, self.contoso, eur)
        third = self._paid_on(1, 80.0, self.fabrikam, eur)
        payments = first | second | third
        self.assertEqual(payments.currency_id, eur)

        line = self._line(320.40)
        self.assertEqual(line.atlas_payout_payment_ids, second | third)
        self.assertEqual(line.atlas_payout_fee, 9.60)
        line.atlas_confirm_matches()
        self.assertTrue(line.is_reconciled)

        # At the payout's rate: 320.40 EUR = 801 USD, the fee 9.60 EUR = 24 USD, the payments
        # 330 EUR = 825 USD (they were 660 USD on the days they were paid).
        outstanding = second._atlas_outstanding_account()
        self.assertEqual(
            sorted(
                (item.account_id.id, item.amount_currency, item.balance, item.currency_id.id)
                for item in line.move_id.line_ids
            ),
            sorted(
                [
                    (journal.default_account_id.id, 320.40, 801.0, eur.id),
                    (self.fees.id, 9.60, 24.0, eur.id),
                    (outstanding.id, -250.0, -625.0, eur.id),
                    (outstanding.id, -80.0, -200.0, eur.id),
                ]
            ),
        )
        # Each payment's outstanding item settled in full, in euros and in dollars: the 165 USD
        # the euros gained since is Odoo's exchange difference entry, a gain.
        exchange_journal = self.company.currency_exchange_journal_id
        gain = self.company.income_currency_exchange_account_id
        for payment, gained in ((second, 125.0), (third, 40.0)):
            item = payment.move_id.line_ids.filtered(lambda item, account=outstanding: item.account_id == account)
            self.assertRecordValues(
                item, [{"reconciled": True, "amount_residual": 0.0, "amount_residual_currency": 0.0}]
            )
            # Odoo's exchange difference entry of the reconciliation (the partial's, in Odoo 18).
            exchange = item.matched_credit_ids.exchange_move_id
            self.assertEqual(exchange.journal_id, exchange_journal, payment.name)
            self.assertEqual(
                sorted((entry.account_id.id, entry.balance) for entry in exchange.line_ids),
                sorted([(outstanding.id, gained), (gain.id, -gained)]),
                payment.name,
            )
        # Each invoice paid once, by its online payment; the first payment still waits for its payout.
        for payment in payments:
            invoice = payment.reconciled_invoice_ids
            self.assertEqual(invoice.amount_residual, 0.0)
            self.assertEqual(invoice._get_reconciled_payments(), payment)
        self.assertFalse(first.move_id.line_ids.filtered(lambda item: item.account_id == outstanding).reconciled)
