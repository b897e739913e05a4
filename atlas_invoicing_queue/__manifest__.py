# Part of atlas_invoicing. License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Atlas Invoicing: batches as queue jobs",
    "summary": "Generate, Post All, Send All and Print All of an invoice batch as OCA queue_job "
    "jobs, one per chunk, spread over every Odoo worker of every server",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/atlas-invoicing/atlas_invoicing",
    "author": "Atlas Invoicing developers",
    "license": "AGPL-3",
    "depends": [
        "atlas_invoicing",
        "queue_job",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/atlas_invoice_batch_chunk_security.xml",
        "data/queue_job_data.xml",
        "views/atlas_invoice_batch_views.xml",
    ],
}
