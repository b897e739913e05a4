from odoo import api, fields, models


class AccountStatementImportSheetMapping(models.Model):
    _inherit = "account.statement.import.sheet.mapping"

    atlas_method_column = fields.Char(
        string="Payment method column",
        help="The column saying how the money came in (Check, ACH, Wire Transfer, Credit Card, Cash): "
        "the payment recorded when a line is confirmed takes it.",
    )

    @api.model
    def _atlas_csv_layout(self, name):
        """The values of a mapping for the CSV layout of Atlas's demo and tests (Date,
        Description, Reference, Payer, Amount, Balance, Method; ISO dates, a dot for
        decimals), kept in one place so the demo's file and the files made in tests and
        benchmarks are read alike."""
        return {
            "name": name,
            "float_thousands_sep": "none",
            "float_decimal_sep": "dot",
            "delimiter": "comma",
            "timestamp_format": "%Y-%m-%d",
            "timestamp_column": "Date",
            "amount_column": "Amount",
            "description_column": "Description",
            "reference_column": "Reference",
            "partner_name_column": "Payer",
            "balance_column": "Balance",
            "atlas_method_column": "Method",
        }
