"""Statements of account on OCA's partner_statement: the activity statement (opening balance,
invoices, payments, credit notes, closing balance for a period) and the outstanding statement
(open items with aging buckets as of a date), as PDF and by email.

OCA's wizards only print; Atlas sends: ``atlas_send_statement`` gives the same data to OCA's
reports (receivable account, aging by days, the period's or date's figures), renders the PDF
per customer, queues the email with it and returns the figures, so a client can check them
against AR Aging.

OCA's statement has a section per currency, each in that currency: what a customer billed in
dollars and in euros reads and pays. The balances and buckets Atlas returns are in the
company's currency, every item at the rate it was booked at, as AR Aging counts them: they tie
to AR Aging to the cent, an invoice in a foreign currency included. Each section's own balance
is given too (``currencies``), and the email states each.
"""

import base64

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

STATEMENT_KINDS = {
    # kind: (OCA's PDF report action, its report model)
    "activity": ("partner_statement.action_print_activity_statement", "report.partner_statement.activity_statement"),
    "outstanding": (
        "partner_statement.action_print_outstanding_statement",
        "report.partner_statement.outstanding_statement",
    ),
}
# OCA's aging columns, in the order of its labels (the last one, "balance", is the total).
BUCKET_KEYS = ("current", "b_1_30", "b_30_60", "b_60_90", "b_90_120", "b_over_120", "balance")


