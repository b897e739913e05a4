from odoo import api, fields, models


class AtlasStatementSend(models.TransientModel):
    """Send Statement: which statement, for which dates. Collects input only; the customers'
    atlas_send_statement does the work."""

    _name = "atlas.statement.send"
    _description = "Send Statement"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    kind = fields.Selection(
        [("activity", "Activity (a period's invoices and payments)"), ("outstanding", "Outstanding (open items)")],
        string="Statement",
        required=True,
        default="activity",
    )
    date_from = fields.Date(string="From", default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and "partner_ids" in fields_list:
            values["partner_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values

    def action_send(self):
        self.ensure_one()
        self.partner_ids.atlas_send_statement(self.kind, self.date_from, self.date_to)
        return {"type": "ir.actions.act_window_close"}
