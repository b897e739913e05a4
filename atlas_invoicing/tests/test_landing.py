from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools.safe_eval import safe_eval

from . import test_invoice_screens
from .common import ROLE_GROUPS, AtlasTestCommon

ROLES = ("viewer", "bookkeeper", "accountant", "admin")


def _odoo_billing_user(env, login):
    """Odoo's own Billing user: no Atlas role, so Odoo's screens as Odoo made them."""
    return new_test_user(
        env,
        login=login,
        groups="base.group_user,account.group_account_invoice",
        company_id=env.company.id,
        company_ids=[env.company.id],
    )


@tagged("post_install", "-at_install")
class TestLanding(AtlasTestCommon):
    """Where a user lands on a customer invoice or credit note from Odoo's own links: the Atlas
    form for every Atlas role, Odoo's form for a user without one (and for other entries)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.atlas_form = cls.env.ref("atlas_invoicing.view_atlas_invoice_form")
        cls.odoo_form = cls.env.ref("account.view_move_form")
        cls.odoo_user = cls.users["billing"]
        cls.invoice = cls._create_invoice_cls(price=100.0)
        cls.invoice.action_atlas_mark_sent()
        cls.payment = cls.env["account.payment"].browse(cls.invoice.atlas_record_payment(amount=40.0)["payment_id"])
        cls.credit_note = cls._create_invoice_cls(price=30.0, move_type="out_refund")
        cls.credit_note.action_post()

    @classmethod
    def _create_invoice_cls(cls, price, **values):
        return cls.env["account.move"].create({**cls._invoice_vals(cls, price=price), **values})

    def _assert_atlas_form(self, action, record, what):
        path = "atlas-credit-notes" if record.move_type == "out_refund" else "atlas-invoices"
        self.assertEqual(
            (action["res_model"], action.get("res_id"), action["views"], action.get("path")),
            ("account.move", record.id, [(self.atlas_form.id, "form")], path),
            what,
        )

    def _assert_odoo_default_form(self, action, record, what):
        self.assertEqual(
            (action["res_model"], action.get("res_id"), action["views"]),
            ("account.move", record.id, [(False, "form")]),
            what,
        )

    # --- links ------------------------------------------------------------------------------

    def test_a_link_to_the_entry_opens_the_atlas_form_for_atlas_roles(self):
        """A many2one link (a journal item's or a payment's Journal Entry, a report's link): the
        web client asks the record for get_formview_action, its dialogs for get_formview_id."""
        for role in ROLES:
            for document in (self.invoice, self.credit_note):
                record = document.with_user(self.users[role])
                self._assert_atlas_form(record.get_formview_action(), document, role)
                self.assertEqual(record.get_formview_id(), self.atlas_form.id, role)
        for document in (self.invoice, self.credit_note):
            record = document.with_user(self.odoo_user)
            self._assert_odoo_default_form(record.get_formview_action(), document, "no Atlas role")
            self.assertFalse(record.get_formview_id())
        # The payment's own entry is not an invoice: Odoo's form for everyone.
        viewer = self.users["viewer"]
        self.assertFalse(self.payment.move_id.with_user(viewer).get_formview_id())

    def test_a_journal_item_opens_the_atlas_form_and_a_payment_item_its_payment(self):
        """The Journal Entry cell of a journal item (a P&L or General Ledger drill-down's list)."""
        for role in ROLES:
            item = self.invoice.line_ids[0].with_user(self.users[role])
            self._assert_atlas_form(item.action_open_business_doc(), self.invoice, role)
            self._assert_atlas_form(
                self.invoice.with_user(self.users[role]).action_open_business_doc(), self.invoice, role
            )
            action = self.payment.move_id.line_ids[0].with_user(self.users[role]).action_open_business_doc()
            self.assertEqual((action["res_model"], action["res_id"]), ("account.payment", self.payment.id))
        action = self.invoice.line_ids[0].with_user(self.odoo_user).action_open_business_doc()
        self._assert_odoo_default_form(action, self.invoice, "no Atlas role")

    def test_the_customers_invoiced_button_lists_its_documents_in_the_atlas_list(self):
        atlas_list = self.env.ref("atlas_invoicing.view_atlas_invoice_list")
        for role in ROLES:
            action = self.customer.with_user(self.users[role]).action_view_partner_invoices()
            self.assertEqual((action["path"], action["name"]), ("atlas-invoices", "Invoices and Credit Notes"), role)
            self.assertEqual([view for view, _mode in action["views"]], [atlas_list.id, self.atlas_form.id], role)
            self.assertEqual(self.env["account.move"].search(action["domain"]), self.invoice | self.credit_note, role)
        odoo_action = self.customer.with_user(self.odoo_user).action_view_partner_invoices()
        self.assertEqual(odoo_action["id"], self.env.ref("account.action_move_out_invoice_type").id)

    def test_a_payments_invoices_button_opens_the_atlas_form(self):
        for role in ROLES:
            action = self.payment.with_user(self.users[role]).button_open_invoices()
            self._assert_atlas_form(action, self.invoice, role)
        self._assert_odoo_default_form(
            self.payment.with_user(self.odoo_user).button_open_invoices(), self.invoice, "no Atlas role"
        )

    def test_notification_links_open_the_atlas_form(self):
        """A notification's or an email's "View Invoice" goes through /mail/view, which asks
        _get_access_action for the person it is computed for."""
        link = self.invoice._notify_get_action_link("view")
        self.assertIn(f"/mail/view?model=account.move&res_id={self.invoice.id}", link)
        for role in ROLES:
            action = self.invoice.sudo()._get_access_action(access_uid=self.users[role].id)
            self._assert_atlas_form(action, self.invoice, role)
            self.assertEqual(self.invoice.sudo().get_formview_id(access_uid=self.users[role].id), self.atlas_form.id)
        action = self.invoice.sudo()._get_access_action(access_uid=self.odoo_user.id)
        self._assert_odoo_default_form(action, self.invoice, "no Atlas role")

    def test_odoos_credit_note_opens_in_the_atlas_form(self):
        """Odoo's Credit Note (the reversal wizard) ends on the credit note it made."""
        for user, atlas in ((self.users["accountant"], True), (self.odoo_user, False)):
            invoice = self._create_invoice_cls(price=50.0)
            invoice.action_post()
            wizard = (
                self.env["account.move.reversal"]
                .with_user(user)
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": invoice.journal_id.id, "reason": "Returned"})
            )
            action = wizard.refund_moves()
            credit_note = invoice.reversal_move_ids
            self.assertEqual(credit_note.move_type, "out_refund")
            if atlas:
                self._assert_atlas_form(action, credit_note, "accountant")
            else:
                self.assertEqual((action["res_id"], action.get("views")), (credit_note.id, None))

    # --- Odoo's own form, where an Atlas user may still open it ---------------------------

    def _odoo_form(self, user):
        arch = self.env["account.move"].with_user(user).get_view(self.odoo_form.id, "form")["arch"]
        return etree.fromstring(arch)

    def _shown(self, user, record, xpath):
        """The nodes of Odoo's form the user sees on this record: its modifiers evaluated on
        the record as the web client holds it for that user."""
        record = record.with_user(user)
        shown = []
        for node in self._odoo_form(user).iterfind(xpath):
            expression = node.get("invisible") or "False"
            if not safe_eval(expression, test_invoice_screens._record_values(expression, record)):
                shown.append(node)
        return shown

    def _ribbons(self, user, record):
        return [node.get("title") for node in self._shown(user, record, ".//widget[@name='web_ribbon']")]

    def _status_bar(self, user, record):
        return [node.get("name") for node in self._shown(user, record, ".//header/field[@widget]")]

    def test_odoos_form_shows_the_atlas_status_to_atlas_users(self):
        refunded = self._create_invoice_cls(price=100.0)
        refunded.action_atlas_mark_sent()
        refunded.atlas_record_payment()
        refunded._atlas_refund(reason="Returned")
        self.assertEqual((refunded.atlas_status, refunded.payment_state), ("refunded", "paid"))
        for role in ROLES:
            self.assertEqual(self._ribbons(self.users[role], refunded), ["Refunded"], role)
            self.assertEqual(self._status_bar(self.users[role], refunded), ["atlas_status"], role)
            self.assertEqual(self._ribbons(self.users[role], self.invoice), ["Partially Paid"], role)
        # Odoo's own form as Odoo made it for a user without an Atlas role.
        self.assertEqual(self._ribbons(self.odoo_user, refunded), ["Paid"])
        self.assertEqual(self._status_bar(self.odoo_user, refunded), ["state"])
        self.assertEqual(self._ribbons(self.odoo_user, self.invoice), ["Partial"])

    def test_odoos_print_and_send_is_the_bookkeepers(self):
        viewer, bookkeeper = self.users["viewer"], self.users["bookkeeper"]
        print_send = ".//header/button[@name='action_invoice_sent']"
        self.assertFalse(self._shown(viewer, self.invoice, print_send))
        self.assertEqual(len(self._shown(bookkeeper, self.invoice, print_send)), 1)
        self.assertEqual(len(self._shown(self.odoo_user, self.invoice, print_send)), 1)
        before = (self.invoice.is_move_sent, self.invoice.invoice_pdf_report_id, self.invoice.atlas_status)
        for call in ("action_invoice_sent", "action_send_and_print"):
            with self.assertRefused(AccessError, r"^Only an Atlas Bookkeeper can use Print & Send: .* use Preview PDF"):
                getattr(self.invoice.with_user(viewer), call)()
        self.assertEqual(
            (self.invoice.is_move_sent, self.invoice.invoice_pdf_report_id, self.invoice.atlas_status), before
        )
        # The Bookkeeper gets Odoo's Print & Send dialog.
        action = self.invoice.with_user(bookkeeper).action_invoice_sent()
        self.assertEqual(action["res_model"], "account.move.send.wizard")


@tagged("post_install", "-at_install")
class TestMailViewLanding(HttpCase):
    """/mail/view, behind every notification's and email's link, redirects to the Atlas form
    for an Atlas user and to Odoo's for a user without an Atlas role."""

    def test_mail_view_redirects_to_the_atlas_form(self):
        customer = self.env["res.partner"].create({"name": "Mail Link Customer"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_line_ids": [(0, 0, {"name": "Work", "price_unit": 10.0, "tax_ids": []})],
            }
        )
        atlas_form = self.env.ref("atlas_invoicing.view_atlas_invoice_form")
        new_test_user(self.env, login="mail_link_viewer", groups=f"base.group_user,{ROLE_GROUPS['viewer']}")
        _odoo_billing_user(self.env, "mail_link_odoo")
        url = f"/mail/view?model=account.move&res_id={invoice.id}"
        for login, view_id in (("mail_link_viewer", f"view_id={atlas_form.id}"), ("mail_link_odoo", None)):
            self.authenticate(login, login)
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, login)
            location = response.headers["Location"]
            self.assertIn(f"/odoo/account.move/{invoice.id}", location, login)
            if view_id:
                self.assertIn(view_id, location)
            else:
                self.assertNotIn("view_id=", location)
