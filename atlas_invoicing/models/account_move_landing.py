"""Where an Atlas user lands on a customer invoice or credit note: the Atlas form.

Odoo opens a journal entry from many places without naming a view: a many2one link to it (a
journal item's Journal Entry, a payment's), a journal item's Journal Entry cell, the payment
widget and the duplicate warnings (``action_open_business_doc``), the customer's Invoiced
button, a payment's Invoices button, and the links of notifications and emails (``/mail/view``,
which redirects with ``get_formview_id``). Each falls back to the model's default form, Odoo's
``account.view_move_form``, whose status bar (Draft/Posted) and ribbons (payment_state) are not
Atlas's status. For a user with an Atlas role they open the Atlas form instead; users without
one keep Odoo's form.
"""

from odoo import api, fields, models

from .atlas_owning_operation import has_atlas_role

CUSTOMER_DOCUMENTS = ("out_invoice", "out_refund")


def _is_atlas_user(user):
    """Whether Atlas's screens are this user's: a user with an Atlas role, not the superuser."""
    return not user._is_superuser() and user.has_group("atlas_invoicing.group_atlas_viewer")


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    atlas_shows_status = fields.Boolean(
        string="Shows the Atlas Status",
        compute="_compute_atlas_shows_status",
        help="A customer invoice or credit note seen by a user with an Atlas role: Odoo's own form shows "
        "its Atlas status, as the Atlas form does, instead of Odoo's state and payment state.",
    )
    atlas_may_print_send = fields.Boolean(
        string="May Print & Send",
        compute="_compute_atlas_may_print_send",
        help="Odoo's Print & Send files the PDF and marks the invoice sent: an Atlas Bookkeeper's. Users "
        "without an Atlas role keep Odoo's rights.",
    )

    @api.depends("move_type")
    @api.depends_context("uid")
    def _compute_atlas_shows_status(self):
        atlas_user = _is_atlas_user(self.env.user)
        for move in self:
            move.atlas_shows_status = atlas_user and move.move_type in CUSTOMER_DOCUMENTS

    @api.depends_context("uid")
    def _compute_atlas_may_print_send(self):
        user = self.env.user
        may = not _is_atlas_user(user) or user.has_group("atlas_invoicing.group_atlas_bookkeeper")
        self.atlas_may_print_send = may

    def _atlas_lands_on_atlas_form(self, access_uid=None):
        """Whether this one document opens in the Atlas form for the user who opens it (the
        one given by ``access_uid`` when Odoo computes a link for someone else)."""
        if len(self) != 1 or self.move_type not in CUSTOMER_DOCUMENTS:
            return False
        user = self.env["res.users"].sudo().browse(access_uid) if access_uid else self.env.user
        return _is_atlas_user(user)

    def get_formview_id(self, access_uid=None):
        # EXTENDS base: the view of a many2one's dialog and of /mail/view's redirection.
        if self._atlas_lands_on_atlas_form(access_uid):
            return self.env.ref("atlas_invoicing.view_atlas_invoice_form").id
        return super().get_formview_id(access_uid=access_uid)

    def get_formview_action(self, access_uid=None):
        # EXTENDS base: a many2one link opens the Atlas Invoices (Credit Notes) action on the
        # document, as Atlas's own screens do, so the breadcrumb and the URL are Atlas's too.
        if self._atlas_lands_on_atlas_form(access_uid):
            return self._atlas_document_action()
        return super().get_formview_action(access_uid=access_uid)

    def action_open_business_doc(self):
        # EXTENDS account: a journal item's Journal Entry, the payment widget's links.
        if self._atlas_lands_on_atlas_form():
            return self.get_formview_action()
        return super().action_open_business_doc()


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def action_view_partner_invoices(self):
        # EXTENDS account: the customer's Invoiced button lists its invoices and credit notes
        # in the Atlas list (Atlas statuses, Atlas form), still all of them, as Odoo's does.
        action = super().action_view_partner_invoices()
        if not has_atlas_role(self.env):
            return action
        atlas = self.env["ir.actions.act_window"]._for_xml_id("atlas_invoicing.action_atlas_invoices")
        atlas.update(
            name=self.env._("Invoices and Credit Notes"),
            domain=action["domain"],
            context={"default_move_type": "out_invoice", "default_partner_id": self.id},
        )
        return atlas


class AccountPayment(models.Model):
    _inherit = "account.payment"  # pylint: disable=consider-merging-classes-inherited

    def button_open_invoices(self):
        # EXTENDS account: the payment's Invoices button opens what it paid in the Atlas form
        # (one) or list (several).
        action = super().button_open_invoices()
        invoices = self.invoice_ids | self.reconciled_invoice_ids
        if has_atlas_role(self.env) and invoices and all(move.move_type in CUSTOMER_DOCUMENTS for move in invoices):
            atlas = invoices._atlas_document_action()
            atlas.update(name=action["name"], context={"create": False})
            return atlas
        return action
