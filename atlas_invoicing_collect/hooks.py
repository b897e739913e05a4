def post_init_hook(env):
    """Odoo's Demo provider (payment_demo) installs enabled, in test mode: anyone could then "pay"
    an invoice without money. It stays enabled only in a database with demo data (the demo;
    the tests enable it themselves); elsewhere an administrator enables the real provider of
    their choice (Payment Providers)."""
    module = env["ir.module.module"].search([("name", "=", "atlas_invoicing_collect")])
    if not module.demo:
        env.ref("payment.payment_provider_demo").write({"state": "disabled", "is_published": False})
