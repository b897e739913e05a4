from odoo import api, fields, models

from ..models.account_payment_method import ATLAS_PAYMENT_METHODS


class AtlasInvoiceRefund(models.TransientModel):
    """Refund (seed 001): collects input only; the invoice makes the credit note and the refund payment."""

    _name = "atlas.invoice.refund"
    _description = "Refund Invoice"

    invoice_id = fields.Many2one(comodel_name="account.move", required=True, readonly=True)
    company_id = fields.Many2one(related="invoice_id.company_id")
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    amount_total = fields.Monetary(related="invoice_id.amount_total", string="Invoice Total")
    amount_paid = fields.Monetary(related="invoice_id.atlas_amount_paid", string="Money Received")
    date = fields.Date(string="Refund Date", required=True, default=fields.Date.context_today)
    reason = fields.Char(required=True)
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Pay Back From",
        compute="_compute_journal_id",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )
    method = fields.Selection(
        selection=list(ATLAS_PAYMENT_METHODS.items()),
        string="Payment Method",
        default="check",
    )
    idempotency_key = fields.Char()

    @api.depends("invoice_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", wizard.invoice_id.company_id.id)], limit=1
            )

    def action_refund(self):
        self._apply()
        return {"type": "ir.actions.act_window_close"}

    def _apply(self):
        self.ensure_one()
        return self.invoice_id._atlas_refund(
            journal_id=self.journal_id.id,
            method=self.method,
            date=self.date,
            reason=self.reason,
            idempotency_key=self.idempotency_key,
        )
