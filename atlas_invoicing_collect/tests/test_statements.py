"""Customer statements on OCA's partner_statement: the figures tie to Atlas's AR Aging to the
cent, the PDF goes by email through the queue, and the monthly run serves who opted in."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestStatements(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.company_data["default_tax_sale"]  # 15%
        cls.other = cls.env["res.partner"].create({"name": "Contoso", "email": "ap@contoso.example"})

    def _invoice(self, date, price, partner=None, taxes=None):
        invoice = self._create_invoice(
            price=price, partner=partner, taxes=taxes, invoice_date=date, invoice_payment_term_id=False
        )
        invoice.action_post()
        return invoice

    def _book(self):
        """Invoices, a payment, a credit note and a partial credit over two months."""
        a = self._invoice("2026-01-10", 1000.0)
        b = self._invoice("2026-02-05", 433.33, taxes=self.tax)  # 498.33 with tax
        a.atlas_record_payment(amount=400.0, date="2026-02-10", payment_method="check")
        refund = b._reverse_moves([{"invoice_date": "2026-02-20", "date": "2026-02-20"}])
        refund.invoice_line_ids.price_unit = 86.67
        refund.action_post()  # matched with the invoice it credits, as Atlas does
        self.assertEqual(b.amount_residual, 398.66)
        self._invoice("2026-03-05", 200.01)
        c = self._invoice("2026-01-20", 99.99, partner=self.other)
        c.atlas_record_payment(amount=99.99, date="2026-03-02", payment_method="card")
        self._invoice("2026-02-11", 350.0, partner=self.other)

    def _aging_totals(self, as_of):
        data = self.env["atlas.report.ar.aging"].get_report_data({"as_of_date": as_of})
        return {line["key"]: line["values"]["total"] for line in data["lines"] if line["kind"] == "line"}

    def test_statements_tie_to_ar_aging_to_the_cent(self):
        self._book()
        customers = self.customer | self.other
        for as_of in ("2026-01-31", "2026-02-15", "2026-02-28", "2026-03-01", "2026-03-31"):
            aging = self._aging_totals(as_of)
            for kind in ("outstanding", "activity"):
                for statement in customers._atlas_statements(kind, date_to=as_of):
                    self.assertEqual(
                        statement["closing_balance"],
                        aging.get(f"partner-{statement['customer_id']}", 0.0),
                        f"{kind} statement of {statement['customer']} on {as_of}",
                    )

    def test_activity_statement_opening_and_closing_balance(self):
        self._book()
        [statement] = self.customer._atlas_statements("activity", "2026-02-01", "2026-02-28")
        self.assertEqual(statement["opening_balance"], 1000.0)
        # 1000 + 498.33 − 400 − (86.67 × 1.15 = 99.67) = 998.66
        self.assertEqual(statement["closing_balance"], 998.66)
        [outstanding] = self.customer._atlas_statements("outstanding", date_to="2026-02-28")
        self.assertEqual(outstanding["closing_balance"], 998.66)
        buckets = outstanding["buckets"]
        self.assertEqual(buckets["Total"], 998.66)
        # On Feb 28: invoice a (due Jan 10) is 31–60 days late, invoice b (due Feb 5) 1–30 days.
        self.assertEqual((buckets["31 - 60 Days"], buckets["1 - 30 Days"]), (600.0, 398.66))

    def test_send_statement_emails_the_pdf_through_the_queue(self):
        self._book()
        result = self.customer.with_user(self.users["bookkeeper"]).atlas_send_statement(
            "outstanding", date_to="2026-02-28"
        )
        self.assertEqual([(r["customer"], r["closing_balance"]) for r in result], [(self.customer.name, 998.66)])
        self.assertTrue(result[0]["pdf"]["content"])
        mail = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.subject, f"Statement of account from {self.env.company.name}")
        self.assertIn("998.66", mail.body_html)
        self.assertEqual(mail.attachment_ids.mapped("name"), [result[0]["pdf"]["filename"]])
        self.assertIn("statement to 2026-02-28 emailed", self.customer.message_ids[0].body)

    def test_roles_and_refusals(self):
        for role in ("viewer", "none", "billing"):
            with self.assertRefused(AccessError, "Only an Atlas Bookkeeper can send statements."):
                self.customer.with_user(self.users[role]).atlas_send_statement("activity")
        with self.assertRefused(UserError, "Unknown statement “weekly”: use “activity” or “outstanding”."):
            self.customer.atlas_send_statement("weekly")
        no_email = self.env["res.partner"].create({"name": "No Email Ltd"})
        with self.assertRefused(UserError, "Customer No Email Ltd has no email address"):
            no_email.atlas_send_statement("outstanding")
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "res.partner")]))

    def test_monthly_run_sends_last_months_activity_to_who_opted_in(self):
        self._book()
        self.customer.atlas_statement_monthly = True
        with freeze_time("2026-03-01 06:00:00"):
            self.env["res.partner"]._atlas_cron_send_monthly_statements()
        mails = self.env["mail.mail"].search([("model", "=", "res.partner")])
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertIn("2026-02-01", mails.body_html)
        self.assertIn("998.66", mails.body_html)

    def test_send_statement_button_of_the_customer_form(self):
        self._book()
        with self.assertRefused(AccessError, "Only an Atlas Bookkeeper can send statements."):
            self.customer.with_user(self.users["viewer"]).action_atlas_send_statement()
        action = self.customer.with_user(self.users["bookkeeper"]).action_atlas_send_statement()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.users["bookkeeper"])
            .with_context(**action["context"])
            .create({"kind": "outstanding", "date_to": "2026-02-28"})
        )
        self.assertEqual(wizard.partner_ids, self.customer)
        wizard.action_send()
        mail = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        self.assertIn("998.66", mail.body_html)
