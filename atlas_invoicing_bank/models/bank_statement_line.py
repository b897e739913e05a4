"""What Atlas matched each bank statement line to, and its confirmation.

A line of money received is matched, in this order, to
1. a payment already recorded with Record Payment into the same bank account (same amount,
   date within a few days, same customer or the invoice's reference in the line's text);
2. the open invoice whose number or payment reference is in the line's label or reference;
3. the customer's only open invoice of that amount;
4. the only open invoice of that amount.
"That amount" is the balance due, or what the invoice's payment terms ask on the line's date:
the discounted total within an early-payment discount's period (confirming then books Odoo's
discount entry, see Record Payment), the first open instalment of instalment terms.
Several candidates at a step leave the line to the user (“ambiguous”).

Confirming a line never credits the receivable from the statement's own entry: an invoice
match goes through Record Payment (Debit the bank account, Credit Accounts Receivable, with
the line's payment method); then, as for a payment recorded before, the payment's bank item
moves to Outstanding Receipts and the statement line settles it (the statement line is the
one bank debit). See docs/banking.md.
"""

import re
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.atlas_invoicing.models.account_payment_method import ATLAS_PAYMENT_METHODS

# Statement lines matched (and evicted from the cache) at a time.
MATCH_CHUNK = 500
# Days between a recorded payment and the bank's line for the same money.
PAYMENT_DATE_WINDOW = 5
TOKEN_RE = re.compile(r"[A-Z0-9][A-Z0-9/_.-]*[A-Z0-9]|[A-Z0-9]")

MATCH_KINDS = [
    ("payment", "Recorded payment"),
    ("reference", "Invoice number"),
    ("customer_amount", "Customer and amount"),
    ("amount", "Amount"),
    ("ambiguous", "Several candidates"),
]


def _tokens(*texts):
    return set(TOKEN_RE.findall(" ".join(text for text in texts if text).upper()))


