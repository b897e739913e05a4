from odoo import api, fields, models

from ..models.account_payment_method import ATLAS_PAYMENT_METHODS


class AtlasPaymentRecord(models.TransientModel):
    """Record Payment. Collects input only; the invoice records the payment."""

    _name = "atlas.payment.record"
    _description = "Record Payment"

    invoice_id = fields.Many2one(comodel_name="account.move", required=True, readonly=True)
    company_id = fields.Many2one(related="invoice_id.company_id")
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    amount_due = fields.Monetary(related="invoice_id.amount_residual", string="Balance Due")
    payment_date = fields.Date(string="Date Received", required=True, default=fields.Date.context_today)
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Deposit Account",
        required=True,
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
        required=True,
        default="check",
    )
    memo = fields.Char(compute="_compute_memo", store=True, readonly=False, precompute=True)
    is_overpayment = fields.Boolean(compute="_compute_is_overpayment")
    keep_excess_as_credit = fields.Boolean(
        string="Keep the excess as customer credit",
        help="The amount is more than the balance due: record it anyway and keep the excess as "
        "an outstanding credit of the customer, to use on a later invoice.",
    )

    @api.depends("invoice_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.invoice_id.amount_residual

    @api.depends("invoice_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.invoice_id._atlas_default_deposit_journal() if wizard.invoice_id else False

    @api.depends("invoice_id")
    def _compute_available_journal_ids(self):
        for wizard in self:
            wizard.available_journal_ids = wizard.invoice_id._atlas_deposit_journals() if wizard.invoice_id else False

    @api.depends("invoice_id")
    def _compute_memo(self):
        for wizard in self:
            wizard.memo = wizard.invoice_id.name

    @api.depends("amount", "invoice_id")
    def _compute_is_overpayment(self):
        for wizard in self:
            wizard.is_overpayment = (
                wizard.currency_id.compare_amounts(wizard.amount, wizard.invoice_id.amount_residual) > 0
            )

    def action_apply(self):
        self.ensure_one()
        self.invoice_id._atlas_record_payment(
            amount=self.amount,
            date=self.payment_date,
            journal_id=self.journal_id.id,
            method=self.method,
            memo=self.memo,
            keep_excess_as_credit=self.keep_excess_as_credit,
            idempotency_key=None,
        )
        return {"type": "ir.actions.act_window_close"}
