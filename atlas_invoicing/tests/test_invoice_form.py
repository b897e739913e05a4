from datetime import date

from odoo import Command
from odoo.tests import Form, tagged

from .common import AtlasTestCommon

ATLAS_FORM = "atlas_invoicing.view_atlas_invoice_form"


@tagged("post_install", "-at_install")
class TestInvoiceForm(AtlasTestCommon):
    """What a new invoice gets by itself in the Atlas form and over XML-RPC: the company's
    default sales tax on its lines, a due date that follows its date and payment terms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.tax = cls.company_data["default_tax_sale"]  # 15% in Odoo's test chart
        # What Settings shows: Default Sales Tax 15%, applied to new invoice lines.
        settings = cls.env["res.config.settings"].create({})
        settings.sale_tax_id = cls.tax
        settings.atlas_sale_tax_on_lines = True
        settings.execute()
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.bookkeeper = cls.users["bookkeeper"]

    def _form(self, user=None):
        moves = self.env["account.move"].with_user(user or self.bookkeeper)
        return Form(moves.with_context(default_move_type="out_invoice"), view=ATLAS_FORM)

    # -------------------------------------------------------------------------
    # Default sales tax
    # -------------------------------------------------------------------------

    def test_new_line_in_the_form_gets_the_default_sales_tax(self):
        for user in (self.bookkeeper, self.users["admin"]):
            with self.subTest(user=user.login):
                with self._form(user) as form:
                    form.partner_id = self.customer
                    form.invoice_date = date(2026, 3, 2)
                    with form.invoice_line_ids.new() as line:
                        line.name = "Network audit"
                        line.price_unit = 700.0
                        self.assertEqual(line.tax_ids[:], self.tax)
                    self.assertEqual(form.tax_totals["total_amount_currency"], 805.0)  # what the form shows
                invoice = form.record
                self.assertRecordValues(
                    invoice, [{"amount_untaxed": 700.0, "amount_tax": 105.0, "amount_total": 805.0}]
                )
                self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax)

    def test_xmlrpc_create_without_taxes_gets_the_default_sales_tax(self):
        def create(**line):
            line.update(name="Network audit", account_id=self.revenue.id, price_unit=700.0)
            return (
                self.env["account.move"]
                .with_user(self.bookkeeper)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.customer.id,
                        "invoice_line_ids": [Command.create(line)],
                    }
                )
            )

        self.assertRecordValues(create(), [{"amount_tax": 105.0, "amount_total": 805.0}])
        # An explicit empty list is a choice: an untaxed line stays untaxed.
        self.assertRecordValues(create(tax_ids=[]), [{"amount_tax": 0.0, "amount_total": 700.0}])
        self.assertRecordValues(create(tax_ids=[Command.clear()]), [{"amount_tax": 0.0, "amount_total": 700.0}])

    def test_product_taxes_still_win(self):
        # A product says its own taxes, none included: the default is for lines without one.
        untaxed = self.env["product.product"].create({"name": "Donation", "taxes_id": [Command.clear()]})
        with self._form() as form:
            form.partner_id = self.customer
            with form.invoice_line_ids.new() as line:
                line.product_id = untaxed
                line.price_unit = 700.0
        self.assertRecordValues(form.record, [{"amount_total": 700.0}])

    def test_without_the_setting_lines_keep_odoos_rule(self):
        self.company.atlas_sale_tax_on_lines = False
        with self._form() as form:
            form.partner_id = self.customer
            with form.invoice_line_ids.new() as line:
                line.name = "Network audit"
                line.price_unit = 700.0
        self.assertRecordValues(form.record, [{"amount_total": 700.0}])

    # -------------------------------------------------------------------------
    # Due date
    # -------------------------------------------------------------------------

    def test_due_date_follows_the_invoice_date_of_a_draft(self):
        with self._form() as form:
            form.partner_id = self.customer  # no payment terms: due on the invoice date
            form.invoice_date = date(2027, 1, 1)
            with form.invoice_line_ids.new() as line:
                line.name = "Network audit"
                line.price_unit = 700.0
            self.assertEqual(form.invoice_date_due, date(2027, 1, 1))
        invoice = form.record
        self.assertEqual(invoice.invoice_date_due, date(2027, 1, 1))

        with Form(invoice.with_user(self.bookkeeper), view=ATLAS_FORM) as form:
            form.invoice_date = date(2027, 2, 15)
            self.assertEqual(form.invoice_date_due, date(2027, 2, 15))
        self.assertEqual(invoice.invoice_date_due, date(2027, 2, 15))

        # With payment terms (here the customer's), the due date is the terms' from the invoice date.
        net30 = self.env.ref("account.account_payment_term_30days")
        self.customer.property_payment_term_id = net30
        with Form(invoice.with_user(self.bookkeeper), view=ATLAS_FORM) as form:
            form.partner_id = self.env["res.partner"]
            form.partner_id = self.customer
            self.assertEqual(form.invoice_payment_term_id, net30)
            form.invoice_date = date(2027, 3, 1)
        self.assertRecordValues(invoice, [{"invoice_payment_term_id": net30.id, "invoice_date_due": date(2027, 3, 31)}])
        invoice.action_post()
        receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(receivable.date_maturity, date(2027, 3, 31))

        # Back to no payment terms: due on the invoice date again (reset by the Accountant).
        invoice.with_user(self.users["accountant"]).button_draft()
        with Form(invoice.with_user(self.bookkeeper), view=ATLAS_FORM) as form:
            form.invoice_payment_term_id = self.env["account.payment.term"]
        self.assertEqual(invoice.invoice_date_due, date(2027, 3, 1))

    def test_xmlrpc_write_of_the_invoice_date_moves_the_due_date(self):
        invoice = self._create_invoice(price=700.0)
        invoice.with_user(self.bookkeeper).write({"invoice_date": "2027-01-01"})
        self.assertEqual(invoice.invoice_date_due, date(2027, 1, 1))
        invoice.action_post()
        receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(receivable.date_maturity, date(2027, 1, 1))

    def test_a_due_date_given_with_the_invoice_date_stays_until_the_date_changes(self):
        # An import says when its invoices are due: that choice stays...
        invoice = self._create_invoice(price=700.0, invoice_date="2027-01-01", invoice_date_due="2027-01-20")
        self.assertEqual(invoice.invoice_date_due, date(2027, 1, 20))
        invoice.write({"invoice_date": "2027-01-05", "invoice_date_due": "2027-01-25"})
        self.assertEqual(invoice.invoice_date_due, date(2027, 1, 25))
        # ...until the invoice date changes alone: then the due date follows it.
        invoice.write({"invoice_date": "2027-02-01"})
        self.assertEqual(invoice.invoice_date_due, date(2027, 2, 1))
