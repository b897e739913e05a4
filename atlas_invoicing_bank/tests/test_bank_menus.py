from odoo.tests import TransactionCase, tagged

from odoo.addons.atlas_invoicing.tests.common import create_role_users, shown_menu_xmlids

# The Banking menu of each role, by xml id: a Viewer reads the statements, a Bookkeeper imports
# and reconciles them, the matching rules and CSV mappings are the Accountant's.
VIEWER_MENUS = {"atlas_invoicing_bank.menu_atlas_banking", "atlas_invoicing_bank.menu_atlas_bank_statements"}
BOOKKEEPER_MENUS = VIEWER_MENUS | {
    "atlas_invoicing_bank.menu_atlas_statement_import",
    "atlas_invoicing_bank.menu_atlas_bank_lines",
}
ACCOUNTANT_MENUS = BOOKKEEPER_MENUS | {
    "atlas_invoicing_bank.menu_atlas_bank_rules",
    "atlas_invoicing_bank.menu_atlas_bank_mappings",
}


@tagged("post_install", "-at_install")
class TestBankMenus(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_role_users(cls.env, cls.env.company, prefix="bankmenus")

    def test_each_role_sees_its_banking_menus(self):
        expected = {
            "none": set(),
            "viewer": VIEWER_MENUS,
            "bookkeeper": BOOKKEEPER_MENUS,
            "accountant": ACCOUNTANT_MENUS,
            "admin": ACCOUNTANT_MENUS,
        }
        for role, menus in expected.items():
            with self.subTest(role=role):
                shown = shown_menu_xmlids(self.env, self.users[role])
                self.assertEqual({xmlid for xmlid in shown if xmlid.startswith("atlas_invoicing_bank.")}, menus)

    def test_banking_sits_between_invoicing_and_reports(self):
        banking = self.env.ref("atlas_invoicing_bank.menu_atlas_banking")
        self.assertEqual(banking.parent_id, self.env.ref("atlas_invoicing.menu_atlas_root"))
        self.assertLess(self.env.ref("atlas_invoicing.menu_atlas_invoicing").sequence, banking.sequence)
        self.assertLess(banking.sequence, self.env.ref("atlas_invoicing.menu_atlas_reports").sequence)
