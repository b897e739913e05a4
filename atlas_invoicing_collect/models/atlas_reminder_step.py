from odoo import api, fields, models

# The ladder a company starts with: (days from the due date, name, mail template's XML id).
DEFAULT_LADDER = (
    (-3, "Coming due", "atlas_invoicing_collect.mail_template_reminder_coming_due"),
    (7, "Overdue", "atlas_invoicing_collect.mail_template_reminder_overdue"),
    (21, "Second notice", "atlas_invoicing_collect.mail_template_reminder_second"),
    (45, "Final notice", "atlas_invoicing_collect.mail_template_reminder_final"),
)


class AtlasReminderStep(models.Model):
    """A step of a company's reminder ladder: N days from an invoice's due date (negative:
    before it), the customer gets this step's email listing their invoices at that step."""

    _name = "atlas.reminder.step"
    _description = "Reminder Step"
    _order = "company_id, days, id"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    days = fields.Integer(
        string="Days From Due Date",
        required=True,
        help="When the step is due: days after the invoice's due date (negative: before it).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        required=True,
        domain=[("model", "=", "overdue.reminder.action")],
        help="The email of this step: one per customer, listing their invoices at this step, each "
        "invoice's PDF attached.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("days_company_unique", "UNIQUE(company_id, days)", "A company's reminder steps each have their own day."),
    ]

    @api.model
    def _atlas_create_default_ladder(self, companies):
        """The default ladder (−3, +7, +21, +45 days) for companies that have no step yet."""
        with_steps = self.with_context(active_test=False).search([("company_id", "in", companies.ids)]).company_id
        vals_list = [
            {"company_id": company.id, "days": days, "name": name, "mail_template_id": self.env.ref(xmlid).id}
            for company in companies - with_steps
            for days, name, xmlid in DEFAULT_LADDER
        ]
        return self.sudo().create(vals_list)

    @api.model
    def _atlas_create_default_ladder_all(self):
        return self._atlas_create_default_ladder(self.env["res.company"].sudo().search([("active", "=", True)]))
