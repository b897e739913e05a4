"""OCA's reminder history (account_invoice_overdue_reminder), with the ladder's step.

OCA records each reminder as an action per customer (overdue.reminder.action: date, contact,
the email) with one line per invoice (account.invoice.overdue.reminder: the invoice and its
reminder counter). Atlas's scheduled run writes the same records, each with the step it sent,
so OCA's history screens, its counters and its "last reminder" on the invoice show them.
"""

from odoo import fields, models


class OverdueReminderAction(models.Model):
    _inherit = "overdue.reminder.action"

    atlas_step_id = fields.Many2one("atlas.reminder.step", string="Reminder Step", readonly=True, index=True)


class AccountInvoiceOverdueReminder(models.Model):
    _inherit = "account.invoice.overdue.reminder"

    atlas_step_id = fields.Many2one(related="action_id.atlas_step_id", store=True, index=True)

    # Never twice: an invoice is reminded at most once per step, even by two runs at once.
    _sql_constraints = [
        (
            "atlas_invoice_step_unique",
            "UNIQUE(invoice_id, atlas_step_id)",
            "This invoice was already reminded at this step.",
        ),
    ]
