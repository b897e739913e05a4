from odoo import api, fields, models

from ..models.account_payment_method import ATLAS_PAYMENT_METHODS


class AtlasInvoiceRefund(models.TransientModel):
    """Refund: collects input only; the invoice makes the credit note and the refund payment."""

    _name = "atlas.invoice.refund"
    _description = "Refund Invoice"

    invoice_id = fields.Many2one(comodel_name="account.move", required=True, readonly=True)
    company_id = fields.Many2one(related="invoice_id.company_id")
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    amount_total = fields.Monetary(related="invoice_id.amount_total", string="Invoice Total")
    amount_paid = fields.Monetary(related="invoice_id.atlas_amount_paid", string="Money Received")
    amount_to_credit = fields.Monetary(compute="_compute_amount_to_credit", string="Credit Note")
    date = fields.Date(string="Refund Date", required=True, default=fields.Date.context_today)
    reason = fields.Char(required=True)
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Pay Back From",
        compute="_compute_journal_id",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('id', 'in', available_journal_ids)]",
    )
    available_journal_ids = fields.Many2many(
        comodel_name="account.journal",
        compute="_compute_available_journal_ids",
    )
    method = fields.Selection(
        selection=list(ATLAS_PAYMENT_METHODS.items()),
        string="Payment Method",
        default="check",
    )
    idempotency_key = fields.Char()

    @api.depends("invoice_id")
    def _compute_amount_to_credit(self):
        for wizard in self:
            invoice = wizard.invoice_id
            wizard.amount_to_credit = invoice.amount_total - invoice._atlas_ledger()["credited"] if invoice else 0.0

    @api.depends("invoice_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.invoice_id._atlas_default_deposit_journal() if wizard.invoice_id else False

    @api.depends("invoice_id")
    def _compute_available_journal_ids(self):
        for wizard in self:
            wizard.available_journal_ids = wizard.invoice_id._atlas_deposit_journals() if wizard.invoice_id else False

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
