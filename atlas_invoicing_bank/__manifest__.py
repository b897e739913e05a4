# Part of atlas_invoicing. License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Atlas Invoicing: Bank Statements",
    "summary": "Import bank statements (CSV, OFX, CAMT.053) and match their lines to Atlas's "
    "invoices and payments, on OCA's bank statement import and reconciliation",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/atlas-invoicing/atlas_invoicing",
    "author": "Atlas Invoicing developers",
    "license": "AGPL-3",
    "depends": [
        "atlas_invoicing",
        "account_statement_import_sheet_file",
        "account_statement_import_ofx",
        "account_statement_import_camt",
        "account_reconcile_oca",
    ],
    "data": [
        "security/ir.model.access.csv",
        "wizard/atlas_statement_import_views.xml",
        "views/atlas_bank_views.xml",
        "views/atlas_menus.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/atlas_demo_bank.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "atlas_invoicing_bank/static/tests/tours/*.js",
        ],
    },
}
