"""What each reminder run did, per company: a run that sends nothing says why.

"Nothing was due" and "the run did not happen" must not look alike: every run (scheduled or
called) that is not a dry run leaves one record per company, with what it sent and, for what it
did not send, the reason: already reminded at the invoice's step, paused, customer excluded,
customer without an email address, no active step. The same summary goes to the server log.
A day without a record is a day the run did not happen.
"""

from odoo import api, fields, models

from ..tools import count_words


class AtlasReminderRun(models.Model):
    _name = "atlas.reminder.run"
    _description = "Reminder Run"
    _order = "run_at desc, id desc"
    _rec_name = "run_at"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    run_at = fields.Datetime(string="Run On", required=True, readonly=True, default=fields.Datetime.now)
    origin = fields.Selection([("cron", "Scheduled"), ("call", "Called")], required=True, readonly=True, default="call")
    state = fields.Selection(
        [
            ("sent", "Sent"),
            ("nothing_due", "Nothing Due"),
            ("not_sent", "Due, Not Sent"),
        ],
        required=True,
        readonly=True,
        help="Sent: at least one email queued. Nothing Due: no invoice was at a step it had not "
        "been reminded of. Due, Not Sent: reminders were due but none could be sent (no email "
        "address).",
    )
    email_count = fields.Integer(string="Emails", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    already_count = fields.Integer(string="Already Reminded", readonly=True)
    paused_count = fields.Integer(string="Paused", readonly=True)
    excluded_customer_count = fields.Integer(string="Customers Excluded", readonly=True)
    excluded_invoice_count = fields.Integer(string="Invoices of Excluded Customers", readonly=True)
    no_email_count = fields.Integer(string="Customers Without Email", readonly=True)
    summary = fields.Text(readonly=True)

    @api.model
    def _atlas_summary(self, stats):
        """One sentence a person reads: what was sent, then why the rest was not."""
        if not stats["steps"]:
            return self.env._("Nothing due: the company has no active reminder step.")

        def invoices(count):
            return count_words(count, self.env._("%(count)s invoice"), self.env._("%(count)s invoices"))

        def customers(count):
            return count_words(count, self.env._("%(count)s customer"), self.env._("%(count)s customers"))

        if stats["emails"]:
            head = self.env._(
                "Sent %(emails)s to %(customers)s about %(invoices)s.",
                emails=count_words(stats["emails"], self.env._("%(count)s email"), self.env._("%(count)s emails")),
                customers=customers(stats["customers"]),
                invoices=invoices(stats["invoices"]),
            )
        elif stats["no_email"]:
            head = self.env._("Nothing sent although reminders were due.")
        else:
            head = self.env._("Nothing due.")
        reasons = []
        if stats["already"]:
            overdue = count_words(
                stats["already"], self.env._("%(count)s overdue invoice"), self.env._("%(count)s overdue invoices")
            )
            reasons.append(self.env._("%(invoices)s already reminded at their step", invoices=overdue))
        if stats["paused"]:
            reasons.append(self.env._("%(invoices)s paused", invoices=invoices(stats["paused"])))
        if stats["excluded_customers"]:
            reasons.append(
                self.env._(
                    "%(customers)s excluded from reminders (%(invoices)s)",
                    customers=customers(stats["excluded_customers"]),
                    invoices=invoices(stats["excluded_invoices"]),
                )
            )
        if stats["no_email"]:
            reasons.append(
                self.env._("%(customers)s without an email address, not sent", customers=customers(stats["no_email"]))
            )
        if not reasons:
            return head if stats["emails"] else self.env._("Nothing due: no open invoice has reached a reminder step.")
        return self.env._("%(head)s Not sent: %(reasons)s.", head=head, reasons="; ".join(reasons))

    @api.model
    def _atlas_record(self, company, stats, origin):
        if stats["emails"]:
            state = "sent"
        elif stats["no_email"]:
            state = "not_sent"
        else:
            state = "nothing_due"
        return self.sudo().create(
            {
                "company_id": company.id,
                "origin": origin,
                "state": state,
                "email_count": stats["emails"],
                "customer_count": stats["customers"],
                "invoice_count": stats["invoices"],
                "already_count": stats["already"],
                "paused_count": stats["paused"],
                "excluded_customer_count": stats["excluded_customers"],
                "excluded_invoice_count": stats["excluded_invoices"],
                "no_email_count": stats["no_email"],
                "summary": self._atlas_summary(stats),
            }
        )
