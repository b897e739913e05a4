from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestInvoiceNumbering(AtlasTestCommon):
    def _post(self, **values):
        invoice = self._create_invoice(price=10.0, **values)
        invoice.action_atlas_mark_sent()
        return invoice

    def test_default_prefix_and_no_gap_after_deleted_draft(self):
        first = self._post()
        self.assertRegex(first.name, r"^INV/2026/\d{5}$")
        number = int(first.name.split("/")[-1])
        self._create_invoice(price=5.0).unlink()  # a deleted draft never had a number
        second = self._post()
        self.assertEqual(second.name, f"INV/2026/{number + 1:05d}")

    def test_new_prefix_applies_to_later_invoices_only(self):
        before = self._post()
        old_name = before.name
        self.company_data["company"].atlas_invoice_prefix = "ACME-"
        after = self._post()
        self.assertEqual(after.name, "ACME-2026/00001")
        self.assertEqual(self._post().name, "ACME-2026/00002")
        self.assertEqual(before.name, old_name, "numbers already given never change")

    def test_prefix_changed_and_back_numbers_with_what_settings_shows(self):
        company = self.company_data["company"]

        def set_prefix(prefix):
            settings = self.env["res.config.settings"].create({})
            settings.atlas_invoice_prefix = prefix
            settings.execute()
            self.assertEqual(self.env["res.config.settings"].create({}).atlas_invoice_prefix, prefix)

        set_prefix("INV/")
        first = self._post()
        set_prefix("HLB-")
        second = self._post()
        set_prefix("INV/")
        third = self._post()
        set_prefix("HLB-")
        fourth = self._post()
        self.assertEqual(
            (first + second + third + fourth).mapped("name"),
            ["INV/2026/00001", "HLB-2026/00001", "INV/2026/00002", "HLB-2026/00002"],
        )
        # Each series is gap-free, and Odoo's own checks agree (no hole, names match the dates).
        journal = first.journal_id
        self.assertFalse(journal._query_has_sequence_holes())
        self.assertEqual(company.atlas_invoice_prefix, "HLB-")
        (first + second + third + fourth)._constrains_date_sequence()
        # A draft shows its number once posted, and a second draft posted after it continues.
        set_prefix("INV/")
        draft = self._create_invoice(price=10.0)
        draft.action_post()
        self.assertEqual(draft.name, "INV/2026/00003")

    def test_invalid_prefix_is_refused(self):
        company = self.company_data["company"]
        with self.assertRaises(ValidationError) as refused:  # Odoo's assertRaises rolls the write back
            company.atlas_invoice_prefix = "INV2026"
        self.assertIn("is not valid", str(refused.exception))
        company.invalidate_recordset()
        self.assertEqual(self.company_data["company"].atlas_invoice_prefix, "INV/")

    def test_only_drafts_can_be_deleted(self):
        draft = self._create_invoice(price=10.0)
        draft.with_user(self.users["bookkeeper"]).unlink()
        self.assertFalse(draft.exists())
        sent = self._post()
        with self.assertRefused(UserError, "Refund it instead"):
            sent.with_user(self.users["accountant"]).unlink()
        self.assertTrue(sent.exists())

    def test_delete_refusal_names_what_the_role_can_do_before_any_confirmation(self):
        sent = self._post()
        # The Bookkeeper has no Refund button: the refusal says who can refund.
        bookkeeper_refusal = (
            f"Invoice {sent.name} is posted, so it can't be deleted. Ask an Accountant to refund it: "
            "the credit note keeps the ledger and the numbering intact."
        )
        accountant_refusal = (
            f"Invoice {sent.name} is posted, so it can't be deleted. Refund it instead (Refund button): "
            "the credit note keeps the ledger and the numbering intact."
        )
        for role, refusal in (("bookkeeper", bookkeeper_refusal), ("accountant", accountant_refusal)):
            with self.assertRaises(UserError) as caught:
                sent.with_user(self.users[role]).unlink()
            self.assertEqual(str(caught.exception), refusal)
            # The web client's Delete asks check_move_sequence_chain before showing its
            # confirmation ("Bye-bye, record!", "a gap in the sequence"): the refusal comes first.
            with self.assertRaises(UserError) as caught:
                sent.with_user(self.users[role]).check_move_sequence_chain()
            self.assertEqual(str(caught.exception), refusal)
        self.assertTrue(sent.exists())
        # A cancelled invoice is not "posted": the refusal says what it is.
        sent.with_user(self.users["accountant"]).button_cancel()
        with self.assertRefused(UserError, rf"^Invoice {sent.name} is cancelled, so it can't be deleted: it stays"):
            sent.with_user(self.users["accountant"]).unlink()
        self.assertEqual(sent.state, "cancel")
        # A draft has nothing to refuse: the client goes on to its confirmation.
        draft = self._create_invoice(price=10.0)
        self.assertTrue(draft.with_user(self.users["bookkeeper"]).check_move_sequence_chain())

    def test_numbered_draft_stays_for_every_atlas_role(self):
        first, second = self._post(), self._post()
        first.button_draft()  # reset to draft: the number stays on the draft
        for role in ("bookkeeper", "accountant", "admin"):
            with self.assertRefused(UserError, r"keeps its number, so it can't be deleted.*Cancel it instead"):
                first.with_user(self.users[role]).unlink()
        self.assertTrue(first.exists())
        self.assertEqual(second.state, "posted")

    def test_user_without_atlas_role_keeps_odoo_delete_rule(self):
        # Odoo's own Billing Administrator, outside Atlas's roles: Odoo lets them delete a
        # numbered draft, and its journal dashboard then shows the gap in the sequence.
        billing_admin = new_test_user(
            self.env,
            login="odoo_billing_admin",
            groups="base.group_user,account.group_account_manager",
            company_id=self.company_data["company"].id,
            company_ids=[self.company_data["company"].id],
        )
        first, second = self._post(), self._post()
        first.button_draft()
        first.with_user(billing_admin).unlink()
        self.assertFalse(first.exists())
        self.assertTrue(second.journal_id._query_has_sequence_holes())
        with self.assertRefused(UserError, r"Reverse it instead \(Credit Note button\)"):  # a posted invoice never goes
            second.with_user(billing_admin).unlink()


