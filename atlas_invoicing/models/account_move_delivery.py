"""Send, Download PDF, Mark as Sent and the other status actions of an Atlas invoice.

Atlas renders its invoice PDF and attaches it as the invoice's official PDF
(invoice_pdf_report_file, as Odoo's own sending does); then Odoo's sending engine
(account.move.send) posts the email in the chatter with that PDF and queues it in
mail.mail. Drafts are posted first, in the same transaction, so a failed PDF render
leaves nothing changed. Plain-value methods serve XML-RPC clients.
"""

import base64

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

from .account_move import STATUS_LABELS
from .atlas_owning_operation import owning_operation
from .ir_actions_report import ATLAS_INVOICE_REPORT, AtlasInvoicePdfError

DELIVERY_METHODS = ("email", "download")


# The invoice model is split by concern: ledger status and numbering in account_move.py,
# delivery (send, PDF, manual status actions) here.
class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # -------------------------------------------------------------------------
    # Buttons
    # -------------------------------------------------------------------------

    def action_atlas_send(self):
        """Open the Send Invoice wizard."""
        self._atlas_check_sendable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Invoice"),
            "res_model": "atlas.invoice.send",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids},
        }

    def action_atlas_preview_pdf(self):
        """Preview PDF: the Atlas invoice PDF (one document for all selected invoices) in the
        browser's PDF viewer, in a new tab. Odoo's report route serves it inline, where a
        report action would download it."""
        return {
            "type": "ir.actions.act_url",
            "url": f"/report/pdf/{ATLAS_INVOICE_REPORT}/{','.join(map(str, self.ids))}",
            "target": "new",
        }

    def _atlas_report_base_filename(self):
        """The invoice PDF's file name without extension (Odoo's report download adds .pdf):
        Odoo's name of the document (INV_2026_00044, Draft Invoice INV_2026_00044); a draft
        that has no number yet is told apart by its id (Draft Invoice (44))."""
        self.ensure_one()
        name = self._get_report_base_filename().strip()
        if not self.name or self.name == "/":
            name = f"{name} ({self.id})"
        return name.replace("/", "_")

    def action_atlas_mark_sent(self):
        """Mark as Sent: post (if draft) without emailing, e.g. after handing the invoice over."""
        self._atlas_check_role("bookkeeper", self.env._("Only an Atlas Bookkeeper can mark an invoice as sent."))
        self._atlas_check_sendable()
        self.filtered(lambda m: m.state == "draft").action_post()
        for move in self:
            with owning_operation():
                move.is_move_sent = True
            move.message_post(body=self.env._("Marked as sent by %(user)s (no email).", user=self.env.user.name))
        return True

    def action_atlas_reset_to_draft(self):
        """Back to Draft: only while nothing was paid or credited on the invoice."""
        self._atlas_check_resettable()
        with owning_operation():
            self.button_draft()
            self.is_move_sent = False
        for move in self:
            move.message_post(body=self.env._("Reset to draft by %(user)s.", user=self.env.user.name))
        return True

    # -------------------------------------------------------------------------
    # XML-RPC API (plain values in and out)
    # -------------------------------------------------------------------------

    def atlas_send(self, delivery="email", recipients=None):
        """Send the invoices: post drafts, render the PDF, then email it or hand it back.

        :param delivery: "email" (to the customer, or to ``recipients``) or "download".
        :param recipients: optional list of email addresses or partner ids (email only).
        :return: {"invoices": [{id, name, status, delivery_state}],
                  "pdf": {"filename", "mimetype", "content" (base64)}}  (pdf with "download")
        """
        partners = self._atlas_recipient_partners(recipients) if recipients else None
        self._atlas_send(delivery, partners=partners)
        result = {"invoices": self._atlas_summary()}
        if delivery == "download":
            result["pdf"] = self.atlas_get_pdf()
        return result

    def atlas_get_pdf(self):
        """The Atlas invoice PDF (all the invoices in one document) as base64; changes nothing."""
        if not self:
            raise UserError(self.env._("Select at least one invoice to print."))
        content, _type = self.env["ir.actions.report"]._render_qweb_pdf(ATLAS_INVOICE_REPORT, self.ids)
        filename = f"{self._atlas_report_base_filename()}.pdf" if len(self) == 1 else self.env._("Invoices.pdf")
        return {
            "filename": filename,
            "mimetype": "application/pdf",
            "content": base64.b64encode(content).decode(),
        }

    def atlas_set_status(self, status):
        """Change the status by hand, through the action that makes it true in the ledger.

        "sent" marks as sent, "draft" resets to draft. "paid" and "refunded" need details
        (amount, account, method): they return the payment or refund wizard's action.
        """
        if status == "sent":
            self.action_atlas_mark_sent()
        elif status == "draft":
            self.action_atlas_reset_to_draft()
        elif status == "paid":
            return self.action_atlas_record_payment()
        elif status == "refunded":
            return self.action_atlas_refund()
        else:
            raise UserError(
                self.env._(
                    "The status “%(status)s” can't be set by hand. Use sent, draft, paid or refunded; "
                    "Exported comes from an export, Cancelled from Cancel.",
                    status=STATUS_LABELS.get(status, status),
                )
            )
        return {"invoices": self._atlas_summary()}

    def button_cancel(self):
        # EXTENDS account: Odoo cancels a posted invoice by resetting it to draft first, which
        # unmatches its payments and credit notes. For Atlas's roles that is Reset to Draft's
        # rule, whoever calls it; users without an Atlas role keep Odoo's own rule.
        posted = self.filtered(lambda m: m.state == "posted" and m.is_sale_document(include_receipts=True))
        if posted and not self.env.su and self.env.user.has_group("atlas_invoicing.group_atlas_viewer"):
            posted._atlas_check_resettable()
        with owning_operation():
            res = super().button_cancel()
        # Odoo's Cancel returns nothing, which XML-RPC cannot send back: the caller got a
        # “cannot marshal None” fault for an invoice that was cancelled.
        return True if res is None else res

    def _atlas_check_resettable(self):
        """Reset to Draft is an Accountant's, and only while nothing (payment or credit note)
        is reconciled with the invoice: going back to draft would unmatch them."""
        self._atlas_check_role("accountant", self.env._("Only an Atlas Accountant can reset an invoice to draft."))
        for move in self:
            settled = move.state == "posted" and move.payment_state not in (False, "not_paid")
            if settled or move.atlas_amount_paid or move.reversal_move_ids.filtered(lambda m: m.state == "posted"):
                raise UserError(
                    self.env._(
                        "Invoice %(name)s has payments or credit notes, so it can't go back to draft. "
                        "Refund it instead.",
                        name=move.name,
                    )
                )

    def _atlas_check_role(self, role, message):
        """The manual status actions check the Atlas role on the server, whoever calls them (the
        form's buttons, XML-RPC): the groups on the buttons only hide them."""
        if not self.env.su and not self.env.user.has_group(f"atlas_invoicing.group_atlas_{role}"):
            raise AccessError(message)

    def _atlas_attach_pdf(self):
        """Render the Atlas PDF of each invoice that has none yet and make it its official PDF.

        As Odoo's sending does (account.move.send, _prepare_invoice_pdf_report): the invoices
        are rendered together, many per wkhtmltopdf call, and the result split per invoice. A
        render error raises (naming the invoices), which undoes the whole send: nothing is
        posted or queued.
        """
        moves = self.filtered(lambda m: not m.invoice_pdf_report_id)
        if not moves:
            return
        reports = self.env["ir.actions.report"]
        content, report_type = reports._pre_render_qweb_pdf(ATLAS_INVOICE_REPORT, res_ids=moves.ids)
        content_by_id = reports._get_splitted_report(ATLAS_INVOICE_REPORT, content, report_type)
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": move._get_invoice_report_filename(),
                    "raw": content_by_id[move.id],
                    "mimetype": "application/pdf",
                    "res_model": move._name,
                    "res_id": move.id,
                    "res_field": "invoice_pdf_report_file",
                }
                for move in moves
            ]
        )
        # Linking the PDF changes no journal item: skip the invoice's line synchronisation, which
        # every write of an invoice runs otherwise (Odoo sends the POS's invoices the same way).
        for move, attachment in zip(moves.with_context(skip_invoice_sync=True), attachments, strict=True):
            move.message_main_attachment_id = attachment
        moves.invalidate_recordset(fnames=["invoice_pdf_report_id", "invoice_pdf_report_file"])

    def _atlas_email_payment_links(self):
        """The links the invoice email offers besides the attached PDF: {"view": url, "pay": url}.
        None here; the Get Paid addon (atlas_invoicing_collect) gives the customer portal's."""
        self.ensure_one()
        return {}

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        # EXTENDS mail: an Atlas email goes to the recipients chosen in Send Invoice only.
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        only = self.env.context.get("atlas_notify_only_partner_ids")
        if only is not None:
            recipients = [recipient for recipient in recipients if recipient["id"] in only]
        return recipients

    def _atlas_summary(self):
        return [
            {
                "id": move.id,
                "name": move.name,
                "status": move.atlas_status,
                "delivery_state": move.atlas_delivery_state,
            }
            for move in self
        ]

    # -------------------------------------------------------------------------
    # Sending
    # -------------------------------------------------------------------------

    def _atlas_check_sendable(self):
        if not self:
            raise UserError(self.env._("Select at least one invoice to send."))
        for move in self:
            if not move.is_sale_document(include_receipts=True):
                raise UserError(
                    self.env._("%(name)s is not a customer invoice; only invoices are sent.", name=move.display_name)
                )
            if move.state == "cancel":
                raise UserError(self.env._("Invoice %(name)s is cancelled; it can't be sent.", name=move.display_name))

    @api.model
    def _atlas_recipient_partners(self, recipients):
        """Partners for a list of email addresses or partner ids, creating contacts for new emails."""
        partners = self.env["res.partner"]
        for recipient in recipients:
            if isinstance(recipient, int):
                partner = self.env["res.partner"].browse(recipient).exists()
                if not partner:
                    raise UserError(self.env._("There is no contact with id %(id)s.", id=recipient))
            else:
                if not email_normalize(recipient or ""):
                    raise UserError(
                        self.env._("“%(email)s” is not a valid email address. Correct the recipients.", email=recipient)
                    )
                partner = self.env["res.partner"].find_or_create(recipient)
            partners |= partner
        return partners

    def _atlas_send(self, delivery, partners=None):
        """Post drafts, then send through Odoo's engine. One transaction: any error undoes all."""
        if delivery not in DELIVERY_METHODS:
            raise UserError(
                self.env._("Unknown delivery method “%(method)s”: use “email” or “download”.", method=delivery)
            )
        self._atlas_check_sendable()
        if delivery == "email":
            for move in self:
                to = partners if partners is not None else move.partner_id
                if not to:
                    raise UserError(
                        self.env._("Add at least one recipient to email invoice %(name)s.", name=move.display_name)
                    )
                for partner in to:
                    if not partner.email:
                        raise UserError(
                            self.env._(
                                "Customer %(customer)s has no email address, so invoice %(name)s can't be emailed. "
                                "Add an email to the customer, or choose Download PDF.",
                                customer=partner.display_name,
                                name=move.display_name,
                            )
                        )

        # A draft's number is given by posting, and taken back if the send is undone: an error
        # names the invoices as they were before.
        names = {move.id: move.display_name for move in self}
        self.filtered(lambda m: m.state == "draft").action_post()

        try:
            self._atlas_attach_pdf()
        except AtlasInvoicePdfError as error:
            raise self.env["ir.actions.report"]._atlas_pdf_error(error.errors, names) from error
        if delivery == "email":
            settings = {
                "sending_methods": {"email"},
                "mail_template": self.env.ref("atlas_invoicing.mail_template_atlas_invoice"),
            }
            if partners is not None:
                settings["mail_partner_ids"] = partners.ids
            recipients = partners if partners is not None else self.partner_id
            # Emails wait in Odoo's queue (mail.mail) instead of being sent inside this request:
            # a down SMTP server never blocks or undoes the sending, and the queue retries.
            # Only the chosen recipients get the email, not every follower of the invoice.
            # (The engine posts from the invoices' own environment, so the context goes there.)
            # Sending changes no journal item either (see _atlas_attach_pdf).
            moves = self.with_context(
                mail_notify_force_send=False,
                atlas_notify_only_partner_ids=recipients.ids,
                skip_invoice_sync=True,
            )
            self.env["account.move.send"]._generate_and_send_invoices(moves, allow_raising=True, **settings)
        with owning_operation():
            self.with_context(skip_invoice_sync=True).is_move_sent = True
        if delivery == "download":
            for move in self:
                move.message_post(
                    body=self.env._(
                        "Invoice downloaded as PDF by %(user)s for manual delivery.", user=self.env.user.name
                    ),
                )
        else:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return True
