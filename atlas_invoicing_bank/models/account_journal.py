from odoo import fields, models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    atlas_auto_confirm = fields.Boolean(
        string="Confirm Certain Matches at Import",
        help="A bank statement line that names an open invoice (and pays at most what is due) is "
        "confirmed as soon as the statement is imported; the other invoice matches wait for a "
        "bookkeeper's confirmation. A line of a payment already recorded is settled at import "
        "whatever this setting.",
    )
