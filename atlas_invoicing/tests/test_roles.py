from lxml import etree

from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from .common import create_role_users, shown_menu_xmlids

ATLAS_MENUS = [
    "atlas_invoicing.menu_atlas_root",
    "atlas_invoicing.menu_atlas_contacts",
    "atlas_invoicing.menu_atlas_customers",
    "atlas_invoicing.menu_atlas_invoicing",
    "atlas_invoicing.menu_atlas_invoices",
    "atlas_invoicing.menu_atlas_contracts",
    "atlas_invoicing.menu_atlas_batches",
    "atlas_invoicing.menu_atlas_reports",
    "atlas_invoicing.menu_atlas_invoice_analysis",
    "atlas_invoicing.menu_atlas_configuration",
    "atlas_invoicing.menu_atlas_settings",
]
EVERYONE = set(ATLAS_MENUS) - {
    "atlas_invoicing.menu_atlas_configuration",
    "atlas_invoicing.menu_atlas_settings",
}


@tagged("post_install", "-at_install")
class TestRoles(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_role_users(cls.env, cls.env.company)

    def _visible_atlas_menus(self, user):
        """Atlas menus the web client shows the user: visible, and so is every parent."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

        def shown(menu):
            return menu.id in visible and (not menu.parent_id or shown(menu.parent_id))

        return {xmlid for xmlid in ATLAS_MENUS if shown(self.env.ref(xmlid))}

    def test_roles_live_in_the_atlas_category(self):
        category = self.env.ref("atlas_invoicing.module_category_atlas_invoicing")
        self.assertEqual(category.name, "Atlas Invoicing")
        groups = self.env["res.groups"].search([("category_id", "=", category.id)])
        self.assertEqual(
            set(groups.mapped("name")),
            {"Viewer", "Bookkeeper", "Accountant", "Administrator"},
        )

    def test_each_role_implies_the_one_below_and_its_account_group(self):
        expected = {
            # role: (Atlas groups it holds, Odoo groups it holds, groups it must NOT hold)
            "viewer": (
                ["viewer"],
                ["account.group_account_readonly"],
                ["account.group_account_invoice", "atlas_invoicing.group_atlas_bookkeeper"],
            ),
            "bookkeeper": (
                ["viewer", "bookkeeper"],
                ["account.group_account_readonly", "account.group_account_invoice"],
                ["account.group_account_user", "atlas_invoicing.group_atlas_accountant"],
            ),
            "accountant": (
                ["viewer", "bookkeeper", "accountant"],
                ["account.group_account_invoice", "account.group_account_user"],
                ["account.group_account_manager", "atlas_invoicing.group_atlas_admin"],
            ),
            "admin": (
                ["viewer", "bookkeeper", "accountant", "admin"],
                [
                    "account.group_account_user",
                    "account.group_account_manager",
                    "base.group_erp_manager",
                ],
                [],
            ),
        }
        group_xmlid = {
            "viewer": "atlas_invoicing.group_atlas_viewer",
            "bookkeeper": "atlas_invoicing.group_atlas_bookkeeper",
            "accountant": "atlas_invoicing.group_atlas_accountant",
            "admin": "atlas_invoicing.group_atlas_admin",
        }
        for role, (atlas_roles, odoo_groups, not_groups) in expected.items():
            user = self.users[role]
            for held in [group_xmlid[r] for r in atlas_roles] + odoo_groups:
                self.assertTrue(user.has_group(held), f"{role} should hold {held}")
            for missing in not_groups:
                self.assertFalse(user.has_group(missing), f"{role} must not hold {missing}")

    def test_each_role_sees_exactly_its_menus(self):
        expected = {
            "none": set(),
            "viewer": EVERYONE,
            "bookkeeper": EVERYONE,
            "accountant": EVERYONE,
            "admin": set(ATLAS_MENUS),
        }
        for role, menus in expected.items():
            with self.subTest(role=role):
                self.assertEqual(self._visible_atlas_menus(self.users[role]), menus)

    def test_each_page_is_titled_with_the_words_of_its_menu(self):
        # "Matching Rules" opened "Reconciliation Models", "CSV Mappings" "Statement Sheet
        # Mappings": the page's title (the breadcrumb) may say more than the menu, not other words.
        root = self.env.ref("atlas_invoicing.menu_atlas_root")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id), ("action", "!=", False)])
        mismatched = {
            menu.name: menu.action.name
            for menu in menus
            if not all(word.lower() in menu.action.name.lower() for word in menu.name.split())
        }
        self.assertEqual(mismatched, {})

    def test_customers_default_filter_is_named_customers(self):
        action = self.env.ref("atlas_invoicing.action_atlas_customers")
        search = self.env["res.partner"].get_view(action.search_view_id.id, view_type="search")
        [default_filter] = etree.fromstring(search["arch"]).xpath("//filter[@name='customer']")
        self.assertEqual(default_filter.get("string"), "Customers")
        self.assertIn("'search_default_customer': 1", action.context)

    def test_admin_user_gets_the_administrator_role(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("atlas_invoicing.group_atlas_admin"))


# What each role sees in the home menu (root menus) and in the Atlas app, by xml id (the
# menus of atlas_invoicing; the addons built on it test their own). Odoo's
# Invoicing app (account.menu_finance) is the Administrator's: the Atlas menus hold the rest.
APPS = {"mail.menu_root_discuss", "spreadsheet_dashboard.spreadsheet_dashboard_menu_root", "base.menu_management"}
VIEWER_TREE = {
    "atlas_invoicing.menu_atlas_root",
    "atlas_invoicing.menu_atlas_contacts",
    "atlas_invoicing.menu_atlas_customers",
    "atlas_invoicing.menu_atlas_invoicing",
    "atlas_invoicing.menu_atlas_invoices",
    "atlas_invoicing.menu_atlas_credit_notes",
    "atlas_invoicing.menu_atlas_payments",
    "atlas_invoicing.menu_atlas_contracts",
    "atlas_invoicing.menu_atlas_batches",
    "atlas_invoicing.menu_atlas_reports",
    "atlas_invoicing.menu_atlas_report_ar_aging",
    "atlas_invoicing.menu_atlas_report_profit_loss",
    "atlas_invoicing.menu_atlas_report_cash_flow",
    "atlas_invoicing.menu_atlas_invoice_analysis",
}
BOOKKEEPER_TREE = VIEWER_TREE | {
    "atlas_invoicing.menu_atlas_report_general_ledger",
}
ACCOUNTANT_TREE = BOOKKEEPER_TREE | {
    "atlas_invoicing.menu_atlas_export_log",
}
ADMIN_TREE = ACCOUNTANT_TREE | {"atlas_invoicing.menu_atlas_configuration", "atlas_invoicing.menu_atlas_settings"}


@tagged("post_install", "-at_install")
class TestRoleMenus(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_role_users(cls.env, cls.env.company, prefix="menus")

    def test_each_role_sees_its_apps_and_its_atlas_menus(self):
        expected = {
            "none": (APPS, set()),
            "viewer": (APPS | {"atlas_invoicing.menu_atlas_root"}, VIEWER_TREE),
            "bookkeeper": (APPS | {"atlas_invoicing.menu_atlas_root"}, BOOKKEEPER_TREE),
            "accountant": (APPS | {"atlas_invoicing.menu_atlas_root"}, ACCOUNTANT_TREE),
            "admin": (
                APPS | {"atlas_invoicing.menu_atlas_root", "account.menu_finance", "base.menu_administration"},
                ADMIN_TREE,
            ),
        }
        roots = self.env["ir.ui.menu"].search([("parent_id", "=", False)])
        for role, (apps, tree) in expected.items():
            with self.subTest(role=role):
                shown = shown_menu_xmlids(self.env, self.users[role])
                self.assertEqual(shown & set(roots.get_external_id().values()), apps)
                self.assertEqual({xmlid for xmlid in shown if xmlid.startswith("atlas_invoicing.")}, tree)

    def test_odoos_invoicing_app_stays_for_users_without_an_atlas_role(self):
        """Odoo's own Billing and Accountant users keep Odoo's Invoicing app and all of it."""
        finance = self.env.ref("account.menu_finance")
        invoices = self.env.ref("account.menu_action_move_out_invoice_type")
        for groups in ("account.group_account_invoice", "account.group_account_user"):
            user = new_test_user(self.env, login=f"menus_odoo_{groups}", groups=f"base.group_user,{groups}")
            with self.subTest(groups=groups):
                self.assertTrue(
                    {"account.menu_finance", "account.menu_action_move_out_invoice_type"}
                    <= shown_menu_xmlids(self.env, user)
                )
                self.assertEqual(
                    self.env["ir.ui.menu"].with_user(user).search([("id", "in", (finance | invoices).ids)]),
                    finance | invoices,
                )
        # For an Atlas Accountant, nothing of Odoo's app is found either, not just its root.
        accountant = self.users["accountant"]
        self.assertFalse(self.env["ir.ui.menu"].with_user(accountant).search([("id", "child_of", finance.id)]))
