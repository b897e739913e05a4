"""Edges of the reminder run: a branch (its invoices on its parent's ladder, in the branch's
name, its own run record; each user sees their own companies), a second company left alone,
and one customer with a paused and a partly paid invoice among three at the same step."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon


class ReminderEdgesCommon(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.contoso = cls.env["res.partner"].create({"name": "Contoso", "email": "ap@contoso.example"})

    @classmethod
    def _posted(cls, partner, price, due="2026-03-01", company=None):
        company = company or cls.company
        revenue = cls.revenue
        if company.root_id != cls.company:
            revenue = cls.env["account.account"].search(
                [("company_ids", "in", company.ids), ("account_type", "=", "income")], limit=1
            )
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "invoice_date": "2026-01-15",
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Work",
                                "account_id": revenue.id,
                                "quantity": 1,
                                "price_unit": price,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def _mails(self):
        return self.env["mail.mail"].search([("model", "=", "overdue.reminder.action")], order="id")

    def _run(self, day, user=None, companies=None, **kwargs):
        Move = self.env["account.move"]
        if user:
            Move = Move.with_user(user)
        if companies:
            Move = Move.with_context(allowed_company_ids=companies.ids)
        with freeze_time(day):
            return Move.atlas_send_reminders(**kwargs)

    @staticmethod
    def _summary(result):
        return sorted(
            (r["company_id"], r["customer"], r["days"], tuple(sorted(i["name"] for i in r["invoices"]))) for r in result
        )

    @staticmethod
    def _reminder_logs(invoice):
        return invoice.message_ids.filtered(lambda m: "Reminder “" in (m.body or ""))


@tagged("post_install", "-at_install")
class TestReminderBranches(ReminderEdgesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"email": "ar@atlas-parent.example"})
        cls.branch = cls.env["res.company"].create(
            {
                "name": "Atlas Branch",
                "parent_id": cls.company.id,
                "country_id": cls.company.country_id.id,
                "email": "ar@atlas-branch.example",
            }
        )
        cls.cr.precommit.run()  # the branch's accounting setup
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.company_b.email = "ar@company-b.example"
        cls.env.user.company_ids |= cls.branch | cls.company_b
        # The parent's Administrator moved the first notice to 5 days after the due date.
        cls.parent_steps = cls.env["atlas.reminder.step"].search([("company_id", "=", cls.company.id)])
        cls.overdue = cls.parent_steps.filtered(lambda s: s.days == 7)
        cls.overdue.days = 5
        # Due 1 March: Northwind owes the parent and the branch, Contoso the branch, and
        # Northwind also owes Company B, a separate company.
        cls.parent_inv = cls._posted(cls.customer, 100.0)
        cls.branch_nw = cls._posted(cls.customer, 210.0, company=cls.branch)
        cls.branch_co = cls._posted(cls.contoso, 320.0, company=cls.branch)
        cls.b_inv = cls._posted(cls.customer, 430.0, company=cls.company_b)
        cls.parent_only = new_test_user(
            cls.env,
            login="atlas_rem_parent_only",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.branch_only = new_test_user(
            cls.env,
            login="atlas_rem_branch_only",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
            company_id=cls.branch.id,
            company_ids=[cls.branch.id],
        )

    def test_a_branch_follows_its_parent_ladder(self):
        # Branches share their parent's accounting settings: a new branch gets no ladder of its
        # own, and its invoices move up the parent's.
        self.assertFalse(
            self.env["atlas.reminder.step"]
            .with_context(active_test=False)
            .search([("company_id", "=", self.branch.id)])
        )
        # Four days late: the parent's "Coming due" (day −3) is the step then due.
        early = self._run("2026-03-05", companies=self.company | self.branch, dry_run=True)
        self.assertEqual(
            {(r["step_id"], r["days"]) for r in early}, {(self.parent_steps.filtered(lambda s: s.days == -3).id, -3)}
        )
        result = self._run("2026-03-06", companies=self.company | self.branch, dry_run=True)
        self.assertEqual(
            self._summary(result),
            sorted(
                [
                    (self.company.id, self.customer.name, 5, (self.parent_inv.name,)),
                    (self.branch.id, self.customer.name, 5, (self.branch_nw.name,)),
                    (self.branch.id, "Contoso", 5, (self.branch_co.name,)),
                ]
            ),
        )
        self.assertEqual({r["step_id"] for r in result}, set(self.overdue.ids))

    def test_the_branch_emails_in_its_own_name_once_per_customer_and_step(self):
        before = self._mails()
        self._run("2026-03-06", companies=self.company | self.branch)
        mails = self._mails() - before
        # One email per company, customer and step: the parent's for its invoice, the
        # branch's for each of its customers.
        self.assertEqual(len(mails), 3)
        actions = self.env["overdue.reminder.action"].search([("mail_id", "in", mails.ids)])
        by_company = {(action.company_id, action.commercial_partner_id): action for action in actions}
        self.assertEqual(
            set(by_company),
            {(self.company, self.customer), (self.branch, self.customer), (self.branch, self.contoso)},
        )
        branch_mail = by_company[self.branch, self.customer].mail_id
        self.assertEqual(branch_mail.email_from, '"Atlas Branch" <ar@atlas-branch.example>')
        self.assertEqual(branch_mail.subject, "Overdue invoices from Atlas Branch")
        self.assertIn("Atlas Branch", branch_mail.body_html)
        self.assertNotIn(self.company.name, branch_mail.body_html)
        self.assertIn(self.branch_nw.name, branch_mail.body_html)
        self.assertNotIn(self.parent_inv.name, branch_mail.body_html)
        self.assertEqual(branch_mail.recipient_ids, self.customer)
        self.assertEqual(branch_mail.attachment_ids.mapped("name"), [self.branch_nw._get_invoice_report_filename()])
        parent_mail = by_company[self.company, self.customer].mail_id
        self.assertEqual(parent_mail.email_from, f'"{self.company.name}" <ar@atlas-parent.example>')
        self.assertEqual(parent_mail.subject, f"Overdue invoices from {self.company.name}")
        self.assertNotIn(self.branch_nw.name, parent_mail.body_html)
        # The invoices' last step is the parent's; the history is the branch's.
        self.assertEqual((self.branch_nw | self.branch_co | self.parent_inv).atlas_reminder_step_id, self.overdue)
        self.assertIn(
            "Reminder “Overdue” emailed to billing@northwind.example", self._reminder_logs(self.branch_nw).body
        )
        # One run record per company, each with its own figures.
        runs = self.env["atlas.reminder.run"].search([("company_id", "in", (self.company | self.branch).ids)])
        self.assertEqual(
            sorted((run.company_id.name, run.email_count, run.customer_count, run.invoice_count) for run in runs),
            sorted([(self.company.name, 1, 1, 1), ("Atlas Branch", 2, 2, 2)]),
        )
        # Company B was not in the run: nothing of it sent, no run recorded for it.
        self.assertFalse(self.b_inv.atlas_reminder_step_id)
        self.assertFalse(self.env["atlas.reminder.run"].search([("company_id", "=", self.company_b.id)]))
        # The next day nothing is sent twice.
        self.assertEqual(self._run("2026-03-07", companies=self.company | self.branch), [])

    def test_a_branch_without_email_sends_from_the_parent_address(self):
        # A branch need not have a mailbox of its own: the reply goes to the parent's, not to
        # whoever ran the reminders.
        self.branch.email = False
        before = self._mails()
        self._run("2026-03-06", user=self.branch_only)
        mails = self._mails() - before
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("email_from")), {f'"{self.company.name}" <ar@atlas-parent.example>'})
        self.assertEqual(set(mails.mapped("subject")), {"Overdue invoices from Atlas Branch"})

    def test_users_of_the_parent_or_the_branch_only(self):
        parent = self._run("2026-03-06", user=self.parent_only, dry_run=True)
        self.assertEqual(self._summary(parent), [(self.company.id, self.customer.name, 5, (self.parent_inv.name,))])
        branch = self._run("2026-03-06", user=self.branch_only, dry_run=True)
        self.assertEqual(
            self._summary(branch),
            sorted(
                [
                    (self.branch.id, self.customer.name, 5, (self.branch_nw.name,)),
                    (self.branch.id, "Contoso", 5, (self.branch_co.name,)),
                ]
            ),
        )
        # The branch's Bookkeeper sends the branch's reminders, and only those.
        before = self._mails()
        self._run("2026-03-06", user=self.branch_only)
        self.assertEqual(len(self._mails() - before), 2)
        self.assertFalse(self.parent_inv.atlas_reminder_step_id)
        self.assertEqual(self.env["atlas.reminder.run"].with_user(self.branch_only).search([]).company_id, self.branch)
        self.assertFalse(self.env["atlas.reminder.run"].with_user(self.parent_only).search([]))
        # The branch's user reads the last reminder of the branch's invoice (the parent's step),
        # as the invoice list and form read it.
        [values] = (
            self.branch_nw.with_user(self.branch_only)
            .with_context(allowed_company_ids=self.branch.ids)
            .web_read({"atlas_reminder_step_id": {"fields": {"display_name": {}}}})
        )
        self.assertEqual(values["atlas_reminder_step_id"]["display_name"], "Overdue")
        # ... the form's Reminders tab, and the invoice list grouped by Last Reminder.
        Move = self.env["account.move"].with_user(self.branch_only).with_context(allowed_company_ids=self.branch.ids)
        [values] = Move.browse(self.branch_nw.id).web_read(
            {"overdue_reminder_ids": {"fields": {"action_date": {}, "atlas_step_id": {"fields": {"display_name": {}}}}}}
        )
        self.assertEqual(
            [(line["action_date"], line["atlas_step_id"]["display_name"]) for line in values["overdue_reminder_ids"]],
            [(fields.Date.to_date("2026-03-06"), "Overdue")],
        )
        groups = Move.web_read_group(
            [("move_type", "=", "out_invoice")], ["atlas_reminder_step_id"], ["atlas_reminder_step_id"]
        )["groups"]
        self.assertEqual(
            [(g["atlas_reminder_step_id"][1], g["atlas_reminder_step_id_count"]) for g in groups], [("Overdue", 2)]
        )
        # ... and the Reminder Ladder the branch follows: the parent's steps, in the list.
        Step = (
            self.env["atlas.reminder.step"]
            .with_user(self.branch_only)
            .with_context(allowed_company_ids=self.branch.ids)
        )
        steps = Step.search([])
        self.assertIn(self.overdue, steps)
        self.assertEqual(steps.company_id, self.company)
        # The parent's user then sends the parent's, on the same day.
        self._run("2026-03-06", user=self.parent_only)
        self.assertEqual(self.parent_inv.atlas_reminder_step_id, self.overdue)
        self.assertEqual(self.env["atlas.reminder.run"].with_user(self.parent_only).search([]).company_id, self.company)

    def test_the_branch_ar_aging_filters_by_the_parent_ladder(self):
        self._run("2026-03-06", companies=self.company | self.branch)
        Report = (
            self.env["atlas.report.ar.aging"]
            .with_user(self.branch_only)
            .with_context(allowed_company_ids=self.branch.ids)
        )
        # The branch's user sees the branch's open items (on the parent's receivable account).
        report = Report.get_report_data({"as_of_date": "2026-03-06", "details": True})
        self.assertEqual(report["totals"]["total"], 210.0 + 320.0)
        self.assertTrue(report["checks"][0]["ok"], report["checks"])
        report = Report.get_report_data({"as_of_date": "2026-03-06", "reminder_step": self.overdue.id, "details": True})
        [select] = report["select_filters"]
        self.assertEqual(
            [choice["label"] for choice in select["choices"]][3:],
            ["Coming due", "Overdue", "Second notice", "Final notice"],
        )
        self.assertEqual(
            sorted((line["label"], line["values"]["total"]) for line in report["lines"] if line["kind"] == "detail"),
            sorted([(self.branch_nw.name, 210.0), (self.branch_co.name, 320.0)]),
        )
        self.assertTrue(report["checks"][0]["ok"], report["checks"])
        # The parent's AR Aging (with its branch) filters the parent's and the branch's invoices
        # on the one ladder.
        report = (
            self.env["atlas.report.ar.aging"]
            .with_context(allowed_company_ids=(self.company | self.branch).ids)
            .get_report_data(
                {
                    "company_id": self.company.id,
                    "as_of_date": "2026-03-06",
                    "reminder_step": self.overdue.id,
                    "details": True,
                }
            )
        )
        self.assertEqual(
            sorted((line["label"], line["values"]["total"]) for line in report["lines"] if line["kind"] == "detail"),
            sorted([(self.parent_inv.name, 100.0), (self.branch_nw.name, 210.0), (self.branch_co.name, 320.0)]),
        )
        self.assertTrue(report["checks"][0]["ok"], report["checks"])

    def test_another_company_is_neither_listed_nor_sent(self):
        # A user of the first company only: Company B's customer is not listed, though the
        # same customer owes the first company too.
        user_a = new_test_user(
            self.env,
            login="atlas_rem_company_a",
            groups="base.group_user,atlas_invoicing.group_atlas_bookkeeper",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        result = self._run("2026-03-20", user=user_a, dry_run=True)
        self.assertEqual({r["company_id"] for r in result}, {self.company.id})
        self.assertNotIn(self.b_inv.id, [i["id"] for r in result for i in r["invoices"]])
        self._run("2026-03-20", user=user_a)
        self.assertFalse(self.b_inv.atlas_reminder_step_id)
        self.assertFalse(self.env["atlas.reminder.run"].search([("company_id", "=", self.company_b.id)]))
        # Company B's own run sends its invoice on its own ladder (+7 unchanged), in its name.
        before = self._mails()
        result = self._run("2026-03-20", companies=self.company_b)
        self.assertEqual(self._summary(result), [(self.company_b.id, self.customer.name, 7, (self.b_inv.name,))])
        mail = self._mails() - before
        self.assertEqual(mail.email_from, '"Company B" <ar@company-b.example>')
        self.assertEqual(self.b_inv.atlas_reminder_step_id.company_id, self.company_b)

    def test_the_scheduled_run_covers_each_company_once(self):
        with freeze_time("2026-03-06"):
            self.env["account.move"]._atlas_cron_send_reminders()
        runs = self.env["atlas.reminder.run"].search(
            [("company_id", "in", (self.company | self.branch | self.company_b).ids)]
        )
        self.assertEqual(
            sorted((run.company_id.name, run.origin, run.invoice_count) for run in runs),
            sorted([(self.company.name, "cron", 1), ("Atlas Branch", "cron", 2), ("Company B", "cron", 1)]),
        )
        # Company B's ladder is its own: on day 5 its invoice is at "Coming due" (day −3).
        self.assertEqual(self.b_inv.atlas_reminder_step_id.days, -3)
        self.assertEqual(self.branch_nw.atlas_reminder_step_id, self.overdue)

    def test_a_step_of_a_branch_is_refused(self):
        with self.assertRefused(ValidationError, "follow the reminder ladder of their parent company"):
            self.env["atlas.reminder.step"].create(
                {
                    "company_id": self.branch.id,
                    "days": 10,
                    "name": "Branch notice",
                    "mail_template_id": self.overdue.mail_template_id.id,
                }
            )


@tagged("post_install", "-at_install")
class TestReminderPausedAndPartlyPaid(ReminderEdgesCommon):
    def test_one_email_with_the_open_invoices_at_what_is_left_due(self):
        full = self._posted(self.customer, 111.11)
        paused = self._posted(self.customer, 222.22)
        partly = self._posted(self.customer, 333.33)
        paused.with_user(self.users["bookkeeper"]).no_overdue_reminder = True  # disputed
        partly.atlas_record_payment(amount=100.0, date="2026-03-03", payment_method="check")
        # What is left due on the partly paid invoice, from its journal items: the invoice's
        # receivable debit less the payment's receivable credit.
        receivable = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("move_id", "!=", full.id),
                ("move_id", "!=", paused.id),
            ]
        )
        self.assertEqual(len(receivable), 2)
        self.assertAlmostEqual(sum(receivable.mapped("balance")), 233.33, places=2)

        before = self._mails()
        with freeze_time("2026-03-08"):
            result = self.env["account.move"].atlas_send_reminders()
        mail = self._mails() - before
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            [(r["customer"], r["days"], [(i["name"], i["amount_residual"]) for i in r["invoices"]]) for r in result],
            [(self.customer.name, 7, [(full.name, 111.11), (partly.name, 233.33)])],
        )
        self.assertEqual((mail.state, mail.recipient_ids), ("outgoing", self.customer))
        self.assertEqual(mail.recipient_ids.email, "billing@northwind.example")
        self.assertEqual(
            sorted(mail.attachment_ids.mapped("name")),
            sorted([full._get_invoice_report_filename(), partly._get_invoice_report_filename()]),
        )
        self.assertEqual(set(mail.attachment_ids.mapped("mimetype")), {"application/pdf"})
        # Each attachment is the invoice as it stands (Odoo's test mode renders the PDF's HTML):
        # the partly paid one with its mark and what is left due.
        by_name = {attachment.name: attachment.raw for attachment in mail.attachment_ids}
        partly_pdf = by_name[partly._get_invoice_report_filename()]
        self.assertIn(b"PARTIALLY PAID", partly_pdf)
        self.assertIn(b"233.33", partly_pdf)
        self.assertNotIn(b"PARTIALLY PAID", by_name[full._get_invoice_report_filename()])
        body = mail.body_html
        for text, shown in (
            (full.name, True),
            (partly.name, True),
            (paused.name, False),
            ("111.11", True),
            ("233.33", True),  # what is left due
            ("333.33", False),  # not the invoice's total
            ("222.22", False),
        ):
            self.assertEqual(text in body, shown, text)
        # OCA's history and each invoice's chatter: the two reminded invoices, not the paused one.
        action = self.env["overdue.reminder.action"].search([("mail_id", "=", mail.id)])
        self.assertEqual(action.reminder_ids.invoice_id, full | partly)
        for invoice in (full, partly):
            [log] = self._reminder_logs(invoice)
            self.assertIn("Reminder “Overdue” emailed to billing@northwind.example", log.body)
            self.assertIn("(2 invoices in the email)", log.body)
        self.assertFalse(self._reminder_logs(paused))
        self.assertFalse(paused.atlas_reminder_step_id)
        self.assertEqual((full | partly).atlas_reminder_step_id.days, 7)
        run = self.env["atlas.reminder.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual((run.email_count, run.invoice_count, run.paused_count), (1, 2, 1))
