"""A payment provider's payout on the bank statement: matched to the online payments it
bundles less the provider's fee, confirmed into Debit Bank + Debit Fees / Credit Outstanding
Receipts, each invoice paid once, AR Aging untouched and the cash counted once."""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PayoutTestCommon


@tagged("post_install", "-at_install")
class TestPayoutMatching(PayoutTestCommon):
    def _aging(self):
        return self.env["atlas.report.ar.aging"].get_report_data({})["totals"]

    def _cash(self):
        period = {
            "date_from": fields.Date.to_string(self.today.replace(day=1)),
            "date_to": fields.Date.to_string(self.today),
        }
        return self.env["atlas.report.cash.flow"].get_report_data(period)["totals"]

    def _bank_balance(self, moves):
        bank_account = self.bank_journal.default_account_id
        return sum(moves.line_ids.filtered(lambda line: line.account_id == bank_account).mapped("balance"))

    def test_a_payout_of_three_payments_less_the_fee(self):
        paid = [
            self._paid_online(100.0),
            self._paid_online(250.0, self.contoso),
            self._paid_online(80.0, self.fabrikam),
        ]
        payments = self.env["account.payment"].union(*(payment for _invoice, payment in paid))
        aging_before = self._aging()

        line = self._line(417.10)
        self.assertRecordValues(
            line, [{"atlas_match_kind": "payout", "atlas_match_certain": False, "is_reconciled": False}]
        )
        self.assertEqual(line.atlas_payout_payment_ids, payments)
        self.assertEqual(line.atlas_payout_fee, 12.90)

        line.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self.assertTrue(line.is_reconciled)
        outstanding = payments[0]._atlas_outstanding_account()
        self.assertEqual(
            sorted((item.account_id.id, item.debit, item.credit) for item in line.move_id.line_ids),
            sorted(
                [
                    (self.bank_journal.default_account_id.id, 417.10, 0.0),
                    (self.fees.id, 12.90, 0.0),
                    (outstanding.id, 0.0, 100.0),
                    (outstanding.id, 0.0, 250.0),
                    (outstanding.id, 0.0, 80.0),
                ]
            ),
        )
        # Each payment's money waiting on Outstanding Receipts is settled by the payout.
        for payment in payments:
            items = payment.move_id.line_ids.filtered(lambda item: item.account_id == outstanding)
            self.assertTrue(items.reconciled, payment.name)
            self.assertEqual(items.matched_credit_ids.credit_move_id.move_id, line.move_id, payment.name)
        # Each invoice paid once, by its online payment.
        for invoice, payment in paid:
            self.assertEqual(invoice.amount_residual, 0.0)
            self.assertEqual(invoice._get_reconciled_payments(), payment)
            self.assertEqual(invoice.atlas_status, "paid")
        # The bank account is debited once, by the payout; AR Aging is as it was.
        self.assertAlmostEqual(self._bank_balance(payments.move_id | line.move_id), 417.10)
        self.assertEqual(self._aging(), aging_before)
        cash = self._cash()
        self.assertAlmostEqual(cash["receipts"], 417.10)

    def test_one_payment_paid_out_without_fee(self):
        _invoice, payment = self._paid_online(199.0)
        line = self._line(199.0, "Demo transfer")
        self.assertEqual((line.atlas_match_kind, line.atlas_payout_payment_ids), ("payout", payment))
        self.assertEqual(line.atlas_payout_fee, 0.0)
        line.atlas_confirm_matches()
        self.assertTrue(line.is_reconciled)
        self.assertNotIn(self.fees, line.move_id.line_ids.account_id)
        # The payment is on a bank line now: a second line of that amount is not matched to it.
        again = self._line(199.0, "Demo transfer")
        self.assertNotEqual(again.atlas_match_kind, "payout")
        self.assertFalse(again.atlas_payout_payment_ids)

    def test_what_is_not_a_payout(self):
        self._paid_online(100.0)
        self._paid_online(250.0)
        # Not the provider's name in the label; a fee over a tenth; more than the payments.
        for amount, label in ((340.0, "TRANSFER PO-0001"), (300.0, "DEMO PAYOUT"), (360.0, "DEMO PAYOUT")):
            line = self._line(amount, label)
            self.assertFalse(line.atlas_payout_payment_ids, (amount, label))
            self.assertNotEqual(line.atlas_match_kind, "payout")

    def test_without_a_fee_account_the_confirmation_says_what_to_do(self):
        _invoice, payment = self._paid_online(100.0)
        self.provider.atlas_fee_account_id = False
        line = self._line(97.0)
        self.assertEqual(line.atlas_payout_payment_ids, payment)
        bank_items = payment.move_id.line_ids.mapped(lambda item: (item.account_id.id, item.balance))
        with self.assertRefused(UserError, r"set the provider's Fees Account \(Payment Providers\)"):
            line.atlas_confirm_matches()
        self.assertFalse(line.is_reconciled)
        self.assertEqual(payment.move_id.line_ids.mapped(lambda item: (item.account_id.id, item.balance)), bank_items)
