from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import html2plaintext

from .common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestInvoiceSend(AtlasTestCommon):
    """Send Invoice posts the draft (Debit Receivable / Credit Revenue and Tax) and delivers it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.company_data["default_tax_sale"]  # 15% in Odoo's test chart
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.receivable = cls.company_data["default_account_receivable"]

    def _ledger(self, invoice):
        return sorted(
            (line.account_id.id, line.debit, line.credit) for line in invoice.line_ids if line.debit or line.credit
        )

    def test_email_posts_the_journal_entry_and_queues_the_email(self):
        invoice = self._create_invoice(price=200.0, taxes=self.tax)
        bookkeeper = self.users["bookkeeper"]
        result = invoice.with_user(bookkeeper).atlas_send("email")

        self.assertRecordValues(invoice, [{"state": "posted", "atlas_status": "sent", "amount_total": 230.0}])
        self.assertTrue(invoice.name.startswith("INV/2026/"))
        tax_account = self.tax.invoice_repartition_line_ids.account_id
        self.assertEqual(
            self._ledger(invoice),
            sorted([(self.receivable.id, 230.0, 0.0), (self.revenue.id, 0.0, 200.0), (tax_account.id, 0.0, 30.0)]),
        )
        self.assertEqual(result["invoices"][0]["status"], "sent")

        # The email waits in Odoo's queue, to the customer, with the invoice PDF attached.
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.subject, f"Invoice {invoice.name} from {invoice.company_id.name}")
        self.assertEqual(mail.attachment_ids.mapped("name"), [invoice._get_invoice_report_filename()])
        self.assertEqual(invoice.invoice_pdf_report_id.name, invoice._get_invoice_report_filename())
        self.assertEqual(invoice.atlas_delivery_state, "queued")

    def test_download_posts_and_logs_the_delivery(self):
        invoice = self._create_invoice(price=100.0)
        result = invoice.with_user(self.users["bookkeeper"]).atlas_send("download")
        self.assertRecordValues(invoice, [{"state": "posted", "atlas_status": "sent"}])
        self.assertTrue(result["pdf"]["content"])
        self.assertEqual(result["pdf"]["filename"], invoice._get_invoice_report_filename())
        self.assertIn("downloaded as PDF", invoice.message_ids[0].body)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)]))

    def test_email_says_the_due_date_of_the_invoice_date_and_terms(self):
        # Issued in the future, without payment terms: due on its own date, not the day it was made.
        invoice = self._create_invoice(price=100.0, invoice_date="2027-01-01")
        invoice.atlas_send("email")
        self.assertEqual(invoice.invoice_date_due, date(2027, 1, 1))
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertIn("It is due on <strong>01/01/2027</strong>", mail.body_html)

    def test_customer_without_email_changes_nothing(self):
        no_email = self.env["res.partner"].create({"name": "Silent Partner Ltd"})
        invoice = self._create_invoice(price=100.0, partner=no_email)
        with self.assertRefused(UserError, "Customer Silent Partner Ltd has no email address"):
            invoice.atlas_send("email")
        self.assertRecordValues(invoice, [{"state": "draft", "atlas_status": "draft", "is_move_sent": False}])
        self.assertFalse(invoice.line_ids.filtered(lambda line: line.parent_state == "posted"))

    def test_customer_without_email_is_named_and_the_email_typed_is_saved_on_it(self):
        no_email = self.env["res.partner"].create({"name": "Silent Partner Ltd"})
        invoice = self._create_invoice(price=100.0, partner=no_email)
        dialog = (
            self.env["atlas.invoice.send"]
            .with_user(self.users["bookkeeper"])
            .with_context(active_model="account.move", active_ids=invoice.ids)
        )
        send = Form(dialog)
        # Not offered as a recipient, where Odoo's email tags would open "Edit: Silent Partner
        # Ltd" unexplained: the dialog names the customer and asks for the email instead.
        self.assertEqual(send.partner_without_email_id, no_email)
        self.assertFalse(send.partner_ids)
        send.partner_email = "not an email"
        with self.assertRefused(UserError, "“not an email” is not a valid email address. Correct the email of Silent"):
            send.save().action_send()
        self.assertRecordValues(invoice, [{"state": "draft", "atlas_status": "draft"}])
        self.assertFalse(no_email.email)

        send = Form(dialog)  # the refused send was undone, dialog included
        send.partner_email = "ap@silent.example"
        send.save().action_send()

        self.assertEqual(no_email.email, "ap@silent.example")
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(mail.recipient_ids, no_email)
        self.assertEqual(invoice.atlas_status, "sent")

    def test_chatter_tracks_what_a_person_cares_about(self):
        invoice = self._create_invoice(price=100.0)
        self.env.cr.precommit.run()  # the draft is saved: what follows is tracked, as in the next request
        # Tracked as in the web client (Odoo's test classes turn tracking off).
        tracking = {"tracking_disable": False, "mail_notrack": False}
        invoice.with_user(self.users["bookkeeper"]).with_context(**tracking).atlas_send("email")
        self.env.cr.precommit.run()
        tracked = {value.field_id.name: value for value in invoice.message_ids.tracking_value_ids}
        # Draft → Sent, and Odoo's Draft → Posted, in words.
        self.assertEqual(tracked["atlas_status"].new_value_char, "Sent")
        self.assertEqual(tracked["state"].new_value_char, "Posted")
        # Not Odoo's flags and the reference it fills in on posting ("No → Yes (Is Move Sent)").
        for machinery in ("checked", "is_move_sent", "payment_reference"):
            self.assertNotIn(machinery, tracked)
        # A reference a person changes afterwards is theirs: tracked.
        invoice.with_context(**tracking).payment_reference = "PO-2026-118"
        self.env.cr.precommit.run()
        [changed] = invoice.message_ids.tracking_value_ids.filtered(lambda v: v.field_id.name == "payment_reference")
        self.assertEqual((changed.old_value_char, changed.new_value_char), (invoice.name, "PO-2026-118"))
        # Odoo's own users, without an Atlas role, keep Odoo's tracking of its flags.
        other = self._create_invoice(price=40.0)
        other.action_post()
        self.env.cr.precommit.run()
        other.with_user(self.users["billing"]).with_context(**tracking).is_move_sent = True
        self.env.cr.precommit.run()
        self.assertIn("is_move_sent", other.message_ids.tracking_value_ids.field_id.mapped("name"))

    def test_dialog_shows_the_email_before_it_is_sent(self):
        self._create_invoice(price=5.0)  # Odoo numbers the first draft of a journal at once
        invoice = self._create_invoice(price=100.0)
        self.assertEqual(invoice.name, "/")
        wizard = (
            self.env["atlas.invoice.send"]
            .with_user(self.users["bookkeeper"])
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        preview = " ".join(html2plaintext(wizard.body).split())
        self.assertIn(
            f"Dear {self.customer.name}, Please find attached invoice *(number given on sending)* for *$ 100.00*",
            preview.replace("\xa0", " "),
        )
        wizard.action_send()
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertIn(f"Please find attached invoice <strong>{invoice.name}</strong>", mail.body_html)

    def test_recipients_are_editable(self):
        invoice = self._create_invoice(price=100.0)
        wizard = (
            self.env["atlas.invoice.send"]
            .with_user(self.users["bookkeeper"])
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        self.assertEqual(wizard.partner_ids, self.customer)
        accounts_payable = self.env["res.partner"].create({"name": "AP Desk", "email": "ap@northwind.example"})
        wizard.partner_ids = accounts_payable
        wizard.action_send()
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(mail.recipient_ids, accounts_payable)
        self.assertEqual(invoice.atlas_status, "sent")

    def test_xmlrpc_recipients_by_email(self):
        invoice = self._create_invoice(price=100.0)
        invoice.atlas_send("email", recipients=["billing@elsewhere.example"])
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(mail.recipient_ids.email, "billing@elsewhere.example")

    def test_bad_input_changes_nothing(self):
        invoice = self._create_invoice(price=100.0)
        with self.assertRefused(UserError, "Unknown delivery method"):
            invoice.atlas_send("fax")
        with self.assertRefused(UserError, "not a valid email address"):
            invoice.atlas_send("email", recipients=["not-an-email"])
        invoice.button_cancel()
        with self.assertRefused(UserError, "is cancelled"):
            invoice.atlas_send("email")
        self.assertEqual(invoice.atlas_status, "cancelled")

    def test_viewer_cannot_send(self):
        invoice = self._create_invoice(price=100.0)
        with self.assertRaises(AccessError):
            invoice.with_user(self.users["viewer"]).atlas_send("download")
        self.assertEqual(invoice.state, "draft")

    def test_print_many_gives_one_document(self):
        invoices = self._create_invoice(price=10.0) + self._create_invoice(price=20.0)
        invoices.action_atlas_mark_sent()
        action = invoices.action_atlas_preview_pdf()
        ids = ",".join(map(str, invoices.ids))
        self.assertEqual(action["url"], f"/report/pdf/atlas_invoicing.report_atlas_invoice/{ids}")
