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
    terms_note = fields.Char(
        string="Payment Terms",
        compute="_compute_terms_note",
        help="What the invoice's payment terms make of the date received: an early-payment "
        "discount, or the instalment due.",
    )
    is_overpayment = fields.Boolean(compute="_compute_is_overpayment")
    keep_excess_as_credit = fields.Boolean(
        string="Keep the excess as customer credit",
        help="The amount is more than the balance due: record it anyway and keep the excess as "
        "an outstanding credit of the customer, to use on a later invoice.",
    )

    @api.depends("invoice_id", "payment_date")
    def _compute_amount(self):
        # What Odoo's Register Payment proposes for the date: the discounted total within an
        # early-payment discount's period, the instalment due with instalment terms.
        for wizard in self:
            invoice = wizard.invoice_id
            if invoice.state == "posted":
                wizard.amount = invoice._atlas_payment_proposal(wizard.payment_date)["amount"]
            else:
                wizard.amount = invoice.amount_residual

    @api.depends("invoice_id", "payment_date")
    def _compute_terms_note(self):
        for wizard in self:
            invoice = wizard.invoice_id
            wizard.terms_note = False
            if invoice.state != "posted" or invoice.currency_id.is_zero(invoice.amount_residual):
                continue
            proposal = invoice._atlas_payment_proposal(wizard.payment_date)
            wizard.terms_note = wizard._terms_note(proposal)

    def _terms_note(self, proposal):
        invoice = self.invoice_id
        currency = invoice.currency_id
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        last_day = proposal["discount_date"] and proposal["discount_date"].strftime(lang.date_format)
        if proposal["discount"]:
            return self.env._(
                "Received by %(date)s, the early-payment discount of %(discount)s applies: %(amount)s settles "
                "the invoice.",
                date=last_day,
                discount=currency.format(proposal["discount"]),
                amount=currency.format(proposal["amount"]),
            )
        if proposal["discount_date"]:
            return self.env._(
                "The early-payment discount ended on %(date)s: the whole balance is due.",
                date=last_day,
            )
        if proposal["instalment"]:
            return self.env._(
                "Instalment terms: %(amount)s of the %(due)s balance is due by this date.",
                amount=currency.format(proposal["amount"]),
                due=currency.format(proposal["amount_residual"]),
            )
        return False

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
