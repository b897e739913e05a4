"""A payment provider's payout on the bank statement, matched to the online payments it bundles.

An online payment (Pay now in the customer portal) is an ``account.payment`` recorded by Odoo's
payment flow in the provider's journal, already reconciled with its invoice. The provider later
pays the money out to the bank, often several payments in one transfer, less its fee. A bank
line that names the provider (its name in the label) is matched, when no recorded payment was,
to the provider's online payments it pays out:

- the candidates are the provider's online payments dated up to a month before the line, not
  refunded, not on a bank line yet, not taken by an earlier line of the statement nor proposed
  on another bank line not yet reconciled (a line matched again or deleted lets its own go);
- a provider pays out what settled over a period, so a payout is a run of consecutive
  candidates in date order: a payment left out before or after it is still pending at the
  provider, or was in a payout not imported yet. Payments picked here and there are never
  proposed: among a month of payments, some of them add up to almost any amount;
- the run's total is the line plus the provider's fee, at most a tenth of the total. Of the
  runs that fit, the one proposed is, in this order: of an exact total (a payout without fee);
  of a usual fee (at most 5 %: a card processor's few percent and cents a payment; a run
  leaving more is proposed only when none leaves less); not splitting a day's payments (a
  provider pays out a settlement day's payments together); of the oldest payments (a provider
  pays out in the order the money settled, so the next payout starts where the last one
  ended); then of the smallest fee. Within the usual fee the oldest run goes before the
  smallest fee: among weeks of payments some run leaves a smaller fee by chance, the order
  of the payouts does not. Two runs of the same fee, alike but for their place, are two
  guesses: none is proposed and the line says “Several candidates”, for a bookkeeper to
  match by hand in Banking → Reconcile.

The match is proposed, never confirmed on its own. Confirming it checks that each payment is
still waiting for its payout (not cancelled, reversed, refunded or on another bank line since)
and otherwise says which and changes nothing. It then reconciles the statement line with each
payment's money waiting to be matched (its bank or Outstanding Receipts item, moved to
Outstanding Receipts as for any Atlas payment) and books the difference on the provider's Fees
Account: Debit Bank (the payout), Debit Fees, Credit Outstanding Receipts (the payments). The
invoices were settled by the payments once; the payout settles only the payments' outstanding
money, so it never settles an invoice again, and the bank account is debited once, by the
statement line. In a foreign currency, the payments are settled at the payout's rate: Odoo
books the difference with their own rate as an exchange difference entry, as for any
reconciliation.
"""

from bisect import bisect_left
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.atlas_invoicing.models.atlas_owning_operation import owning_operation
from odoo.addons.atlas_invoicing_bank.models.bank_statement_line import AtlasMatchIndex, _tokens

# Days between the oldest online payment of a payout and the payout's bank line.
PAYOUT_WINDOW = 31
# The largest fee a payout is matched with, as a share of the payments it bundles.
PAYOUT_MAX_FEE_RATE = 0.1
# A card processor's usual fee (a few percent and a few cents a payment), as a share of the
# payments: a run of payments leaving a fee above it is proposed only when none leaves less.
PAYOUT_USUAL_FEE_RATE = 0.05
# The newest candidates of a provider a payout is looked for among: a payout of payments
# older than these is matched by hand.
PAYOUT_MAX_CANDIDATES = 500


