"""Model-based test of the invoice life cycle: random sequences of what users do, and after
every step the ledger's invariants, computed from the journal items themselves.

Hypothesis (stateful testing) drives a real database: invoices of a company and of its
branch, in the company currency or in EUR (whose rate changes between invoice and payment),
posted, sent, exported, paid through Atlas (partially, fully, or the discounted total of an
early-payment discount, in its period or after it) or through Odoo's own payment wizard
(partially, fully, with a write-off or an early-payment discount), settled by stand-alone or partial
credit notes, refunded, reset to draft, re-posted and cancelled. Each example runs in its own
savepoint, so examples are independent.

The expected figures never come from the addon's code: they are sums of
``account.move.line`` and ``account.partial.reconcile`` read with the ORM.

Bounds: ``ATLAS_HYPOTHESIS_EXAMPLES`` (default 30) examples of at most
``ATLAS_HYPOTHESIS_STEPS`` (default 25) steps, from the seed ``ATLAS_HYPOTHESIS_SEED``
(default fixed, so every run is the same; a failure says which seed reproduces it).
"""

import logging
import os
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AtlasTestCommon

_logger = logging.getLogger(__name__)

DEFAULT_SEED = 20260113
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
AS_OF_DATES = (date(2026, 3, 31), date(2026, 12, 31))
# One date in the previous fiscal year, so the ledger has an earlier result to carry.
INVOICE_DATES = (date(2025, 11, 20), date(2026, 1, 15), date(2026, 2, 10), date(2026, 4, 10))
# Days after the invoice: inside the early-discount window, and across the EUR rate changes.
OFFSETS = (3, 35, 70)
INCOME_TYPES = ("income", "income_other")
EXPENSE_TYPES = ("expense", "expense_depreciation", "expense_direct_cost")
METHODS = ("check", "ach", "wire", "card", "cash")


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def _money(amount):
    return round(amount + 0.0, 2)


