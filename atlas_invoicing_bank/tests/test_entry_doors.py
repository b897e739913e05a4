import re

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .bank_common import AtlasBankCommon


@tagged("post_install", "-at_install")
class TestEntryDoors(AtlasBankCommon):
    """The journal entries behind a payment and behind a bank statement line carry money too:
    Odoo's journal entry form and a bare write reach them, and for Atlas's roles they change
    only through the payment's and the bank line's own operations."""

    def _paid_invoice(self, price=230.0):
        invoice = self._sent_invoice(price)
        invoice.atlas_record_payment()
        return invoice

    def _books(self, *moves):
        """What an accountant checks: every journal item of these entries, and the status of
        every invoice and payment they touch."""
        self.env.invalidate_all()
        moves = self.env["account.move"].browse([move.id for move in moves])
        return {
            "items": sorted(
                (
                    line.move_id.id,
                    line.account_id.id,
                    line.partner_id.id,
                    line.balance,
                    str(line.date),
                    line.reconciled,
                    line.parent_state,
                )
                for line in moves.line_ids
            ),
            "invoices": sorted(
                (move.id, move.state, move.payment_state, move.atlas_status)
                for move in self.env["account.move"].search([("move_type", "=", "out_invoice")])
            ),
            "payments": sorted(
                (payment.id, payment.state, str(payment.date), payment.amount)
                for payment in self.env["account.payment"].search([])
            ),
        }

    # -------------------------------------------------------------------------
    # A payment's entry
    # -------------------------------------------------------------------------

    def test_payment_entry_fields_are_not_written_directly(self):
        invoice = self._paid_invoice()
        payment = invoice._get_reconciled_payments()
        entry = payment.move_id
        before = self._books(invoice, entry)
        other_account = self.company_data["default_account_revenue"]
        bank_item = entry.line_ids.filtered(lambda line: not line.reconciled)
        for role in ("bookkeeper", "admin"):
            user = self.users[role]
            # Odoo refuses a posted entry's date or partner, unless its state is written along.
            for vals in (
                {"state": "draft"},
                {"state": "posted", "date": "2026-03-31"},
                {"partner_id": self.bluebird.id},
            ):
                with self.subTest(role=role, vals=vals), self.assertRefused(UserError, "written directly|readonly"):
                    entry.with_user(user).write(vals)
            with self.subTest(role=role, item="account"), self.assertRefused(UserError, "can't be written directly"):
                bank_item.with_user(user).write({"account_id": other_account.id})
            with self.subTest(role=role, item="new"), self.assertRefused(UserError, "can't be written directly"):
                self.env["account.move.line"].with_user(user).with_context(check_move_validity=False).create(
                    {"move_id": entry.id, "account_id": other_account.id, "balance": 0.0, "name": "x"}
                )
        self.assertEqual(self._books(invoice, entry), before)

    def test_reset_a_payment_entry_to_draft_is_an_accountants(self):
        invoice = self._paid_invoice()
        payment = invoice._get_reconciled_payments()
        before = self._books(invoice, payment.move_id)
        # Odoo's journal entry form offers Reset to Draft on a payment's entry to an Accountant
        # only: it un-pays the invoice as the payment's own Reset to Draft does.
        self.assertNotIn("Reset to Draft", self._entry_form_buttons(payment.move_id, self.users["bookkeeper"]))
        self.assertIn("Reset to Draft", self._entry_form_buttons(payment.move_id, self.users["accountant"]))
        with self.assertRefused(AccessError, "Only an Atlas Accountant can reset a payment to draft"):
            payment.move_id.with_user(self.users["bookkeeper"]).button_draft()
        self.assertEqual(self._books(invoice, payment.move_id), before)
        payment.move_id.with_user(self.users["accountant"]).button_draft()
        self.assertEqual((invoice.payment_state, invoice.atlas_status), ("not_paid", "sent"))
        # Odoo's own Billing users keep Odoo's behaviour.
        other = self._paid_invoice(120.0)
        other._get_reconciled_payments().move_id.with_user(self.users["billing"]).button_draft()
        self.assertEqual(other.payment_state, "not_paid")

    def test_reverse_a_payment_entry_is_refused(self):
        """Odoo's Reverse Entry on a payment's entry would unmatch the invoice (it is due again)
        and take the money out of the bank account while the payment still says Paid; a
        payment is undone on its own form (Reset to Draft, Cancel: an Accountant's)."""
        invoice = self._paid_invoice()
        payment = invoice._get_reconciled_payments()
        before = self._books(invoice, payment.move_id)
        for role in ("bookkeeper", "accountant", "admin"):
            self.assertNotIn("Reverse Entry", self._entry_form_buttons(payment.move_id, self.users[role]))
            reversal = (
                self.env["account.move.reversal"]
                .with_user(self.users[role])
                .with_context(active_model="account.move", active_ids=payment.move_id.ids)
                .create({"journal_id": payment.move_id.journal_id.id, "date": "2026-02-10", "reason": "Mistake"})
            )
            for button in ("refund_moves", "modify_moves"):
                with (
                    self.subTest(role=role, button=button),
                    self.assertRefused(
                        UserError,
                        r"is the journal entry of payment .+: reversing it would make its invoices due again while "
                        r"the payment stays Paid\. To undo a payment, an Accountant resets it to draft or cancels it "
                        r"on the payment\.",
                    ),
                ):
                    getattr(reversal, button)()
        self.assertEqual(self._books(invoice, payment.move_id), before)
        self.assertEqual((invoice.payment_state, invoice.atlas_status), ("paid", "paid"))
        # Odoo's own Billing users keep Odoo's form.
        self.assertIn("Reverse Entry", self._entry_form_buttons(payment.move_id, self.users["billing"]))

    # -------------------------------------------------------------------------
    # A bank statement line's entry
    # -------------------------------------------------------------------------

    def _confirmed_bank_line(self):
        invoice = self._sent_invoice(1485.0)
        result = self._import(
            self._csv(
                [("2026-02-03", f"ACH CREDIT NORTHWIND {invoice.name}", "", "Northwind Traders", 1485.0, "ACH")],
                start=1000.0,
            ),
            "checking.csv",
            self.mapping,
        )
        line = self._lines(result)
        line.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self.assertEqual(invoice.atlas_status, "paid")
        return invoice, line

    def test_bank_line_entry_fields_are_not_written_directly(self):
        invoice, line = self._confirmed_bank_line()
        payment = invoice._get_reconciled_payments()
        before = self._books(invoice, line.move_id, payment.move_id)
        liquidity = line.move_id.line_ids.filtered(lambda item: item.account_id == self.bank_account)
        for role in ("bookkeeper", "admin"):
            user = self.users[role]
            for vals in ({"state": "draft"}, {"state": "posted", "date": "2026-03-31"}):
                with self.subTest(role=role, vals=vals), self.assertRefused(UserError, "can't be written directly"):
                    line.move_id.with_user(user).write(vals)
            with self.subTest(role=role, item="account"), self.assertRefused(UserError, "can't be written directly"):
                liquidity.with_user(user).write({"account_id": self.company_data["default_account_revenue"].id})
        with self.assertRefused(AccessError, "Only an Atlas Accountant can reset a bank line's entry to draft"):
            line.move_id.with_user(self.users["bookkeeper"]).button_draft()
        self.assertEqual(self._books(invoice, line.move_id, payment.move_id), before)

    def _entry_form_buttons(self, entry, user):
        """The header buttons of Odoo's journal entry form that this user sees on this entry:
        the form as get_views gives it to the user (the groups they lack stripped), each
        button's ``invisible`` evaluated on the entry as the web client does."""
        entry = entry.with_user(user)
        view = self.env.ref("account.view_move_form")
        arch = entry.get_views([(view.id, "form")])["views"]["form"]["arch"]

        buttons = etree.fromstring(arch).xpath("//header/button[@string]")
        names = set(re.findall(r"[a-z_]+", " ".join(button.get("invisible") or "" for button in buttons)))
        values = {"context": {}}
        for name in names & set(entry._fields):
            value = entry[name]
            values[name] = value.id if entry._fields[name].type == "many2one" else value
        return [button.get("string") for button in buttons if not safe_eval(button.get("invisible") or "False", values)]

    def test_bank_line_entry_offers_the_buttons_the_role_may_use(self):
        """Opened from a statement or Reconcile, a bank line's entry is Odoo's journal entry
        form: its Reset to Draft is an Accountant's, and its Reverse Entry no one's (see
        test_reverse_a_bank_line_entry_is_refused)."""
        _invoice, line = self._confirmed_bank_line()
        expected = {
            "viewer": [],
            "bookkeeper": [],
            "accountant": ["Reset to Draft"],
            "admin": ["Reset to Draft"],
            # Odoo's own Billing users keep Odoo's form.
            "billing": ["Reverse Entry", "Reset to Draft"],
        }
        for role, buttons in expected.items():
            with self.subTest(role=role):
                shown = self._entry_form_buttons(line.move_id, self.users[role])
                self.assertEqual([b for b in shown if b in ("Reverse Entry", "Reset to Draft")], buttons)

    def test_reverse_a_bank_line_entry_is_refused(self):
        """Odoo's Reverse Entry (the form's button, the gear menu) would post the opposite entry
        in the bank journal: the bank account would lose the money the bank's statement still
        shows, and the line's reconciliation would be undone behind its back."""
        invoice, line = self._confirmed_bank_line()
        payment = invoice._get_reconciled_payments()
        before = self._books(invoice, line.move_id, payment.move_id)
        balance = self._bank_balance()
        for role in ("bookkeeper", "accountant", "admin"):
            reversal = (
                self.env["account.move.reversal"]
                .with_user(self.users[role])
                .with_context(active_model="account.move", active_ids=line.move_id.ids)
                .create({"journal_id": line.move_id.journal_id.id, "date": "2026-02-10", "reason": "Mistake"})
            )
            for button in ("refund_moves", "modify_moves"):
                with (
                    self.subTest(role=role, button=button),
                    self.assertRefused(
                        UserError,
                        r"is the journal entry of a bank statement line: reversing it would take the money out of "
                        r"the bank account while the bank's statement still shows it\. To undo what the line was "
                        r"reconciled with, use Unreconcile on the bank line",
                    ),
                ):
                    getattr(reversal, button)()
        self.assertEqual(self._books(invoice, line.move_id, payment.move_id), before)
        self.assertEqual(self._bank_balance(), balance)
        self.assertEqual(self.env["account.move"].search_count([("reversed_entry_id", "=", line.move_id.id)]), 0)

    def test_bank_line_operations_still_write_their_entries(self):
        """The bank line's own operations own its entry: an unmatched line's details are
        corrected on the line, and OCA's reconciliation screen reconciles it."""
        result = self._import(
            self._csv([("2026-02-07", "WIRE IN UNKNOWN", "", "", 400.0, "WIRE")], start=1000.0),
            "checking.csv",
            self.mapping,
        )
        line = self._lines(result).with_user(self.users["bookkeeper"])
        line.write({"partner_id": self.bluebird.id})
        self.assertEqual(line.move_id.line_ids.partner_id, self.bluebird)
        invoice = self._sent_invoice(400.0, partner=self.bluebird)
        receivable = invoice.line_ids.filtered(lambda item: item.account_id.account_type == "asset_receivable")
        # What OCA's reconciliation screen does when the user picks the invoice's item.
        line._add_account_move_line(receivable)
        line.reconcile_bank_line()
        self.assertTrue(line.is_reconciled)
        self.env.invalidate_all()
        self.assertEqual((invoice.amount_residual, invoice.payment_state, invoice.atlas_status), (0.0, "paid", "paid"))
        # The bank line was reconciled with the invoice itself: undoing it un-pays the invoice,
        # which is an Accountant's, as unmatching a payment is.
        with self.assertRefused(AccessError, "Only an Atlas Accountant can unmatch"):
            line.unreconcile_bank_line()
        self.assertEqual(invoice.atlas_status, "paid")
        line.with_user(self.users["accountant"]).unreconcile_bank_line()
        self.assertEqual(invoice.atlas_status, "sent")

    # -------------------------------------------------------------------------
    # A draft's journal
    # -------------------------------------------------------------------------

    def test_journal_of_a_draft(self):
        """A draft never numbered may move to another sales journal (a Bookkeeper's draft);
        Odoo keeps it off other journals' types and keeps a numbered draft in its journal."""
        second_sales = self.company_data["default_journal_sale"].copy({"name": "Services", "code": "SRV"})
        draft = self._create_invoice(price=90.0).with_user(self.users["bookkeeper"])
        draft.write({"journal_id": second_sales.id})
        self.assertEqual(draft.journal_id, second_sales)
        with self.assertRefused(UserError, "journal"):
            draft.write({"journal_id": self.bank.id})
        numbered = self._create_invoice(price=90.0)
        numbered.action_post()
        numbered.button_draft()
        with self.assertRefused(UserError, "sequence"):
            numbered.with_user(self.users["bookkeeper"]).write({"journal_id": second_sales.id})
        # A Viewer changes nothing.
        with self.assertRefused(AccessError, "not allowed"):
            draft.with_user(self.users["viewer"]).write({"journal_id": self.company_data["default_journal_sale"].id})
