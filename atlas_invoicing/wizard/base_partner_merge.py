from odoo import models
from odoo.exceptions import AccessError

from ..models.atlas_owning_operation import has_atlas_role


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # EXTENDS base: merging moves the merged contacts' journal entries (posted invoices,
        # payments) to the contact kept, by SQL around the guards of a posted entry's customer.
        # For Atlas's roles that is an Accountant's; contacts without posted entries stay the
        # Bookkeeper's to merge. Users without an Atlas role keep Odoo's rule.
        if has_atlas_role(self.env) and not self.env.user.has_group("atlas_invoicing.group_atlas_accountant"):
            merged = self.env["res.partner"].browse(partner_ids) - (dst_partner or self.env["res.partner"])
            posted = (
                self.env["account.move.line"]
                .sudo()
                .search_count([("partner_id", "child_of", merged.ids), ("parent_state", "=", "posted")], limit=1)
            )
            if posted:
                raise AccessError(
                    self.env._(
                        "Only an Atlas Accountant can merge contacts that have posted invoices or payments "
                        "(%(partners)s): merging moves their journal entries to the contact kept.",
                        partners=", ".join(merged.mapped("display_name")),
                    )
                )
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