class AtlasPayoutMatchIndex(AtlasMatchIndex):
    """Atlas's match index, plus the online payments waiting for their provider's payout."""

    def __init__(self, env, journal):
        self.online = {}  # payment id -> {"cents", "date", "provider"}
        self.online_by_provider = defaultdict(list)  # provider id -> payment ids, oldest first
        self.provider_tokens = {}  # provider id -> the words of its name
        # payment id -> the unreconciled bank line its payout is proposed on
        self.proposed = {}
        super().__init__(env, journal)
        self._load_online_payments()

    def _load_online_payments(self):
        self.env["account.bank.statement.line"].flush_model(
            ["is_reconciled", "atlas_match_kind", "atlas_payout_payment_ids"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT payment.id, payment.amount, move.date, tx.provider_id
                  FROM account_payment payment
                  JOIN payment_transaction tx ON tx.id = payment.payment_transaction_id
                  JOIN account_move move ON move.id = payment.move_id
                  JOIN account_journal journal ON journal.id = payment.journal_id
                  JOIN account_move_line line ON line.move_id = move.id
                 WHERE payment.payment_type = 'inbound'
                   AND move.state = 'posted'
                   AND payment.currency_id = %(currency)s
                   AND payment.company_id = ANY(%(companies)s)
                   -- the money not on a bank line yet: on the bank account, or waiting on
                   -- Outstanding Receipts
                   AND line.balance > 0
                   AND NOT line.reconciled
                   AND line.account_id IN (journal.default_account_id, payment.outstanding_account_id)
                   -- a refunded payment is not paid out (the provider keeps back its refund):
                   -- refunded through the provider (Odoo's Refund of the payment), or its
                   -- invoice refunded (Atlas's Refund: a credit note, the money paid back)
                   AND NOT EXISTS (
                       SELECT 1
                         FROM account_payment refund
                        WHERE refund.source_payment_id = payment.id
                          AND refund.state NOT IN ('draft', 'canceled', 'rejected')
                   )
                   AND NOT EXISTS (
                       SELECT 1
                         FROM account_move__account_payment paid
                         JOIN account_move credit_note ON credit_note.reversed_entry_id = paid.invoice_id
                        WHERE paid.payment_id = payment.id
                          AND credit_note.move_type = 'out_refund'
                          AND credit_note.state = 'posted'
                          AND credit_note.payment_state IN ('in_payment', 'paid')
                   )
                 ORDER BY move.date, payment.id
                """,
                currency=self.currency.id,
                companies=self._companies(),
            )
        )
        for payment_id, amount, date, provider_id in self.env.cr.fetchall():
            self.online[payment_id] = {"cents": self.cents(amount), "date": date, "provider": provider_id}
            self.online_by_provider[provider_id].append(payment_id)
        providers = self.env["payment.provider"].sudo().browse(list(self.online_by_provider))
        self.provider_tokens = {provider.id: _tokens(provider.name) for provider in providers}
        # The payments proposed on a line not reconciled yet, in any journal: confirming that
        # line settles them, so they are not proposed on another line.
        self.env.cr.execute(
            """
            SELECT rel.payment_id, rel.line_id
              FROM atlas_bank_line_payout_payment_rel rel
              JOIN account_bank_statement_line st_line ON st_line.id = rel.line_id
             WHERE st_line.atlas_match_kind = 'payout'
               AND NOT st_line.is_reconciled
               AND rel.payment_id = ANY(%s)
            """,
            [list(self.online)],
        )
        self.proposed = dict(self.env.cr.fetchall())

    def match(self, st_line):
        match = super().match(st_line)
        # A payment recorded for that customer is the money itself: no payout to look for.
        payout = None if match and match[0] == "payment" else self.payout(st_line)
        # The line's earlier proposal is let go: its payments are candidates for the next lines.
        # (read on the line of the chunk: one query for the chunk's lines)
        if st_line.atlas_payout_payment_ids:
            for payment_id in st_line.atlas_payout_payment_ids.ids:
                if self.proposed.get(payment_id) == st_line.id:
                    del self.proposed[payment_id]
        ambiguous = payout == "ambiguous"
        if ambiguous:
            payout = None
        if payout or st_line.atlas_payout_payment_ids:
            # A line matched again drops the payments of an earlier payout match.
            st_line.atlas_payout_payment_ids = [Command.set(payout or [])]
        if ambiguous:
            return ("ambiguous", False, False, False)
        return ("payout", False, False, False) if payout else match

    def payout(self, st_line):
        """The online payments the line pays out, oldest first; "ambiguous" when two runs of
        payments fit as well; or None."""
        if self.currency.compare_amounts(st_line.amount, 0.0) <= 0:
            return None
        cents = self.cents(st_line.amount)
        words = _tokens(st_line.payment_ref, st_line.ref, st_line.partner_name)
        since = st_line.date - timedelta(days=PAYOUT_WINDOW)
        runs = []  # (key, payments)
        for provider_id, payment_ids in self.online_by_provider.items():
            if not self.provider_tokens.get(provider_id) or not self.provider_tokens[provider_id] <= words:
                continue
            candidates = [
                payment_id
                for payment_id in payment_ids
                if since <= self.online[payment_id]["date"] <= st_line.date
                and self.proposed.get(payment_id, st_line.id) == st_line.id
            ][-PAYOUT_MAX_CANDIDATES:]
            for start, end, total in self._runs(candidates, cents):
                fee = total - cents
                first = candidates[start]
                key = (
                    fee != 0,
                    fee > PAYOUT_USUAL_FEE_RATE * total,
                    self._splits_a_day(candidates, start, end),
                    (self.online[first]["date"], first),
                    fee,
                )
                runs.append((key, candidates[start:end]))
        if not runs:
            return None
        best_key, best = min(runs)
        # Another run as good but for its place: the amounts cannot tell them apart.
        if any(key[:3] == best_key[:3] and key[4] == best_key[4] for key, payments in runs if payments != best):
            return "ambiguous"
        for payment_id in best:
            self.take(payment_id=payment_id)
        return best

    def _runs(self, candidates, cents):
        """(start, end, total) of each run candidates[start:end] whose total is ``cents`` plus
        a fee of at most PAYOUT_MAX_FEE_RATE of the total: for each start, the shortest run
        reaching ``cents`` (a binary search in the running totals) and the longer ones while
        the fee stays within the limit."""
        sums = [0]
        for payment_id in candidates:
            sums.append(sums[-1] + self.online[payment_id]["cents"])
        for start in range(len(candidates)):
            end = bisect_left(sums, sums[start] + cents, lo=start + 1)
            while end < len(sums):
                total = sums[end] - sums[start]
                if total - cents > PAYOUT_MAX_FEE_RATE * total:
                    break
                yield start, end, total
                end += 1

    def _splits_a_day(self, candidates, start, end):
        """Whether the run leaves out a candidate of its first or its last day."""
        first, last = self.online[candidates[start]]["date"], self.online[candidates[end - 1]]["date"]
        return (start > 0 and self.online[candidates[start - 1]]["date"] == first) or (
            end < len(candidates) and self.online[candidates[end]]["date"] == last
        )

    def take(self, invoice_id=False, payment_id=False, amount=0.0):
        result = super().take(invoice_id, payment_id, amount)
        if payment_id and payment_id in self.online:
            self.online_by_provider[self.online.pop(payment_id)["provider"]].remove(payment_id)
        return result


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    atlas_match_kind = fields.Selection(selection_add=[("payout", "Provider payout")], ondelete={"payout": "set null"})
    atlas_payout_payment_ids = fields.Many2many(
        "account.payment",
        "atlas_bank_line_payout_payment_rel",
        "line_id",
        "payment_id",
        string="Online Payments",
        readonly=True,
        copy=False,
        help="The online payments the provider's payout on this line bundles.",
    )
    atlas_payout_fee = fields.Monetary(
        string="Provider Fee",
        compute="_compute_atlas_payout_fee",
        help="The online payments less the payout: the provider's fee.",
    )

    @api.depends("atlas_payout_payment_ids.amount", "amount")
    def _compute_atlas_payout_fee(self):
        for line in self:
            payments = line.atlas_payout_payment_ids
            line.atlas_payout_fee = (
                line.currency_id.round(sum(payments.mapped("amount")) - line.amount) if payments else 0.0
            )

    @api.model
    def _atlas_match_index(self, journal):
        # EXTENDS atlas_invoicing_bank: the online payments waiting for their payout too.
        return AtlasPayoutMatchIndex(self.env, journal)

    def _atlas_counterpart(self):
        # EXTENDS atlas_invoicing_bank: the reconciliation screen proposes the payments' items.
        if self.atlas_match_kind == "payout":
            return self.atlas_payout_payment_ids.move_id.line_ids.filtered(
                lambda line: line.account_id == line.payment_id.outstanding_account_id and not line.reconciled
            )
        return super()._atlas_counterpart()

    def _atlas_confirm(self):
        # EXTENDS atlas_invoicing_bank: a payout settles its payments' money and books the fee.
        if self.atlas_match_kind != "payout":
            return super()._atlas_confirm()
        self.ensure_one()
        if self.is_reconciled:
            raise UserError(self.env._("Bank line “%(line)s” is already reconciled.", line=self.payment_ref))
        payments = self.atlas_payout_payment_ids
        for payment in payments:
            reason = payment._atlas_payout_change()
            if reason:
                raise UserError(
                    self.env._(
                        "The payout on bank line “%(line)s” no longer fits its payments: %(reason)s. Nothing was "
                        "changed: reconcile the line by hand in Banking → Reconcile.",
                        line=self.payment_ref,
                        reason=reason,
                    )
                )
        fee = self.currency_id.round(sum(payments.mapped("amount")) - self.amount)
        # The providers' configuration, read as the superuser: a Bookkeeper may not open it.
        providers = payments.sudo().payment_transaction_id.provider_id
        fee_account = providers.atlas_fee_account_id[:1]
        if not self.currency_id.is_zero(fee) and not fee_account:
            raise UserError(
                self.env._(
                    "The payout of %(provider)s on bank line “%(line)s” is %(fee)s less than its payments: set "
                    "the provider's Fees Account (Payment Providers) to book its fee, then confirm again.",
                    provider=", ".join(providers.mapped("name")),
                    line=self.payment_ref,
                    fee=self.currency_id.format(fee),
                )
            )
        counterparts = self.env["account.move.line"]
        for payment in payments:
            item = payment._atlas_route_to_outstanding()
            if not item:
                raise UserError(
                    self.env._(
                        "Online payment %(payment)s is already on another bank line: match this payout by hand "
                        "in Banking → Reconcile.",
                        payment=payment.name,
                    )
                )
            counterparts |= item
        self._atlas_reconcile_payout(counterparts, fee, fee_account, providers)
        if not self.is_reconciled:
            raise UserError(
                self.env._(
                    "Bank line “%(line)s” of %(amount)s could not be reconciled with its online payments.",
                    line=self.payment_ref,
                    amount=self.currency_id.format(self.amount),
                )
            )
        return True

    def _atlas_reconcile_payout(self, counterparts, fee, fee_account, providers):
        """OCA's reconciliation of the line (account_reconcile_oca's data, as its screen makes
        it): the bank item, each payment's item in full, and the fee on the fees account."""
        liquidity_lines, _suspense_lines, _other_lines = self._seek_for_lines()
        data = []
        for line in liquidity_lines:
            _aux, lines = self._get_reconcile_line(line, "liquidity", move=True)
            data += lines
        auxiliary = 1
        for item in counterparts:
            auxiliary, lines = self._get_reconcile_line(
                item, "other", is_counterpart=True, reconcile_auxiliary_id=auxiliary, move=True
            )
            data += lines
        if not self.currency_id.is_zero(fee):
            # The fee in the company's currency is what the payout and its payments leave: in
            # a foreign currency, each payment is settled at the payout's rate (OCA adds its
            # exchange difference to the lines above), so the fee is at that rate too, and the
            # cent a conversion rounds away stays on the fee, not on the suspense account.
            balance = self.company_id.currency_id.round(-sum(line["amount"] for line in data))
            data.append(
                {
                    "reference": f"reconcile_auxiliary;{auxiliary}",
                    "id": False,
                    "account_id": [fee_account.id, fee_account.display_name],
                    "partner_id": False,
                    "date": fields.Date.to_string(self.date),
                    "name": self.env._("%(provider)s fee", provider=", ".join(providers.mapped("name"))),
                    "amount": balance,
                    "debit": balance if balance > 0 else 0.0,
                    "credit": -balance if balance < 0 else 0.0,
                    "net_amount": balance,
                    "currency_id": self.company_id.currency_id.id,
                    "line_currency_id": self.currency_id.id,
                    "currency_amount": fee,
                    "analytic_distribution": False,
                    "kind": "other",
                }
            )
            auxiliary += 1
        result = self._recompute_suspense_line(data, auxiliary, self.manual_reference)
        if not result.get("can_reconcile"):
            return
        # The bank line's reconciliation owns its entry, as OCA's own (bank_statement_line_doors).
        with owning_operation():
            getattr(self, f"_reconcile_bank_line_{self.journal_id.reconcile_mode}")(
                self._prepare_reconcile_line_data(result["data"])
            )
