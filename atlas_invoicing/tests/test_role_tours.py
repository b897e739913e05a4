from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import ROLE_GROUPS
from .tour_runner import run_tour


@tagged("post_install", "-at_install")
class TestRoleTours(HttpCase):
    """A working day of each Atlas role, clicked in a browser by a user with exactly that role
    (static/tests/tours/atlas_role_tours.js); then the books are checked as an accountant
    would: statuses, amounts, journal entries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        # The default sales tax, 15%, applied to new lines without a product (Settings); a copy
        # of the chart's, so it posts to the chart's tax account.
        cls.tax = cls.company.account_sale_tax_id.copy({"name": "Role Tour Sales Tax 15%", "amount": 15.0})
        cls.company.write({"account_sale_tax_id": cls.tax.id, "atlas_sale_tax_on_lines": True})
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.revenue = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.company.ids)], limit=1
        )
        cls.today = fields.Date.context_today(cls.env["account.move"])

    def _user(self, role):
        # In the time zone of the test's "today" (the environment user's): dates the web client
        # fills in (a batch's date) fall on the same day as the data made here, even in the hour
        # when that zone has already passed midnight and UTC has not.
        return new_test_user(
            self.env,
            login=f"role_tour_{role}",
            groups=f"base.group_user,{ROLE_GROUPS[role]}",
            company_id=self.company.id,
            company_ids=[self.company.id],
            tz=self.env.user.tz or "UTC",
        )

    def _customer(self, name):
        return self.env["res.partner"].create(
            {"name": name, "email": f"ap@{name.split()[0].lower()}.example", "customer_rank": 1}
        )

    def _invoice(self, customer, price, **values):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": self.today,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Services",
                            "account_id": self.revenue.id,
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
                **values,
            }
        )

    def _receivable_line(self, move):
        return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def _assert_payment_entry(self, payment, debit_account, credit_account):
        """The payment's posted entry moves its amount from one account to the other."""
        self.assertEqual(payment.move_id.state, "posted")
        self.assertRecordValues(
            payment.move_id.line_ids.sorted("debit", reverse=True),
            [
                {"account_id": debit_account.id, "debit": payment.amount, "credit": 0.0},
                {"account_id": credit_account.id, "debit": 0.0, "credit": payment.amount},
            ],
        )

    def test_bookkeeper_day(self):
        """Customer → invoice with the default tax → Preview → Send → two payments → Paid."""
        bookkeeper = self._user("bookkeeper")
        run_tour(self, "atlas_role_bookkeeper", login=bookkeeper.login)

        customer = self.env["res.partner"].search([("name", "=", "Harbour Lights Bakery")])
        self.assertRecordValues(customer, [{"email": "accounts@harbourlights.example", "create_uid": bookkeeper.id}])
        invoice = self.env["account.move"].search([("partner_id", "=", customer.id), ("move_type", "=", "out_invoice")])
        self.assertRecordValues(
            invoice,
            [
                {
                    "move_type": "out_invoice",
                    "create_uid": bookkeeper.id,
                    "state": "posted",
                    "atlas_status": "paid",
                    "payment_state": "paid",
                    "is_move_sent": True,
                    "amount_untaxed": 700.0,
                    "amount_tax": 105.0,
                    "amount_total": 805.0,
                    "amount_residual": 0.0,
                }
            ],
        )
        self.assertTrue(invoice.name.startswith("INV/"), invoice.name)
        # The line typed without a product got the default sales tax.
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax)

        # Its entry: Debit Receivable 805, Credit Revenue 700, Credit the tax's account 105.
        tax_account = self.tax.invoice_repartition_line_ids.filtered(lambda r: r.repartition_type == "tax").account_id
        receivable = self._receivable_line(invoice)
        self.assertRecordValues(receivable, [{"debit": 805.0, "credit": 0.0}])
        self.assertRecordValues(
            invoice.line_ids.filtered(lambda line: line.display_type == "product"),
            [{"account_id": invoice.journal_id.default_account_id.id, "debit": 0.0, "credit": 700.0}],
        )
        self.assertRecordValues(
            invoice.line_ids.filtered(lambda line: line.display_type == "tax"),
            [{"account_id": tax_account.id, "debit": 0.0, "credit": 105.0}],
        )

        # Sent by email: queued to the customer, with the invoice PDF.
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(mail.recipient_ids.mapped("email"), ["accounts@harbourlights.example"])
        self.assertEqual(mail.attachment_ids.mapped("name"), [invoice._get_invoice_report_filename()])

        # Two payments into the first bank journal, 300 by check and 505 by wire, each its entry:
        # Debit the bank account, Credit Accounts Receivable.
        payments = self.env["account.payment"].search([("invoice_ids", "in", invoice.ids)], order="id")
        self.assertRecordValues(
            payments,
            [
                {"amount": 300.0, "journal_id": self.bank.id, "state": "paid", "create_uid": bookkeeper.id},
                {"amount": 505.0, "journal_id": self.bank.id, "state": "paid", "create_uid": bookkeeper.id},
            ],
        )
        self.assertEqual(payments.mapped("payment_method_line_id.name"), ["Check", "Wire Transfer"])
        for payment in payments:
            self._assert_payment_entry(payment, self.bank.default_account_id, receivable.account_id)
        self.assertTrue(receivable.reconciled)

    def test_accountant_day(self):
        """Refund a paid invoice, export a sent one, run a batch, read the General Ledger."""
        accountant = self._user("accountant")
        refunded = self._invoice(self._customer("Granite Peak Outfitters"), 500.0)
        refunded.action_atlas_mark_sent()
        refunded.atlas_record_payment(amount=500.0, journal_id=self.bank.id, payment_method="ach")
        exported = self._invoice(self._customer("Silver Birch Studio"), 200.0)
        exported.action_atlas_mark_sent()
        product = self.env["product.product"].create(
            {"name": "Role tour managed IT", "type": "service", "list_price": 450.0, "taxes_id": [Command.clear()]}
        )
        contract_customer = self._customer("Juniper Dental Group")
        contract = self.env["contract.contract"].create(
            {
                "name": "Role tour managed IT",
                "partner_id": contract_customer.id,
                "contract_type": "sale",
                "recurring_rule_type": "monthly",
                "date_start": self.today,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Managed IT, #START# to #END#",
                            "quantity": 1,
                            "price_unit": 450.0,
                            "recurring_rule_type": "monthly",
                            "date_start": self.today,
                            "recurring_next_date": self.today,
                        }
                    )
                ],
            }
        )

        run_tour(self, "atlas_role_accountant", login=accountant.login)
        # Generate hands the batch to the cron worker, as in production; it runs here between
        # the two halves of the day.
        self.env.invalidate_all()
        batch = self.env["atlas.invoice.batch"].search([("name", "=", "Role tour monthly billing")])
        self.assertRecordValues(batch, [{"state": "running", "create_uid": accountant.id}])
        self.env["atlas.invoice.batch"]._cron_run_batches()
        run_tour(self, "atlas_role_accountant_batch_done", login=accountant.login)
        self.env.invalidate_all()

        # Refund: a credit note of the whole 500 reconciled with the invoice, and the 500 paid
        # back from the bank (Debit Receivable, Credit Bank).
        self.assertRecordValues(refunded, [{"atlas_status": "refunded", "amount_residual": 0.0}])
        credit_note = self.env["account.move"].search([("reversed_entry_id", "=", refunded.id)])
        self.assertRecordValues(
            credit_note,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "amount_total": 500.0,
                    "amount_residual": 0.0,
                    "create_uid": accountant.id,
                }
            ],
        )
        self.assertEqual(refunded.atlas_credit_note_ids, credit_note)
        [refund_payment] = refunded.atlas_refund_payment_ids
        self.assertRecordValues(
            refund_payment,
            [{"payment_type": "outbound", "amount": 500.0, "journal_id": self.bank.id, "create_uid": accountant.id}],
        )
        receivable = self._receivable_line(refunded).account_id
        self._assert_payment_entry(refund_payment, receivable, self.bank.default_account_id)
        # The customer's account is settled: invoice, payment, credit note and refund net to 0.
        partner_lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", refunded.partner_id.id),
                ("account_id", "=", receivable.id),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertAlmostEqual(sum(partner_lines.mapped("balance")), 0.0)

        # Export: the invoice is Exported, and the log keeps who, the format and the file.
        self.assertEqual(exported.atlas_status, "exported")
        log = self.env["atlas.export.log"].search([("invoice_ids", "in", exported.ids)])
        self.assertRecordValues(log, [{"export_format": "csv", "user_id": accountant.id}])
        self.assertTrue(log.attachment_id.raw)

        # The batch: done, one draft invoice of 450 for the contract's first month, and the
        # contract's next date a month later.
        self.assertRecordValues(batch, [{"state": "done", "contract_total": 1, "contract_done": 1}])
        self.assertRecordValues(
            batch.invoice_ids,
            [
                {
                    "partner_id": contract_customer.id,
                    "atlas_contract_id": contract.id,
                    "state": "draft",
                    "invoice_date": self.today,
                    "amount_total": 450.0,
                }
            ],
        )
        self.assertGreater(contract.recurring_next_date, self.today)

    def test_viewer_day(self):
        """AR Aging, P&L, Cash Flow, and a drill-down from AR Aging into the Atlas form."""
        viewer = self._user("viewer")
        customer = self._customer("Tidewater Marine Supply")
        invoice = self._invoice(
            customer,
            1234.5,
            invoice_date=self.today - timedelta(days=70),
            invoice_date_due=self.today - timedelta(days=40),
        )
        invoice.action_post()
        messages = len(invoice.message_ids)

        run_tour(self, "atlas_role_viewer", login=viewer.login)

        # What the tour read are the reports' own figures, and they tie out.
        aging = self.env["atlas.report.ar.aging"].with_user(viewer).get_report_data({"partner_ids": [customer.id]})
        [line] = [line for line in aging["lines"] if line["kind"] == "line"]
        self.assertEqual((line["values"]["b_31_60"], line["values"]["total"]), (1234.5, 1234.5))
        for report in ("atlas.report.ar.aging", "atlas.report.profit.loss", "atlas.report.cash.flow"):
            data = self.env[report].with_user(viewer).get_report_data({})
            self.assertTrue(all(check["ok"] for check in data["checks"]), (report, data["checks"]))
        # A viewer's day changes nothing.
        self.env.invalidate_all()
        self.assertRecordValues(invoice, [{"state": "posted", "atlas_status": "posted", "amount_residual": 1234.5}])
        self.assertEqual(len(invoice.message_ids), messages)
        self.assertFalse(self.env["account.move"].search([("create_uid", "=", viewer.id)]))

    def test_admin_day(self):
        """Numbering prefix HLB-, an invoice numbered with it, back to INV/, the next one INV/."""
        admin = self._user("admin")
        self._customer("Lakeside Print Shop")
        year = self.today.year
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        last_inv = self.env["account.move"].search(
            [("journal_id", "=", journal.id), ("sequence_prefix", "=", f"INV/{year}/")],
            order="sequence_number desc",
            limit=1,
        )

        run_tour(self, "atlas_role_admin", login=admin.login)

        self.env.invalidate_all()
        self.assertEqual(self.company.atlas_invoice_prefix, "INV/")
        first, second = self.env["account.move"].search(
            [("partner_id.name", "=", "Lakeside Print Shop"), ("move_type", "=", "out_invoice")], order="id"
        )
        self.assertRecordValues(
            first + second,
            [
                {"state": "posted", "atlas_status": "sent", "create_uid": admin.id, "amount_untaxed": 120.0},
                {"state": "posted", "atlas_status": "sent", "create_uid": admin.id, "amount_untaxed": 120.0},
            ],
        )
        # Each number is its series' next one: HLB-'s first, then INV/'s after the last INV/.
        self.assertEqual(first.name, f"HLB-{year}/00001")
        self.assertEqual(second.sequence_prefix, f"INV/{year}/")
        self.assertEqual(second.sequence_number, (last_inv.sequence_number or 0) + 1)
        for invoice in first + second:
            self.assertAlmostEqual(self._receivable_line(invoice).debit, invoice.amount_total)
