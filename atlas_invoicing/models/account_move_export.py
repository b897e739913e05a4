"""Export of invoices to external accounting software.

The file formats live in ../export/; here are the rules: who may export (Accountant, the
Export wizard's access rights), which invoices (posted customer invoices and credit notes of
one company; drafts only when the user asks to post them first), the Exported status and
the export log.
"""

from odoo import fields, models
from odoo.exceptions import UserError

from ..export import EXPORT_FORMAT_LABELS, build, xero
from ..export.common import file_stem, sorted_invoices
from .atlas_owning_operation import owning_operation

EXPORTABLE_TYPES = ("out_invoice", "out_refund")
CREDIT_NOTES_REFUSED = ("quickbooks", "xero")


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    atlas_export_log_ids = fields.Many2many(
        comodel_name="atlas.export.log",
        relation="atlas_export_log_account_move_rel",
        column1="move_id",
        column2="log_id",
        string="Exports",
        readonly=True,
        copy=False,
        groups="atlas_invoicing.group_atlas_accountant",
    )

    # -------------------------------------------------------------------------
    # Button
    # -------------------------------------------------------------------------

    def action_atlas_export(self):
        """Open the Export wizard on the selected invoices."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Export Invoices"),
            "res_model": "atlas.invoice.export",
            "view_mode": "form",
            "target": "new",
            "context": {"default_invoice_ids": self.ids},
        }

    # -------------------------------------------------------------------------
    # XML-RPC API
    # -------------------------------------------------------------------------

    def atlas_export(self, export_format, post_drafts=False):
        """Export these invoices to one file and log it.

        :param export_format: "csv" (generic), "quickbooks", "xero" or "ubl"
        :param post_drafts: post the drafts of the selection first (as Odoo's Confirm does);
            without it a selection with drafts is refused and nothing changes
        :return: {"log_id", "log_name", "file_name", "mimetype", "content"} with the file
            base64-encoded in content

        Goes through the Export wizard's access rights (Accountant), over XML-RPC too.
        """
        self.env["atlas.invoice.export"].check_access("create")
        return self._atlas_export(export_format, post_drafts=post_drafts)._atlas_result()

    # -------------------------------------------------------------------------
    # Export
    # -------------------------------------------------------------------------

    def _atlas_export(self, export_format, post_drafts=False):
        """Export, set the invoices' Exported status and return the export log."""
        self._atlas_check_exportable(export_format, post_drafts)
        drafts = self.filtered(lambda move: move.state == "draft")
        if drafts:
            drafts.action_post()
        invoices = sorted_invoices(self)
        # Before the file is built: the generic CSV shows the status the export gives, so a
        # second export of the same invoices gives the same bytes.
        with owning_operation():
            invoices.write({"atlas_exported_date": fields.Datetime.now()})
        company = invoices.company_id
        # A fixed language: tax, product and country names are translatable, and the file
        # must not depend on who exports it.
        content, extension, mimetype = build(
            export_format, invoices.with_context(lang=company.partner_id.lang or "en_US")
        )
        file_name = f"{file_stem(invoices, export_format)}.{extension}"
        log = self.env["atlas.export.log"]._atlas_record(invoices, export_format, content, file_name, mimetype)
        body = self.env._(
            "Exported to %(format)s (log %(log)s).", format=EXPORT_FORMAT_LABELS[export_format], log=log.name
        )
        # One insert for the whole selection (a month's export can be thousands of invoices).
        invoices._message_log_batch(bodies=dict.fromkeys(invoices.ids, body))
        return log

    def _atlas_check_exportable(self, export_format, post_drafts):
        """Refuse, before anything changes, a selection that can't be exported as asked."""
        if export_format not in EXPORT_FORMAT_LABELS:
            raise UserError(
                self.env._(
                    "Unknown export format “%(format)s”. Choose one of: %(formats)s.",
                    format=export_format,
                    formats=", ".join(EXPORT_FORMAT_LABELS),
                )
            )
        if not self:
            raise UserError(self.env._("Select at least one invoice to export."))
        others = self.filtered(lambda move: move.move_type not in EXPORTABLE_TYPES)
        if others:
            raise UserError(
                self.env._(
                    "Only customer invoices and credit notes can be exported; these are not: %(moves)s.",
                    moves=", ".join(others.mapped("display_name")),
                )
            )
        if len(self.company_id) > 1:
            raise UserError(
                self.env._(
                    "Export the invoices of one company at a time: the selection holds invoices of %(companies)s.",
                    companies=", ".join(self.company_id.mapped("name")),
                )
            )
        cancelled = self.filtered(lambda move: move.state == "cancel")
        if cancelled:
            raise UserError(
                self.env._(
                    "Cancelled invoices are not exported: %(moves)s. Remove them from the selection.",
                    moves=", ".join(cancelled.mapped("display_name")),
                )
            )
        drafts = self.filtered(lambda move: move.state == "draft")
        if drafts and not post_drafts:
            raise UserError(
                self.env._(
                    "Draft invoices can't be exported: %(moves)s. Send or post them first, or export with "
                    "“Post drafts first” (post_drafts=True over XML-RPC) to post them as part of the export.",
                    moves=", ".join(
                        f"{move.display_name} ({move.partner_id.display_name})" for move in drafts.sorted("id")
                    ),
                )
            )
        credit_notes = self.filtered(lambda move: move.move_type == "out_refund")
        if credit_notes and export_format in CREDIT_NOTES_REFUSED:
            raise UserError(
                self.env._(
                    "%(format)s's invoice import does not take credit notes: %(moves)s. Remove them from the "
                    "selection, or export them as generic CSV or UBL.",
                    format=EXPORT_FORMAT_LABELS[export_format],
                    moves=", ".join(credit_notes.mapped("display_name")),
                )
            )
        if export_format == "xero" and len(self) > xero.MAX_INVOICES:
            raise UserError(
                self.env._(
                    "Xero imports at most %(max)s invoices per file and the selection holds %(count)s. "
                    "Export them in parts of %(max)s or fewer.",
                    max=xero.MAX_INVOICES,
                    count=len(self),
                )
            )
