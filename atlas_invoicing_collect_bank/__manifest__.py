# Part of atlas_invoicing. License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Atlas Invoicing: provider payouts on the bank statement",
    "summary": "Match a payment provider's payout on the bank statement to the online payments "
    "it bundles, less the provider's fee, without counting the money twice",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/atlas-invoicing/atlas_invoicing",
    "author": "Atlas Invoicing developers",
    "license": "AGPL-3",
    "depends": [
        "atlas_invoicing_bank",
        "atlas_invoicing_collect",
    ],
    "data": [
        "views/payment_provider_views.xml",
        "views/account_bank_statement_line_views.xml",
    ],
    "auto_install": True,
}
