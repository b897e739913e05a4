from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestAccess(AtlasTestCommon):
    def test_user_without_atlas_role_is_refused_invoices(self):
        Move = self.env["account.move"].with_user(self.users["none"])
        with self.assertRaises(AccessError):
            Move.search([("move_type", "=", "out_invoice")])

    def test_viewer_reads_invoices_but_cannot_create_or_change_them(self):
        invoice = self.env["account.move"].create(self._invoice_vals())
        as_viewer = invoice.with_user(self.users["viewer"])
        self.assertEqual(as_viewer.amount_total, 100.0)
        self.assertEqual(as_viewer.partner_id.name, "Northwind Traders")
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.users["viewer"]).create(self._invoice_vals())
        with self.assertRaises(AccessError):
            as_viewer.write({"ref": "changed by a viewer"})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.users["viewer"]).create({"name": "Not allowed"})
        self.assertFalse(invoice.ref)

    def test_bookkeeper_creates_customer_and_draft_invoice(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.users["bookkeeper"])
            .create({"name": "Bluebird Dental", "email": "accounts@bluebird.example"})
        )
        vals = dict(self._invoice_vals(price=250.0), partner_id=partner.id)
        invoice = self.env["account.move"].with_user(self.users["bookkeeper"]).create(vals)
        self.assertRecordValues(
            invoice,
            [{"state": "draft", "partner_id": partner.id, "amount_total": 250.0}],
        )
        # A draft has no journal entry in the ledger yet.
        self.assertFalse(invoice.line_ids.filtered(lambda line: line.parent_state == "posted"))

    def test_only_the_administrator_saves_settings(self):
        company = self.company_data["company"]
        tax = self.company_data["default_tax_sale"].copy({"name": "Atlas test tax"})
        settings = (
            self.env["res.config.settings"]
            .with_user(self.users["admin"])
            .with_company(company)
            .create({"sale_tax_id": tax.id})
        )
        settings.execute()
        self.assertEqual(company.account_sale_tax_id, tax)
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.users["accountant"]).create({})

    def test_administrator_saves_settings_as_the_web_client_sends_them(self):
        """The settings form sends every field it shows, Odoo's account ones too: the default
        credit limit among them, which Odoo keeps as a default value (ir.default)."""
        company = self.company_data["company"]
        settings = self.env["res.config.settings"].with_user(self.users["admin"]).with_company(company)
        # Save, as the form does: the values, and the record's name read back.
        [saved] = settings.web_save(
            {"atlas_invoice_prefix": "HLB-", "account_default_credit_limit": 0.0}, {"display_name": {}}
        )
        self.assertTrue(saved["display_name"])
        settings.browse(saved["id"]).execute()
        self.assertEqual(company.atlas_invoice_prefix, "HLB-")
