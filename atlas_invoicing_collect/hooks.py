def post_init_hook(env):
    """Odoo's Demo provider (payment_demo) installs enabled, in test mode: anyone could then "pay"
    an invoice without money. It stays enabled only in a database with demo data (the demo;
    the tests enable it themselves); elsewhere an administrator enables the real provider of
    their choice (Payment Providers)."""
    module = env["ir.module.module"].search([("name", "=", "atlas_invoicing_collect")])
    if not module.demo:
        env.ref("payment.payment_provider_demo").write({"state": "disabled", "is_published": False})


def uninstall_hook(env):
    """The reminder ladder goes first: its steps hold the reminder templates, which the
    uninstall then deletes with the addon's other records."""
    env["atlas.reminder.step"].with_context(active_test=False).search([]).unlink()
