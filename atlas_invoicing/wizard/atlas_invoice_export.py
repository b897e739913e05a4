from odoo import api, fields, models

from ..export import EXPORT_FORMATS


class AtlasInvoiceExport(models.TransientModel):
    """Export: collects the selection and the format; the invoices do the export
    (account.move._atlas_export). Its access rights (Accountant) are the export's."""

    _name = "atlas.invoice.export"
    _description = "Export Invoices"

    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        relation="atlas_invoice_export_account_move_rel",
        column1="wizard_id",
        column2="move_id",
        string="Invoices",
        required=True,
    )
    export_format = fields.Selection(selection=EXPORT_FORMATS, string="Format", required=True, default="csv")
    invoice_count = fields.Integer(compute="_compute_drafts")
    draft_count = fields.Integer(compute="_compute_drafts")
    post_drafts = fields.Boolean(
        string="Post drafts first",
        help="Post the draft invoices of the selection (they get their number and journal entry), "
        "then export them with the others.",
    )

    @api.model
    def default_get(self, fields_list):
        # From the action bound to the invoice list and form (the Action menu) the selection
        # comes as active_ids; the Export buttons pass default_invoice_ids.
        values = super().default_get(fields_list)
        context = self.env.context
        from_action_menu = context.get("active_model") == "account.move" and not values.get("invoice_ids")
        if "invoice_ids" in fields_list and from_action_menu:
            values["invoice_ids"] = [fields.Command.set(context.get("active_ids") or [])]
        return values

    @api.depends("invoice_ids.state")
    def _compute_drafts(self):
        for wizard in self:
            wizard.invoice_count = len(wizard.invoice_ids)
            wizard.draft_count = len(wizard.invoice_ids.filtered(lambda move: move.state == "draft"))

    def action_export(self):
        """Export, then download the file (it stays attached to the export log). The dialog
        closes and the screen behind reloads (the invoices now say Exported), as after Odoo's
        Send & Print download."""
        self.ensure_one()
        log = self.invoice_ids._atlas_export(self.export_format, post_drafts=self.post_drafts)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{log.attachment_id.id}?download=true",
            "close": True,
        }
