"""The scheduled reminder run: each company's ladder, once per customer and step.

A branch's invoices move up its parent's ladder (branches share their parent's accounting
settings) and are reminded in the branch's name: one email per company, customer and step,
and a run record of the branch's own.

An invoice is at the highest step of its company's ladder whose day has come (due date + the
step's days <= today). It is reminded at that step unless it already was, at that step or a
later one: a run missed for a few days (an outage) sends the step then due, once, and never a
lower step it skipped. One email per customer and step lists that customer's invoices at the
step, each invoice's Atlas PDF attached, and waits in Odoo's mail queue. The run reads the
invoices when it runs: one paid, refunded or settled by a credit note by then (payment state
paid, in payment, reversed, or nothing left due) is not reminded, nor one paused (disputed) or
of a customer excluded from reminders.
"""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.atlas_invoicing.models.ir_actions_report import ATLAS_INVOICE_REPORT

from ..tools import count_words

_logger = logging.getLogger(__name__)

# Customers per chunk of a run: each chunk's PDFs are rendered, its emails queued and committed
# before the next, so memory stays flat in the number of customers.
REMINDER_CHUNK_CUSTOMERS = 100


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    atlas_reminder_step_id = fields.Many2one(
        "atlas.reminder.step",
        string="Last Reminder",
        compute="_compute_atlas_reminder_step",
        store=True,
        index="btree_not_null",
        help="The last reminder step the customer was emailed about this invoice.",
    )

    @api.depends("overdue_reminder_ids.atlas_step_id")
    def _compute_atlas_reminder_step(self):
        for move in self:
            reminders = move.overdue_reminder_ids.filtered("atlas_step_id").sorted(lambda r: (r.action_date, r.id))
            move.atlas_reminder_step_id = reminders[-1:].atlas_step_id

    # -------------------------------------------------------------------------
    # XML-RPC API
    # -------------------------------------------------------------------------

    @api.model
    def atlas_send_reminders(self, dry_run=False):
        """Send the reminders due today in the user's companies (what the scheduled action runs).

        :param dry_run: only say what would be sent, sending nothing
        :return: [{"company_id", "customer_id", "customer", "step_id", "step", "days",
                   "email", "invoices": [{"id", "name", "amount_residual", "invoice_date_due"}]}]
        """
        role = "viewer" if dry_run else "bookkeeper"
        if not self.env.su and not self.env.user.has_group(f"atlas_invoicing.group_atlas_{role}"):
            raise AccessError(
                self.env._("Only an Atlas Viewer can list the reminders due.")
                if dry_run
                else self.env._("Only an Atlas Bookkeeper can send reminders.")
            )
        companies = self.env.companies
        # The run writes OCA's history and queues emails, which Bookkeepers may not do by hand.
        return self.sudo().with_context(allowed_company_ids=companies.ids)._atlas_run_reminders(companies, dry_run)

    @api.model
    def _atlas_cron_send_reminders(self):
        companies = self.env["res.company"].search([("active", "=", True)])
        self.sudo().with_context(allowed_company_ids=companies.ids)._atlas_run_reminders(
            companies, dry_run=False, origin="cron"
        )

    # -------------------------------------------------------------------------
    # The run
    # -------------------------------------------------------------------------

    @api.model
    def _atlas_reminders_due(self, company, today, stats=None):
        """{(commercial partner, step): invoices} due in ``company`` on ``today``.

        ``stats`` (a dict of counters), if given, receives why the other open invoices at a
        step are not due: already reminded, paused, of an excluded customer."""
        stats = stats if stats is not None else defaultdict(int)
        steps = self.env["atlas.reminder.step"]._atlas_ladder(company)
        stats["steps"] = len(steps)
        if not steps:
            return {}
        at_a_step = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<=", fields.Date.add(today, days=-min(steps.mapped("days")))),
        ]
        stats["paused"] += self.search_count([*at_a_step, ("no_overdue_reminder", "=", True)])
        invoices = self.search(
            [*at_a_step, ("no_overdue_reminder", "=", False)],
            order="commercial_partner_id, invoice_date_due, id",
        )
        excluded = invoices.commercial_partner_id.with_company(company).filtered("no_overdue_reminder")
        stats["excluded_customers"] += len(excluded)
        # What each invoice was already reminded of, in one query.
        sent = defaultdict(set)
        for reminder in self.env["account.invoice.overdue.reminder"].search_read(
            [("invoice_id", "in", invoices.ids), ("atlas_step_id", "!=", False)], ["invoice_id", "atlas_step_id"]
        ):
            sent[reminder["invoice_id"][0]].add(reminder["atlas_step_id"][0])
        due = defaultdict(lambda: self.browse())
        for invoice in invoices:
            if invoice.commercial_partner_id in excluded:
                stats["excluded_invoices"] += 1
                continue
            age = (today - invoice.invoice_date_due).days
            step = next((step for step in steps if step.days <= age), None)
            if step is None:
                continue
            later_or_same = steps.filtered(lambda s, step=step: s.days >= step.days)
            if sent[invoice.id] & set(later_or_same.ids):
                stats["already"] += 1
                continue
            due[invoice.commercial_partner_id, step] |= invoice
        return due

    @api.model
    def _atlas_run_reminders(self, companies, dry_run=False, origin="call"):
        today = fields.Date.context_today(self)
        result = []
        for company in companies:
            stats = defaultdict(int)
            due = self.with_company(company)._atlas_reminders_due(company, today, stats)
            keys = sorted(due, key=lambda key: (key[0].id, key[1].days))
            customers = set()
            for chunk_start in range(0, len(keys), REMINDER_CHUNK_CUSTOMERS):
                chunk = keys[chunk_start : chunk_start + REMINDER_CHUNK_CUSTOMERS]
                result += [
                    self._atlas_reminder_summary(company, partner, step, due[partner, step]) for partner, step in chunk
                ]
                if dry_run:
                    continue
                sent = self.with_company(company)._atlas_send_reminder_chunk(
                    company, [(p, s, due[p, s]) for p, s in chunk]
                )
                stats["emails"] += len(sent)
                stats["invoices"] += sum(len(due[key]) for key in sent)
                stats["no_email"] += len({partner for partner, _step in chunk} - {partner for partner, _step in sent})
                customers |= {partner.id for partner, _step in sent}
                self.env["atlas.chunked.commit.mixin"]._atlas_end_chunk()
                # The ORM cache was emptied: the remaining keys are browsed again when used.
            if not dry_run:
                stats["customers"] = len(customers)
                run = self.env["atlas.reminder.run"]._atlas_record(company, stats, origin)
                # Due but not sent is a problem to fix (an email address to add), not news.
                log = _logger.warning if run.state == "not_sent" else _logger.info
                log("Reminder run of %s: %s", company.name, run.summary)
        if not dry_run and result:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return result

    @api.model
    def _atlas_reminder_contact(self, partner):
        contact = partner.browse(partner.address_get(["invoice"])["invoice"])
        return contact if contact.email else partner

    @api.model
    def _atlas_reminder_summary(self, company, partner, step, invoices):
        return {
            "company_id": company.id,
            "customer_id": partner.id,
            "customer": partner.display_name,
            "step_id": step.id,
            "step": step.name,
            "days": step.days,
            "email": self._atlas_reminder_contact(partner).email or False,
            "invoices": [
                {
                    "id": invoice.id,
                    "name": invoice.name,
                    "amount_residual": invoice.amount_residual,
                    "invoice_date_due": fields.Date.to_string(invoice.invoice_date_due),
                }
                for invoice in invoices
            ],
        }

    @api.model
    def _atlas_send_reminder_chunk(self, company, batch):
        """Queue one email per (customer, step, invoices) of ``batch``, with the invoices' PDFs,
        and record it in OCA's history and each invoice's chatter.

        :return: the (customer, step) of the emails queued (not those of customers without an
            email address)"""
        invoices = self.browse().union(*(invoices for _partner, _step, invoices in batch))
        # Each email links every invoice in the portal, with its access token: the chunk's
        # missing tokens are given in one statement rather than by a write of each invoice.
        self.env.cr.execute(
            "UPDATE account_move SET access_token = gen_random_uuid()::text"
            " WHERE id = ANY(%s) AND access_token IS NULL",
            [invoices.ids],
        )
        invoices.invalidate_recordset(["access_token"])
        pdfs = self._atlas_reminder_pdfs(invoices)
        user = self.env.user
        sent = []
        for partner, step, step_invoices in batch:
            contact = self._atlas_reminder_contact(partner)
            if not contact.email:
                for invoice in step_invoices:
                    invoice._message_log(
                        body=self.env._(
                            "Reminder “%(step)s” not sent: %(customer)s has no email address.",
                            step=step.name,
                            customer=partner.display_name,
                        )
                    )
                continue
            action = self.env["overdue.reminder.action"].create(
                {
                    "commercial_partner_id": partner.id,
                    "partner_id": contact.id,
                    "company_id": company.id,
                    "user_id": user.id,
                    "reminder_type": "mail",
                    "atlas_step_id": step.id,
                    "reminder_ids": [
                        Command.create({"invoice_id": invoice.id, "counter": invoice.overdue_reminder_counter + 1})
                        for invoice in step_invoices
                    ],
                }
            )
            attachments = self.env["ir.attachment"].create(
                [
                    {
                        "name": invoice._get_invoice_report_filename(),
                        "raw": pdfs[invoice.id],
                        "mimetype": "application/pdf",
                        "res_model": action._name,
                        "res_id": action.id,
                    }
                    for invoice in step_invoices
                ]
            )
            mail_id = step.mail_template_id.with_context(lang=contact.lang).send_mail(
                action.id,
                force_send=False,
                email_values={"recipient_ids": [Command.set(contact.ids)], "attachment_ids": attachments.ids},
            )
            action.mail_id = mail_id
            body = Markup(
                self.env._(
                    "Reminder “%(step)s” emailed to %(contact)s with this invoice's PDF (%(invoices)s in the email).",
                    step=step.name,
                    contact=contact.email,
                    invoices=count_words(
                        len(step_invoices), self.env._("%(count)s invoice"), self.env._("%(count)s invoices")
                    ),
                )
            )
            for invoice in step_invoices:
                invoice._message_log(body=body)
            sent.append((partner, step))
        return sent

    @api.model
    def _atlas_reminder_pdfs(self, invoices):
        """{invoice id: the Atlas PDF as it stands now}, many invoices per wkhtmltopdf call."""
        if not invoices:
            return {}
        reports = self.env["ir.actions.report"]
        content, report_type = reports._pre_render_qweb_pdf(ATLAS_INVOICE_REPORT, res_ids=invoices.ids)
        return reports._get_splitted_report(ATLAS_INVOICE_REPORT, content, report_type)
