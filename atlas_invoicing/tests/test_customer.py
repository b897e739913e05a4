from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestCustomer(AtlasTestCommon):
    def test_atlas_customer_defaults_to_company_currency(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.users["bookkeeper"])
            .with_context(atlas_customer=True)
            .create({"name": "Default Currency Co", "email": "a@b.example"})
        )
        self.assertEqual(partner.atlas_currency_id, self.company_data["currency"])

    def test_new_invoices_take_the_customer_currency(self):
        foreign = self.setup_other_currency("EUR")
        partner = self.env["res.partner"].create(
            {"name": "Euro Client", "email": "eu@client.example", "atlas_currency_id": foreign.id}
        )
        invoice = self._create_invoice(price=100.0, partner=partner)
        self.assertEqual(invoice.currency_id, foreign)
        plain = self._create_invoice(price=100.0)
        self.assertEqual(plain.currency_id, self.company_data["currency"])

    def test_billing_address_is_on_the_invoice(self):
        partner = self.env["res.partner"].create(
            {"name": "Address Co", "email": "x@y.example", "street": "1 Main St", "city": "Springfield"}
        )
        invoice = self._create_invoice(price=1.0, partner=partner)
        html = self.env["ir.actions.report"]._render_qweb_html("atlas_invoicing.report_atlas_invoice", invoice.ids)[0]
        self.assertIn(b"1 Main St", html)
        self.assertIn(b"Springfield", html)
        self.assertIn(invoice.company_id.name.encode(), html)

    def test_below_bookkeeper_the_error_names_the_role(self):
        with self.assertRefused(AccessError, "Bookkeeper"):
            self.env["account.move"].with_user(self.users["viewer"]).create(self._invoice_vals())
