from odoo import fields, models


class AccountStatementImportSheetMapping(models.Model):
    _inherit = "account.statement.import.sheet.mapping"

    atlas_method_column = fields.Char(
        string="Payment method column",
        help="The column saying how the money came in (Check, ACH, Wire Transfer, Credit Card, Cash): "
        "the payment recorded when a line is confirmed takes it.",
    )
