from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields

from odoo.addons.atlas_invoicing_collect.tests.common import CollectTestCommon


class PayoutTestCommon(CollectTestCommon):
    """Get Paid's test world with the Demo provider's fees account, and invoices paid online."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.fees = cls.env["account.account"].create(
            {"name": "Payment Provider Fees", "code": "626200", "account_type": "expense"}
        )
        cls.provider.atlas_fee_account_id = cls.fees
        cls.provider.name = "Demo"
        cls.contoso = cls.env["res.partner"].create({"name": "Contoso", "email": "ap@contoso.example"})
        cls.fabrikam = cls.env["res.partner"].create({"name": "Fabrikam", "email": "ap@fabrikam.example"})

    def _paid_online(self, price, partner=None, currency=None):
        """An invoice paid in the portal: Odoo's payment flow with the Demo provider, on the
        day it is (the payment's date)."""
        values = {"currency_id": currency.id} if currency else {}
        invoice = self._create_invoice(
            price=price, partner=partner, invoice_date=fields.Date.context_today(self.env.user), **values
        )
        invoice.action_post()
        # As the portal's payment status page does it: the transaction post-processed as superuser.
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.demo_method.id,
                    "amount": invoice.amount_residual,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": invoice.partner_id.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "reference": f"TX-{invoice.name}",
                    "operation": "online_direct",
                }
            )
        )
        tx._set_done()
        tx._post_process()
        self.env.invalidate_all()
        self.assertIn(invoice.payment_state, ("in_payment", "paid"))
        self.assertTrue(tx.payment_id)
        return invoice, tx.payment_id.sudo(False)

    def _paid_on(self, days_ago, price, partner=None, currency=None):
        """The online payment of an invoice paid in the portal ``days_ago`` days ago."""
        day = self.today - timedelta(days=days_ago)
        with freeze_time(day):
            _invoice, payment = self._paid_online(price, partner, currency)
        self.assertEqual(payment.date, day)
        return payment

    def _line(self, amount, label="DEMO PAYOUT PO-0001", date=None):
        """A bank line of the bank journal, matched as a statement's import matches it."""
        line = self.env["account.bank.statement.line"].create(
            {"journal_id": self.bank_journal.id, "date": date or self.today, "amount": amount, "payment_ref": label}
        )
        line._atlas_match_lines()
        return line
