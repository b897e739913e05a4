from odoo import Command
from odoo.tests import tagged

from .bank_common import AtlasBankCommon


@tagged("post_install", "-at_install")
class TestBankPaymentTerms(AtlasBankCommon):
    """The bank match and the invoice's payment terms: a line of the discounted total within
    the discount's period is matched and settles the invoice with Odoo's discount entry; a
    line of the first instalment is matched to it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        cls.discount_account = company.account_journal_early_pay_discount_loss_account_id
        cls.two_ten = cls.env["account.payment.term"].create(
            {
                "name": "2/10 Net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})],
            }
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

    def _invoice(self, price, term, partner=None):
        # Invoice date 01/15/2026: the 2/10 discount runs to 01/25.
        invoice = self._create_invoice(price=price, partner=partner, invoice_payment_term_id=term.id)
        invoice.action_atlas_mark_sent()
        return invoice

    def _line(self, result, amount):
        lines = self._lines(result).filtered(lambda line: line.amount == amount)
        self.assertEqual(len(lines), 1)
        return lines

    def _assert_paid_with_discount(self, invoice, received):
        self.assertRecordValues(
            invoice, [{"atlas_status": "paid", "amount_residual": 0.0, "atlas_amount_paid": received}]
        )
        payment = invoice._get_reconciled_payments()
        self.assertEqual(len(payment), 1)
        outstanding = payment._atlas_outstanding_account()
        self.assertEqual(
            sorted((line.account_id.id, line.debit, line.credit) for line in payment.move_id.line_ids),
            sorted(
                [
                    (outstanding.id, received, 0.0),
                    (self.discount_account.id, round(invoice.amount_total - received, 2), 0.0),
                    (self.receivable.id, 0.0, invoice.amount_total),
                ]
            ),
        )

    def test_discounted_total_by_invoice_number_settles_with_the_discount(self):
        invoice = self._invoice(1000.0, self.two_ten)
        result = self._import(
            self._csv([("2026-01-20", f"ACH CREDIT {invoice.name}", "", "Northwind Traders", 980.0, "ACH")]),
            "checking.csv",
            self.mapping,
        )
        line = self._line(result, 980.0)
        self.assertRecordValues(
            line, [{"atlas_match_kind": "reference", "atlas_match_invoice_id": invoice.id, "atlas_match_certain": True}]
        )
        line.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self._assert_paid_with_discount(invoice, 980.0)
        self.assertTrue(line.is_reconciled)
        self.assertEqual(self._bank_balance(), 980.0)

    def test_discounted_total_by_customer_and_amount_in_the_period_only(self):
        in_time = self._invoice(500.0, self.two_ten)
        late = self._invoice(700.0, self.two_ten, partner=self.bluebird)
        result = self._import(
            self._csv(
                [
                    ("2026-01-24", "DEPOSIT", "", "Northwind Traders", 490.0, "Check"),
                    # 686 = 700 less 2 %, but on 01/27 the discount is over: not a match.
                    ("2026-01-27", "INCOMING TRANSFER", "", "Bluebird Dental Clinic", 686.0, ""),
                ]
            ),
            "checking.csv",
            self.mapping,
        )
        northwind = self._line(result, 490.0)
        self.assertRecordValues(
            northwind, [{"atlas_match_kind": "customer_amount", "atlas_match_invoice_id": in_time.id}]
        )
        self.assertRecordValues(self._line(result, 686.0), [{"atlas_match_kind": False}])
        northwind.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self._assert_paid_with_discount(in_time, 490.0)
        self.assertRecordValues(late, [{"atlas_status": "sent", "amount_residual": 700.0}])

    def test_first_instalment_is_matched_and_leaves_the_second_due(self):
        invoice = self._invoice(1000.0, self.thirty_seventy, partner=self.bluebird)
        result = self._import(
            self._csv([("2026-01-16", "INCOMING TRANSFER", "", "Bluebird Dental Clinic", 300.0, "")]),
            "checking.csv",
            self.mapping,
        )
        line = self._line(result, 300.0)
        self.assertRecordValues(line, [{"atlas_match_kind": "customer_amount", "atlas_match_invoice_id": invoice.id}])
        line.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self.assertRecordValues(invoice, [{"atlas_status": "partial", "amount_residual": 700.0}])
        first, second = invoice.line_ids.filtered(lambda item: item.display_type == "payment_term").sorted(
            "date_maturity"
        )
        self.assertTrue(first.reconciled)
        self.assertFalse(second.reconciled)
