# Part of atlas_invoicing. License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Atlas Invoicing: Get Paid",
    "summary": "Pay now from the invoice email through Odoo's customer portal and payment "
    "providers, overdue reminders and customer statements",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/atlas-invoicing/atlas_invoicing",
    "author": "Atlas Invoicing developers",
    "license": "AGPL-3",
    "depends": [
        "atlas_invoicing",
        "account_payment",
        # The Demo provider: the demo database and the tests pay with it; it stays disabled
        # elsewhere until an administrator enables it (or another provider).
        "payment_demo",
        "account_invoice_overdue_reminder",
        "partner_statement",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/atlas_reminder_security.xml",
        "data/mail_template_reminder.xml",
        "data/atlas_reminder_step_data.xml",
        "data/mail_template_statement.xml",
        "data/ir_cron.xml",
        "views/account_move_views.xml",
        "views/atlas_reminder_step_views.xml",
        "views/atlas_reminder_run_views.xml",
        "wizard/atlas_statement_send_views.xml",
        "views/res_partner_views.xml",
        "reports/partner_statement_layout.xml",
    ],
    "demo": [
        "demo/atlas_collect_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "assets": {
        "web.assets_tests": [
            "atlas_invoicing_collect/static/tests/tours/*.js",
        ],
    },
}
