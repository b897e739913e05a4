from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The ladder a company starts with: (days from the due date, name, mail template's XML id).
DEFAULT_LADDER = (
    (-3, "Coming due", "atlas_invoicing_collect.mail_template_reminder_coming_due"),
    (7, "Overdue", "atlas_invoicing_collect.mail_template_reminder_overdue"),
    (21, "Second notice", "atlas_invoicing_collect.mail_template_reminder_second"),
    (45, "Final notice", "atlas_invoicing_collect.mail_template_reminder_final"),
)


class AtlasReminderStep(models.Model):
    """A step of a company's reminder ladder: N days from an invoice's due date (negative:
    before it), the customer gets this step's email listing their invoices at that step.

    A branch shares its parent company's accounting settings, its ladder too: the ladder
    belongs to the root company and the branch's invoices move up it (in the branch's name)."""

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

    @api.constrains("company_id")
    def _check_company_is_root(self):
        for step in self:
            if step.company_id.parent_id:
                raise ValidationError(
                    self.env._(
                        "Branches follow the reminder ladder of their parent company: add the step "
                        "“%(step)s” to the ladder of %(root)s instead of %(branch)s.",
                        step=step.name,
                        root=step.company_id.root_id.name,
                        branch=step.company_id.name,
                    )
                )

    @api.model
    def _atlas_ladder(self, company):
        """The active steps ``company``'s invoices move up (its root company's), last first."""
        return self.search([("company_id", "=", company.root_id.id)], order="days desc")

    @api.model
    def _atlas_create_default_ladder(self, companies):
        """The default ladder (−3, +7, +21, +45 days) for root companies that have no step yet
        (a branch has its parent's)."""
        companies = companies.filtered(lambda company: not company.parent_id)
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
