import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang
from odoo.tools.sql import create_index

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

# Atera's billing statuses plus Cancelled. "Posted" is the honest name for an invoice
# confirmed outside the Atlas flow (Odoo's own Confirm button, action_post over XML-RPC):
# it has a journal entry but was never delivered, so it is neither Draft nor Sent.
ATLAS_STATUSES = [
    ("draft", "Draft"),
    ("posted", "Posted"),
    ("sent", "Sent"),
    ("exported", "Exported"),
    ("partial", "Partially Paid"),
    ("paid", "Paid"),
    ("refunded", "Refunded"),
    ("cancelled", "Cancelled"),
]
STATUS_LABELS = dict(ATLAS_STATUSES)

# Stored fields of an invoice that only the machinery reads: not offered to group by.
ATLAS_TECHNICAL_FIELDS = {
    "access_token",
    "always_tax_exigible",
    "atlas_refund_idempotency_key",
    "auto_post_origin_id",
    "company_currency_id",
    "company_price_include",
    "country_code",
    "inalterable_hash",
    "invoice_partner_display_name",
    "invoice_source_email",
    "is_manually_modified",
    "is_move_sent",
    "is_storno",
    "made_sequence_gap",
    "message_main_attachment_id",
    "posted_before",
    "restrict_mode_hash_table",
    "secure_sequence_number",
    "sending_data",
    "sequence_number",
    "sequence_prefix",
    "tax_calculation_rounding_method",
    "tax_cash_basis_origin_move_id",
    "tax_cash_basis_rec_id",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    # === Atlas status === #
    atlas_status = fields.Selection(
        selection=ATLAS_STATUSES,
        string="Invoice Status",
        compute="_compute_atlas_status",
        store=True,
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_atlas_status",
        help="Derived from the ledger: Refunded > Paid > Partially Paid > Exported > Sent > Posted > Draft.",
    )
    atlas_exported_date = fields.Datetime(
        string="Exported On",
        readonly=True,
        copy=False,
        help="When the invoice was last exported to external accounting software.",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    atlas_batch_id = fields.Many2one(
        comodel_name="atlas.invoice.batch",
        string="Batch",
        index="btree_not_null",
        copy=False,
        check_company=True,
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    atlas_amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_atlas_status",
        store=True,
        currency_field="currency_id",
        help="Money received through payments, net of what was paid back (credit notes, write-offs and "
        "early-payment discounts excluded), in the invoice's currency.",
    )
    atlas_amount_due = fields.Monetary(
        string="Amount Due (Atlas)",
        compute="_compute_atlas_amount_due",
        store=True,
        currency_field="currency_id",
        help="What the customer still owes, in the invoice's currency: nothing on a cancelled "
        "invoice (Odoo keeps the residual of its lines).",
    )
    atlas_delivery_state = fields.Selection(
        selection=[
            ("none", "Not emailed"),
            ("queued", "Email queued"),
            ("sent", "Email sent"),
            ("failed", "Email failed"),
        ],
        string="Email Delivery",
        groups="account.group_account_invoice,account.group_account_readonly",
        compute="_compute_atlas_delivery_state",
    )
    atlas_delivery_info = fields.Char(
        string="Email Delivery Details",
        groups="account.group_account_invoice,account.group_account_readonly",
        compute="_compute_atlas_delivery_state",
    )

    # === Credit notes and refunds === #
    atlas_credit_note_ids = fields.Many2many(
        comodel_name="account.move",
        string="Credit Notes",
        compute="_compute_atlas_credit_notes",
        help="The credit notes of this invoice (made with Refund).",
    )
    atlas_credit_note_count = fields.Integer(compute="_compute_atlas_credit_notes")
    atlas_refund_payment_ids = fields.Many2many(
        comodel_name="account.payment",
        string="Refund Payments",
        compute="_compute_atlas_credit_notes",
        help="The money paid back to the customer through this invoice's credit notes.",
    )
    atlas_refund_payment_count = fields.Integer(compute="_compute_atlas_credit_notes")
    atlas_refund_summary = fields.Text(
        string="Refund",
        compute="_compute_atlas_refund_summary",
        help="The credit note of a refund after payment, and the money paid back to the customer.",
    )

    def init(self):
        res = super().init()
        # Numbering each new entry, Odoo looks up the journal's latest entry up to its date
        # (_get_last_sequence_domain: journal_id = … AND date <= … ORDER BY date DESC LIMIT 1).
        # Without an index that starts with the journal then the date, PostgreSQL walks the
        # date index back through every journal's entries; a bank statement import does this
        # look-up for each of its lines' entries.
        create_index(
            self.env.cr,
            indexname="account_move_atlas_journal_date_idx",
            tablename="account_move",
            expressions=["journal_id", "date DESC"],
        )
        return res

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        # EXTENDS base: Add Custom Group on Atlas's invoice lists offers what an accountant
        # groups invoices by, not keys, tokens and flags of the machinery (Odoo's own screens
        # keep Odoo's list).
        res = super().fields_get(allfields=allfields, attributes=attributes)
        if self.env.context.get("atlas_invoice_screen"):
            for name in ATLAS_TECHNICAL_FIELDS.intersection(res):
                if "groupable" in res[name]:
                    res[name]["groupable"] = False
        return res

    # -------------------------------------------------------------------------
    # Status
    # -------------------------------------------------------------------------

    @api.model
    def _read_group_atlas_status(self, statuses, domain):
        # Status groups follow the invoice's life (Draft → … → Refunded, Cancelled), not the
        # alphabetical order of the stored keys; only the statuses that have invoices.
        order = [status for status, _label in ATLAS_STATUSES]
        return sorted(statuses, key=order.index)

    @api.depends(
        "state",
        "move_type",
        "is_move_sent",
        "atlas_exported_date",
        "payment_state",
        "amount_residual",
        "amount_total",
        "line_ids.matched_debit_ids",
        "line_ids.matched_credit_ids",
        "reversal_move_ids.state",
        "reversal_move_ids.amount_total",
        "reversal_move_ids.amount_residual",
    )
    def _compute_atlas_status(self):
        for move in self:
            if not move.is_sale_document(include_receipts=True):
                # Misc entries, payments' entries and vendor bills have no invoice status.
                move.atlas_status = False
                move.atlas_amount_paid = 0.0
                continue
            ledger = move._atlas_ledger()
            move.atlas_amount_paid = ledger["received"] - ledger["paid_back"]
            move.atlas_status = move._atlas_status_from_ledger(ledger)

    @api.depends("state", "amount_residual")
    def _compute_atlas_amount_due(self):
        for move in self:
            move.atlas_amount_due = 0.0 if move.state == "cancel" else move.amount_residual

    def _atlas_ledger(self):
        """What settled this customer document, read from its reconciliations, in its currency.

        received:  money (the liquidity share of payments) settled on it;
        paid_back: money paid back through its own credit notes (reversal_move_ids);
        credited:  credit notes applied to it (stand-alone ones by the amount applied) plus
                   its own credit notes, applied or not;
        write_off: the non-money share of payments (write-offs, early-payment discounts), as
                   {payment line: amount settled on this document}.
        """
        self.ensure_one()
        ledger = {"received": 0.0, "paid_back": 0.0, "credited": 0.0, "write_off_lines": []}
        own_credit_notes = self.reversal_move_ids.filtered(lambda m: m.state == "posted")
        ledger["credited"] = sum(own_credit_notes.mapped("amount_total"))
        # A document nothing was reconciled with has no partials: skip the queries (lists).
        if self.state != "posted":
            return ledger
        if self.payment_state not in (False, "not_paid"):
            for partial in self._get_all_reconciled_invoice_partials():
                if partial["is_exchange"]:
                    continue
                counterpart = partial["aml"].move_id
                if counterpart.origin_payment_id or counterpart.statement_line_id:
                    money, write_off_lines = counterpart._atlas_money_share(partial["amount"])
                    ledger["received"] += money
                    ledger["write_off_lines"] += write_off_lines
                elif counterpart.move_type == "out_refund" and counterpart not in own_credit_notes:
                    ledger["credited"] += partial["amount"]
        for credit_note in own_credit_notes.filtered(lambda m: m.payment_state not in (False, "not_paid")):
            for partial in credit_note._get_all_reconciled_invoice_partials():
                counterpart = partial["aml"].move_id
                if not partial["is_exchange"] and (counterpart.origin_payment_id or counterpart.statement_line_id):
                    ledger["paid_back"] += counterpart._atlas_money_share(partial["amount"])[0]
        return ledger

    def _atlas_money_share(self, amount):
        """Split an amount a payment's entry settled into money and write-off.

        A payment registered with a write-off or an early-payment discount credits the
        receivable with more than the bank received: only its liquidity line is money. Returns
        the money share and the write-off lines with the share of their amount that belongs to
        this amount.
        """
        self.ensure_one()
        if not self.origin_payment_id:
            return amount, []  # a bank statement line: what it settles is money
        liquidity, counterpart, write_off = self.origin_payment_id._seek_for_lines()
        settled = abs(sum(counterpart.mapped("amount_currency")))
        if not write_off or not settled:
            return amount, []
        ratio = amount / settled
        money = abs(sum(liquidity.mapped("amount_currency"))) * ratio
        return money, [(line, ratio) for line in write_off]

    def _atlas_status_from_ledger(self, ledger):
        self.ensure_one()
        if self.state == "draft":
            return "draft"
        if self.state == "cancel":
            return "cancelled"
        currency = self.currency_id
        money_held = ledger["received"] - ledger["paid_back"]
        if self.move_type == "out_refund":
            # A credit note is settled when it was applied to invoices or its money went back.
            if currency.is_zero(self.amount_residual):
                return "paid"
            if currency.compare_amounts(self.amount_residual, self.amount_total) < 0:
                return "partial"
        else:
            fully_credited = self.amount_total and currency.compare_amounts(ledger["credited"], self.amount_total) >= 0
            # Credited in full and no money kept: nothing was sold in the end.
            if fully_credited and currency.is_zero(money_held):
                return "refunded"
            if currency.is_zero(self.amount_residual) and self.payment_state not in (False, "not_paid"):
                return "paid"
            if currency.compare_amounts(ledger["received"], 0.0) > 0:
                return "partial"
        if self.atlas_exported_date:
            return "exported"
        if self.is_move_sent:
            return "sent"
        return "posted"

    # -------------------------------------------------------------------------
    # Credit notes and refunds: the links between an invoice and its credit notes
    # -------------------------------------------------------------------------

    @api.depends("reversal_move_ids.state", "reversal_move_ids.payment_state")
    def _compute_atlas_credit_notes(self):
        for move in self:
            credit_notes = move.reversal_move_ids.filtered(lambda m: m.move_type == "out_refund")
            move.atlas_credit_note_ids = credit_notes
            move.atlas_credit_note_count = len(credit_notes)
            refund_payments = credit_notes.filtered(lambda m: m.state == "posted")._get_reconciled_payments()
            move.atlas_refund_payment_ids = refund_payments
            move.atlas_refund_payment_count = len(refund_payments)

    @api.depends("atlas_credit_note_ids", "atlas_refund_payment_ids")
    def _compute_atlas_refund_summary(self):
        for move in self:
            lines = []
            for movement in move._atlas_refund_movements() if move.id else []:
                amount = formatLang(self.env, movement["amount"], currency_obj=move.currency_id)
                date = format_date(self.env, movement["date"])
                if movement["kind"] == "credit_note":
                    lines.append(
                        self.env._(
                            "Credit note %(name)s of %(date)s: %(amount)s",
                            name=movement["name"],
                            date=date,
                            amount=amount,
                        )
                    )
                else:
                    lines.append(
                        self.env._(
                            "Paid back on %(date)s (%(method)s): %(amount)s",
                            date=date,
                            method=movement["method"],
                            amount=amount,
                        )
                    )
            move.atlas_refund_summary = "\n".join(lines)

    def action_atlas_open_credit_notes(self):
        """Credit Notes (smart button of an invoice): its credit notes, in the Atlas form."""
        self.ensure_one()
        return self.atlas_credit_note_ids._atlas_document_action()

    def action_atlas_open_refunded_invoice(self):
        """Invoice (smart button of a credit note): the invoice it credits, in the Atlas form."""
        self.ensure_one()
        return self.reversed_entry_id._atlas_document_action()

    def action_atlas_open_refund_payments(self):
        """Refund Payment (smart button of an invoice): the money paid back to the customer.
        (A credit note lists it among its own payments, Odoo's Payments button.)"""
        self.ensure_one()
        return self.atlas_refund_payment_ids._get_records_action(
            name=self.env._("Refund Payments"), context={"create": False}
        )

    def action_atlas_open_document(self):
        """The document behind a journal entry an Atlas screen links to (a report's
        drill-down): customer invoices and credit notes in the Atlas form, any other entry in
        Odoo's journal entry form."""
        self.ensure_one()
        if self.move_type in ("out_invoice", "out_refund"):
            return self._atlas_document_action()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "account.move",
            "res_id": self.id,
            "views": [(self.env.ref("account.view_move_form").id, "form")],
            "context": {"create": False},
        }

    def _atlas_document_action(self):
        """The Atlas Invoices or Credit Notes action, on these customer documents (all of one
        kind): the form for one, the list for several."""
        xmlid = (
            "atlas_invoicing.action_atlas_credit_notes"
            if self[:1].move_type == "out_refund"
            else "atlas_invoicing.action_atlas_invoices"
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if len(self) == 1:
            action.update(
                res_id=self.id,
                view_mode="form",
                views=[(self.env.ref("atlas_invoicing.view_atlas_invoice_form").id, "form")],
            )
        else:
            action["domain"] = [("id", "in", self.ids)]
        return action

    # -------------------------------------------------------------------------
    # Email delivery (what the mail queue says about the invoice's emails)
    # -------------------------------------------------------------------------

    def _compute_atlas_delivery_state(self):
        # One query for all the invoices shown (a list view computes many at once).
        last_by_move = {}
        if self.ids:
            notifications = (
                self.env["mail.notification"]
                .sudo()
                .search(
                    [
                        ("mail_message_id.model", "=", "account.move"),
                        ("mail_message_id.res_id", "in", self.ids),
                        ("notification_type", "=", "email"),
                    ],
                    order="id desc",
                )
            )
            for notification in notifications:
                last_by_move.setdefault(notification.mail_message_id.res_id, notification)
        for move in self:
            last = last_by_move.get(move.id)
            if not last:
                move.atlas_delivery_state, move.atlas_delivery_info = "none", False
            elif last.notification_status in ("ready", "process", "pending"):
                move.atlas_delivery_state = "queued"
                move.atlas_delivery_info = self.env._(
                    "Waiting in the mail queue for %(email)s", email=last.res_partner_id.email
                )
            elif last.notification_status == "sent":
                move.atlas_delivery_state = "sent"
                move.atlas_delivery_info = self.env._("Delivered to %(email)s", email=last.res_partner_id.email)
            else:
                move.atlas_delivery_state = "failed"
                move.atlas_delivery_info = move._atlas_delivery_failure(last)

    def _atlas_delivery_failure(self, notification):
        """What went wrong with an email, from Odoo's failure type, and what to do about it."""
        email = notification.res_partner_id.email or notification.res_partner_id.display_name
        if notification.failure_type == "mail_smtp":
            # Odoo could not connect: nothing was refused, the server was not reached at all.
            return self.env._(
                "The mail server could not be reached. An administrator sets it in Settings → General "
                "Settings → Emails → Outgoing Email Servers; then use Send Again."
            )
        if notification.failure_type in ("mail_email_invalid", "mail_email_missing", "mail_bounce"):
            return self.env._(
                "The address %(email)s was refused. Correct the customer's email, then use Send Again.",
                email=email,
            )
        return self.env._(
            "%(reason)s Correct the address or the mail server, then use Send Again.",
            reason=notification.failure_reason or self.env._("The mail server refused the email."),
        )

    # -------------------------------------------------------------------------
    # Customer currency and numbering
    # -------------------------------------------------------------------------

    @api.depends("journal_id", "statement_line_id", "partner_id")
    def _compute_currency_id(self):
        # EXTENDS account: a customer's Atlas currency becomes its new invoices' currency.
        res = super()._compute_currency_id()
        for move in self:
            partner_currency = move.partner_id.commercial_partner_id.with_company(move.company_id).atlas_currency_id
            if (
                partner_currency
                and move.state == "draft"
                and move.is_sale_document(include_receipts=True)
                and not move.journal_id.currency_id
            ):
                move.currency_id = partner_currency
        return res

    def _atlas_custom_prefix(self):
        """The company's invoice prefix when it replaces Odoo's own '<journal code>/'.

        With the default prefix (the sales journal's code, INV/) numbering is Odoo's own. A
        different prefix starts its own gap-free series.
        """
        self.ensure_one()
        if not self._atlas_numbered_by_prefix():
            return None
        prefix = self.company_id._atlas_effective_invoice_prefix()
        return None if prefix == f"{self.journal_id.code}/" else prefix

    def _atlas_numbered_by_prefix(self):
        return self.move_type == "out_invoice" and self.journal_id.type == "sale"

    def _compute_name(self):
        # EXTENDS account: Odoo numbers the first draft of a period at once (so that its user
        # may change the format), the others when they are posted. For Atlas's invoices every
        # draft waits for its posting, as the others do: a batch's drafts all read "/", and a
        # first draft of the year deleted or left behind takes no number from the series.
        # Atlas's roles and batches only: Odoo's own users keep Odoo's rule.
        unnumbered = self.filtered(
            lambda move: move.state == "draft"
            and not move.posted_before
            and (not move.name or move.name == "/")
            and move._atlas_numbered_by_prefix()
        )
        # Odoo's own computation runs first, on every move (it also sets what other fields
        # computed with the name rely on); the numbers it gave those drafts are taken back.
        result = super()._compute_name()
        # A stored field is computed as superuser (compute_sudo): the user is still the one
        # whose action made the draft.
        atlas_user = self.env.user.has_group("atlas_invoicing.group_atlas_viewer")
        if atlas_user or self.env.context.get("atlas_batch_id"):
            numbered = unnumbered.filtered(lambda move: move.name and move.name != "/")
            if numbered:
                numbered.name = "/"
                numbered._inverse_name()
        return result

    def _get_starting_sequence(self):
        # EXTENDS account
        starting = super()._get_starting_sequence()
        prefix = self._atlas_custom_prefix()
        if prefix and starting.startswith(f"{self.journal_id.code}/"):
            starting = prefix + starting[len(self.journal_id.code) + 1 :]
        return starting

    def _get_last_sequence_domain(self, relaxed=False):
        # EXTENDS account: with a custom prefix, only that prefix's numbers continue the series.
        # With the default one, Odoo's rule (the journal's last number sets the format) stands,
        # except that the series of the other prefixes the company numbered with are not
        # continued: back to INV/, the next number is INV/'s, whatever came in between.
        where_string, param = super()._get_last_sequence_domain(relaxed)
        if not self._atlas_numbered_by_prefix():
            return where_string, param
        prefix = self._atlas_custom_prefix()
        if prefix:
            where_string += " AND sequence_prefix ~ %(atlas_prefix_regex)s "
            param["atlas_prefix_regex"] = "^" + re.escape(prefix) + "[0-9]"
            return where_string, param
        default = self.company_id._atlas_effective_invoice_prefix()
        others = set((self.company_id.atlas_invoice_prefixes_used or "").splitlines()) - {default}
        if others:
            where_string += " AND sequence_prefix !~ %(atlas_other_prefixes_regex)s "
            param["atlas_other_prefixes_regex"] = "^(" + "|".join(map(re.escape, sorted(others))) + ")[0-9]"
        return where_string, param

    # -------------------------------------------------------------------------
    # Due date: it follows the invoice date and the payment terms
    # -------------------------------------------------------------------------

    # With payment terms (the customer's by default) Odoo computes the due date from the invoice
    # date. Without, Odoo keeps whatever due date the invoice had, by default the day the draft
    # was made: an invoice dated later, or whose date was changed, was "due" before it was
    # issued. Here it is due on its invoice date, whenever that date or the terms change. A due
    # date given with them (an import, an XML-RPC call) is a choice and stays.

    @api.onchange("invoice_date", "invoice_payment_term_id")
    def _onchange_atlas_due_date_follows_invoice_date(self):
        self._atlas_due_on_invoice_date()

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        for move, vals in zip(moves, vals_list, strict=True):
            if "invoice_date_due" not in vals:
                move._atlas_due_on_invoice_date()
        return moves

    def write(self, vals):
        res = super().write(vals)
        if ("invoice_date" in vals or "invoice_payment_term_id" in vals) and "invoice_date_due" not in vals:
            self._atlas_due_on_invoice_date()
        return res

    def _atlas_due_on_invoice_date(self):
        for move in self:
            if (
                move.state == "draft"
                and move.invoice_date
                and not move.invoice_payment_term_id
                and move.is_sale_document(include_receipts=True)
                and move.invoice_date_due != move.invoice_date
            ):
                move.invoice_date_due = move.invoice_date

    # -------------------------------------------------------------------------
    # Delete: drafts only
    # -------------------------------------------------------------------------

    def unlink(self):
        # Checked before Odoo's own rules, whose message speaks of journal items, not invoices.
        # Like those rules (ondelete at_uninstall=False), not when a module is uninstalled or a
        # company's chart of accounts is reloaded, which delete the company's entries wholesale.
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            self._atlas_check_only_drafts_deleted()
        return super().unlink()

    def check_move_sequence_chain(self):
        # EXTENDS account: the web client's Delete asks this before its confirmation dialog
        # (“a gap in the sequence”). An invoice Atlas never deletes is refused here, so the
        # user reads the refusal and what to do instead, not a confirmation that leads to it.
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            self._atlas_check_only_drafts_deleted()
        return super().check_move_sequence_chain()

    def _atlas_check_only_drafts_deleted(self):
        # A draft that was posted before keeps its number: deleting it would leave a gap, so
        # Atlas's roles may not. A user without an Atlas role works in Odoo's own Invoicing and
        # keeps Odoo's rule (only the last number of the sequence, unless Billing
        # Administrator, whose journal dashboard then warns about the gap).
        numbered_drafts_kept = self.env.user.has_group("atlas_invoicing.group_atlas_viewer")
        for move in self:
            if move.move_type == "out_invoice" and (
                move.state != "draft" or (move.posted_before and numbered_drafts_kept)
            ):
                raise UserError(move._atlas_undeletable_message())

    def _atlas_undeletable_message(self):
        """Why this invoice can't be deleted, and what the current user can do instead."""
        self.ensure_one()
        user = self.env.user
        if self.state == "draft":
            return self.env._(
                "Invoice %(name)s keeps its number, so it can't be deleted: that would leave a gap in the "
                "numbering. Cancel it instead (Cancel button); a cancelled draft stays out of the ledger.",
                name=self.name,
            )
        if self.state == "cancel":
            return self.env._(
                "Invoice %(name)s is cancelled, so it can't be deleted: it stays in the list as the record of "
                "its number, and it is already out of the ledger and the reports.",
                name=self.display_name,
            )
        if user.has_group("atlas_invoicing.group_atlas_accountant"):
            todo = self.env._("Refund it instead (Refund button)")
        elif user.has_group("atlas_invoicing.group_atlas_viewer"):
            todo = self.env._("Ask an Accountant to refund it")
        else:
            todo = self.env._("Reverse it instead (Credit Note button)")
        return self.env._(
            "Invoice %(name)s is posted, so it can't be deleted. %(todo)s: the credit note keeps the ledger "
            "and the numbering intact.",
            name=self.name,
            todo=todo,
        )
