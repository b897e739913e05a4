from odoo import fields, models


class ContractContract(models.Model):
    _inherit = "contract.contract"

    # === Atlas invoices === #
    atlas_invoice_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="atlas_contract_id",
        string="Invoices",
        readonly=True,
    )
    atlas_invoice_count = fields.Integer(
        string="Atlas Invoices",
        compute="_compute_atlas_invoice_count",
    )

    def _compute_atlas_invoice_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("atlas_contract_id", "in", self.ids)],
                groupby=["atlas_contract_id"],
                aggregates=["__count"],
            )
        )
        for contract in self:
            contract.atlas_invoice_count = counts.get(contract, 0)

    def _prepare_recurring_invoices_values(self, date_ref=False):
        # EXTENDS contract: every generated invoice carries its contract, the first day of
        # the period it bills (the pair is unique, see account_move_contract.py) and the
        # batch that made it. The periods are read before OCA moves them on.
        lines = self.with_context(active_test=False).contract_line_ids
        period_starts = {line.id: line.next_period_date_start for line in lines}
        values_list = super()._prepare_recurring_invoices_values(date_ref)
        batch_id = self.env.context.get("atlas_batch_id")
        contract_of_line = {line.id: line.contract_id.id for line in lines}
        for vals in values_list:
            billed = [
                command[2]["contract_line_id"]
                for command in vals.get("invoice_line_ids", [])
                if command[2].get("contract_line_id") and command[2].get("display_type", "product") == "product"
            ]
            starts = [period_starts[line_id] for line_id in billed if period_starts.get(line_id)]
            if billed:
                vals["atlas_contract_id"] = contract_of_line[billed[0]]
            if starts:
                vals["atlas_period_start"] = min(starts)
            if batch_id:
                vals["atlas_batch_id"] = batch_id
        return values_list