class LedgerMachine(RuleBasedStateMachine):
    """What users do, against the database of ``case`` (set by the test)."""

    case = None  # the TestCase whose env and world the machine uses

    invoices = Bundle("invoices")

    def __init__(self):
        super().__init__()
        case = self.case
        self.env = case.env
        self.savepoint = self.env.cr.savepoint()
        self.start = case._high_water_marks()
        self.invoice_ids = []

    def teardown(self):
        self.savepoint.close(rollback=True)
        self.env.invalidate_all()

    # -------------------------------------------------------------------------
    # Helpers
    # -------------------------------------------------------------------------

    def _move(self, invoice_id):
        return self.case._move(invoice_id)

    def _attempt(self, action, what, must_succeed=False, odoo=False):
        """Run a user action. A refusal (UserError) must change nothing; an action the
        documentation allows must not be refused.

        Odoo's own wizards run in a savepoint, as the web client's request would be rolled
        back; Atlas's actions run without one, so a refusal must leave nothing behind.
        """
        before = None if odoo else self.case._snapshot(self.start)
        try:
            if odoo:
                with self.env.cr.savepoint():
                    result = action()
            else:
                result = action()
        except UserError as error:
            assert not must_succeed, f"{what}: refused although the documentation allows it: {error}"
            if before is not None:
                self.env.invalidate_all()  # flushes first: what the refused call wrote is in the tables
                after = self.case._snapshot(self.start)
                assert before == after, f"{what}: refused ({error}) but the ledger changed"
            return None
        self.case._touch()
        return result

    # -------------------------------------------------------------------------
    # Rules
    # -------------------------------------------------------------------------

    # A few invoices per example, so that several steps meet on the same one.
    @precondition(lambda self: len(self.invoice_ids) < 5)
    @rule(
        target=invoices,
        customer=st.sampled_from(("northwind", "bluebird")),
        branch=st.booleans(),
        currency=st.sampled_from(("USD", "EUR")),
        cents=st.integers(min_value=1000, max_value=90000),
        taxed=st.booleans(),
        # Two in three: the early-payment discount's payments meet many of them.
        early_discount=st.sampled_from((False, True, True)),
        invoice_date=st.sampled_from(INVOICE_DATES),
        then=st.sampled_from(("draft", "post", "send")),
    )
    def create_invoice(self, customer, branch, currency, cents, taxed, early_discount, invoice_date, then):
        case = self.case
        company = case.branch if branch else case.company
        invoice = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": case.customers[customer].id,
                    "invoice_date": invoice_date,
                    "currency_id": (case.eur if currency == "EUR" else case.usd).id,
                    "invoice_payment_term_id": case.early_term.id if early_discount else False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Managed IT services",
                                "account_id": case.revenue.id,
                                "quantity": 1,
                                "price_unit": cents / 100,
                                "tax_ids": [Command.set(case.tax_sale_a.ids if taxed else [])],
                            }
                        )
                    ],
                }
            )
        )
        self.invoice_ids.append(invoice.id)
        case._touch()
        if then == "post":
            invoice.action_post()
        elif then == "send":
            invoice.action_atlas_mark_sent()
        return invoice.id

    @rule(invoice_id=invoices)
    def post(self, invoice_id):
        """Odoo's Confirm (Posted, not delivered)."""
        invoice = self._move(invoice_id)
        self._attempt(invoice.action_post, "Confirm", odoo=True)

    @rule(invoice_id=invoices)
    def mark_sent(self, invoice_id):
        invoice = self._move(invoice_id)
        self._attempt(invoice.action_atlas_mark_sent, "Mark as Sent")

    @rule(
        invoice_id=invoices,
        share=st.sampled_from(("all", "half", "third")),
        offset=st.sampled_from(OFFSETS),
        method=st.sampled_from(METHODS),
    )
    def atlas_payment(self, invoice_id, share, offset, method):
        invoice = self._move(invoice_id)
        currency = invoice.currency_id
        due = invoice.amount_residual
        amount = None
        if share != "all":
            amount = max(currency.round(due / (2 if share == "half" else 3)), 0.01)
        payable = (
            invoice.state == "posted"
            and not currency.is_zero(due)
            and (amount is None or currency.compare_amounts(amount, due) <= 0)
        )
        self._attempt(
            lambda: invoice.atlas_record_payment(
                amount=amount,
                date=(invoice.invoice_date + timedelta(days=offset)).isoformat(),
                payment_method=method,
            ),
            f"Record Payment of {amount or 'the balance due'} on {invoice.name}",
            must_succeed=payable,
        )

    @rule(
        invoice_id=invoices,
        # In the period, its last day, the day after, and across the EUR rate changes.
        offset=st.sampled_from((3, 10, 11, 35)),
        method=st.sampled_from(METHODS),
        given=st.booleans(),
    )
    def atlas_early_discount_payment(self, invoice_id, offset, method, given):
        """Record Payment of the discounted total an early-payment discount's terms state
        (given, or proposed by the form for the date): in the period it settles the invoice
        with Odoo's discount entry, after it the discount stays due."""
        invoice = self._move(invoice_id)
        case = self.case
        if invoice.state != "posted" or invoice.invoice_payment_term_id != case.early_term:
            return
        terms = case._term_items(invoice)
        discounted = _money(sum(item["discount_amount_currency"] for item in terms))
        date = invoice.invoice_date + timedelta(days=offset)
        untouched = not case._partials_of(terms)
        in_time = untouched and date <= invoice.invoice_date + timedelta(days=case.early_term.discount_days)
        due = _money(sum(item["amount_residual_currency"] for item in terms))
        if not due:
            return
        if given:
            amount = discounted if untouched else due
        else:
            wizard = (
                self.env["atlas.payment.record"]
                .with_context(default_invoice_id=invoice.id)
                .new({"payment_date": date, "invoice_id": invoice.id})
            )
            amount = wizard.amount
            expected = discounted if in_time else due
            assert (
                _money(amount - expected) == 0
            ), f"Record Payment of {invoice.name} on {date} proposes {amount}, the terms ask {expected}"
        result = self._attempt(
            lambda: invoice.atlas_record_payment(amount=amount, date=date.isoformat(), payment_method=method),
            f"Record Payment of {amount} ({'in' if in_time else 'after'} the discount period) on {invoice.name}",
            must_succeed=True,
        )
        case._check_early_discount_payment(invoice, result["payment_id"], amount, due, discounted if in_time else None)

    @rule(
        invoice_id=invoices,
        handling=st.sampled_from(("write_off", "early_discount", "partial")),
        offset=st.sampled_from(OFFSETS),
    )
    def odoo_register_payment(self, invoice_id, handling, offset):
        """Odoo's Register Payment: the payment difference written off, the early-payment
        discount taken when paid in time, or a partial payment left open."""
        invoice = self._move(invoice_id)
        currency = invoice.currency_id
        if invoice.state != "posted" or currency.is_zero(invoice.amount_residual):
            return
        due = invoice.amount_residual
        values = {
            "payment_date": invoice.invoice_date + timedelta(days=offset),
            "journal_id": self.case.bank.id,
            "payment_method_line_id": self.case.check_line.id,
        }
        if handling == "write_off":
            values.update(
                amount=currency.round(due * 0.9) or due,
                payment_difference_handling="reconcile",
                writeoff_account_id=self.case.expense.id,
                writeoff_label="Write-Off",
            )
        elif handling == "partial":
            values.update(amount=max(currency.round(due / 2), 0.01), payment_difference_handling="open")

        def register():
            return (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(values)
                ._create_payments()
            )

        self._attempt(register, f"Register Payment ({handling}) on {invoice.name}", odoo=True)

    @rule(
        invoice_id=invoices,
        base=st.sampled_from(("residual", "total")),
        share=st.sampled_from((1.0, 0.5, 0.3)),
        offset=st.sampled_from(OFFSETS),
    )
    def stand_alone_credit_note(self, invoice_id, base, share, offset):
        """A credit note of its own (not a reversal), applied to the invoice with Odoo's
        *Add* on the outstanding credit."""
        invoice = self._move(invoice_id)
        currency = invoice.currency_id
        if invoice.state != "posted" or currency.is_zero(invoice.amount_residual):
            return
        amount = currency.round((invoice.amount_residual if base == "residual" else invoice.amount_total) * share)
        if currency.is_zero(amount):
            return

        def credit():
            credit_note = (
                self.env["account.move"]
                .with_company(invoice.company_id)
                .create(
                    {
                        "move_type": "out_refund",
                        "partner_id": invoice.partner_id.id,
                        "invoice_date": invoice.invoice_date + timedelta(days=offset),
                        "currency_id": currency.id,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Service credit",
                                    "account_id": self.case.revenue.id,
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            )
            credit_note.action_post()
            line = credit_note.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            invoice.js_assign_outstanding_line(line.id)

        self._attempt(credit, f"Credit note of {amount} applied to {invoice.name}", odoo=True)

    @rule(invoice_id=invoices, share=st.sampled_from((0.3, 0.5, 1.0)), offset=st.sampled_from(OFFSETS))
    def odoo_credit_note(self, invoice_id, share, offset):
        """Odoo's *Credit Note* on the invoice (a reversal), lowered to part of the invoice."""
        invoice = self._move(invoice_id)
        if invoice.state != "posted" or invoice.move_type != "out_invoice":
            return

        def credit():
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "journal_id": invoice.journal_id.id,
                        "date": invoice.invoice_date + timedelta(days=offset),
                        "reason": "Partial credit",
                    }
                )
            )
            credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
            if share != 1.0:
                for line in credit_note.invoice_line_ids:
                    line.price_unit = credit_note.currency_id.round(line.price_unit * share)
            credit_note.action_post()

        self._attempt(credit, f"Odoo credit note ({share:.0%}) on {invoice.name}", odoo=True)

    @rule(invoice_id=invoices, offset=st.sampled_from(OFFSETS), method=st.sampled_from(METHODS))
    def atlas_refund(self, invoice_id, offset, method):
        invoice = self._move(invoice_id)
        status = self.case._expected_status(self.case._invoice_facts(invoice.ids)[invoice.id])
        refundable = (
            invoice.state == "posted"
            and not invoice.reversal_move_ids.filtered(lambda move: move.state == "posted")
            and status != "refunded"
        )
        self._attempt(
            lambda: invoice.atlas_refund(
                payment_method=method, date=(invoice.invoice_date + timedelta(days=offset)).isoformat()
            ),
            f"Refund of {invoice.name}",
            must_succeed=refundable,
        )

    @rule(invoice_id=invoices)
    def reset_to_draft(self, invoice_id):
        invoice = self._move(invoice_id)
        self._attempt(invoice.action_atlas_reset_to_draft, f"Reset to Draft of {invoice.name}")

    @rule(invoice_id=invoices)
    def cancel(self, invoice_id):
        invoice = self._move(invoice_id)
        self._attempt(invoice.button_cancel, f"Cancel of {invoice.name}", odoo=True)

    @rule(invoice_ids=st.lists(invoices, min_size=1, max_size=3, unique=True))
    def export(self, invoice_ids):
        invoices = self.env["account.move"].browse(invoice_ids)
        self._attempt(lambda: invoices.atlas_export("csv"), f"Export of {invoices.mapped('name')}")

    # -------------------------------------------------------------------------
    # Invariants
    # -------------------------------------------------------------------------

    @invariant()
    def ledger_holds(self):
        self.case._check_invariants(self.start, self.invoice_ids)


