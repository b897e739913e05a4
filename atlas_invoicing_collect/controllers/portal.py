"""The invoice in Odoo's customer portal, as an Atlas customer gets it.

The portal shows and downloads the Atlas invoice PDF, the document the customer was emailed,
rendered as it stands now (with its PAID / PARTIALLY PAID mark), instead of Odoo's own invoice
report or the PDF frozen when the invoice was sent. A link to an invoice that is not the
visitor's (another customer's, or a guessed access token) answers 404 Not Found, where Odoo
redirects to the portal's home page.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.atlas_invoicing.models.ir_actions_report import ATLAS_INVOICE_REPORT


class AtlasPortalAccount(PortalAccount):
    @http.route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, report_type=None, download=False, **kw):
        if access_token or not request.env.user._is_public():
            # A visitor without a token is sent to log in by Odoo, as before; one who gives a
            # token, or is logged in, either sees their own invoice or learns nothing.
            try:
                invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
            except (AccessError, MissingError) as error:
                raise NotFound() from error
            if report_type in ("html", "pdf") and invoice_sudo.is_sale_document(include_receipts=True):
                return self._show_report(
                    model=invoice_sudo, report_type=report_type, report_ref=ATLAS_INVOICE_REPORT, download=download
                )
        return super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )
