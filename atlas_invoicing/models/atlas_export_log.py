import base64
import hashlib

from odoo import api, fields, models

from ..export import EXPORT_FORMATS


class AtlasExportLog(models.Model):
    """One export of invoices to external accounting software: who, when, which format,
    which invoices, and the very file they got.

    Accountants read it; nobody writes it by hand: account.move.atlas_export creates it (as
    superuser, after its own checks), so a log always tells what really left the system.
    """

    _name = "atlas.export.log"
    _description = "Invoice Export Log"
    _order = "id desc"
    _check_company_auto = True

    # === Who, when, what === #
    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    export_format = fields.Selection(selection=EXPORT_FORMATS, string="Format", required=True, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Exported By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    create_date = fields.Datetime(string="Exported On", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, readonly=True, index=True)
    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        relation="atlas_export_log_account_move_rel",
        column1="log_id",
        column2="move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    invoice_count = fields.Integer(string="Invoices Exported", compute="_compute_invoice_count", store=True)

    # === The file === #
    attachment_id = fields.Many2one(comodel_name="ir.attachment", string="File Attachment", readonly=True)
    file_name = fields.Char(readonly=True)
    mimetype = fields.Char(readonly=True)
    file = fields.Binary(related="attachment_id.datas", string="File")
    checksum = fields.Char(
        string="SHA-256",
        readonly=True,
        help="SHA-256 of the file: two exports of the same invoices have the same checksum.",
    )

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for log in self:
            log.invoice_count = len(log.invoice_ids)

    @api.model
    def _atlas_record(self, invoices, export_format, content, file_name, mimetype):
        """Log an export and keep its file as an attachment of the log."""
        log = self.sudo().create(
            {
                "name": self.env["ir.sequence"].sudo().next_by_code("atlas.export.log") or "/",
                "export_format": export_format,
                "user_id": self.env.user.id,
                "company_id": invoices.company_id.id,
                "invoice_ids": [fields.Command.set(invoices.ids)],
                "file_name": file_name,
                "mimetype": mimetype,
                "checksum": hashlib.sha256(content).hexdigest(),
            }
        )
        log.attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": file_name,
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": log.id,
                    "company_id": log.company_id.id,
                }
            )
        )
        return log.sudo(False)

    def _atlas_result(self):
        """What atlas_export returns over XML-RPC: plain values, the file base64-encoded."""
        self.ensure_one()
        return {
            "log_id": self.id,
            "log_name": self.name,
            "file_name": self.file_name,
            "mimetype": self.mimetype,
            "content": base64.b64encode(self.attachment_id.sudo().raw).decode("ascii"),
        }