@tagged("post_install", "-at_install")
class TestLedgerModel(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.usd = cls.company.currency_id
        cls.eur = cls.setup_other_currency(
            "EUR", rates=[("2025-01-01", 0.5), ("2026-01-01", 0.45), ("2026-03-01", 0.4)]
        )
        cls.branch = cls.env["res.company"].create(
            {"name": "Atlas Branch", "parent_id": cls.company.id, "country_id": cls.company.country_id.id}
        )
        cls.env.cr.precommit.run()  # loads the branch's share of the chart of accounts
        cls.env.user.company_ids |= cls.branch
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id, cls.branch.id]))
        cls.bank = cls.company_data["default_journal_bank"].with_env(cls.env)
        cls.check_line = cls.bank.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_method_id.code == "atlas_check"
        )[:1]
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.expense = cls.company_data["default_account_expense"]
        cls.tax_sale_a = cls.tax_sale_a.with_env(cls.env)
        cls.early_term = cls.env["account.payment.term"].create(
            {
                "name": "2/10 Net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})],
            }
        )
        Partner = cls.env["res.partner"]
        cls.customers = {
            "northwind": cls.customer.with_env(cls.env),
            "bluebird": Partner.create(
                {"name": "Bluebird Dental Clinic", "email": "ap@bluebird.example", "customer_rank": 1}
            ),
        }
        # The accounts that hold cash: Bank and Cash accounts and the bank and cash journals' own.
        Account = cls.env["account.account"]
        Journal = cls.env["account.journal"]
        cls.cash_account_ids = {}
        # The companies a report of a company covers: itself and its branches.
        cls.scopes = {}
        for company in (cls.company, cls.branch):
            cls.scopes[company.id] = cls.env["res.company"].search([("id", "child_of", company.id)]).ids
            journals = Journal.search([*Journal._check_company_domain(company), ("type", "in", ("bank", "cash"))])
            cash = Account.search([*Account._check_company_domain(company), ("account_type", "=", "asset_cash")])
            cls.cash_account_ids[company.id] = set((cash | journals.default_account_id).ids)
        cls.all_cash_account_ids = set().union(*cls.cash_account_ids.values())
        cls.env.flush_all()

    def test_ledger_model(self):
        examples = _env_int("ATLAS_HYPOTHESIS_EXAMPLES", 30)
        steps = _env_int("ATLAS_HYPOTHESIS_STEPS", 25)
        run_seed = _env_int("ATLAS_HYPOTHESIS_SEED", DEFAULT_SEED)
        _logger.info(
            "Ledger model: %s examples of up to %s steps, seed %s (ATLAS_HYPOTHESIS_SEED)", examples, steps, run_seed
        )
        if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
            # Hypothesis caches what it learns from the source beside the working directory:
            # keep the checkout clean (no example database either: database=None).
            set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "atlas-hypothesis")
        machine = type("BoundLedgerMachine", (LedgerMachine,), {"case": self})
        machine = hypothesis_seed(run_seed)(machine)
        try:
            run_state_machine_as_test(
                machine,
                settings=settings(
                    max_examples=examples,
                    stateful_step_count=steps,
                    deadline=None,
                    database=None,
                    derandomize=False,
                    print_blob=False,
                    suppress_health_check=list(HealthCheck),
                ),
            )
        except Exception as error:
            error.add_note(f"Reproduce with ATLAS_HYPOTHESIS_SEED={run_seed} (examples {examples}, steps {steps}).")
            raise

    # -------------------------------------------------------------------------
    # The ledger, read with the ORM
    # -------------------------------------------------------------------------

    def _move(self, move_id):
        move = self.env["account.move"].browse(move_id)
        return move.with_company(move.company_id)

    def _touch(self):
        self._dirty = True

    def _high_water_marks(self):
        self.env.flush_all()
        self._dirty = True
        marks = {}
        for model in ("account.move", "account.move.line", "account.partial.reconcile", "atlas.export.log"):
            last = self.env[model].sudo().search([], order="id desc", limit=1)
            marks[model] = last.id or 0
        return marks

    def _snapshot(self, start):
        """Everything a refused action must leave as it was."""
        self.env.flush_all()
        sudo = self.env["account.move.line"].sudo()
        items = sudo.search_read(
            [("id", ">", start["account.move.line"])],
            ["account_id", "debit", "credit", "amount_residual", "reconciled", "parent_state", "date"],
            order="id",
        )
        moves = (
            self.env["account.move"]
            .sudo()
            .search_read(
                [("id", ">", start["account.move"])],
                ["state", "atlas_status", "is_move_sent", "atlas_exported_date", "payment_state", "amount_residual"],
                order="id",
            )
        )
        partials = (
            self.env["account.partial.reconcile"]
            .sudo()
            .search_read([("id", ">", start["account.partial.reconcile"])], ["amount"], order="id")
        )
        logs = self.env["atlas.export.log"].sudo().search_count([("id", ">", start["atlas.export.log"])])
        return items, moves, partials, logs

    def _invoice_facts(self, invoice_ids):
        """{invoice id: facts} read from its journal items and their partial reconciliations,
        amounts in the invoice's currency:

        - ``total``/``residual``: its receivable items' amount and what is still open on them;
        - ``paid``: what payments settled on it (write-offs and early discounts included: they
          are part of the payment's entry);
        - ``credited``: its own credit notes (reversals) in full, plus what stand-alone credit
          notes settled on it;
        - ``received``: the money of the payments matched with it (their bank and cash items);
        - ``paid_back``: the money of the payments matched with its credit notes.
        """
        sudo_env = self.env(su=True)
        Move, Line = sudo_env["account.move"], sudo_env["account.move.line"]
        facts = {
            move["id"]: dict(
                move,
                total=0.0,
                residual=0.0,
                paid=0.0,
                credited=0.0,
                lines=set(),
                payments=set(),
                credit_notes=set(),
            )
            for move in Move.search_read(
                [("id", "in", invoice_ids)], ["name", "state", "is_move_sent", "atlas_exported_date"]
            )
        }
        for line in Line.search_read(
            [("move_id", "in", invoice_ids), ("account_id.account_type", "=", "asset_receivable")],
            ["move_id", "amount_currency", "amount_residual_currency"],
        ):
            fact = facts[line["move_id"][0]]
            fact["lines"].add(line["id"])
            fact["total"] += line["amount_currency"]
            fact["residual"] += line["amount_residual_currency"]
        owner = {line_id: move_id for move_id, fact in facts.items() for line_id in fact["lines"]}
        partials = sudo_env["account.partial.reconcile"].search_read(
            ["|", ("debit_move_id", "in", list(owner)), ("credit_move_id", "in", list(owner))],
            ["debit_move_id", "credit_move_id", "debit_amount_currency", "credit_amount_currency"],
        )
        # (invoice, counterpart item, amount settled on the invoice)
        matches = []
        for part in partials:
            debit, credit = part["debit_move_id"][0], part["credit_move_id"][0]
            if debit in owner:
                matches.append((owner[debit], credit, part["debit_amount_currency"]))
            if credit in owner:
                matches.append((owner[credit], debit, part["credit_amount_currency"]))
        move_of_line = {
            line["id"]: line["move_id"][0]
            for line in Line.search_read([("id", "in", [m[1] for m in matches])], ["move_id"])
        }
        reversals = Move.search_read(
            [("reversed_entry_id", "in", invoice_ids), ("state", "=", "posted")],
            ["reversed_entry_id", "amount_total"],
        )
        counterparts = {
            move["id"]: move
            for move in Move.search_read(
                [("id", "in", list(set(move_of_line.values())))],
                ["move_type", "origin_payment_id", "journal_id", "reversed_entry_id"],
            )
        }
        exchange_journals = set(sudo_env["res.company"].search([]).currency_exchange_journal_id.ids)
        for move_id, line_id, amount in matches:
            fact, other = facts[move_id], counterparts[move_of_line[line_id]]
            if other["move_type"] == "out_refund":
                fact["credit_notes"].add(other["id"])
                if not other["reversed_entry_id"] or other["reversed_entry_id"][0] != move_id:
                    fact["credited"] += amount  # a stand-alone credit note: what it settled here
            elif other["origin_payment_id"]:
                fact["payments"].add(other["id"])
                fact["paid"] += amount
            elif other["journal_id"][0] not in exchange_journals:
                raise AssertionError(f"{fact['name']} is matched with an unexpected entry: {other}")
        for reversal in reversals:
            fact = facts[reversal["reversed_entry_id"][0]]
            fact["credit_notes"].add(reversal["id"])
            fact["credited"] += reversal["amount_total"]

        # The payments matched with the credit notes: the money paid back.
        refund_payments = defaultdict(set)
        note_ids = {note for fact in facts.values() for note in fact["credit_notes"]}
        note_lines = Line.search_read(
            [("move_id", "in", list(note_ids)), ("account_id.account_type", "=", "asset_receivable")],
            ["move_id", "matched_debit_ids"],
        )
        debit_of = {
            part["id"]: part["debit_move_id"][0]
            for part in sudo_env["account.partial.reconcile"].search_read(
                [("id", "in", [pid for line in note_lines for pid in line["matched_debit_ids"]])], ["debit_move_id"]
            )
        }
        payment_lines = {
            line["id"]: line["move_id"][0]
            for line in Line.search_read(
                [("id", "in", list(debit_of.values())), ("move_id.origin_payment_id", "!=", False)], ["move_id"]
            )
        }
        for line in note_lines:
            for pid in line["matched_debit_ids"]:
                if debit_of[pid] in payment_lines:
                    refund_payments[line["move_id"][0]].add(payment_lines[debit_of[pid]])
        liquidity = self._liquidity(
            {p for fact in facts.values() for p in fact["payments"]}
            | {p for payments in refund_payments.values() for p in payments}
        )
        for fact in facts.values():
            fact["received"] = _money(sum(liquidity[p][2] for p in fact["payments"] if p in liquidity))
            back = {p for note in fact["credit_notes"] for p in refund_payments[note]}
            fact["paid_back"] = _money(-sum(liquidity[p][2] for p in back if p in liquidity))
        return facts

    @staticmethod
    def _expected_status(fact):
        """The README's status table, by precedence."""
        if fact["state"] == "draft":
            return "draft"
        if fact["state"] == "cancel":
            return "cancelled"
        fully_credited = _money(fact["credited"] - fact["total"]) >= 0
        if fully_credited and fact["paid_back"] >= fact["received"]:
            return "refunded"
        if _money(fact["paid"]) and not _money(fact["residual"]):
            return "paid"
        if _money(fact["paid"]):
            return "partial"
        if fact["atlas_exported_date"]:
            return "exported"
        if fact["is_move_sent"]:
            return "sent"
        return "posted"

    def _term_items(self, invoice):
        """The invoice's receivable items (its payment terms), read from the journal items."""
        return (
            self.env["account.move.line"]
            .sudo()
            .search_read(
                [("move_id", "=", invoice.id), ("display_type", "=", "payment_term")],
                ["amount_currency", "amount_residual_currency", "discount_amount_currency"],
            )
        )

    def _partials_of(self, items):
        ids = [item["id"] for item in items]
        return (
            self.env["account.partial.reconcile"]
            .sudo()
            .search(["|", ("debit_move_id", "in", ids), ("credit_move_id", "in", ids)])
        )

    def _check_early_discount_payment(self, invoice, payment_id, amount, due, discounted):
        """From the journal items: the payment's money is ``amount``; paid in the period
        (``discounted``), its entry credits the receivable the whole balance due, the rest is
        the discount's lines (the cash discount account and the taxes it reduces) and nothing
        is due; otherwise what was not received is still due."""
        self.env.flush_all()
        payment_move = self.env["account.payment"].browse(payment_id).move_id
        items = (
            self.env["account.move.line"]
            .sudo()
            .search_read(
                [("move_id", "=", payment_move.id)], ["account_id", "amount_currency", "balance", "display_type"]
            )
        )
        cash = [item for item in items if item["account_id"][0] in self.all_cash_account_ids]
        receivable_ids = set(self.env["account.account"].sudo().search([("account_type", "=", "asset_receivable")]).ids)
        receivable = [item for item in items if item["account_id"][0] in receivable_ids]
        others = [item for item in items if item not in cash and item not in receivable]
        where = f"{invoice.name} paid {amount} (due {due})"
        assert _money(sum(item["amount_currency"] for item in cash) - amount) == 0, f"{where}: money {cash}"
        left = _money(sum(item["amount_residual_currency"] for item in self._term_items(invoice)))
        if discounted is not None:
            assert (
                _money(-sum(item["amount_currency"] for item in receivable) - due) == 0
            ), f"{where}: the receivable is credited {receivable}, not the whole balance"
            assert (
                _money(sum(item["amount_currency"] for item in others) - (due - discounted)) == 0
            ), f"{where}: the discount's lines {others} are not the {_money(due - discounted)} discount"
            assert others, f"{where}: no discount entry"
            assert left == 0, f"{where} in the discount period: {left} still due"
        else:
            assert not others, f"{where} after the discount period: unexpected lines {others}"
            assert _money(left - (due - amount)) == 0, f"{where} after the period: {left} due, expected {due - amount}"

    def _liquidity(self, payment_move_ids):
        """{payment move id: (partner id, currency id, money in (+) or out (-))}: the items of
        the payment entries on the cash accounts, in the payment's currency."""
        result = {}
        for line in (
            self.env["account.move.line"]
            .sudo()
            .search_read(
                [
                    ("move_id", "in", list(payment_move_ids)),
                    ("account_id", "in", list(self.all_cash_account_ids)),
                    ("parent_state", "=", "posted"),
                ],
                ["move_id", "partner_id", "currency_id", "amount_currency"],
            )
        ):
            amount = result.get(line["move_id"][0], (None, None, 0.0))[2]
            result[line["move_id"][0]] = (
                line["partner_id"] and line["partner_id"][0],
                line["currency_id"][0],
                amount + line["amount_currency"],
            )
        return result

    # -------------------------------------------------------------------------
    # Invariants
    # -------------------------------------------------------------------------

    def _check_invariants(self, start, invoice_ids):
        self.env.flush_all()
        if invoice_ids:
            facts = self._invoice_facts(invoice_ids)
            self._check_statuses(facts)
            self._check_money_back(start, facts)
        if not self._dirty:
            return  # nothing moved in the books since the last check
        self._check_entries_balance(start)
        for company in (self.company, self.branch):
            self._check_ar_aging(company)
            self._check_general_ledger(company)
            self._check_profit_loss(company)
            self._check_cash_flow(company)
        self._dirty = False

    def _check_statuses(self, facts):
        actual = {
            move["id"]: move["atlas_status"]
            for move in self.env["account.move"].sudo().search_read([("id", "in", list(facts))], ["atlas_status"])
        }
        wrong = [
            f"{fact['name']} is {actual[move_id]}, the ledger says {self._expected_status(fact)} ({self._brief(fact)})"
            for move_id, fact in facts.items()
            if actual[move_id] != self._expected_status(fact)
        ]
        assert not wrong, "atlas_status: " + "; ".join(wrong)

    @staticmethod
    def _brief(fact):
        keys = ("total", "residual", "paid", "credited", "received", "paid_back")
        return ", ".join(f"{key} {_money(fact[key])}" for key in keys)

    def _check_money_back(self, start, facts):
        """Money paid back never exceeds money received: per invoice and per customer.

        Per invoice for posted ones only: cancelling (Odoo resets the invoice to draft first)
        unmatches its payments, so a cancelled invoice no longer says what was received on it;
        the customer's totals still do.
        """
        for fact in facts.values():
            if fact["state"] != "posted":
                continue
            assert fact["paid_back"] <= fact["received"], (
                f"{fact['name']}: paid back {fact['paid_back']} to the customer, received {fact['received']} "
                f"({self._brief(fact)})"
            )
        payment_moves = (
            self.env["account.move"]
            .sudo()
            .search([("id", ">", start["account.move"]), ("origin_payment_id", "!=", False), ("state", "=", "posted")])
        )
        per_customer = defaultdict(lambda: [0.0, 0.0])
        for partner, currency, amount in self._liquidity(set(payment_moves.ids)).values():
            per_customer[partner, currency][0 if amount > 0 else 1] += abs(amount)
        for (partner, currency), (received, paid_back) in per_customer.items():
            assert _money(paid_back - received) <= 0, (
                f"customer #{partner} (currency #{currency}): paid back {_money(paid_back)}, "
                f"received {_money(received)}"
            )

    def _check_entries_balance(self, start):
        groups = (
            self.env["account.move.line"]
            .sudo()
            .read_group(
                [("move_id", ">", start["account.move"]), ("parent_state", "=", "posted")],
                ["debit:sum", "credit:sum"],
                ["move_id"],
            )
        )
        for group in groups:
            assert (
                _money(group["debit"] - group["credit"]) == 0
            ), f"{group['move_id'][1]} does not balance: debit {group['debit']}, credit {group['credit']}"

    def _items(self, company, domain, fields_=("account_id", "balance", "debit", "credit", "date")):
        return (
            self.env["account.move.line"]
            .sudo()
            .search_read(
                [("company_id", "in", self.scopes[company.id]), ("parent_state", "=", "posted"), *domain],
                list(fields_),
            )
        )

    def _report(self, model, company, **options):
        # As the superuser: the reports' roles are not what this test checks.
        return self.env[model].sudo().get_report_data(dict(options, company_id=company.id))

    def _check_ar_aging(self, company):
        for as_of in AS_OF_DATES:
            receivable = sum(
                item["balance"]
                for item in self._items(
                    company, [("account_id.account_type", "=", "asset_receivable"), ("date", "<=", as_of)]
                )
            )
            report = self._report("atlas.report.ar.aging", company, as_of_date=as_of.isoformat())
            assert _money(report["totals"]["total"] - receivable) == 0, (
                f"AR Aging of {company.name} as of {as_of}: total {report['totals']['total']}, "
                f"receivable balance {_money(receivable)}"
            )

    def _check_general_ledger(self, company):
        date_from, date_to = PERIOD
        report = self._report(
            "atlas.report.general.ledger",
            company,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
            line_limit=1,
        )
        totals = report["totals"]
        where = f"General Ledger of {company.name} {date_from}–{date_to}"
        assert _money(totals["opening"]) == 0, f"{where}: opening total {totals['opening']}, not 0"
        assert _money(totals["closing"]) == 0, f"{where}: closing total {totals['closing']}, not 0"
        period = defaultdict(lambda: [0.0, 0.0])
        for item in self._items(company, [("date", ">=", date_from), ("date", "<=", date_to)]):
            period[item["account_id"][0]][0] += item["debit"]
            period[item["account_id"][0]][1] += item["credit"]
        lines = {line["key"]: line for line in report["lines"]}
        sections = {int(key.split("-")[1]): line for key, line in lines.items() if line["kind"] == "section"}
        missing = {a for a, (debit, credit) in period.items() if _money(debit) or _money(credit)} - set(sections)
        assert not missing, f"{where}: accounts with items in the period are missing: {missing}"
        for account_id, section in sections.items():
            opening = lines[f"account-{account_id}-opening"]["values"]["balance"]
            closing = lines[f"account-{account_id}-closing"]["values"]
            debit, credit = period[account_id]
            assert _money(closing["debit"] - debit) == 0 and _money(closing["credit"] - credit) == 0, (
                f"{where}, {section['label']}: period debit/credit {closing['debit']}/{closing['credit']}, "
                f"journal items {_money(debit)}/{_money(credit)}"
            )
            assert _money(opening + debit - credit - closing["balance"]) == 0, (
                f"{where}, {section['label']}: closing {closing['balance']} ≠ opening {opening} + "
                f"debit {_money(debit)} − credit {_money(credit)}"
            )
        assert _money(totals["debit"] - sum(d for d, _c in period.values())) == 0, f"{where}: total debit"
        assert _money(totals["credit"] - sum(c for _d, c in period.values())) == 0, f"{where}: total credit"

    def _check_profit_loss(self, company):
        date_from, date_to = PERIOD
        items = self._items(
            company,
            [
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("account_id.account_type", "in", INCOME_TYPES + EXPENSE_TYPES),
            ],
        )
        net = -sum(item["balance"] for item in items)  # income is a credit, expense a debit
        report = self._report(
            "atlas.report.profit.loss", company, date_from=date_from.isoformat(), date_to=date_to.isoformat()
        )
        assert (
            _money(report["totals"]["net_profit"] - net) == 0
        ), f"P&L of {company.name}: net profit {report['totals']['net_profit']}, income − expense {_money(net)}"

    def _check_cash_flow(self, company):
        date_from, date_to = PERIOD
        items = self._items(
            company,
            [
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("account_id", "in", list(self.cash_account_ids[company.id])),
            ],
        )
        receipts = sum(item["balance"] for item in items if item["balance"] > 0)
        disbursements = -sum(item["balance"] for item in items if item["balance"] < 0)
        report = self._report(
            "atlas.report.cash.flow", company, date_from=date_from.isoformat(), date_to=date_to.isoformat()
        )
        totals = report["totals"]
        where = f"Cash Flow of {company.name}"
        assert _money(totals["receipts"] - receipts) == 0, f"{where}: receipts {totals['receipts']}, items {receipts}"
        assert (
            _money(totals["disbursements"] - disbursements) == 0
        ), f"{where}: disbursements {totals['disbursements']}, items {disbursements}"
        assert _money(totals["closing"] - totals["opening"] - (receipts - disbursements)) == 0, (
            f"{where}: closing {totals['closing']} − opening {totals['opening']} ≠ receipts {_money(receipts)} "
            f"− disbursements {_money(disbursements)}"
        )