@tagged("post_install", "-at_install")
class TestDraftsUnnumbered(AtlasTestCommon):
    """Odoo numbers the first draft of a period at once; an Atlas invoice waits for its
    posting, as every other draft does (the docs' "a deleted draft leaves no gap")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from .common import create_role_users

        cls.users = create_role_users(cls.env, cls.company_data["company"], prefix="unnumbered")

    def _draft(self, user, date):
        vals = dict(self._invoice_vals(price=10.0), invoice_date=date)
        return self.env["account.move"].with_user(user).create(vals)

    def test_first_draft_of_a_year_waits_for_its_posting(self):
        bookkeeper = self.users["bookkeeper"]
        first, second = self._draft(bookkeeper, "2031-01-05"), self._draft(bookkeeper, "2031-01-06")
        self.assertEqual((first + second).mapped("name"), ["/", "/"])
        second.with_user(bookkeeper).action_post()
        self.assertEqual(second.name, "INV/2031/00001")
        self._draft(bookkeeper, "2031-01-07").with_user(bookkeeper).unlink()
        first.with_user(bookkeeper).action_post()
        self.assertEqual(first.name, "INV/2031/00002", "posted in turn, nothing skipped")
        self.assertFalse(first.journal_id._query_has_sequence_holes())

    def test_odoos_own_users_keep_odoos_rule(self):
        draft = self._draft(self.users["billing"], "2032-01-05")
        self.assertEqual(draft.name, "INV/2032/00001", "Odoo numbers the first draft of a period")
