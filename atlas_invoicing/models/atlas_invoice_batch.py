from odoo import fields, models


class AtlasInvoiceBatch(models.Model):
    """A named group of invoices made together (seed 001). Generation from contracts,
    batch sending and export come with the contracts and batches issue."""

    _name = "atlas.invoice.batch"
    _description = "Invoice Batch"
    _order = "date desc, id desc"

    name = fields.Char(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    invoice_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="atlas_batch_id",
        string="Invoices",
    )
