from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    atlas_statement_file_limit_mb = fields.Integer(
        string="Bank Statement File Limit (MB)",
        default=20,
        help="The largest bank statement file that may be imported, and the most a zip of statements may "
        "hold once unpacked. A larger file is refused before it is read.",
    )

    _sql_constraints = [
        (
            "atlas_statement_file_limit_mb_positive",
            "CHECK(atlas_statement_file_limit_mb > 0)",
            "The bank statement file limit must be at least 1 MB.",
        ),
    ]
