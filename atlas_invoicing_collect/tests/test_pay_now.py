"""Pay now: the invoice email links the invoice in Odoo's customer portal, where the customer
sees the Atlas PDF and pays online through Odoo's payment flow (the Demo provider here)."""

import json
import re

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CollectTestCommon


@tagged("post_install", "-at_install")
class TestPayNow(CollectTestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.company_data["default_tax_sale"]  # 15% in Odoo's test chart
        cls.receivable = cls.company_data["default_account_receivable"]

    def _sent_invoice(self, price=200.0, partner=None):
        invoice = self._create_invoice(price=price, taxes=self.tax, partner=partner)
        invoice.with_user(self.users["bookkeeper"]).atlas_send("email")
        return invoice

    def _email_links(self, invoice):
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(len(mail), 1)
        links = dict(
            re.findall(r'<a [^>]*href="([^"]+)"[^>]*>\s*(Pay now|View the invoice online)\s*</a>', mail.body_html)
        )
        return {label: url.replace("&amp;", "&") for url, label in links.items()}

    def _pay_online(self, invoice, amount=None):
        """What the portal's payment form does with the Demo provider, as the customer who
        followed the email's link (not logged in): create the transaction for the invoice,
        have the provider confirm it, then the status page's poll post-processes it."""
        self.authenticate(None, None)
        token = invoice._portal_ensure_token()
        processing = self.make_jsonrpc_request(
            f"/invoice/transaction/{invoice.id}",
            {
                "access_token": token,
                "provider_id": self.provider.id,
                "payment_method_id": self.demo_method.id,
                "token_id": None,
                "amount": amount or invoice.amount_residual,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": invoice.get_portal_url(),
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": processing["reference"], "payment_details": "4242", "simulated_state": "done"},
        )
        status = self.make_jsonrpc_request("/payment/status/poll", {})
        self.assertEqual(status.get("state"), "done", status)
        invoice.invalidate_recordset()
        return self.env["payment.transaction"].search([("reference", "=", processing["reference"])])

    def test_invoice_email_links_the_portal_with_pay_now(self):
        invoice = self._sent_invoice()
        links = self._email_links(invoice)
        self.assertIn(
            f"/my/invoices/{invoice.id}?access_token={invoice.access_token}", links["View the invoice online"]
        )
        self.assertIn(
            f"/my/invoices/{invoice.id}?access_token={invoice.access_token}&payment=True#portal_pay", links["Pay now"]
        )
        # The link opens the invoice without logging in, with Odoo's Pay Now.
        page = self.url_open(self._path(links["View the invoice online"]))
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice.name, page.text)
        self.assertIn("Pay Now", page.text)

    def test_invoice_email_has_one_pay_now_and_one_view_link(self):
        # Odoo's notification layout adds its own "View Invoice" button for the customer; the
        # Atlas email already has its pair, so the customer gets two links only.
        invoice = self._sent_invoice()
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        hrefs = re.findall(r'<a [^>]*href="([^"]+)"', mail.body_html)
        to_invoice = [href for href in hrefs if "/mail/view" in href or f"/my/invoices/{invoice.id}" in href]
        self.assertEqual(len(to_invoice), 2, to_invoice)
        self.assertNotIn("View Invoice", mail.body_html)
        self.assertEqual(sorted(self._email_links(invoice)), ["Pay now", "View the invoice online"])

    def test_paid_invoice_email_has_no_pay_now(self):
        invoice = self._create_invoice(price=100.0)
        invoice.action_post()
        invoice.atlas_record_payment(amount=100.0, payment_method="check")
        invoice.with_user(self.users["bookkeeper"]).atlas_send("email")
        self.assertEqual(list(self._email_links(invoice)), ["View the invoice online"])

    def test_portal_shows_and_downloads_the_atlas_pdf_with_its_mark(self):
        invoice = self._sent_invoice(price=200.0)
        invoice.atlas_record_payment(amount=100.0, payment_method="check")
        self.assertEqual(invoice.atlas_status, "partial")
        for query in ("report_type=pdf&download=true", "report_type=pdf", "report_type=html"):
            response = self.url_open(f"{invoice.get_portal_url()}&{query}")
            self.assertEqual(response.status_code, 200, query)
            # Odoo's test mode renders a PDF report as its HTML: the Atlas invoice's own markup.
            self.assertIn("atlas-invoice-mark", response.text, query)
            self.assertIn("PARTIALLY PAID", response.text, query)
            self.assertIn(invoice.name, response.text, query)
        download = self.url_open(f"{invoice.get_portal_url()}&report_type=pdf&download=true")
        self.assertIn(invoice.name.replace("/", "_"), download.headers["Content-Disposition"])

    def test_another_customers_invoice_or_a_guessed_token_is_not_found(self):
        invoice = self._sent_invoice()
        other = self.env["res.partner"].create({"name": "Contoso", "email": "ap@contoso.example"})
        mine = self._sent_invoice(partner=other)
        portal_user = new_test_user(
            self.env, login="contoso_portal", groups="base.group_portal", partner_id=other.id, password="contoso_portal"
        )
        guessed = "0" * 8 + invoice.access_token[8:]
        for url in (
            f"/my/invoices/{invoice.id}?access_token={guessed}",
            f"/my/invoices/{invoice.id}?access_token={guessed}&report_type=pdf&download=true",
            f"/my/invoices/{invoice.id}?access_token={mine.access_token}",
        ):
            self.assertEqual(self.url_open(url, allow_redirects=False).status_code, 404, url)
        self.authenticate(portal_user.login, "contoso_portal")
        self.assertEqual(self.url_open(f"/my/invoices/{mine.id}").status_code, 200)
        for url in (f"/my/invoices/{invoice.id}", f"/my/invoices/{invoice.id}?report_type=pdf&download=true"):
            self.assertEqual(self.url_open(url, allow_redirects=False).status_code, 404, url)
        self.assertEqual(invoice.atlas_status, "sent")

    def test_online_payment_pays_the_invoice_as_a_card_payment(self):
        invoice = self._sent_invoice(price=200.0)  # 230.00 with tax
        tx = self._pay_online(invoice)

        self.assertEqual(tx.state, "done")
        self.assertRecordValues(invoice, [{"payment_state": "paid", "atlas_status": "paid", "amount_residual": 0.0}])
        payment = tx.payment_id
        self.assertRecordValues(
            payment,
            [{"state": "paid", "amount": 230.0, "partner_id": self.customer.id, "journal_id": self.bank_journal.id}],
        )
        self.assertEqual(payment.payment_method_line_id.payment_method_id.code, "atlas_card")
        self.assertEqual(payment.payment_method_line_id.name, "Credit Card")
        self.assertEqual(
            sorted((line.account_id, line.debit, line.credit) for line in payment.move_id.line_ids),
            sorted([(self.bank_journal.default_account_id, 230.0, 0.0), (self.receivable, 0.0, 230.0)]),
        )
        self.assertIn(payment, invoice._get_reconciled_payments())
        # The invoice's chatter says which transaction paid it.
        self.assertTrue(any(tx.reference in body for body in invoice.message_ids.mapped("body")))
        # The Cash Flow Statement files the money under Credit Card, on the payment's date.
        today = fields.Date.context_today(invoice)
        data = self.env["atlas.report.cash.flow"].get_report_data(
            {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()}
        )
        receipts = {line["label"]: line["values"]["total"] for line in data["lines"] if line["parent"] == "receipts"}
        self.assertEqual(receipts, {"Credit Card": 230.0})

    def test_partial_online_payment_leaves_the_rest_due(self):
        invoice = self._sent_invoice(price=200.0)
        self._pay_online(invoice, amount=80.0)
        self.assertRecordValues(invoice, [{"atlas_status": "partial", "amount_residual": 150.0}])

    def _call(self, user, model, method, *args, **kwargs):
        """A call of the web client, as ``user`` (Odoo signs a payment link in a request)."""
        self.authenticate(user.login, user.login)
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        ).json()
        if "error" in response:
            raise UserError(response["error"]["data"]["message"])
        return response["result"]

    def test_payment_link_pays_at_most_the_amount_due(self):
        # Like sending the invoice (whose email carries Pay now), a Bookkeeper's; the Viewer only reads.
        invoice = self._sent_invoice(price=200.0)
        context = {"active_model": "account.move", "active_id": invoice.id, "active_ids": invoice.ids}
        fields_list = ["res_model", "res_id", "amount", "amount_max", "currency_id", "partner_id"]
        bookkeeper = self.users["bookkeeper"]
        defaults = self._call(bookkeeper, "payment.link.wizard", "default_get", fields_list, context=context)
        values = {name: defaults[name] for name in fields_list}
        self.assertEqual((values["amount"], values["amount_max"]), (230.0, 230.0))
        with self.assertRaisesRegex(UserError, "You are not allowed to create 'Generate Payment Link'"):
            self._call(self.users["viewer"], "payment.link.wizard", "create", values)
        links = {}
        for amount in (230.0, 100.0, 230.01, 0.0):
            wizard_id = self._call(bookkeeper, "payment.link.wizard", "create", dict(values, amount=amount))
            [links[amount]] = self._call(
                bookkeeper, "payment.link.wizard", "read", [wizard_id], ["link", "warning_message"]
            )
        self.assertIn(f"/my/invoices/{invoice.id}?access_token=", links[230.0]["link"])
        self.assertIn("amount=230.0", links[230.0]["link"])
        self.assertIn("amount=100.0", links[100.0]["link"])
        self.assertFalse(links[230.01]["link"])
        self.assertIn("Please set an amount lower than", links[230.01]["warning_message"])
        self.assertFalse(links[0.0]["link"])


@tagged("post_install", "-at_install")
class TestPayNowTour(CollectTestCommon, HttpCase):
    def test_customer_pays_from_the_email_link(self):
        invoice = self._create_invoice(price=230.0)
        invoice.with_user(self.users["bookkeeper"]).atlas_send("email")
        pay_url = invoice._atlas_email_payment_links()["pay"]
        self.start_tour(self._path(pay_url).split("#")[0], "atlas_collect_pay_now")
        invoice.invalidate_recordset()
        self.assertRecordValues(invoice, [{"payment_state": "paid", "atlas_status": "paid", "amount_residual": 0.0}])
        self.assertEqual(invoice.transaction_ids.state, "done")
        self.assertEqual(invoice._get_reconciled_payments().payment_method_line_id.name, "Credit Card")
