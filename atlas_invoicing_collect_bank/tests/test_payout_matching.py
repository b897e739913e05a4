"""A payment provider's payout on the bank statement: matched to the online payments it
bundles less the provider's fee, confirmed into Debit Bank + Debit Fees / Credit Outstanding
Receipts, each invoice paid once, AR Aging untouched and the cash counted once."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PayoutTestCommon


@tagged("post_install", "-at_install")
class TestPayoutMatching(PayoutTestCommon):
    def _aging(self):
        return self.env["atlas.report.ar.aging"].get_report_data({})["totals"]

    def _cash_flow(self, day=None):
        """The Cash Flow Statement of the month of ``day`` (today's): its data, and its method
        lines as {(section, label): (total, the drill-down's journal items)}."""
        day = day or self.today
        period = {
            "date_from": fields.Date.to_string(day.replace(day=1)),
            "date_to": fields.Date.to_string(day + relativedelta(day=31)),
        }
        data = self.env["atlas.report.cash.flow"].get_report_data(period)
        lines = {
            (line["parent"], line["label"]): (
                line["values"]["total"],
                self.env["account.move.line"].search(line["drilldown"]),
            )
            for line in data["lines"]
            if line["parent"] in ("receipts", "disbursements")
        }
        return data, lines

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
        # The Cash Flow Statement: the card payments in full under Credit Card, the fee paid
        # out of them a disbursement, the bank's 417.10 in between; each drill-down lists the
        # journal items behind its figure: the payments' money, the fee.
        # A card sale of the month paid back by card: Credit Card's disbursements are one line,
        # the card refund and the fee.
        card_sale = self._create_invoice(price=20.0, invoice_date=self.today)
        card_sale.action_post()
        card_sale.atlas_record_payment(payment_method="card")
        card_sale.atlas_refund(payment_method="card")
        card_payments = self.env["account.payment"].search([("partner_id", "=", card_sale.partner_id.id)])
        card_money = (card_payments - payments).move_id.line_ids.filtered(
            lambda item: item.account_id == self.bank_journal.default_account_id
        )
        self.assertEqual(len(card_money), 2)
        card_total = card_sale.amount_total
        data, lines = self._cash_flow()
        self.assertEqual(sorted(lines), [("disbursements", "Credit Card"), ("receipts", "Credit Card")])
        receipts, receipt_items = lines["receipts", "Credit Card"]
        self.assertAlmostEqual(receipts, 430.0 + card_total)
        payments_money = payments.move_id.line_ids.filtered(lambda item: item.account_id == outstanding)
        self.assertEqual(receipt_items, payments_money | card_money.filtered(lambda item: item.balance > 0))
        self.assertAlmostEqual(sum(receipt_items.mapped("balance")), 430.0 + card_total)
        paid_out, paid_out_items = lines["disbursements", "Credit Card"]
        self.assertAlmostEqual(paid_out, 12.90 + card_total)
        fee_item = line.move_id.line_ids.filtered(lambda item: item.account_id == self.fees)
        self.assertRecordValues(fee_item, [{"debit": 12.90, "name": "Demo fee"}])
        self.assertEqual(paid_out_items, fee_item | card_money.filtered(lambda item: item.balance < 0))
        self.assertAlmostEqual(sum(abs(item.balance) for item in paid_out_items), 12.90 + card_total)
        self.assertAlmostEqual(data["totals"]["net"], 417.10)
        self.assertTrue(all(check["ok"] for check in data["checks"]), data["checks"])
        sections = {line["key"]: line for line in data["lines"] if line["key"] in ("receipts", "disbursements")}
        self.assertEqual(self.env["account.move.line"].search(sections["receipts"]["drilldown"]), receipt_items)
        self.assertEqual(self.env["account.move.line"].search(sections["disbursements"]["drilldown"]), paid_out_items)

    def test_payout_in_the_month_after_its_payments(self):
        """The payout reaches the bank next month: that month's Cash Flow has the card money
        in full and the fee, the payments' month none of it (the money was not in the bank)."""
        paid = [self._paid_online(100.0), self._paid_online(250.0, self.contoso)]
        payments = paid[0][1] | paid[1][1]
        payout_day = self.today + relativedelta(months=1, day=1)
        _data, lines = self._cash_flow()
        self.assertEqual(lines["receipts", "Credit Card"][0], 350.0, "before the payout: on the bank on their date")

        line = self._line(340.0, "Demo payout", date=payout_day)
        self.assertEqual(line.atlas_payout_payment_ids, payments)
        line.atlas_confirm_matches()
        self.assertTrue(line.is_reconciled)

        data, lines = self._cash_flow()
        self.assertNotIn(("receipts", "Credit Card"), lines)
        self.assertEqual(data["totals"]["receipts"], 0.0)
        self.assertTrue(all(check["ok"] for check in data["checks"]), data["checks"])
        data, lines = self._cash_flow(payout_day)
        self.assertEqual(lines["receipts", "Credit Card"][0], 350.0)
        self.assertEqual(lines["receipts", "Credit Card"][1].move_id, payments.move_id)
        self.assertEqual(lines["disbursements", "Credit Card"][0], 10.0)
        self.assertEqual(data["totals"]["net"], 340.0)
        self.assertTrue(all(check["ok"] for check in data["checks"]), data["checks"])

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