class AtlasMatchIndex:
    """Open invoices and unmatched recorded payments of one bank journal, read once for a
    whole statement (a query per line would not scale), and kept up to date as lines are
    matched so that two lines are never matched to the same money."""

    def __init__(self, env, journal):
        self.env = env
        self.journal = journal
        self.currency = journal.currency_id or journal.company_id.currency_id
        self.invoices = {}  # id -> {"residual", "partner"}
        self.by_ref = defaultdict(set)
        self.refs_of = defaultdict(list)
        self.by_amount = defaultdict(set)
        # cents -> {invoice id: last date the amount is asked, or None}: what the payment
        # terms ask besides the balance due (early-payment discount, next instalment).
        self.by_term_amount = defaultdict(dict)
        self.partner_by_name = {}
        self.payments = {}  # id -> {"cents", "date", "partner", "tokens", "line_id"}
        self.payments_by_cents = defaultdict(set)
        self._load_invoices()
        self._load_payments()

    def cents(self, amount):
        return round(self.currency.round(amount) * 10**self.currency.decimal_places)

    def _companies(self):
        """The journal's company and its branches (which invoice on its books), those of them
        the user works in: the index reads invoices by SQL, past the record rules."""
        family = self.env["res.company"].search([("id", "child_of", self.journal.company_id.root_id.id)])
        return (family & self.env.companies).ids

    def _load_invoices(self):
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            """
            SELECT move.id, move.name, move.payment_reference, move.commercial_partner_id,
                   partner.name, move.amount_residual
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.commercial_partner_id
             WHERE move.move_type = 'out_invoice'
               AND move.state = 'posted'
               AND move.payment_state IN ('not_paid', 'partial')
               AND move.amount_residual > 0
               AND move.currency_id = %s
               AND move.company_id = ANY(%s)
            """,
            [self.currency.id, self._companies()],
        )
        for move_id, name, reference, partner_id, partner_name, residual in self.env.cr.fetchall():
            self.invoices[move_id] = {
                "residual": residual,
                "partner": partner_id,
                "partner_name": (partner_name or "").strip().upper(),
            }
            for ref in (name, reference):
                if ref:
                    self.by_ref[ref.upper().strip()].add(move_id)
                    self.refs_of[move_id].append(ref.upper().strip())
            cents = self.cents(residual)
            self.by_amount[cents].add(move_id)
            self.invoices[move_id]["term_cents"] = {}
            # The customers of open invoices, by name: most lines name one of them, so
            # partner_for_name seldom needs a query. Two customers of one name are neither.
            if partner_name:
                key = partner_name.strip().lower()
                known = self.partner_by_name.setdefault(key, partner_id)
                if known != partner_id:
                    self.partner_by_name[key] = False

        self._load_term_amounts()

    def _load_term_amounts(self):
        """What the payment terms of the open invoices ask besides the balance due: the
        discounted total until the discount's last day, for an invoice nothing was paid on yet
        (Odoo's _is_eligible_for_early_payment_discount); the first open instalment."""
        if not self.invoices:
            return
        self.env.cr.execute(
            """
            SELECT line.move_id,
                   SUM(line.discount_amount_currency) FILTER (WHERE move.payment_state = 'not_paid'
                                                                AND term.early_discount),
                   MAX(line.discount_date) FILTER (WHERE move.payment_state = 'not_paid' AND term.early_discount),
                   (ARRAY_AGG(line.amount_residual_currency ORDER BY line.date_maturity, line.id)
                        FILTER (WHERE NOT line.reconciled))[1],
                   COUNT(*) FILTER (WHERE NOT line.reconciled)
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              LEFT JOIN account_payment_term term ON term.id = move.invoice_payment_term_id
             WHERE line.move_id = ANY(%s)
               AND line.display_type = 'payment_term'
             GROUP BY line.move_id
            """,
            [list(self.invoices)],
        )
        for move_id, discounted, last_day, instalment, open_count in self.env.cr.fetchall():
            offers = []
            if discounted and last_day:
                offers.append(("discount", discounted, last_day))
            if instalment and open_count > 1:
                offers.append(("instalment", instalment, None))
            for kind, amount, until in offers:
                cents = self.cents(amount)
                if cents > 0 and move_id not in self.by_amount.get(cents, ()):
                    self.by_term_amount[cents][move_id] = until
                    self.invoices[move_id]["term_cents"][cents] = kind

    def amount_candidates(self, cents, date):
        """The open invoices a line of ``cents`` on ``date`` pays exactly."""
        asked = {
            invoice_id for invoice_id, until in self.by_term_amount.get(cents, {}).items() if not until or date <= until
        }
        return self.by_amount.get(cents, set()) | asked

    def _load_payments(self):
        self.env["account.move.line"].flush_model()
        self.env["account.payment"].flush_model()
        self.env.cr.execute(
            """
            SELECT payment.id, payment.amount, move.date, partner.commercial_partner_id,
                   commercial.name, payment.memo, move.ref, line.id
              FROM account_payment payment
              JOIN account_move move ON move.id = payment.move_id
              JOIN account_move_line line ON line.move_id = move.id AND line.account_id = %s
              LEFT JOIN res_partner partner ON partner.id = payment.partner_id
              LEFT JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
             WHERE payment.journal_id = %s
               AND payment.payment_type = 'inbound'
               AND move.state = 'posted'
               AND NOT line.reconciled
               AND line.balance > 0
            """,
            [self.journal.default_account_id.id, self.journal.id],
        )
        for payment_id, amount, date, partner_id, partner_name, memo, ref, line_id in self.env.cr.fetchall():
            cents = self.cents(amount)
            self.payments[payment_id] = {
                "cents": cents,
                "date": date,
                "partner": partner_id,
                "partner_name": (partner_name or "").strip().upper(),
                "tokens": _tokens(memo, ref),
                "line_id": line_id,
            }
            self.payments_by_cents[cents].add(payment_id)

    def partner_for_name(self, name):
        """The customer the bank names (exactly, whatever the case), if only one has that name."""
        key = (name or "").strip().lower()
        if not key:
            return False
        if key not in self.partner_by_name:
            partners = self.env["res.partner"].search([("name", "=ilike", key), ("parent_id", "=", False)], limit=2)
            self.partner_by_name[key] = partners.id if len(partners) == 1 else False
        return self.partner_by_name[key]

    def match(self, st_line):
        """(kind, invoice id, payment id, certain) for a line of money received, or None."""
        if self.currency.compare_amounts(st_line.amount, 0.0) <= 0:
            return None
        cents = self.cents(st_line.amount)
        tokens = _tokens(st_line.payment_ref, st_line.ref)
        partner = st_line.partner_id.commercial_partner_id.id or self.partner_for_name(st_line.partner_name)
        window = timedelta(days=PAYMENT_DATE_WINDOW)
        name = (st_line.partner_name or "").strip().upper()
        # Without the bank's partner name (OFX puts the payer in the label), the customer is
        # recognised by its name in the label.
        text = " ".join(filter(None, (st_line.payment_ref, st_line.ref))).upper() if not name else ""

        def same_customer(record):
            if partner:
                return record["partner"] == partner
            if name:
                return record["partner_name"] == name
            return bool(record["partner_name"]) and record["partner_name"] in text

        payments = [
            payment_id
            for payment_id in self.payments_by_cents.get(cents, ())
            if abs(self.payments[payment_id]["date"] - st_line.date) <= window
            and (same_customer(self.payments[payment_id]) or tokens & self.payments[payment_id]["tokens"])
        ]
        if len(payments) > 1:
            return ("ambiguous", False, False, False)
        if payments:
            return ("payment", False, payments[0], True)
        for kind, candidates in (
            ("reference", set().union(*(self.by_ref.get(token, ()) for token in tokens))),
            (
                "customer_amount",
                {
                    invoice_id
                    for invoice_id in self.amount_candidates(cents, st_line.date)
                    if same_customer(self.invoices[invoice_id])
                },
            ),
            ("amount", self.amount_candidates(cents, st_line.date)),
        ):
            if len(candidates) > 1:
                return ("ambiguous", False, False, False)
            if candidates:
                invoice_id = next(iter(candidates))
                residual = self.invoices[invoice_id]["residual"]
                # Certain: the invoice is named on the line and the line pays at most what is due.
                certain = kind == "reference" and self.currency.compare_amounts(st_line.amount, residual) <= 0
                return (kind, invoice_id, False, certain)
        return None

    def take(self, invoice_id=False, payment_id=False, amount=0.0):
        """The money of a matched line is no longer a candidate for the next lines."""
        if payment_id and payment_id in self.payments:
            self.payments_by_cents[self.payments.pop(payment_id)["cents"]].discard(payment_id)
        if invoice_id and invoice_id in self.invoices:
            invoice = self.invoices[invoice_id]
            self.by_amount[self.cents(invoice["residual"])].discard(invoice_id)
            # The discounted total settles the invoice; after any payment the terms offer no
            # other amount to the next lines (Odoo's discount is for an unpaid invoice).
            if invoice["term_cents"].get(self.cents(amount)) == "discount":
                amount = invoice["residual"]
            for cents in invoice["term_cents"]:
                self.by_term_amount[cents].pop(invoice_id, None)
            invoice["term_cents"] = {}
            invoice["residual"] = self.currency.round(invoice["residual"] - amount)
            if self.currency.compare_amounts(invoice["residual"], 0.0) > 0:
                self.by_amount[self.cents(invoice["residual"])].add(invoice_id)
            else:
                for ref in self.refs_of[invoice_id]:
                    self.by_ref[ref].discard(invoice_id)


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    atlas_match_kind = fields.Selection(MATCH_KINDS, string="Matched By", readonly=True, copy=False)
    # Reconcile's "Matched By" column: the kind in words, and a word where a blank would
    # leave the reader guessing (nothing matched, or reconciled by hand).
    atlas_match_label = fields.Char(string="Match", compute="_compute_atlas_match_label")
    atlas_match_invoice_id = fields.Many2one("account.move", string="Matched Invoice", readonly=True, copy=False)
    atlas_match_payment_id = fields.Many2one("account.payment", string="Matched Payment", readonly=True, copy=False)
    atlas_match_certain = fields.Boolean(string="Certain Match", readonly=True, copy=False)
    atlas_payment_method = fields.Selection(
        [(code, label) for code, label in ATLAS_PAYMENT_METHODS.items()],
        string="Payment Method",
        copy=False,
        help="How the money came in, from the file's method column when its mapping has one; "
        "the payment recorded when the line is confirmed uses it (ACH when empty).",
    )

    @api.depends("atlas_match_kind", "is_reconciled")
    def _compute_atlas_match_label(self):
        kinds = dict(self._fields["atlas_match_kind"]._description_selection(self.env))
        for line in self:
            if line.atlas_match_kind:
                line.atlas_match_label = kinds[line.atlas_match_kind]
            elif line.is_reconciled:
                line.atlas_match_label = self.env._("By hand")
            else:
                line.atlas_match_label = self.env._("Nothing")

    # -------------------------------------------------------------------------
    # Creation
    # -------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # EXTENDS account: during an import, each line's entry is created with its two items
        # (Odoo's own values for them) in the one create of all the lines' entries, instead of
        # being written into each entry one at a time after it.
        if self.env.context.get("atlas_import"):
            # New dicts: the items are not kept in the import's values once created.
            vals_list = [
                vals
                if "line_ids" in vals or vals.get("counterpart_account_id")
                else {**vals, "line_ids": [Command.create(items) for items in self._atlas_default_items(vals)]}
                for vals in vals_list
            ]
        return super().create(vals_list)

    @api.model
    def _atlas_default_items(self, vals):
        journal_id = vals.get("journal_id")
        if not journal_id and vals.get("statement_id"):
            journal_id = self.env["account.bank.statement"].browse(vals["statement_id"]).journal_id.id
        new_line = self.new({**vals, "journal_id": journal_id or self.env.context.get("journal_id")})
        items = new_line._prepare_move_line_default_vals()
        for item in items:
            item.pop("move_id", None)
        return items

    # -------------------------------------------------------------------------
    # Matching
    # -------------------------------------------------------------------------

    def _atlas_match_lines(self):
        """Match the lines (a new statement's), settle at once those of payments already
        recorded, and confirm the certain invoice matches of the journals set to do so. Lines
        matched to nothing get the journal's rules (reconcile models with auto-validation, e.g.
        label contains “FEE” → Bank Fees).

        :return: {"confirmed": lines confirmed}
        """
        confirmed_ids = []
        # Searched, not filtered: the lines of a long statement are not all loaded at once.
        journals = self.env["account.journal"]
        if self:
            journals = self.search([("id", "in", self.ids)]).journal_id.sorted("id")
        for journal in journals:
            line_ids = self.search(
                [("id", "in", self.ids), ("journal_id", "=", journal.id), ("is_reconciled", "=", False)], order="id"
            ).ids
            index = self._atlas_match_index(journal)
            # A chunk of lines at a time, the cache emptied between: memory stays flat however
            # long the statement is (the index holds the invoices, not the lines).
            for start in range(0, len(line_ids), MATCH_CHUNK):
                chunk = self.browse(line_ids[start : start + MATCH_CHUNK])
                values = defaultdict(list)
                for line in chunk:
                    match = index.match(line)
                    if not match:
                        continue
                    kind, invoice_id, payment_id, certain = match
                    if kind != "ambiguous":
                        index.take(invoice_id, payment_id, line.amount)
                    values[kind, invoice_id, payment_id, certain].append(line.id)
                for (kind, invoice_id, payment_id, certain), ids in values.items():
                    self.browse(ids).write(
                        {
                            "atlas_match_kind": kind,
                            "atlas_match_invoice_id": invoice_id,
                            "atlas_match_payment_id": payment_id,
                            "atlas_match_certain": certain,
                        }
                    )
                self.env.flush_all()
                self.env.invalidate_all()
            journal = self.env["account.journal"].browse(journal.id)
            # A payment already recorded is in the books: until its bank line settles it, the
            # bank account counts the money twice (the payment's item and the line's), so it is
            # settled now whatever the journal's setting. Invoice matches follow the setting.
            settle = [("atlas_match_kind", "=", "payment")]
            if journal.atlas_auto_confirm:
                settle = ["|", *settle, ("atlas_match_certain", "=", True)]
            to_confirm = self.search([("id", "in", line_ids), *settle], order="id")
            for line in to_confirm:
                line._atlas_confirm()
            confirmed_ids += to_confirm.ids
            rules = self.env["account.reconcile.model"].search(
                [
                    ("rule_type", "=", "writeoff_suggestion"),
                    ("auto_reconcile", "=", True),
                    ("company_id", "=", journal.company_id.id),
                    "|",
                    ("match_journal_ids", "=", False),
                    ("match_journal_ids", "in", journal.id),
                ]
            )
            if rules:
                unmatched = self.search(
                    [("id", "in", line_ids), ("atlas_match_kind", "=", False), ("is_reconciled", "=", False)],
                    order="id",
                )
                for start in range(0, len(unmatched), MATCH_CHUNK):
                    for line in unmatched[start : start + MATCH_CHUNK]:
                        line._do_auto_reconcile(rules)
                    self.env.flush_all()
                    self.env.invalidate_all()
        confirmed = self.browse(confirmed_ids)
        return {"confirmed": confirmed}

    @api.model
    def _atlas_match_index(self, journal):
        """The index the lines of ``journal`` are matched with (an addon may match more)."""
        return AtlasMatchIndex(self.env, journal)

    def _atlas_counterpart(self):
        """The open invoice's receivable item: what the reconciliation screen proposes for an
        invoice match (a recorded payment is settled at import, see _atlas_match_lines)."""
        self.ensure_one()
        if self.atlas_match_invoice_id and not self.atlas_match_payment_id:
            return self.atlas_match_invoice_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            )
        return self.env["account.move.line"]

    def _atlas_confirm(self):
        """Confirm the line's match: an invoice is paid with Record Payment, then the line is
        reconciled with the payment's bank item, with OCA's reconciliation engine."""
        self.ensure_one()
        if self.is_reconciled:
            raise UserError(self.env._("Bank line “%(line)s” is already reconciled.", line=self.payment_ref))
        if self.atlas_match_kind in (False, "ambiguous") or not (
            self.atlas_match_invoice_id or self.atlas_match_payment_id
        ):
            raise UserError(
                self.env._(
                    "Bank line “%(line)s” is matched to nothing: reconcile it by hand in Banking → Reconcile.",
                    line=self.payment_ref,
                )
            )
        if self.atlas_match_invoice_id and not self.atlas_match_payment_id:
            invoice = self.atlas_match_invoice_id
            result = invoice._atlas_record_payment(
                amount=self.amount,
                date=self.date,
                journal_id=self.journal_id.id,
                method=self.atlas_payment_method or "ach",
                # The invoice's number, as Record Payment writes it (the bank's text stays on the line).
                memo=invoice.name,
                keep_excess_as_credit=True,
                idempotency_key=f"atlas-statement-line-{self.id}",
            )
            self.atlas_match_payment_id = result["payment_id"]
        counterpart = self.atlas_match_payment_id._atlas_route_to_outstanding()
        if not counterpart:
            raise UserError(
                self.env._(
                    "Payment %(payment)s is already reconciled with another bank line.",
                    payment=self.atlas_match_payment_id.name,
                )
            )
        if not self.partner_id:
            # The customer who paid, on the line and its entry, as the reconciliation screen
            # sets it when a user picks the invoice.
            self.partner_id = self.atlas_match_payment_id.partner_id.commercial_partner_id
        line = self.with_context(atlas_counterpart_ids={self.id: counterpart.ids})
        line._do_auto_reconcile(line.env["account.reconcile.model"])
        if not self.is_reconciled:
            raise UserError(
                self.env._(
                    "Bank line “%(line)s” of %(amount)s could not be reconciled with %(payment)s.",
                    line=self.payment_ref,
                    amount=self.currency_id.format(self.amount),
                    payment=self.atlas_match_payment_id.name,
                )
            )
        return True

    def _auto_reconcile(self):
        # EXTENDS account_reconcile_oca: during an Atlas import, OCA's reconciliation of the
        # new lines waits for Atlas's match; _atlas_match_lines applies the rules after it.
        if self.env.context.get("atlas_import"):
            return None
        return super()._auto_reconcile()

    def _do_auto_reconcile(self, models):
        # EXTENDS account_reconcile_oca: models._apply_rules knows it is the automatic path
        # (OCA runs it when lines are created, and Atlas for its confirmations).
        line = self.with_context(atlas_auto_reconcile=True)
        return super(AccountBankStatementLine, line)._do_auto_reconcile(models.with_env(line.env))

    # -------------------------------------------------------------------------
    # Buttons and XML-RPC
    # -------------------------------------------------------------------------

    @api.model
    def _atlas_check_bank_role(self):
        """Importing statements and confirming matches is a Bookkeeper's work, checked on the
        server whoever calls (the screen's buttons, XML-RPC)."""
        if not self.env.su and not self.env.user.has_group("atlas_invoicing.group_atlas_bookkeeper"):
            raise AccessError(self.env._("Only an Atlas Bookkeeper can import bank statements and confirm matches."))

    def action_atlas_confirm_match(self):
        self._atlas_check_bank_role()
        for line in self:
            line._atlas_confirm()
        return True

    def action_atlas_open_reconcile(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_reconcile_oca.action_bank_statement_line_reconcile"
        )
        action["domain"] = [("id", "=", self.id)]
        # OCA's context names its reconciliation form (view_ref): keep it, with this line's journal.
        action["context"] = {
            **safe_eval(action.get("context") or "{}", {"active_id": self.journal_id.id}),
            "default_journal_id": self.journal_id.id,
            "search_default_not_reconciled": True,
        }
        return action

    def atlas_confirm_matches(self):
        """Confirm Atlas's matches of these lines (XML-RPC): Bookkeeper and up.

        :return: [line result] (see _atlas_line_result)
        """
        self._atlas_check_bank_role()
        for line in self:
            line._atlas_confirm()
        return [line._atlas_line_result() for line in self]

    def _atlas_line_result(self):
        self.ensure_one()
        invoice = self.atlas_match_invoice_id or self.atlas_match_payment_id.reconciled_invoice_ids[:1]
        return {
            "id": self.id,
            "date": fields.Date.to_string(self.date),
            "amount": self.amount,
            "label": self.payment_ref or "",
            "match": self.atlas_match_kind or False,
            "certain": self.atlas_match_certain,
            "invoice_id": invoice.id or False,
            "invoice_name": invoice.name or False,
            "invoice_status": invoice.atlas_status or False,
            "payment_id": self.atlas_match_payment_id.id or False,
            "reconciled": self.is_reconciled,
        }

    @api.model
    def _atlas_payment_method_from_text(self, text):
        text = (text or "").strip().lower()
        for code, label in ATLAS_PAYMENT_METHODS.items():
            if text in (code, label.lower()):
                return code
        return False
