"""The reminder run: each company's ladder (−3, +7, +21, +45 days from the due date), one email
per customer and step with the invoices' PDFs, never twice, catching up after an outage."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestReminders(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.steps = cls.env["atlas.reminder.step"].search([("company_id", "=", cls.company.id)])
        cls.step = {step.days: step for step in cls.steps}
        cls.other = cls.env["res.partner"].create({"name": "Contoso", "email": "ap@contoso.example"})

    def _invoice(self, due, price=100.0, partner=None):
        invoice = self._create_invoice(
            price=price, partner=partner, invoice_date="2026-01-15", invoice_date_due=due, invoice_payment_term_id=False
        )
        invoice.action_post()
        self.assertEqual(str(invoice.invoice_date_due), due)
        return invoice

    def _run(self, day, user=None, **kwargs):
        with freeze_time(day):
            Move = self.env["account.move"].with_user(user) if user else self.env["account.move"]
            return Move.atlas_send_reminders(**kwargs)

    def _mails(self):
        return self.env["mail.mail"].search([("model", "=", "overdue.reminder.action")], order="id")

    def _sent(self, day, **kwargs):
        """The run's (customer, step days, invoice names) and the emails it queued."""
        before = self._mails()
        result = self._run(day, **kwargs)
        mails = self._mails() - before
        return sorted((r["customer"], r["days"], tuple(i["name"] for i in r["invoices"])) for r in result), mails

    def test_default_ladder_of_each_company(self):
        self.assertEqual(
            [(step.days, step.name, step.mail_template_id.name) for step in self.steps],
            [
                (-3, "Coming due", "Atlas reminder: coming due"),
                (7, "Overdue", "Atlas reminder: overdue"),
                (21, "Second notice", "Atlas reminder: second notice"),
                (45, "Final notice", "Atlas reminder: final notice"),
            ],
        )

    def test_each_step_is_sent_once_on_its_day(self):
        invoice = self._invoice("2026-03-01")
        expected = {
            "2026-02-25": [],
            "2026-02-26": [-3],
            "2026-02-27": [],
            "2026-03-07": [],
            "2026-03-08": [7],
            "2026-03-09": [],
            "2026-03-22": [21],
            "2026-04-15": [45],
            "2026-04-16": [],
            "2026-06-30": [],
        }
        for day, steps in expected.items():
            sent, mails = self._sent(day)
            self.assertEqual(sent, [(self.customer.name, days, (invoice.name,)) for days in steps], day)
            self.assertEqual(len(mails), len(steps), day)
            if steps:
                self.assertEqual(mails.recipient_ids, self.customer)
                self.assertEqual(mails.state, "outgoing")
                self.assertEqual(mails.attachment_ids.mapped("name"), [invoice._get_invoice_report_filename()])
                self.assertIn(invoice.name, mails.body_html)
                self.assertEqual(invoice.atlas_reminder_step_id, self.step[steps[0]], day)
                self.assertEqual(str(invoice.overdue_reminder_last_date), day)
        self.assertEqual(invoice.overdue_reminder_counter, 4)
        self.assertEqual(
            self._mails().mapped("subject"),
            [
                f"Invoices coming due from {self.company.name}",
                f"Overdue invoices from {self.company.name}",
                f"Second notice: overdue invoices from {self.company.name}",
                f"Final notice: overdue invoices from {self.company.name}",
            ],
        )
        logs = invoice.message_ids.filtered(lambda m: "Reminder “" in (m.body or ""))
        self.assertEqual(len(logs), 4)
        self.assertIn("Reminder “Final notice” emailed to billing@northwind.example", logs[0].body)

    def test_one_email_per_customer_and_step_lists_its_invoices(self):
        a1 = self._invoice("2026-03-01", price=100.0)
        a2 = self._invoice("2026-02-28", price=250.0)
        a3 = self._invoice("2026-03-20", price=75.0)  # coming due on the run's day + 3
        b1 = self._invoice("2026-03-01", price=40.0, partner=self.other)
        sent, mails = self._sent("2026-03-17")
        self.assertEqual(
            sent,
            [
                ("Contoso", 7, (b1.name,)),
                (self.customer.name, -3, (a3.name,)),
                (self.customer.name, 7, (a2.name, a1.name)),
            ],
        )
        self.assertEqual(len(mails), 3)
        by_invoices = {tuple(sorted(mail.attachment_ids.mapped("name"))): mail for mail in mails}
        names = sorted([a1._get_invoice_report_filename(), a2._get_invoice_report_filename()])
        self.assertEqual(by_invoices[tuple(names)].recipient_ids, self.customer)
        self.assertIn("Pay now", by_invoices[tuple(names)].body_html)
        self.assertEqual(by_invoices[(b1._get_invoice_report_filename(),)].recipient_ids, self.other)
        # OCA's history: one action per customer and step, a line per invoice.
        actions = self.env["overdue.reminder.action"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(actions), 3)
        self.assertEqual(actions.mail_id, mails)

    def test_catch_up_sends_the_step_due_once_and_not_the_skipped_ones(self):
        invoice = self._invoice("2026-03-01")
        # Down from before the coming-due day to after the second notice's: one email, the second notice.
        self.assertEqual(self._sent("2026-03-25")[0], [(self.customer.name, 21, (invoice.name,))])
        self.assertEqual(self._sent("2026-03-26")[0], [])
        # A day missed: the next run sends it.
        late = self._invoice("2026-03-01", partner=self.other)
        late.no_overdue_reminder = True
        self.assertEqual(self._sent("2026-03-27")[0], [])
        late.no_overdue_reminder = False
        self.assertEqual(self._sent("2026-03-28")[0], [("Contoso", 21, (late.name,))])

    def test_paid_or_refunded_in_between_is_not_reminded(self):
        paid = self._invoice("2026-03-01", price=100.0)
        partial = self._invoice("2026-03-01", price=300.0)
        refunded = self._invoice("2026-03-01", price=50.0)
        self.assertEqual(len(self._sent("2026-03-08")[0][0][2]), 3)
        paid.atlas_record_payment(amount=100.0, date="2026-03-10", payment_method="check")
        partial.atlas_record_payment(amount=120.0, date="2026-03-10", payment_method="check")
        refunded._reverse_moves([{"invoice_date": "2026-03-10"}], cancel=True)  # a credit note settles it
        self.assertEqual(refunded.payment_state, "reversed")
        sent, mails = self._sent("2026-03-22")
        self.assertEqual(sent, [(self.customer.name, 21, (partial.name,))])
        self.assertIn("180.00", mails.body_html)  # what is left due on it

    def test_excluded_customer_and_paused_invoice(self):
        excluded = self._invoice("2026-03-01", partner=self.other)
        self.other.with_company(self.company).no_overdue_reminder = True
        paused = self._invoice("2026-03-01")
        kept = self._invoice("2026-03-02")
        paused.with_user(self.users["bookkeeper"]).no_overdue_reminder = True
        self.assertEqual(self._sent("2026-03-09")[0], [(self.customer.name, 7, (kept.name,))])
        self.assertFalse(excluded.atlas_reminder_step_id)
        self.assertFalse(paused.atlas_reminder_step_id)

    def test_dry_run_says_what_would_be_sent_and_sends_nothing(self):
        invoice = self._invoice("2026-03-01", price=200.0)
        result = self._run("2026-03-08", user=self.users["viewer"], dry_run=True)
        self.assertEqual(
            result,
            [
                {
                    "company_id": self.company.id,
                    "customer_id": self.customer.id,
                    "customer": self.customer.name,
                    "step_id": self.step[7].id,
                    "step": "Overdue",
                    "days": 7,
                    "email": "billing@northwind.example",
                    "invoices": [
                        {
                            "id": invoice.id,
                            "name": invoice.name,
                            "amount_residual": 200.0,
                            "invoice_date_due": "2026-03-01",
                        }
                    ],
                }
            ],
        )
        self.assertFalse(self._mails())
        self.assertFalse(invoice.atlas_reminder_step_id)

    def test_roles(self):
        self._invoice("2026-03-01")
        for role in ("none", "billing"):
            with self.assertRefused(AccessError, "Only an Atlas Viewer can list the reminders due."):
                self._run("2026-03-08", user=self.users[role], dry_run=True)
        for role in ("none", "billing", "viewer"):
            with self.assertRefused(AccessError, "Only an Atlas Bookkeeper can send reminders."):
                self._run("2026-03-08", user=self.users[role])
        self.assertFalse(self._mails())
        self.assertEqual(len(self._sent("2026-03-08", user=self.users["bookkeeper"])[1]), 1)

    def test_each_company_has_its_own_ladder(self):
        other_company = self.setup_other_company()["company"]
        steps = self.env["atlas.reminder.step"].search([("company_id", "=", other_company.id)])
        self.assertEqual(steps.mapped("days"), [-3, 7, 21, 45])
        steps.filtered(lambda s: s.days == 7).days = 3
        mine = self._invoice("2026-03-01")
        theirs = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": other_company.id,
                "partner_id": self.other.id,
                "invoice_date": "2026-01-15",
                "invoice_date_due": "2026-03-01",
                "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 60.0, "tax_ids": []})],
            }
        )
        theirs.action_post()
        self.env.user.company_ids |= other_company
        with freeze_time("2026-02-26"):
            result = (
                self.env["account.move"]
                .with_context(allowed_company_ids=[self.company.id, other_company.id])
                .atlas_send_reminders()
            )
        self.assertEqual(
            [(r["company_id"], r["days"]) for r in result], [(self.company.id, -3), (other_company.id, -3)]
        )
        # Four days late: the second company's +3 step is due, the first's +7 not yet.
        with freeze_time("2026-03-05"):
            result = (
                self.env["account.move"]
                .with_context(allowed_company_ids=[self.company.id, other_company.id])
                .atlas_send_reminders()
            )
        self.assertEqual(
            [(r["company_id"], r["customer"], r["days"]) for r in result],
            [(other_company.id, "Contoso", 3)],
        )
        self.assertEqual(theirs.atlas_reminder_step_id.days, 3)
        self.assertEqual(theirs.atlas_reminder_step_id.company_id, other_company)
        self.assertEqual(mine.atlas_reminder_step_id.days, -3)
