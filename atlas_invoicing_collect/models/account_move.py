from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _atlas_email_payment_links(self):
        # EXTENDS atlas_invoicing: the invoice in the customer portal (with the access token, so
        # no login is needed) and, while something is due, the portal's Pay now dialog.
        links = super()._atlas_email_payment_links()
        if self.state != "posted" or not self.is_sale_document(include_receipts=True):
            return links
        base_url = self.get_base_url()
        links["view"] = base_url + self.get_portal_url()
        if self._has_to_be_paid():
            links["pay"] = base_url + self.get_portal_url(anchor="portal_pay", query_string="&payment=True")
        return links

    def _portal_ensure_token(self):
        # EXTENDS portal: the access token changes no journal item: skip the invoice's line
        # synchronisation that every write of an invoice runs otherwise (most of the cost of a
        # first portal link).
        return super(AccountMove, self.with_context(skip_invoice_sync=True))._portal_ensure_token()

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        # EXTENDS account/portal: the Atlas invoice email (sent by Send Invoice, which names its
        # recipients) carries its own Pay now / View the invoice online pair; Odoo's layout
        # would add a third link, its "View Invoice" button, above the text.
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        if self.env.context.get("atlas_notify_only_partner_ids") is None:
            return groups
        if not self._atlas_email_payment_links().get("view"):
            return groups  # no portal link in the text: Odoo's button is the way to the invoice
        for _name, _check, data in groups:
            data["has_button_access"] = False
        return groups
