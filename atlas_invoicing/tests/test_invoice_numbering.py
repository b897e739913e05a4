from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

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
            sent.with_user(self.users["bookkeeper"]).unlink()
        self.assertTrue(sent.exists())
