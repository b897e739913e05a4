from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    atlas_open_amount_as_of = fields.Monetary(
        string="Open Amount",
        currency_field="company_currency_id",
        compute="_compute_atlas_open_amount_as_of",
        help="What was still open of the item on the date in the context (atlas_as_of; today "
        "without one): its residual today plus what was matched to it after that date. The "
        "AR Aging report's drill-down shows it, so that a customer's items add up to the "
        "customer's line.",
    )

    @api.depends("amount_residual")
    @api.depends_context("atlas_as_of")
    def _compute_atlas_open_amount_as_of(self):
        as_of = fields.Date.to_date(self.env.context.get("atlas_as_of")) or fields.Date.context_today(self)
        late = {}
        if self.ids:
            # The same rule as the AR Aging's open items: a match counts from its max_date.
            self.env["account.partial.reconcile"].flush_model(["debit_move_id", "credit_move_id", "amount", "max_date"])
            self.env.cr.execute(
                """SELECT line_id, SUM(amount) FROM (
                        SELECT debit_move_id AS line_id, amount FROM account_partial_reconcile
                         WHERE max_date > %(as_of)s AND debit_move_id = ANY(%(ids)s)
                        UNION ALL
                        SELECT credit_move_id, -amount FROM account_partial_reconcile
                         WHERE max_date > %(as_of)s AND credit_move_id = ANY(%(ids)s)
                   ) late GROUP BY line_id""",
                {"as_of": as_of, "ids": self.ids},
            )
            late = dict(self.env.cr.fetchall())
        for line in self:
            line.atlas_open_amount_as_of = line.company_currency_id.round(line.amount_residual + late.get(line.id, 0.0))

    def _prepare_exchange_difference_move_vals(self, amounts_list, company=None, exchange_date=None, **kwargs):
        # EXTENDS account: the exchange difference belongs to the company of the items it fixes.
        # Odoo leaves the entry's company to its journal, and a branch books in its parent's
        # exchange journal, so a branch's difference would land in the parent's books: the
        # branch's receivable would keep a balance although nothing is open on it.
        values = super()._prepare_exchange_difference_move_vals(
            amounts_list, company=company, exchange_date=exchange_date, **kwargs
        )
        if not values:
            return values
        owner = ((self.move_id.filtered(lambda m: m.is_invoice(True)) or self.move_id).company_id or company)[:1]
        journal = self.env["account.journal"].browse(values["move_values"].get("journal_id"))
        if owner and journal and journal.company_id != owner and journal.company_id in owner.parent_ids:
            values["move_values"]["company_id"] = owner.id
        return values

    def _get_computed_taxes(self):
        # EXTENDS account: Odoo takes a line's default taxes from its product, else its account,
        # so a customer invoice line without a product gets no tax. The company's default sales
        # tax applies to those lines when its Atlas setting says so (not for every company: the
        # setting is Atlas's promise, Odoo's own flows keep Odoo's rule).
        taxes = super()._get_computed_taxes()
        move = self.move_id
        company = move.company_id
        if (
            not taxes
            and not self.product_id
            and self.display_type == "product"
            and move.is_sale_document(include_receipts=True)
            and company.atlas_sale_tax_on_lines
            and company.account_sale_tax_id
        ):
            taxes = company.account_sale_tax_id
            if move.fiscal_position_id:
                taxes = move.fiscal_position_id.map_tax(taxes)
        return taxes
