from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _atlas_pdf_tax_lines(self):
        """One line per tax of the invoice, labelled with its rate ("Tax 15%"), in the invoice's
        currency: the customer sees which rate was applied, not only a tax total."""
        self.ensure_one()
        sign = -1 if self.is_inbound() else 1
        totals = {}
        for line in self.line_ids.filtered(lambda line: line.display_type == "tax"):
            totals[line.tax_line_id] = totals.get(line.tax_line_id, 0.0) + sign * line.amount_currency
        lines = []
        for tax, amount in totals.items():
            if tax.amount_type == "percent":
                rate = f"{tax.amount:g}"  # a plain name: Odoo's term extraction reads the call
                label = self.env._("Tax %(rate)s%%", rate=rate)
            else:
                label = self.env._("Tax (%(name)s)", name=tax.invoice_label or tax.name)
            lines.append({"label": label, "amount": amount})
        if not lines:
            lines.append({"label": self.env._("Tax"), "amount": self.amount_tax})
        return lines

    def _atlas_pdf_payments(self):
        """What was received against the invoice, from Odoo's payments widget (as Odoo's own
        invoice report prints it): payments and credit notes, exchange differences left out."""
        self.ensure_one()
        widget = self.sudo().invoice_payments_widget
        vals = []
        for entry in (widget or {}).get("content", []):
            if entry["is_exchange"]:
                continue
            counterpart = self.env["account.move"].sudo().browse(entry["move_id"])
            vals.append(
                {
                    "date": entry["date"],
                    "amount": entry["amount"],
                    "name": counterpart.name,
                    "credit_note": counterpart.move_type == "out_refund",
                }
            )
        return vals

    def _atlas_refund_movements(self):
        """What followed a refund of the invoice, after what it received: each posted credit
        note not applied to the invoice itself (an invoice already paid is credited against
        the money paid back), then each payment of that money back to the customer."""
        self.ensure_one()
        if self.move_type != "out_invoice":
            return []
        applied = {entry["move_id"] for entry in (self.sudo().invoice_payments_widget or {}).get("content", [])}
        credit_notes = self.sudo().atlas_credit_note_ids.filtered(
            lambda note: note.state == "posted" and note.id not in applied
        )
        movements = [
            {
                "kind": "credit_note",
                "name": note.name,
                "date": note.invoice_date or note.date,
                "amount": note.amount_total,
            }
            for note in credit_notes.sorted(lambda note: (note.date, note.id))
        ]
        for payment in self.sudo().atlas_refund_payment_ids.sorted(lambda payment: (payment.date, payment.id)):
            movements.append(
                {
                    "kind": "paid_back",
                    "name": payment.name,
                    "date": payment.date,
                    "amount": payment.currency_id._convert(
                        payment.amount, self.currency_id, self.company_id, payment.date
                    ),
                    "method": payment.payment_method_line_id.name,
                }
            )
        return movements

    def _atlas_pdf_bank_account(self):
        """The account the customer pays into: the invoice's recipient bank, else the account
        of the company's first bank journal."""
        self.ensure_one()
        if self.partner_bank_id:
            return self.partner_bank_id.sudo()
        journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    ("type", "=", "bank"),
                    ("bank_account_id", "!=", False),
                    *self.env["account.journal"]._check_company_domain(self.company_id),
                ],
                order="sequence, id",
                limit=1,
            )
        )
        return journal.bank_account_id
