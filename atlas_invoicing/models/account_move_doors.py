"""Atlas's rules on Odoo's own doors to an invoice.

Every Atlas role reaches Odoo's Invoicing actions (its app's menus are the Administrator's,
the actions stay reachable by URL), its list Actions, the form's gear menu and the payment
form, whose buttons call Odoo's methods directly: Reset to Draft (button_draft), Reverse (the
reversal wizard, _reverse_moves), Pay (action_force_register_payment, which pays drafts too),
Confirm (_post). For users with an Atlas role the same rules hold there as on Atlas's own
buttons, checked where the method runs; users without one keep Odoo's behaviour.

The fields an invoice's status and ledger rest on change only inside the operations that own
them (see atlas_owning_operation.py), for every Atlas role.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .atlas_owning_operation import has_atlas_role, in_owning_operation, owning_operation, written_directly

# What the Atlas status is computed from, and the status itself.
STATUS_FIELDS = frozenset(
    {"state", "payment_state", "atlas_status", "atlas_amount_paid", "atlas_exported_date", "is_move_sent"}
)
# What a posted invoice's entry says: who owes what, on which accounts, from and until when.
POSTED_INVOICE_FIELDS = frozenset(
    {
        "name",
        "move_type",
        "partner_id",
        "commercial_partner_id",
        "partner_bank_id",
        "company_id",
        "journal_id",
        "currency_id",
        "date",
        "invoice_date",
        "invoice_date_due",
        "invoice_payment_term_id",
        "fiscal_position_id",
        "invoice_cash_rounding_id",
        "invoice_line_ids",
        "line_ids",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_residual",
        "amount_untaxed_signed",
        "amount_tax_signed",
        "amount_total_signed",
        "amount_residual_signed",
        "reversed_entry_id",
        "posted_before",
    }
)
# What the entry behind a payment or a bank statement line says once posted: Odoo already
# refuses most of these on a posted entry, unless ``state`` is written in the same call.
POSTED_ENTRY_FIELDS = frozenset(
    {
        "state",
        "name",
        "move_type",
        "partner_id",
        "company_id",
        "journal_id",
        "currency_id",
        "date",
        "line_ids",
        "origin_payment_id",
        "statement_line_id",
    }
)


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    atlas_may_reverse = fields.Boolean(
        string="May Reverse the Entry",
        compute="_compute_atlas_may_reverse",
        help="Odoo's Reverse Entry on the journal entry form: refused to Atlas's roles on the entry of a "
        "payment or of a bank statement line (they are undone on the payment, the bank line), so the form "
        "does not offer it.",
    )

    def write(self, vals):
        if has_atlas_role(self.env) and not in_owning_operation():
            self._atlas_check_guarded_write(vals)
        return super().write(vals)

    @api.depends("statement_line_id", "origin_payment_id")
    @api.depends_context("uid")
    def _compute_atlas_may_reverse(self):
        atlas_role = has_atlas_role(self.env)
        for move in self:
            move.atlas_may_reverse = not (atlas_role and (move.statement_line_id or move.origin_payment_id))

    @api.depends("statement_line_id", "origin_payment_id")
    @api.depends_context("uid")
    def _compute_show_reset_to_draft_button(self):
        # EXTENDS account: the form offers Reset to Draft on a payment's or a bank line's entry
        # only to the roles button_draft allows (an Accountant's), as the Atlas form's buttons
        # follow the role.
        res = super()._compute_show_reset_to_draft_button()
        user = self.env.user
        if has_atlas_role(self.env) and not user.has_group("atlas_invoicing.group_atlas_accountant"):
            self.filtered(
                lambda move: move.statement_line_id or move.origin_payment_id
            ).show_reset_to_draft_button = False
        return res

    def _atlas_guarded_documents(self):
        """The entries whose truth Atlas guards: customer invoices and credit notes, and the
        entries behind payments and bank statement lines (money in, money at the bank)."""
        return self.filtered(
            lambda move: move.is_sale_document(include_receipts=True)
            or move.origin_payment_id
            or move.statement_line_id
        )

    def _atlas_check_guarded_write(self, vals):
        invoices = self.filtered(lambda move: move.is_sale_document(include_receipts=True))
        if invoices:
            guarded = STATUS_FIELDS.intersection(vals)
            if any(move.state != "draft" for move in invoices):
                guarded |= POSTED_INVOICE_FIELDS.intersection(vals)
            if guarded:
                raise written_directly(
                    invoices,
                    guarded,
                    self.env._(
                        "they change only through the invoice's actions (Send, Record Payment, Refund, Reset to "
                        "Draft, Cancel, Export), which keep the journal entry and the status in step. Use the "
                        "action instead."
                    ),
                )
        entries = (self - invoices)._atlas_guarded_documents().filtered(lambda move: move.state != "draft")
        guarded = POSTED_ENTRY_FIELDS.intersection(vals)
        if entries and guarded:
            raise written_directly(
                entries,
                guarded,
                self.env._(
                    "the entry of a payment or a bank statement line changes only through the payment's buttons "
                    "(Confirm, Reset to Draft, Cancel) or the bank line's reconciliation, which keep both in step."
                ),
            )

    def _atlas_check_guarded_items(self, what):
        documents = self._atlas_guarded_documents()
        if documents:
            raise UserError(
                self.env._(
                    "%(what)s of the journal items of %(entries)s can't be written directly: a posted entry "
                    "changes only through its document's actions (an invoice's Record Payment, Refund, Reset to "
                    "Draft; a payment's buttons; a bank line's reconciliation). Reset it to draft to correct it, "
                    "or refund it.",
                    what=what,
                    entries=", ".join(documents.mapped("display_name")),
                )
            )

    # -------------------------------------------------------------------------
    # Odoo's buttons
    # -------------------------------------------------------------------------

    def _post(self, soft=True):
        # EXTENDS account: a credit note is a refund, an Accountant's (Atlas's Refund, or
        # Odoo's Reverse then Confirm).
        if has_atlas_role(self.env):
            refunds = self.filtered(lambda move: move.move_type == "out_refund")
            if refunds:
                refunds._atlas_check_role(
                    "accountant", self.env._("Only an Atlas Accountant can confirm a credit note (a refund).")
                )
        with owning_operation():
            return super()._post(soft=soft)

    def button_draft(self):
        # EXTENDS account: Odoo's Reset to Draft (its invoice form, a payment's entry) follows
        # Atlas's rule for invoices: an Accountant's, and only while nothing is reconciled. A
        # cancelled invoice that was sent keeps its number: bringing it back is the same door.
        invoices = self.filtered(
            lambda move: move.is_sale_document(include_receipts=True) and move.state in ("posted", "cancel")
        )
        if invoices and has_atlas_role(self.env):
            invoices._atlas_check_resettable()
        if has_atlas_role(self.env) and not in_owning_operation():
            self._atlas_check_entry_resettable()
        with owning_operation():
            res = super().button_draft()
            if invoices and has_atlas_role(self.env):
                # Back to draft is "not sent", as Atlas's own Reset to Draft says: confirmed
                # again, the corrected invoice waits to be sent instead of showing Sent.
                invoices.filtered("is_move_sent").is_move_sent = False
        # Odoo's Reset to Draft returns nothing, which XML-RPC cannot send back.
        return True if res is None else res

    def _atlas_check_entry_resettable(self):
        # The entry of a payment reset to draft un-pays the invoices it paid, as the payment's
        # own Reset to Draft does; a bank line's, un-reconciles the money at the bank.
        posted = self.filtered(lambda move: move.state == "posted")
        payments = posted.origin_payment_id
        if payments:
            payments._atlas_check_undo(self.env._("reset a payment to draft"))
        if posted.statement_line_id:
            posted.statement_line_id.move_id._atlas_check_role(
                "accountant", self.env._("Only an Atlas Accountant can reset a bank line's entry to draft.")
            )

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # EXTENDS account: reversing an invoice (Odoo's Reverse, Credit Note) is a refund.
        if has_atlas_role(self.env) and self.filtered(lambda move: move.is_sale_document(include_receipts=True)):
            self._atlas_check_role("accountant", self.env._("Only an Atlas Accountant can refund an invoice."))
        if has_atlas_role(self.env) and not in_owning_operation():
            self._atlas_check_not_money_entry()
        with owning_operation():
            return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)

    def _atlas_check_not_money_entry(self):
        # The reverse of a payment's entry unmatches its invoices inside Odoo's own operation
        # (due again, the unmatching rule never asked) and leaves the payment Paid; a payment is
        # undone on its form. The reverse of a bank line's entry would credit the bank account in
        # the bank journal with no bank line behind it, and undo the line's reconciliation: the
        # books would say the money left the bank while the bank's statement still shows it.
        payment_entries = self.filtered("origin_payment_id")
        if payment_entries:
            raise UserError(
                self.env._(
                    "%(entries)s is the journal entry of payment %(payments)s: reversing it would make its "
                    "invoices due again while the payment stays Paid. To undo a payment, an Accountant resets it "
                    "to draft or cancels it on the payment.",
                    entries=", ".join(payment_entries.mapped("display_name")),
                    payments=", ".join(payment_entries.origin_payment_id.mapped("display_name")),
                )
            )
        bank_entries = self.filtered("statement_line_id")
        if bank_entries:
            raise UserError(
                self.env._(
                    "%(entries)s is the journal entry of a bank statement line: reversing it would take the "
                    "money out of the bank account while the bank's statement still shows it. To undo what the "
                    "line was reconciled with, use Unreconcile on the bank line.",
                    entries=", ".join(bank_entries.mapped("display_name")),
                )
            )

    def button_hash(self):
        # EXTENDS account: Odoo's Lock hashes posted entries for good, after which no one can
        # reset them to draft: for Atlas's roles an Accountant's, as Reset to Draft is.
        if has_atlas_role(self.env) and self.filtered(lambda move: move.is_sale_document(include_receipts=True)):
            self._atlas_check_role(
                "accountant",
                self.env._("Only an Atlas Accountant can lock an invoice: a locked invoice can't be reset to draft."),
            )
        return super().button_hash()

    def action_force_register_payment(self):
        # EXTENDS account: Odoo's Pay (the gear menu) pays drafts too, with no customer and no
        # invoice number; Atlas records payments on posted invoices only.
        if has_atlas_role(self.env):
            self._atlas_check_posted_for_payment()
        return super().action_force_register_payment()

    def action_send_and_print(self):
        # EXTENDS account: Odoo's Print & Send (its form, the list's button) files the invoice's
        # PDF and marks it sent: a Bookkeeper's, like Atlas's Send. A Viewer reads the PDF with
        # Preview PDF instead; Odoo would answer with its wizard's technical access error.
        if has_atlas_role(self.env):
            self._atlas_check_role(
                "bookkeeper",
                self.env._(
                    "Only an Atlas Bookkeeper can use Print & Send: it files the invoice's PDF and marks the "
                    "invoice sent. To read or print the invoice, use Preview PDF on the Atlas invoice form."
                ),
            )
        return super().action_send_and_print()

    def _atlas_check_posted_for_payment(self):
        drafts = self.filtered(lambda move: move.state != "posted")
        if drafts:
            raise UserError(
                self.env._(
                    "%(invoices)s is not posted: a payment is recorded on a posted invoice only. Post or send "
                    "it first.",
                    invoices=", ".join(drafts.mapped("display_name")),
                )
            )

    def action_toggle_block_payment(self):
        with owning_operation():
            return super().action_toggle_block_payment()


# What a posted invoice's journal item says: which account, how much, whose, when due, settled.
POSTED_ITEM_FIELDS = frozenset(
    {
        "move_id",
        "journal_id",
        "company_id",
        "account_id",
        "partner_id",
        "date",
        "date_maturity",
        "currency_id",
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "amount_residual",
        "amount_residual_currency",
        "reconciled",
        "matching_number",
        "full_reconcile_id",
        "tax_ids",
        "tax_line_id",
        "tax_tag_ids",
        "tax_base_amount",
        "tax_repartition_line_id",
        "display_type",
        "product_id",
        "quantity",
        "price_unit",
        "discount",
        "price_subtotal",
        "price_total",
    }
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        if has_atlas_role(self.env) and not in_owning_operation():
            moves = self.env["account.move"].browse({vals["move_id"] for vals in vals_list if vals.get("move_id")})
            moves.filtered(lambda move: move.state != "draft")._atlas_check_guarded_items(
                self.env._("new journal items")
            )
        return super().create(vals_list)

    def write(self, vals):
        if has_atlas_role(self.env) and not in_owning_operation():
            guarded = POSTED_ITEM_FIELDS.intersection(vals)
            posted = self.move_id.filtered(lambda move: move.state != "draft")
            if guarded and posted:
                labels = sorted(self._fields[name].get_description(self.env)["string"] for name in guarded)
                posted._atlas_check_guarded_items(", ".join(labels))
        return super().write(vals)

    def reconcile(self):
        with owning_operation():
            return super().reconcile()

    def _reconcile_plan(self, reconciliation_plan):
        with owning_operation():
            return super()._reconcile_plan(reconciliation_plan)

    def remove_move_reconcile(self):
        # A journal item's Unreconcile: the door is checked, then Odoo unmatches.
        if has_atlas_role(self.env) and not in_owning_operation():
            (self.matched_debit_ids | self.matched_credit_ids)._atlas_check_unmatch()
        with owning_operation():
            return super().remove_move_reconcile()


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    def _generate_and_send_invoices(self, moves, *args, **kwargs):
        # EXTENDS account: Odoo's Send & Print marks the invoices sent.
        with owning_operation():
            return super()._generate_and_send_invoices(moves, *args, **kwargs)
