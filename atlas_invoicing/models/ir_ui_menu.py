"""Odoo's Invoicing app is the Administrator's; the other Atlas roles work in Atlas's menus.

Every Atlas role implies Odoo's accounting groups, which show Odoo's Invoicing app
(``account.menu_finance``): vendor bills, journal entries, Odoo's invoice forms whose status
bar and ribbons are not Atlas's status, and buttons Atlas refuses to a role. Atlas's menus hold
everything a Viewer, a Bookkeeper or an Accountant may do, so for them the app is hidden. The
Administrator keeps it: the company's accounting configuration (journals, taxes, the chart of
accounts) lives there. Users without an Atlas role keep Odoo's menus.

Hiding a menu opens no door and closes none: Odoo's actions stay reachable by URL, where the
server applies Atlas's rules.
"""

from odoo import api, models, tools


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    @api.model
    @tools.ormcache("frozenset(self.env.user.groups_id.ids)", "debug")
    def _visible_menu_ids(self, debug=False):
        # EXTENDS base: cached by the same key, the user's groups, which decide it.
        visible = super()._visible_menu_ids(debug=debug)
        user = self.env.user
        if user.has_group("atlas_invoicing.group_atlas_viewer") and not user.has_group(
            "atlas_invoicing.group_atlas_admin"
        ):
            odoo_app = self.env.ref("account.menu_finance", raise_if_not_found=False)
            if odoo_app:
                hidden = self.with_context(**{"ir.ui.menu.full_list": True}).search([("id", "child_of", odoo_app.id)])
                visible = visible - set(hidden.ids)
        return visible
