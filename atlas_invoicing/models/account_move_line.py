from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

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
