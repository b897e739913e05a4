from odoo import api, fields, models
from odoo.exceptions import UserError


class AtlasInvoiceSend(models.TransientModel):
    """Send Invoice: choose Email or Download PDF. Collects input only; the invoice does the work."""

    _name = "atlas.invoice.send"
    _description = "Send Invoice"

    move_ids = fields.Many2many(
        comodel_name="account.move",
        string="Invoices",
        required=True,
    )
    move_count = fields.Integer(compute="_compute_move_count")
    delivery = fields.Selection(
        selection=[
            ("email", "Email"),
            ("download", "Download PDF"),
        ],
        required=True,
        default="email",
    )
    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Recipients",
        compute="_compute_partner_ids",
        store=True,
        readonly=False,
        help="Who receives the email. With several invoices, each goes to its own customer.",
    )
    subject = fields.Char(compute="_compute_subject")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "move_ids" in fields_list:
            values["move_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values

    @api.depends("move_ids")
    def _compute_move_count(self):
        for wizard in self:
            wizard.move_count = len(wizard.move_ids)

    @api.depends("move_ids")
    def _compute_partner_ids(self):
        for wizard in self:
            wizard.partner_ids = wizard.move_ids.partner_id if len(wizard.move_ids) == 1 else False

    @api.depends("move_ids")
    def _compute_subject(self):
        for wizard in self:
            move = wizard.move_ids[:1]
            number = move.name if move.name and move.name != "/" else self.env._("(number given on sending)")
            wizard.subject = self.env._(
                "Invoice %(number)s from %(company)s", number=number, company=move.company_id.name
            )

    def action_send(self):
        self.ensure_one()
        if not self.move_ids:
            raise UserError(self.env._("Select at least one invoice to send."))
        partners = self.partner_ids if len(self.move_ids) == 1 else None
        self.move_ids._atlas_send(self.delivery, partners=partners)
        if self.delivery == "download":
            # The PDF just attached to the invoices (the one a customer gets), as Odoo's Send &
            # Print downloads it: the dialog closes and the invoice form reloads (now Sent).
            attachments = self.move_ids.invoice_pdf_report_id
            return {
                "type": "ir.actions.act_url",
                "url": f"/account/download_invoice_attachments/{','.join(map(str, attachments.ids))}",
                "close": True,
            }
        return {"type": "ir.actions.act_window_close"}
