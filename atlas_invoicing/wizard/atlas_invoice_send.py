from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize


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
    body = fields.Html(
        string="Message",
        compute="_compute_body",
        sanitize=False,
        help="The email the customer receives, the invoice PDF attached.",
    )
    # Odoo's email tags open an unexplained "Edit: <customer>" dialog for a recipient without
    # an email: such a customer is named instead, with a field to type the missing address.
    partner_without_email_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer Without Email",
        compute="_compute_partner_without_email_id",
    )
    partner_email = fields.Char(
        string="Customer's Email",
        help="Saved on the customer, and the invoice is emailed to it.",
    )

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
            customer = wizard.move_ids.partner_id if len(wizard.move_ids) == 1 else self.env["res.partner"]
            wizard.partner_ids = customer.filtered("email")

    @api.depends("move_ids")
    def _compute_partner_without_email_id(self):
        # A compute of its own: partner_ids, given by the dialog, protects its whole compute.
        for wizard in self:
            customer = wizard.move_ids.partner_id if len(wizard.move_ids) == 1 else self.env["res.partner"]
            wizard.partner_without_email_id = customer.filtered(lambda p: not p.email)

    @api.depends("move_ids")
    def _compute_subject(self):
        for wizard in self:
            move = wizard.move_ids[:1]
            number = move.name if move.name and move.name != "/" else self.env._("(number given on sending)")
            wizard.subject = self.env._(
                "Invoice %(number)s from %(company)s", number=number, company=move.company_id.name
            )

    @api.depends("move_ids")
    def _compute_body(self):
        template = self.env.ref("atlas_invoicing.mail_template_atlas_invoice")
        for wizard in self:
            move = wizard.move_ids._origin if len(wizard.move_ids) == 1 else None
            # The email as Odoo's sending renders it, in the customer's language.
            wizard.body = move and template._render_field("body_html", move.ids, compute_lang=True)[move.id]

    def action_send(self):
        self.ensure_one()
        if not self.move_ids:
            raise UserError(self.env._("Select at least one invoice to send."))
        partners = self.partner_ids if len(self.move_ids) == 1 else None
        if self.delivery == "email" and self.partner_without_email_id and self.partner_email:
            partners = (partners or self.env["res.partner"]) | self._atlas_add_customer_email()
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

    def _atlas_add_customer_email(self):
        customer = self.partner_without_email_id
        email = email_normalize(self.partner_email)
        if not email:
            raise UserError(
                self.env._(
                    "“%(email)s” is not a valid email address. Correct the email of %(customer)s.",
                    email=self.partner_email,
                    customer=customer.display_name,
                )
            )
        customer.email = email
        return customer
