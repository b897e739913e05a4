from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import ROLE_GROUPS
from .tour_runner import run_tour


@tagged("post_install", "-at_install")
class TestDoorTours(HttpCase):
    """A Bookkeeper clicks Odoo's own Reset to Draft, Credit Note, a payment's Reset To Draft and
    the gear menu's Pay on a draft, in Odoo's own forms: each is refused with Atlas's message,
    and the invoice, its journal items and its payments are as before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bookkeeper = new_test_user(
            cls.env,
            login="door_tour_bookkeeper",
            groups=f"base.group_user,{ROLE_GROUPS['bookkeeper']}",
            company_id=cls.env.company.id,
            company_ids=[cls.env.company.id],
        )
        cls.customer = cls.env["res.partner"].create({"name": "Door Tour Customer", "customer_rank": 1})
        cls.revenue = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.env.company.ids)], limit=1
        )

    def _invoice(self, partner=True):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id if partner else False,
                "invoice_date": fields.Date.context_today(self.env["account.move"]),
                "invoice_line_ids": [
                    Command.create({"name": "Work", "account_id": self.revenue.id, "price_unit": 230.0, "tax_ids": []})
                ],
            }
        )

    def _books(self, invoice):
        invoice.invalidate_recordset()
        moves = invoice | invoice._get_reconciled_payments().move_id
        return (
            invoice.state,
            invoice.atlas_status,
            invoice.amount_residual,
            sorted((line.account_id.id, line.balance, line.reconciled) for line in moves.line_ids),
            self.env["account.move"].search_count([]),
            self.env["account.payment"].search_count([]),
        )

    def _door(self, tour, record, action):
        url = f"/odoo/action-{action}/{record.id}"
        run_tour(self, tour, login=self.bookkeeper.login, url=url)

    def test_bookkeeper_is_refused_on_odoos_doors(self):
        sent = self._invoice()
        sent.action_atlas_mark_sent()
        before = self._books(sent)
        self._door("atlas_door_reset_to_draft", sent, "account.action_move_out_invoice_type")
        self._door("atlas_door_credit_note", sent, "account.action_move_out_invoice_type")
        self.assertEqual(self._books(sent), before)

        paid = self._invoice()
        paid.action_atlas_mark_sent()
        payment = self.env["account.payment"].browse(paid.atlas_record_payment()["payment_id"])
        before = self._books(paid)
        self.assertEqual(paid.atlas_status, "paid")
        self._door("atlas_door_payment_reset", payment, "account.action_account_payments")
        self.assertEqual(self._books(paid), before)

        draft = self._invoice(partner=False)
        before = self._books(draft)
        self._door("atlas_door_pay_draft", draft, "account.action_move_out_invoice_type")
        self.assertEqual(self._books(draft), before)
