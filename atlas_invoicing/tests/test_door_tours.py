from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import ROLE_GROUPS
from .tour_runner import run_tour


@tagged("post_install", "-at_install")
class TestDoorTours(HttpCase):
    """A Bookkeeper clicks Odoo's own Reset to Draft, Credit Note, a payment's Reset To Draft and
    the gear menu's Pay on a draft, in Odoo's own forms: each is refused with Atlas's message,
    and the invoice, its journal items and its payments are as before. A Viewer drills down
    from the reports to the Atlas form and changes nothing; an Accountant resets a sent invoice
    to draft, and is refused one with a payment."""

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
        cls.viewer, cls.accountant = (
            new_test_user(
                cls.env,
                login=f"door_tour_{role}",
                groups=f"base.group_user,{ROLE_GROUPS[role]}",
                company_id=cls.env.company.id,
                company_ids=[cls.env.company.id],
            )
            for role in ("viewer", "accountant")
        )
        cls.customer = cls.env["res.partner"].create({"name": "Door Tour Customer", "customer_rank": 1})
        # The reports' drill-downs go through this account's row: only the invoice under test is on it.
        cls.landing_account = cls.env["account.account"].create(
            {"name": "Door Landing Revenue", "code": "499100", "account_type": "income"}
        )
        cls.revenue = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.env.company.ids)], limit=1
        )

    def _invoice(self, partner=True, account=None):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id if partner else False,
                "invoice_date": fields.Date.context_today(self.env["account.move"]),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Work", "account_id": (account or self.revenue).id, "price_unit": 230.0, "tax_ids": []}
                    )
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

    def _door(self, tour, record, action, user=None):
        url = f"/odoo/action-{action}/{record.id}"
        run_tour(self, tour, login=(user or self.bookkeeper).login, url=url)

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

    def test_viewer_lands_on_the_atlas_form_and_changes_nothing(self):
        sent = self._invoice(account=self.landing_account)
        sent.action_atlas_mark_sent()
        refunded = self._invoice()
        refunded.action_atlas_mark_sent()
        refunded.atlas_record_payment()
        refunded._atlas_refund(reason="Returned")
        self.assertEqual((refunded.atlas_status, refunded.payment_state), ("refunded", "paid"))
        before = [self._books(sent), self._books(refunded), len(sent.message_ids), len(refunded.message_ids)]

        # Profit & Loss and AR Aging → journal items → Journal Entry: the Atlas form.
        run_tour(self, "atlas_door_viewer_lands", login=self.viewer.login)
        # Odoo's own form, by its URL: Refunded, the Atlas status bar, no Print & Send.
        self._door("atlas_door_viewer_odoo_form", refunded, "account.action_move_out_invoice_type", self.viewer)

        self.env.invalidate_all()
        after = [self._books(sent), self._books(refunded), len(sent.message_ids), len(refunded.message_ids)]
        self.assertEqual(after, before)
        self.assertFalse(self.env["account.move"].search([("write_uid", "=", self.viewer.id)]))

    def test_accountant_resets_a_sent_invoice_and_is_refused_one_with_a_payment(self):
        # From the General Ledger's drill-down, on the Atlas form.
        sent = self._invoice(account=self.landing_account)
        sent.action_atlas_mark_sent()
        run_tour(self, "atlas_door_accountant_reset", login=self.accountant.login)
        # On Odoo's own form, with Odoo's Reset to Draft.
        odoo_sent = self._invoice()
        odoo_sent.action_atlas_mark_sent()
        self._door(
            "atlas_door_accountant_odoo_reset", odoo_sent, "account.action_move_out_invoice_type", self.accountant
        )
        self.env.invalidate_all()
        for invoice in (sent, odoo_sent):
            self.assertRecordValues(invoice, [{"state": "draft", "atlas_status": "draft", "amount_residual": 230.0}])
            # Its journal entry no longer counts: no posted item on the receivable or the revenue.
            posted = self.env["account.move.line"].search(
                [("move_id", "=", invoice.id), ("parent_state", "=", "posted")]
            )
            self.assertFalse(posted)
        self.assertFalse(sent.is_move_sent)

        # An invoice with a payment: Odoo's Reset to Draft is refused, the books don't move.
        paid = self._invoice()
        paid.action_atlas_mark_sent()
        paid.atlas_record_payment(amount=100.0)
        before = self._books(paid)
        self.assertEqual(before[:3], ("posted", "partial", 130.0))
        self._door("atlas_door_accountant_reset_paid", paid, "account.action_move_out_invoice_type", self.accountant)
        self.assertEqual(self._books(paid), before)
