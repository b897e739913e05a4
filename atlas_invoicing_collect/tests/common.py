from urllib.parse import urlsplit

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon


class CollectTestCommon(AtlasTestCommon):
    """Atlas's accounting test world with Odoo's Demo payment provider enabled in its company
    (on the company's bank journal), as an administrator enables Stripe or PayPal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.bank_journal = cls.company_data["default_journal_bank"]
        demo = cls.env.ref("payment.payment_provider_demo").sudo()
        cls.provider = demo.copy({"company_id": cls.company.id}) if demo.company_id != cls.company else demo
        cls.provider.write({"state": "test", "is_published": True, "journal_id": cls.bank_journal.id})
        cls.demo_method = cls.env.ref("payment_demo.payment_method_demo")

    @staticmethod
    def _path(url):
        """The path and query of a link (the tests' server is not the link's host)."""
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path
