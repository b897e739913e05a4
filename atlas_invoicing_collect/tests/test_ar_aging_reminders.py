"""AR Aging filtered by the invoices' last reminder step: the items shown, their figures
against the journal items, the step as it stood on the as-of date, and the report's check."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestArAgingByReminder(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.step = {
            step.days: step for step in cls.env["atlas.reminder.step"].search([("company_id", "=", cls.company.id)])
        }
        cls.maple = cls.env["res.partner"].create({"name": "Maple Street Bakery", "email": "ap@maple.example"})
        cls.quiet = cls.env["res.partner"].create({"name": "Quiet Corner", "email": "ap@quiet.example"})
        # Northwind: one invoice taken up to the second notice, one only coming due.
        cls.nw_old = cls._posted(cls.customer, 100.0, "2026-03-01")
        cls.nw_new = cls._posted(cls.customer, 50.0, "2026-04-12")
        # Maple: up to the second notice, 80 paid after the first reminder.
        cls.maple_old = cls._posted(cls.maple, 200.0, "2026-03-01")
        # Quiet Corner: not due yet, never reminded; and a payment not matched to anything.
        cls.quiet_inv = cls._posted(cls.quiet, 300.0, "2026-06-30")
        for day in ("2026-03-08", "2026-03-22"):
            with freeze_time(day):
                cls.env["account.move"].atlas_send_reminders()
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.maple_old.ids
        ).create({"amount": 80.0, "payment_date": "2026-03-25"})._create_payments()
        unmatched = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.quiet.id,
                "amount": 30.0,
                "date": "2026-04-01",
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        unmatched.action_post()
        with freeze_time("2026-04-10"):
            cls.env["account.move"].atlas_send_reminders()

    @classmethod
    def _posted(cls, partner, price, due):
        # The tests' _invoice_vals reads class attributes only.
        vals = cls._invoice_vals(cls, price=price)
        vals.update(partner_id=partner.id, invoice_date_due=due, invoice_payment_term_id=False)
        invoice = cls.env["account.move"].create(vals)
        invoice.action_post()
        return invoice

    def _report(self, as_of, reminder_step=False, user=None):
        Report = self.env["atlas.report.ar.aging"]
        if user:
            Report = Report.with_user(user)
        return Report.get_report_data(
            {"as_of_date": as_of, "reminder_step": reminder_step, "details": True, "partner_ids": self.partners.ids}
        )

    @property
    def partners(self):
        return self.customer | self.maple | self.quiet

    @staticmethod
    def _items(report):
        return sorted((line["label"], line["values"]["total"]) for line in report["lines"] if line["kind"] == "detail")

    @staticmethod
    def _customers(report):
        return {
            line["label"]: line["values"]["total"] for line in report["lines"] if line["key"].startswith("partner-")
        }

    def _open(self, move):
        """What the invoice's receivable item still owes today, as its journal item says."""
        receivable = move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        return receivable.amount_residual

    def test_the_steps_are_where_the_runs_left_them(self):
        self.assertEqual(self.nw_old.atlas_reminder_step_id, self.step[21])
        self.assertEqual(self.maple_old.atlas_reminder_step_id, self.step[21])
        self.assertEqual(self.nw_new.atlas_reminder_step_id, self.step[-3])
        self.assertFalse(self.quiet_inv.atlas_reminder_step_id)
        self.assertEqual(self._open(self.maple_old), 120.0)

    def test_second_notice_shows_those_invoices_only(self):
        report = self._report("2026-04-11", self.step[21].id)
        self.assertEqual(self._items(report), sorted([(self.nw_old.name, 100.0), (self.maple_old.name, 120.0)]))
        self.assertEqual(self._customers(report), {"Maple Street Bakery": 120.0, "Northwind Traders": 100.0})
        # The figures are the journal items' open amounts, and the total is their sum.
        self.assertEqual(report["totals"]["total"], self._open(self.nw_old) + self._open(self.maple_old))
        self.assertEqual(report["totals"]["b_31_60"], 220.0)
        self.assertEqual(report["options"]["reminder_step"], self.step[21].id)
        self.assertIn("Last reminder: Second notice", report["subtitle"])
        [check] = report["checks"]
        self.assertTrue(check["ok"], check)
        self.assertEqual(check["expected"], 220.0)

    def test_coming_due_and_an_overtaken_step(self):
        report = self._report("2026-04-11", self.step[-3].id)
        self.assertEqual(self._items(report), [(self.nw_new.name, 50.0)])
        self.assertEqual(report["totals"]["current"], 50.0)
        # Every invoice reminded "Overdue" was reminded again since: none is at that step now.
        report = self._report("2026-04-11", self.step[7].id)
        self.assertEqual(self._items(report), [])
        self.assertEqual(report["totals"]["total"], 0.0)
        self.assertTrue(report["checks"][0]["ok"])

    def test_the_step_as_it_stood_on_the_as_of_date(self):
        # On 10 March both old invoices had had the first notice only, and nothing was paid.
        report = self._report("2026-03-10", self.step[7].id)
        self.assertEqual(self._items(report), sorted([(self.nw_old.name, 100.0), (self.maple_old.name, 200.0)]))
        self.assertEqual(report["totals"]["total"], 300.0)
        self.assertTrue(report["checks"][0]["ok"])
        self.assertEqual(self._items(self._report("2026-03-10", self.step[21].id)), [])

    def test_any_and_none_split_the_report(self):
        everything = self._report("2026-04-11")
        reminded = self._report("2026-04-11", "any")
        others = self._report("2026-04-11", "none")
        self.assertEqual(
            self._items(reminded),
            sorted([(self.nw_old.name, 100.0), (self.nw_new.name, 50.0), (self.maple_old.name, 120.0)]),
        )
        payment_line = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.quiet.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("credit", ">", 0),
            ]
        )
        self.assertEqual(self._items(others), sorted([(self.quiet_inv.name, 300.0), (payment_line.move_name, -30.0)]))
        self.assertEqual(self._customers(others), {"Quiet Corner": 270.0})
        for key in ("current", "b_1_30", "b_31_60", "b_61_90", "b_90_plus", "total"):
            self.assertAlmostEqual(
                reminded["totals"][key] + others["totals"][key], everything["totals"][key], places=2, msg=key
            )
        self.assertTrue(all(report["checks"][0]["ok"] for report in (everything, reminded, others)))
        # Without the filter the check is still the receivable accounts' balance.
        self.assertEqual(everything["totals"]["receivable_balance"], 100.0 + 50.0 + 120.0 + 270.0)

    def test_the_pdf_prints_the_filtered_report(self):
        options = {"as_of_date": "2026-04-11", "reminder_step": self.step[21].id, "partner_ids": self.partners.ids}
        content, envelope = self.env["atlas.report.ar.aging"]._render_report_pdf(options)
        html = content.decode()  # Odoo's test mode renders the PDF's HTML
        self.assertEqual(envelope["totals"]["total"], 220.0)
        self.assertIn("Last reminder: Second notice", html)
        for invoice, shown in (
            (self.nw_old, True),
            (self.maple_old, True),
            (self.nw_new, False),
            (self.quiet_inv, False),
        ):
            self.assertEqual(invoice.name in html, shown, invoice.name)

    def test_pages_of_a_customer_follow_the_filter(self):
        options = {"as_of_date": "2026-04-11", "reminder_step": self.step[21].id, "partner_ids": self.partners.ids}
        lines = self.env["atlas.report.ar.aging"].get_more_lines(options, f"partner-{self.customer.id}", 0)
        self.assertEqual([(line["label"], line["values"]["total"]) for line in lines], [(self.nw_old.name, 100.0)])

    def test_a_viewer_filters_and_a_wrong_step_is_refused(self):
        report = self._report("2026-04-11", "any", user=self.users["viewer"])
        self.assertEqual(report["totals"]["total"], 270.0)
        with self.assertRaisesRegex(UserError, "reminder_step must be False .*“any”, “none” or the id"):
            self._report("2026-04-11", 999999)
        with self.assertRaisesRegex(UserError, "reminder_step must be"):
            self._report("2026-04-11", "Second notice")

    def test_the_screen_offers_the_company_ladder(self):
        [select] = self._report("2026-04-11")["select_filters"]
        self.assertEqual(select["key"], "reminder_step")
        self.assertEqual(
            [choice["label"] for choice in select["choices"]],
            [
                "All items",
                "Any reminder step",
                "No reminder step",
                "Coming due",
                "Overdue",
                "Second notice",
                "Final notice",
            ],
        )
