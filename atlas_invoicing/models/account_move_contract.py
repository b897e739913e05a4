"""The contract behind an Atlas invoice.

OCA `contract` links each invoice line to its contract line. Atlas also keeps, on the
invoice itself, the contract and the first day of the period it bills: the invoice list
and form show them, and a unique index on the pair makes a second invoice for the same
contract and period impossible, whoever creates it (a batch, a resumed batch, the OCA
cron, the contract's own "Create invoice" button).
"""

from odoo import fields, models
from odoo.tools import SQL, index_exists

PERIOD_UNIQUE_INDEX = "account_move_atlas_contract_period_unique"


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # === Contract === #
    atlas_contract_id = fields.Many2one(
        comodel_name="contract.contract",
        string="Contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="account.group_account_invoice,account.group_account_readonly",
        help="The contract this invoice was generated from.",
    )
    atlas_period_start = fields.Date(
        string="Period Start",
        readonly=True,
        copy=False,
        help="First day of the contract period this invoice bills.",
    )

    def init(self):
        res = super().init()
        # A cancelled invoice frees its period, so the contract can bill it again.
        if not index_exists(self.env.cr, PERIOD_UNIQUE_INDEX):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON account_move (atlas_contract_id, atlas_period_start) "
                    "WHERE atlas_contract_id IS NOT NULL AND atlas_period_start IS NOT NULL "
                    "AND state != 'cancel'",
                    SQL.identifier(PERIOD_UNIQUE_INDEX),
                )
            )
        return res
