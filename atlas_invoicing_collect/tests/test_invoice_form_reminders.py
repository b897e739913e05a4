"""The reminders on an overdue invoice's form, as each role gets the form from the server:
one Reminders tab (Atlas's), and OCA's "Send an overdue reminder" banner only for those who
may send one."""

from lxml import etree

from odoo.tests import tagged

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon

BANNER = "//div[hasclass('alert-warning')][contains(., 'This customer invoice is overdue')]"


@tagged("post_install", "-at_install")
class TestInvoiceFormReminders(AtlasTestCommon):
    def _arch(self, user, view_xmlid):
        view = self.env.ref(view_xmlid)
        views = self.env["account.move"].with_user(user).get_views([(view.id, "form")])
        return etree.fromstring(views["views"]["form"]["arch"])

    def test_atlas_form_of_each_role(self):
        for role in ("viewer", "bookkeeper", "accountant", "admin"):
            arch = self._arch(self.users[role], "atlas_invoicing.view_atlas_invoice_form")
            pages = [
                page.get("string") for page in arch.xpath("//notebook/page") if "Reminder" in page.get("string", "")
            ]
            self.assertEqual(pages, ["Reminders"], role)
            self.assertEqual(
                len(arch.xpath("//page[@name='atlas_reminders']//field[@name='overdue_reminder_counter']")), 1
            )
            banner = arch.xpath(BANNER)
            self.assertEqual(len(banner), 0 if role == "viewer" else 1, role)

    def test_odoo_form_banner_only_for_senders(self):
        viewer = self._arch(self.users["viewer"], "account.view_move_form")
        bookkeeper = self._arch(self.users["bookkeeper"], "account.view_move_form")
        self.assertFalse(viewer.xpath(BANNER))
        self.assertEqual(len(bookkeeper.xpath(BANNER)), 1)
        # Odoo's own form keeps OCA's tab.
        self.assertTrue(bookkeeper.xpath("//page[@name='overdue_reminder']"))
