# Part of atlas_invoicing. License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Atlas Invoicing: long bank imports as queue jobs",
    "summary": "A bank statement file longer than one chunk is imported chunk by chunk in OCA queue_job "
    "jobs, each committed on its own",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/atlas-invoicing/atlas_invoicing",
    "author": "Atlas Invoicing developers",
    "license": "AGPL-3",
    "depends": [
        "atlas_invoicing_bank",
        "atlas_invoicing_queue",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/atlas_statement_import_chunk_security.xml",
        "data/queue_job_data.xml",
        "views/account_bank_statement_views.xml",
        "views/atlas_statement_import_views.xml",
    ],
    "auto_install": True,
}
