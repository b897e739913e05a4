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
