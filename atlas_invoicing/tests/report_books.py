"""A small set of books for the report tests, and the tests' own arithmetic on it.

Company 1 keeps its books in USD and invoices some customers in EUR (1 EUR = 2 USD until
March, 2.5 USD from March: the EUR payment makes an exchange difference). Company 2 has an
invoice of its own that must never show in company 1's reports. The expected figures are
computed here from journal items read with the ORM (search_read + Python sums), never from
the reports' SQL.
"""

from collections import defaultdict
from datetime import date

from odoo import Command, fields

from .common import AtlasTestCommon

AS_OF = date(2026, 6, 30)
INCOME_TYPES = ("income", "income_other")
EXPENSE_TYPES = ("expense", "expense_depreciation", "expense_direct_cost")


class ReportBooksCommon(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.usd = cls.company.currency_id
        cls.eur = cls.setup_other_currency("EUR", rates=[("2026-01-01", 0.5), ("2026-03-01", 0.4)])
        cls.bank = cls.company_data["default_journal_bank"]
        cls.cash = cls.company_data["default_journal_cash"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.expense = cls.company_data["default_account_expense"]
        cls.other_income = cls.env["account.account"].create(
            {"name": "Consulting Income", "code": "400900", "account_type": "income"}
        )
        Partner = cls.env["res.partner"]
        cls.contoso = Partner.create({"name": "Contoso Europe", "customer_rank": 1})
        cls.fabrikam = Partner.create({"name": "Fabrikam", "customer_rank": 1})
        cls.vendor = Partner.create({"name": "Office Supplies Inc", "supplier_rank": 1})
        cls._build_books()

    # -------------------------------------------------------------------------
    # The books
    # -------------------------------------------------------------------------

    @classmethod
    def _build_books(cls):
        # Northwind (USD): 1000 due 2026-02-14, 400 paid by check in February, 300 by ACH
        # after the as-of date; 250 invoiced in June, not due yet on the as-of date.
        cls.inv_nw = cls._post_invoice(cls.customer, 1000.0, "2026-01-15", "2026-02-14")
        cls._pay(cls.inv_nw, 400.0, "2026-02-10", "check")
        cls._pay(cls.inv_nw, 300.0, "2026-07-15", "ach")
        cls.inv_nw_june = cls._post_invoice(cls.customer, 250.0, "2026-06-20", "2026-07-20", account=cls.other_income)
        # Northwind also paid 50 in cash on account, applied to nothing: a credit of his.
        cls.unapplied = cls._unapplied_payment(cls.customer, 50.0, "2026-06-01")

        # Contoso (EUR): 500 EUR (1000 USD at 2.0) due 2026-03-03, 200 EUR paid by wire at 2.5
        # (500 USD: exchange difference of 100 USD on the 200 EUR settled); a 40 EUR credit
        # note in May left unapplied.
        cls.inv_eur = cls._post_invoice(cls.contoso, 500.0, "2026-02-01", "2026-03-03", currency=cls.eur)
        cls._pay(cls.inv_eur, 200.0, "2026-03-15", "wire")
        cls.cn_eur = cls._post_invoice(
            cls.contoso, 40.0, "2026-05-20", "2026-05-20", currency=cls.eur, move_type="out_refund"
        )

        # Fabrikam (USD, 15% tax): 800 + 120 tax due 2026-03-31; a 100 credit note applied in
        # April, another of 60 applied after the as-of date.
        cls.inv_fab = cls._post_invoice(cls.fabrikam, 800.0, "2026-03-01", "2026-03-31", taxes=cls.tax_sale_a)
        cls.cn_fab = cls._post_invoice(cls.fabrikam, 100.0, "2026-04-10", "2026-04-10", move_type="out_refund")
        cls._reconcile(cls.inv_fab, cls.cn_fab)
        cls.cn_fab_late = cls._post_invoice(cls.fabrikam, 60.0, "2026-07-05", "2026-07-05", move_type="out_refund")
        cls._reconcile(cls.inv_fab, cls.cn_fab_late)

        # A vendor bill (expense), paid by check from the bank; a bank fee; the owner's capital.
        cls.bill = cls._post_invoice(cls.vendor, 300.0, "2026-03-05", "2026-03-05", move_type="in_invoice")
        cls._pay_bill(cls.bill, "2026-04-01")
        cls._entry("2026-05-31", [(cls.expense, 25.0, 0.0), (cls.bank.default_account_id, 0.0, 25.0)], "Bank fee")
        equity = cls.env["account.account"].search(
            [*cls.env["account.account"]._check_company_domain(cls.company), ("account_type", "=", "equity")], limit=1
        )
        cls._entry("2026-01-02", [(cls.bank.default_account_id, 5000.0, 0.0), (equity, 0.0, 5000.0)], "Capital")
        # Last year: an invoice and its payment, for opening balances.
        cls.inv_old = cls._post_invoice(cls.customer, 120.0, "2025-11-10", "2025-12-10")
        cls._pay(cls.inv_old, 120.0, "2025-12-05", "cash", journal=cls.cash)

        # Neither a draft nor another company's invoice may count.
        cls.draft = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": "2026-02-02",
                "invoice_line_ids": [Command.create({"name": "Draft", "quantity": 1, "price_unit": 777.0})],
            }
        )
        cls.company_2 = cls.setup_other_company(name="Atlas Second Co")["company"]
        cls.inv_company_2 = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": cls.company_2.id,
                "partner_id": cls.customer.id,
                "invoice_date": "2026-02-01",
                "invoice_line_ids": [Command.create({"name": "Other company", "quantity": 1, "price_unit": 999.0})],
            }
        )
        cls.inv_company_2.action_post()
        cls.env.flush_all()

    @classmethod
    def _post_invoice(
        cls, partner, price, invoice_date, due, currency=None, taxes=None, move_type="out_invoice", account=None
    ):
        if move_type == "in_invoice":
            account = account or cls.expense
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "date": invoice_date,
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "currency_id": (currency or cls.usd).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "account_id": (account or cls.revenue).id,
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [Command.set(taxes.ids if taxes else [])],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, when, method, journal=None):
        return invoice.atlas_record_payment(
            amount=amount, date=when, journal_id=(journal or cls.bank).id, payment_method=method
        )

    @classmethod
    def _method_line(cls, journal, code, direction="inbound"):
        lines = (
            journal.inbound_payment_method_line_ids
            if direction == "inbound"
            else journal.outbound_payment_method_line_ids
        )
        return lines.filtered(lambda line: line.payment_method_id.code == code)[:1]

    @classmethod
    def _unapplied_payment(cls, partner, amount, when):
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": when,
                "journal_id": cls.cash.id,
                "payment_method_line_id": cls._method_line(cls.cash, "atlas_cash").id,
            }
        )
        payment.action_post()
        return payment

    @classmethod
    def _pay_bill(cls, bill, when):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=bill.ids)
            .create(
                {
                    "payment_date": when,
                    "journal_id": cls.bank.id,
                    "payment_method_line_id": cls._method_line(cls.bank, "atlas_check", "outbound").id,
                }
            )
        )
        return wizard._create_payments()

    @classmethod
    def _reconcile(cls, invoice, credit_note):
        lines = (invoice + credit_note).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        lines.reconcile()

    @classmethod
    def _entry(cls, when, items, label):
        move = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": when,
                "journal_id": cls.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create({"account_id": account.id, "debit": debit, "credit": credit, "name": label})
                    for account, debit, credit in items
                ],
            }
        )
        move.action_post()
        return move

    # -------------------------------------------------------------------------
    # The tests' own arithmetic, from journal items read with the ORM
    # -------------------------------------------------------------------------

    def _items(self, domain, company=None):
        company = company or self.company
        return self.env["account.move.line"].search_read(
            [("company_id", "=", company.id), ("parent_state", "=", "posted"), *domain],
            [
                "id",
                "date",
                "date_maturity",
                "balance",
                "debit",
                "credit",
                "amount_currency",
                "currency_id",
                "account_id",
                "partner_id",
                "move_id",
                "move_name",
                "name",
            ],
            order="date, move_name, id",
        )

    def expected_aging(self, as_of, partner_ids=None):
        """{partner_id: {bucket: amount, "total": amount}}, {line_id: (open, open_currency)}."""
        items = self._items([("account_id.account_type", "=", "asset_receivable"), ("date", "<=", as_of)])
        if partner_ids:
            items = [i for i in items if i["partner_id"] and i["partner_id"][0] in partner_ids]
        partials = self.env["account.partial.reconcile"].search_read(
            [("max_date", "<=", as_of)],
            ["debit_move_id", "credit_move_id", "amount", "debit_amount_currency", "credit_amount_currency"],
        )
        applied = defaultdict(float)
        applied_currency = defaultdict(float)
        for part in partials:
            applied[part["debit_move_id"][0]] += part["amount"]
            applied[part["credit_move_id"][0]] -= part["amount"]
            applied_currency[part["debit_move_id"][0]] += part["debit_amount_currency"]
            applied_currency[part["credit_move_id"][0]] -= part["credit_amount_currency"]
        per_partner = defaultdict(lambda: defaultdict(float))
        per_item = {}
        for item in items:
            open_amount = round(item["balance"] - applied[item["id"]], 2)
            if not open_amount:
                continue
            per_item[item["id"]] = (open_amount, round(item["amount_currency"] - applied_currency[item["id"]], 2))
            due = item["date_maturity"] or item["date"]
            days = (fields.Date.to_date(as_of) - due).days
            bucket = (
                "current"
                if days <= 0
                else "b_1_30"
                if days <= 30
                else "b_31_60"
                if days <= 60
                else "b_61_90"
                if days <= 90
                else "b_90_plus"
            )
            partner = item["partner_id"][0] if item["partner_id"] else 0
            per_partner[partner][bucket] += open_amount
            per_partner[partner]["total"] += open_amount
        balance = sum(i["balance"] for i in items)
        return per_partner, per_item, round(balance, 2)

    def expected_balance(self, domain):
        return round(sum(i["balance"] for i in self._items(domain)), 2)

    def cash_account_ids(self, company=None):
        company = company or self.company
        journals = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "in", ("bank", "cash"))]
        )
        accounts = self.env["account.account"].search(
            [*self.env["account.account"]._check_company_domain(company), ("account_type", "=", "asset_cash")]
        )
        return set((journals.default_account_id | accounts).ids)

    def assertAmount(self, actual, expected, msg=None):
        self.assertAlmostEqual(actual, round(expected, 2), places=2, msg=msg)
