"""Who reads the reminder runs: a Bookkeeper sends reminders, so past runs are in the Invoicing
menu from Bookkeeper up; the list and the form are read-only for everyone, the runs being the
scheduled action's record (the Administrator's Settings show the last one)."""

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.atlas_invoicing.tests.common import create_role_users, shown_menu_xmlids

MENU = "atlas_invoicing_collect.menu_atlas_reminder_runs"


@tagged("post_install", "-at_install")
class TestReminderRunMenu(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_role_users(cls.env, cls.env.company, prefix="runmenu")
        cls.reminder_run = cls.env["atlas.reminder.run"].create(
            {"company_id": cls.env.company.id, "origin": "cron", "state": "nothing_due"}
        )

    def test_bookkeeper_and_up_see_reminder_runs_under_invoicing(self):
        expected = {"none": False, "viewer": False, "bookkeeper": True, "accountant": True, "admin": True}
        for role, shown in expected.items():
            with self.subTest(role=role):
                self.assertEqual(MENU in shown_menu_xmlids(self.env, self.users[role]), shown)
        menu = self.env.ref(MENU)
        self.assertEqual(menu.parent_id, self.env.ref("atlas_invoicing.menu_atlas_invoicing"))
        self.assertEqual(menu.action, self.env.ref("atlas_invoicing_collect.action_atlas_reminder_runs"))

    def test_reminder_runs_are_read_only(self):
        Run = self.env["atlas.reminder.run"]
        for role in ("bookkeeper", "accountant", "admin"):
            user = self.users[role]
            with self.subTest(role=role):
                self.assertEqual(Run.with_user(user).search([("id", "=", self.reminder_run.id)]), self.reminder_run)
                views = Run.with_user(user).get_views([(False, "list"), (False, "form")])["views"]
                for view_type in ("list", "form"):
                    arch = etree.fromstring(views[view_type]["arch"])
                    self.assertEqual(
                        (arch.get("create"), arch.get("edit"), arch.get("delete")), ("0", "0", "0"), view_type
                    )
                with self.assertRaises(AccessError):
                    self.reminder_run.with_user(user).write({"state": "sent"})
                with self.assertRaises(AccessError):
                    self.reminder_run.with_user(user).unlink()
