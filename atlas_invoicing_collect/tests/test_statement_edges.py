"""Statements of a customer with a credit note, a partial payment and an invoice in a foreign
currency whose rate changed before the statement's date: the statement's balances tie to AR
Aging to the cent, and the activity statement's closing balance is its opening balance plus
the period's invoices, less its payments and credit notes. The expected figures are the
customer's receivable journal items', in the company's currency at their booked rates."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestStatementEdges(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.usd = cls.company.currency_id
        # 2 EUR a dollar in January, 1.6 from 15 February: the euro invoice's 400 EUR were
        # booked at 200.00 and would be worth 250.00 at the statement's date.
        cls.eur = cls.setup_other_currency("EUR", rates=[("2026-01-01", 2.0), ("2026-02-15", 1.6)])
        tax = cls.company_data["default_tax_sale"]  # 15%
        cls.a = cls._posted("2026-01-10", 1000.0)
        cls.euro = cls._posted("2026-01-20", 400.0, currency=cls.eur)
        cls.b = cls._posted("2026-02-05", 433.33, taxes=tax)  # 498.33 with tax
        cls.a.atlas_record_payment(amount=400.0, date="2026-02-10", payment_method="check")
        cls.refund = cls.b._reverse_moves([{"invoice_date": "2026-02-20", "date": "2026-02-20"}])
        cls.refund.invoice_line_ids.price_unit = 86.67  # 99.67 with tax
        cls.refund.action_post()

    @classmethod
    def _posted(cls, date, price, currency=None, taxes=None):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": date,
                "invoice_payment_term_id": False,
                "currency_id": (currency or cls.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Work",
                            "account_id": cls.company_data["default_account_revenue"].id,
                            "price_unit": price,
                            "tax_ids": [Command.set(taxes.ids if taxes else [])],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    # -------------------------------------------------------------------------
    # The customer's journal items
    # -------------------------------------------------------------------------

    def _items(self, date_from=None, date_to=None):
        domain = [
            ("partner_id", "=", self.customer.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("company_id", "=", self.company.id),
        ]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        return self.env["account.move.line"].search(domain)

    def _balance(self, date_to):
        return round(sum(self._items(date_to=date_to).mapped("balance")), 2)

    def _activity(self, date_from, date_to):
        """(opening, invoices, payments, credit notes) of the period, from the journal items."""
        opening = self._balance(fields.Date.subtract(fields.Date.to_date(date_from), days=1))
        period = self._items(date_from, date_to)
        invoices = period.filtered(lambda line: line.move_id.move_type == "out_invoice")
        refunds = period.filtered(lambda line: line.move_id.move_type == "out_refund")
        payments = period.filtered(lambda line: line.move_id.origin_payment_id)
        self.assertEqual(invoices | refunds | payments, period, "every item of the period is one of the three")
        return (
            opening,
            round(sum(invoices.mapped("balance")), 2),
            round(-sum(payments.mapped("balance")), 2),
            round(-sum(refunds.mapped("balance")), 2),
        )

    def _aging_total(self, as_of):
        data = self.env["atlas.report.ar.aging"].get_report_data(
            {"as_of_date": as_of, "partner_ids": self.customer.ids, "details": True}
        )
        return data["totals"]["total"], data

    def test_the_euro_invoice_stays_at_its_booked_rate(self):
        receivable = self.euro.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        self.assertEqual((receivable.amount_currency, receivable.balance), (400.0, 200.0))
        self.assertEqual(self.eur._convert(400.0, self.usd, self.company, "2026-02-28"), 250.0)
        total, data = self._aging_total("2026-02-28")
        self.assertEqual(total, self._balance("2026-02-28"))
        [euro_line] = [line for line in data["lines"] if line["label"] == self.euro.name]
        self.assertEqual(euro_line["values"]["total"], 200.0)

    def test_outstanding_statement_ties_to_ar_aging(self):
        for as_of in ("2026-01-15", "2026-01-31", "2026-02-12", "2026-02-28"):
            expected = self._balance(as_of)
            total, _data = self._aging_total(as_of)
            self.assertEqual(total, expected, as_of)
            [statement] = self.customer._atlas_statements("outstanding", date_to=as_of)
            self.assertEqual(statement["closing_balance"], expected, f"outstanding statement on {as_of}")
        self.assertEqual(self._balance("2026-02-28"), round(1000.0 + 200.0 + 498.33 - 400.0 - 99.67, 2))

    def test_activity_statement_opening_plus_movements_is_closing(self):
        opening, invoices, payments, credit_notes = self._activity("2026-02-01", "2026-02-28")
        self.assertEqual((opening, invoices, payments, credit_notes), (1200.0, 498.33, 400.0, 99.67))
        closing = round(opening + invoices - payments - credit_notes, 2)
        self.assertEqual(closing, self._balance("2026-02-28"))
        [statement] = self.customer._atlas_statements("activity", "2026-02-01", "2026-02-28")
        self.assertEqual((statement["opening_balance"], statement["closing_balance"]), (opening, closing))
        self.assertEqual(statement["closing_balance"], self._aging_total("2026-02-28")[0])
        # January: the euro invoice is one of the period's invoices, at its booked 200.00.
        opening, invoices, payments, credit_notes = self._activity("2026-01-01", "2026-01-31")
        self.assertEqual((opening, invoices, payments, credit_notes), (0.0, 1200.0, 0.0, 0.0))
        [statement] = self.customer._atlas_statements("activity", "2026-01-01", "2026-01-31")
        self.assertEqual((statement["opening_balance"], statement["closing_balance"]), (0.0, 1200.0))

    def test_a_euro_payment_at_the_new_rate(self):
        # 100 EUR paid on 20 February at 1.6: 62.50 received for 50.00 booked, an exchange
        # difference of 12.50 on the receivable account.
        self.euro.atlas_record_payment(amount=100.0, date="2026-02-20", payment_method="wire")
        period = self._items("2026-02-01", "2026-02-28")
        exchange = period.filtered(
            lambda line: line.move_id.move_type == "entry" and not line.move_id.origin_payment_id
        )
        self.assertEqual(round(sum(exchange.mapped("balance")), 2), 12.5)
        payment = period.filtered(lambda line: line.move_id.origin_payment_id and line.currency_id == self.eur)
        self.assertEqual(payment.balance, -62.5)
        closing = round(1200.0 + 498.33 - 400.0 - 62.5 - 99.67 + 12.5, 2)
        self.assertEqual(self._balance("2026-02-28"), closing)
        self.assertEqual(self._aging_total("2026-02-28")[0], closing)
        for kind in ("outstanding", "activity"):
            [statement] = self.customer._atlas_statements(kind, "2026-02-01", "2026-02-28")
            self.assertEqual(statement["closing_balance"], closing, kind)
            self.assertEqual(statement["buckets"]["Total"], closing, kind)
            self.assertEqual(statement["currencies"]["EUR"]["closing_balance"], 300.0, kind)
        self.assertEqual(statement["opening_balance"], 1200.0)
        # March opens where February closed, in each currency.
        [march] = self.customer._atlas_statements("activity", "2026-03-01", "2026-03-31")
        self.assertEqual((march["opening_balance"], march["closing_balance"]), (closing, closing))
        self.assertEqual(march["currencies"]["EUR"], {"opening_balance": 300.0, "closing_balance": 300.0})

    def test_each_currency_as_the_customer_reads_it(self):
        # The PDF has a section per currency, each in its own: the dollars, and the euros owed.
        [statement] = self.customer._atlas_statements("outstanding", date_to="2026-02-28")
        self.assertEqual(
            statement["currencies"],
            {
                "USD": {"opening_balance": False, "closing_balance": 998.66},
                "EUR": {"opening_balance": False, "closing_balance": 400.0},
            },
        )
        self.customer.with_user(self.users["bookkeeper"]).atlas_send_statement("outstanding", date_to="2026-02-28")
        mail = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        self.assertIn("998.66", mail.body_html)
        self.assertIn("400.00", mail.body_html)

    def test_monthly_statement_of_another_company_in_its_name(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        company_b.email = "ar@company-b.example"
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": company_b.id,
                "partner_id": self.customer.id,
                "invoice_date": "2026-02-10",
                "invoice_payment_term_id": False,
                "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 75.0, "tax_ids": []})],
            }
        )
        invoice.action_post()
        self.customer.atlas_statement_monthly = True
        with freeze_time("2026-03-01 06:00:00"):
            self.env["res.partner"]._atlas_cron_send_monthly_statements()
        mails = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        by_subject = {mail.subject: mail for mail in mails}
        self.assertEqual(
            sorted(by_subject),
            sorted([f"Statement of account from {self.company.name}", "Statement of account from Company B"]),
        )
        mail_b = by_subject["Statement of account from Company B"]
        self.assertEqual(mail_b.email_from, '"Company B" <ar@company-b.example>')
        self.assertIn("Company B", mail_b.body_html)
        self.assertIn("75.00", mail_b.body_html)
        self.assertNotIn("998.66", mail_b.body_html)


@tagged("post_install", "-at_install")
class TestStatementBranches(AtlasTestCommon):
    """A parent company's statement reads its branches' items, as its AR Aging does; a
    branch's reads its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.branch = cls.env["res.company"].create(
            {"name": "Atlas Branch", "parent_id": cls.company.id, "country_id": cls.company.country_id.id}
        )
        cls.cr.precommit.run()  # the branch's accounting setup
        cls.env.user.company_ids |= cls.branch
        for company, price in ((cls.company, 100.0), (cls.branch, 700.0)):
            invoice = (
                cls.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "company_id": company.id,
                        "partner_id": cls.customer.id,
                        "invoice_date": "2026-02-01",
                        "invoice_payment_term_id": False,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Work",
                                    "account_id": cls.company_data["default_account_revenue"].id,
                                    "price_unit": price,
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                )
            )
            invoice.action_post()

    def _receivable(self, companies):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("company_id", "in", companies.ids),
            ]
        )
        return round(sum(lines.mapped("balance")), 2)

    def test_the_parent_statement_counts_its_branch(self):
        companies = self.company | self.branch
        Partner = self.env["res.partner"].with_context(allowed_company_ids=companies.ids)
        for kind in ("outstanding", "activity"):
            [statement] = Partner.browse(self.customer.id)._atlas_statements(kind, "2026-02-01", "2026-02-28")
            self.assertEqual(statement["closing_balance"], self._receivable(companies), kind)
            self.assertEqual(statement["closing_balance"], 800.0, kind)
            self.assertEqual(statement["currencies"]["USD"]["closing_balance"], 800.0, kind)
            self.assertEqual(statement["buckets"]["Total"], 800.0, kind)

    def test_the_branch_statement_is_its_own(self):
        Partner = self.env["res.partner"].with_context(allowed_company_ids=self.branch.ids)
        for kind in ("outstanding", "activity"):
            [statement] = Partner.browse(self.customer.id)._atlas_statements(kind, "2026-02-01", "2026-02-28")
            self.assertEqual(statement["closing_balance"], self._receivable(self.branch), kind)
            self.assertEqual(statement["currencies"]["USD"]["closing_balance"], 700.0, kind)

    def test_the_monthly_statement_is_sent_once_by_the_parent(self):
        self.customer.atlas_statement_monthly = True
        with freeze_time("2026-03-01 06:00:00"):
            self.env["res.partner"]._atlas_cron_send_monthly_statements()
        mail = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, f"Statement of account from {self.company.name}")
        self.assertIn("800.00", mail.body_html)
