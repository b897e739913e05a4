from odoo import api, fields, models
from odoo.tools.misc import format_datetime


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    atlas_reminder_last_run = fields.Char(
        string="Last Reminder Run", compute="_compute_atlas_reminder_last_run", readonly=True
    )

    @api.depends("company_id")
    def _compute_atlas_reminder_last_run(self):
        for settings in self:
            run = self.env["atlas.reminder.run"].search([("company_id", "=", settings.company_id.id)], limit=1)
            settings.atlas_reminder_last_run = (
                self.env._("%(date)s: %(summary)s", date=format_datetime(self.env, run.run_at), summary=run.summary)
                if run
                else self.env._("Never run: no reminder was sent in this company.")
            )
