"""Each reminder run says what it did: what it sent, or why it sent nothing, in a record a
person reads (Settings, Reminder Runs) and in the server log; a day without a run has none."""

import logging

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon

# Levels as numbers: Odoo names its level 25 "INFO" too, which assertLogs would read.
LOGGER = "odoo.addons.atlas_invoicing_collect.models.account_move_reminder"


@tagged("post_install", "-at_install")
class TestReminderRuns(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.contoso = cls.env["res.partner"].create({"name": "Contoso", "email": "ap@contoso.example"})
        cls.fabrikam = cls.env["res.partner"].create({"name": "Fabrikam", "email": "ap@fabrikam.example"})

    def _invoice(self, partner, due="2026-03-01"):
        vals = self._invoice_vals()
        vals.update(partner_id=partner.id, invoice_date_due=due, invoice_payment_term_id=False)
        invoice = self.env["account.move"].create(vals)
        invoice.action_post()
        return invoice

    def _cron(self, day):
        with freeze_time(day), self.assertLogs(LOGGER, logging.INFO) as logs:
            self.env["account.move"]._atlas_cron_send_reminders()
        run = self.env["atlas.reminder.run"].search([("company_id", "=", self.company.id)], limit=1)
        line = next(line for line in logs.output if self.company.name in line)
        return run, line

    def _last_run_setting(self):
        # What the Settings screen shows: the form's first onchange.
        settings = self.env["res.config.settings"].with_company(self.company)
        spec = {"company_id": {}, "atlas_reminder_last_run": {}}
        return settings.onchange({}, [], spec)["value"]["atlas_reminder_last_run"]

    def test_a_run_that_sends_says_how_many(self):
        self.assertEqual(self._last_run_setting(), "Never run: no reminder was sent in this company.")
        self._invoice(self.customer)
        self._invoice(self.customer, due="2026-02-28")
        self._invoice(self.contoso)
        run, log = self._cron("2026-03-08")
        self.assertEqual((run.state, run.origin), ("sent", "cron"))
        self.assertEqual((run.email_count, run.customer_count, run.invoice_count), (2, 2, 3))
        self.assertEqual(run.summary, "Sent 2 emails to 2 customers about 3 invoices.")
        self.assertIn(f"INFO:{LOGGER}:Reminder run of {self.company.name}: Sent 2 emails", log)
        self.assertIn(run.summary, self._last_run_setting())

    def test_a_run_with_nothing_due_says_why(self):
        reminded = self._invoice(self.customer)
        paused = self._invoice(self.contoso)
        self._invoice(self.fabrikam)
        self._cron("2026-03-08")
        paused.no_overdue_reminder = True
        self.fabrikam.with_company(self.company).no_overdue_reminder = True
        run, log = self._cron("2026-03-09")
        self.assertEqual(run.state, "nothing_due")
        self.assertEqual((run.email_count, run.customer_count, run.invoice_count), (0, 0, 0))
        self.assertEqual(
            (run.already_count, run.paused_count, run.excluded_customer_count, run.excluded_invoice_count),
            (1, 1, 1, 1),
        )
        self.assertEqual(
            run.summary,
            "Nothing due. Not sent: 1 overdue invoice already reminded at their step; 1 invoice paused; "
            "1 customer excluded from reminders (1 invoice).",
        )
        self.assertIn(run.summary, log)
        self.assertEqual(reminded.atlas_reminder_step_id.days, 7)
        self.assertEqual(self.env["atlas.reminder.run"].search_count([("company_id", "=", self.company.id)]), 2)

    def test_a_run_with_no_open_invoice(self):
        run, _log = self._cron("2026-03-08")
        self.assertEqual(run.state, "nothing_due")
        self.assertEqual(run.summary, "Nothing due: no open invoice has reached a reminder step.")

    def test_due_but_no_email_address_is_a_warning(self):
        self.customer.email = False
        self._invoice(self.customer)
        with freeze_time("2026-03-08"), self.assertLogs(LOGGER, logging.WARNING) as logs:
            self.env["account.move"]._atlas_cron_send_reminders()
        run = self.env["atlas.reminder.run"].search([("company_id", "=", self.company.id)], limit=1)
        self.assertEqual((run.state, run.no_email_count), ("not_sent", 1))
        self.assertEqual(
            run.summary,
            "Nothing sent although reminders were due. Not sent: 1 customer without an email address, not sent.",
        )
        self.assertTrue(any(line.startswith(f"WARNING:{LOGGER}") and run.summary in line for line in logs.output))

    def test_a_company_without_steps(self):
        self.env["atlas.reminder.step"].search([("company_id", "=", self.company.id)]).active = False
        run, _log = self._cron("2026-03-08")
        self.assertEqual(run.summary, "Nothing due: the company has no active reminder step.")

    def test_a_dry_run_records_nothing(self):
        self._invoice(self.customer)
        with freeze_time("2026-03-08"):
            self.env["account.move"].atlas_send_reminders(dry_run=True)
        self.assertFalse(self.env["atlas.reminder.run"].search([("company_id", "=", self.company.id)]))
        with freeze_time("2026-03-08"):
            self.env["account.move"].with_user(self.users["bookkeeper"]).atlas_send_reminders()
        run = self.env["atlas.reminder.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual((run.origin, run.state, run.email_count), ("call", "sent", 1))