class ResPartner(models.Model):
    _inherit = "res.partner"

    atlas_statement_monthly = fields.Boolean(
        string="Monthly Statement",
        help="Email this customer an activity statement of the past month on the 1st of each month.",
    )

    def action_atlas_send_statement(self):
        """Send Statement (customer form): choose the statement and its dates."""
        self._atlas_check_statement_role()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Statement"),
            "res_model": "atlas.statement.send",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": self.ids},
        }

    def _atlas_check_statement_role(self):
        if not self.env.su and not self.env.user.has_group("atlas_invoicing.group_atlas_bookkeeper"):
            raise AccessError(self.env._("Only an Atlas Bookkeeper can send statements."))

    def atlas_send_statement(self, kind, date_from=None, date_to=None):
        """Email each customer their statement, the PDF attached (through the mail queue).

        :param kind: "activity" (from ``date_from``, default the first day of ``date_to``'s
            month, to ``date_to``) or "outstanding" (open items as of ``date_to``)
        :param date_to: "YYYY-MM-DD", default today
        :return: [{"customer_id", "customer", "kind", "date_from", "date_to", "email",
                   "currency", "opening_balance", "closing_balance", "buckets": {label: amount},
                   "currencies": {code: {"opening_balance", "closing_balance"}},
                   "pdf": {"filename", "mimetype", "content" (base64)}}]; the balances and
            buckets in the company's currency (foreign-currency items at their booked rate,
            as AR Aging), ``currencies`` the statement's section of each currency in it
        """
        self._atlas_check_statement_role()
        statements = self.sudo()._atlas_statements(kind, date_from, date_to)
        self.sudo()._atlas_email_statements(statements)
        for statement in statements:
            statement["pdf"]["content"] = statement["pdf"]["content"].decode()
        return statements

    # -------------------------------------------------------------------------
    # Statements
    # -------------------------------------------------------------------------

    def _atlas_statement_data(self, kind, date_from, date_to):
        """What OCA's statement wizards give their reports (statement_common.wizard)."""
        data = {
            "date_end": fields.Date.to_string(date_to),
            "company_id": self.env.company.id,
            "partner_ids": self.ids,
            "show_aging_buckets": True,
            "show_only_overdue": False,
            "filter_non_due_partners": False,
            "account_type": "asset_receivable",
            "aging_type": "days",
            "filter_negative_balances": False,
            "excluded_accounts_ids": [],
        }
        if kind == "activity":
            data.update(date_start=fields.Date.to_string(date_from), is_activity=True)
        else:
            data["is_outstanding"] = True
        return data

    def _atlas_statements(self, kind, date_from=None, date_to=None):
        if kind not in STATEMENT_KINDS:
            raise UserError(self.env._("Unknown statement “%(kind)s”: use “activity” or “outstanding”.", kind=kind))
        if not self:
            raise UserError(self.env._("Select at least one customer."))
        date_to = fields.Date.to_date(date_to) or fields.Date.context_today(self)
        date_from = fields.Date.to_date(date_from) or date_to.replace(day=1)
        if kind == "activity" and date_from > date_to:
            raise UserError(self.env._("The statement's period starts after it ends: correct the dates."))
        report_ref, report_model = STATEMENT_KINDS[kind]
        company = self.env.company
        statements = []
        currency = company.currency_id
        for partner in self.commercial_partner_id:
            data = partner._atlas_statement_data(kind, date_from, date_to)
            values = self.env[report_model]._get_report_values(partner.ids, dict(data, partner_ids=partner.ids))
            sections = values["data"][partner.id]["currencies"]
            labels = values["bucket_labels"]
            closing, buckets = partner._atlas_statement_aging(date_to)
            opening = (
                partner._atlas_statement_aging(date_from - relativedelta(days=1))[0] if kind == "activity" else False
            )
            content, _type = self.env["ir.actions.report"]._render_qweb_pdf(report_ref, partner.ids, data=data)
            title = self.env._("Statement") if kind == "activity" else self.env._("Outstanding Statement")
            statements.append(
                {
                    "customer_id": partner.id,
                    "customer": partner.display_name,
                    "kind": kind,
                    "date_from": fields.Date.to_string(date_from) if kind == "activity" else False,
                    "date_to": fields.Date.to_string(date_to),
                    "email": partner.email or False,
                    "currency": currency.name,
                    "opening_balance": opening,
                    "closing_balance": closing,
                    "buckets": {label: buckets[key] for key, label in zip(BUCKET_KEYS, labels, strict=False)},
                    "currencies": {
                        section_currency.name: {
                            "opening_balance": section_currency.round(figures.get("balance_forward", 0.0))
                            if kind == "activity"
                            else False,
                            "closing_balance": section_currency.round(figures.get("amount_due", 0.0)),
                        }
                        for section_currency, figures in (
                            (self.env["res.currency"].browse(currency_id), figures)
                            for currency_id, figures in sorted(sections.items())
                        )
                    },
                    "pdf": {
                        "filename": f"{title} {partner.display_name} {fields.Date.to_string(date_to)}.pdf".replace(
                            "/", "_"
                        ),
                        "mimetype": "application/pdf",
                        "content": content,
                    },
                }
            )
        return statements

    def _atlas_statement_aging(self, as_of):
        """(total, {OCA's bucket key: amount}) of the customer's open items on ``as_of``, in the
        company's currency, from AR Aging (its items at their booked rate), bucketed by days past
        due as OCA's statement buckets them."""
        self.ensure_one()
        company = self.env.company
        report = self.env["atlas.report.ar.aging"].get_report_data(
            {
                "company_id": company.id,
                "as_of_date": fields.Date.to_string(as_of),
                "partner_ids": self.ids,
                "details": True,
            }
        )
        buckets = dict.fromkeys(BUCKET_KEYS, 0.0)
        for line in report["lines"]:
            if line["kind"] == "detail":
                buckets[self._atlas_statement_bucket(line["values"]["days_overdue"])] += line["values"]["total"]
        buckets["balance"] = report["totals"]["total"]
        return company.currency_id.round(report["totals"]["total"]), {
            key: company.currency_id.round(amount) for key, amount in buckets.items()
        }

    @api.model
    def _atlas_statement_bucket(self, days):
        # OCA's day buckets (report_statement_common, "days" aging): an item 30 days late is in
        # its second column already.
        for limit, key in ((0, "current"), (29, "b_1_30"), (59, "b_30_60"), (89, "b_60_90"), (119, "b_90_120")):
            if days <= limit:
                return key
        return "b_over_120"

    def _atlas_email_statements(self, statements):
        template = self.env.ref("atlas_invoicing_collect.mail_template_statement")
        for statement in statements:
            partner = self.browse(statement["customer_id"])
            if not partner.email:
                raise UserError(
                    self.env._(
                        "Customer %(customer)s has no email address, so the statement can't be emailed. "
                        "Add an email to the customer.",
                        customer=partner.display_name,
                    )
                )
            attachment = self.env["ir.attachment"].create(
                {
                    "name": statement["pdf"]["filename"],
                    "raw": statement["pdf"]["content"],
                    "mimetype": "application/pdf",
                    "res_model": partner._name,
                    "res_id": partner.id,
                }
            )
            template.with_context(lang=partner.lang, atlas_statement=statement).send_mail(
                partner.id,
                force_send=False,
                email_values={"recipient_ids": [Command.set(partner.ids)], "attachment_ids": attachment.ids},
            )
            partner._message_log(
                body=self.env._(
                    "%(kind)s statement to %(date)s emailed to %(email)s (closing balance %(balance)s).",
                    kind=statement["kind"].capitalize(),
                    date=statement["date_to"],
                    email=partner.email,
                    balance=statement["closing_balance"],
                ),
                attachment_ids=attachment.ids,
            )
            statement["pdf"]["content"] = base64.b64encode(statement["pdf"]["content"])
        if statements:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    @api.model
    def _atlas_cron_send_monthly_statements(self):
        """On the 1st: last month's activity statement to each customer who opted in, once per
        company and its branches (the parent's statement reads its branches' items)."""
        # As the superuser, whoever the scheduled action's user: every company and its branches.
        partner_model = self.sudo()
        today = fields.Date.context_today(partner_model)
        date_to = today.replace(day=1) - relativedelta(days=1)
        for company in partner_model.env["res.company"].search([("active", "=", True), ("parent_id", "=", False)]):
            opted_in = partner_model.search(
                [("atlas_statement_monthly", "=", True), ("email", "!=", False), ("parent_id", "=", False)]
            )
            # Only where they have an account: a company they never traded with sends nothing.
            groups = partner_model.env["account.move.line"]._read_group(
                [
                    ("company_id", "child_of", company.id),
                    ("partner_id", "in", opted_in.ids),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                ],
                ["partner_id"],
            )
            partners = partner_model.browse([partner.id for (partner,) in groups])
            if partners:
                statements = partners.with_company(company)._atlas_statements(
                    "activity", date_to.replace(day=1), date_to
                )
                partners.with_company(company)._atlas_email_statements(statements)
