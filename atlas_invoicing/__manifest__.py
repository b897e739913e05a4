# Part of atlas_invoicing. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Atlas Invoicing",
    "summary": "Customer invoicing the Atlas way: customers, invoices, sending, "
    "payments and reports, with a journal entry behind every step",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/atlas-invoicing/atlas_invoicing",
    "author": "Atlas Invoicing developers",
    "license": "LGPL-3",
    "application": True,
    "depends": ["account", "mail", "contract"],
    "data": [
        "security/atlas_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/account_payment_method_data.xml",
        "data/atlas_invoice_batch_cron.xml",
        "reports/atlas_invoice_report.xml",
        "wizard/atlas_invoice_send_views.xml",
        "wizard/atlas_payment_record_views.xml",
        "wizard/atlas_invoice_refund_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/atlas_actions.xml",
        "views/atlas_invoice_batch_views.xml",
        "views/res_config_settings_views.xml",
        "views/atlas_menus.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "uninstall_hook": "uninstall_hook",
    "demo": [
        "demo/atlas_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "atlas_invoicing/static/tests/tours/*.js",
        ],
    },
}
