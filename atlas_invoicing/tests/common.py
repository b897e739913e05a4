from contextlib import contextmanager

from odoo.tests.common import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

ROLE_GROUPS = {
    "viewer": "atlas_invoicing.group_atlas_viewer",
    "bookkeeper": "atlas_invoicing.group_atlas_bookkeeper",
    "accountant": "atlas_invoicing.group_atlas_accountant",
    "admin": "atlas_invoicing.group_atlas_admin",
}


def create_role_users(env, company, prefix="atlas"):
    """One internal user per Atlas role, plus one with no Atlas role at all ("none") and Odoo's
    own Billing user without an Atlas role ("billing"), who keeps Odoo's behaviour."""
    users = {
        "none": new_test_user(
            env,
            login=f"{prefix}_norole",
            groups="base.group_user",
            company_id=company.id,
            company_ids=[company.id],
        ),
        "billing": new_test_user(
            env,
            login=f"{prefix}_odoo_billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=company.id,
            company_ids=[company.id],
        ),
    }
    for role, group in ROLE_GROUPS.items():
        users[role] = new_test_user(
            env,
            login=f"{prefix}_{role}",
            groups=f"base.group_user,{group}",
            company_id=company.id,
            company_ids=[company.id],
        )
    return users


class AtlasTestCommon(AccountTestInvoicingCommon):
    """The accounting test world of Odoo's own tests, plus one user per Atlas role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's accounting test user (who runs the calls made without with_user) is an Atlas
        # Administrator; the role users below check each role's limits.
        cls.env.user.groups_id |= cls.env.ref("atlas_invoicing.group_atlas_admin")
        cls.users = create_role_users(cls.env, cls.company_data["company"])
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Northwind Traders",
                "email": "billing@northwind.example",
                "customer_rank": 1,
            }
        )

    @contextmanager
    def assertRefused(self, exception, pattern):
        """The call fails with this error and message, and its writes are rolled back
        (Odoo's assertRaises runs the block in a savepoint, unlike assertRaisesRegex)."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _create_invoice(self, price=100.0, partner=None, taxes=None, **values):
        vals = self._invoice_vals(price=price, taxes=taxes)
        if partner:
            vals["partner_id"] = partner.id
        vals.update(values)
        return self.env["account.move"].create(vals)

    def _invoice_vals(self, price=100.0, taxes=None):
        return {
            "move_type": "out_invoice",
            "invoice_date": "2026-01-15",
            "partner_id": self.customer.id,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Consulting",
                        "account_id": self.company_data["default_account_revenue"].id,
                        "quantity": 1,
                        "price_unit": price,
                        "tax_ids": [(6, 0, taxes.ids if taxes else [])],
                    },
                )
            ],
        }


def shown_menu_xmlids(env, user):
    """Xml ids of the menus the web client shows the user: visible, and so is each parent."""
    menus = env["ir.ui.menu"].with_context(**{"ir.ui.menu.full_list": True})
    visible = menus.with_user(user)._visible_menu_ids()

    def shown(menu):
        return menu.id in visible and (not menu.parent_id or shown(menu.parent_id))

    return {xmlid for menu_id, xmlid in menus.browse(visible).get_external_id().items() if shown(menus.browse(menu_id))}
