from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .bank_common import AtlasBankCommon


@tagged("post_install", "-at_install")
class TestBankMatching(AtlasBankCommon):
    """Atlas's matching of statement lines and their confirmation: an invoice is paid exactly
    as Record Payment pays it, a payment already recorded is not recorded twice, and the bank
    account ends at the statement's end balance."""

    def _line(self, result, amount):
        lines = self._lines(result).filtered(lambda line: line.amount == amount)
        self.assertEqual(len(lines), 1)
        return lines

    def _entry(self, payment):
        return sorted((line.account_id.id, line.debit, line.credit) for line in payment.move_id.line_ids)

    def _payments(self, invoice):
        return invoice._get_reconciled_payments()

    def test_invoice_number_confirm_pays_like_record_payment(self):
        invoice = self._sent_invoice(1485.0)
        other = self._sent_invoice(300.0)
        result = self._import(
            self._csv(
                [
                    ("2026-02-03", f"ACH CREDIT NORTHWIND {invoice.name}", "", "Northwind Traders", 1485.0, "ACH"),
                    ("2026-02-05", "SERVICE FEE", "", "", -12.5, ""),
                ],
                start=1000.0,
            ),
            "checking.csv",
            self.mapping,
        )
        line = self._line(result, 1485.0)
        self.assertRecordValues(
            line, [{"atlas_match_kind": "reference", "atlas_match_invoice_id": invoice.id, "atlas_match_certain": True}]
        )
        self.assertEqual(invoice.atlas_status, "sent", "nothing is paid before the bookkeeper confirms")

        confirmed = self.env["account.bank.statement.line"].browse(line.ids).with_user(self.users["bookkeeper"])
        confirmed.atlas_confirm_matches()
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0}])
        self.assertEqual(other.atlas_status, "sent")
        payment = self._payments(invoice)
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.payment_method_line_id.name, "ACH", "the method comes from the file's column")
        self.assertEqual(payment.date.isoformat(), "2026-02-03")
        # Labelled with the invoice's number as Record Payment labels it, not the bank's text;
        # the line and its bank item now name the customer who paid.
        self.assertEqual(payment.memo, invoice.name)
        self.assertEqual(line.partner_id, invoice.commercial_partner_id)
        self.assertEqual(line.move_id.line_ids.partner_id, invoice.commercial_partner_id)
        # Record Payment's entry, its money then waiting on Outstanding Receipts for the bank's
        # line, which debits the bank account and settles it: Debit Bank / Credit Receivable in all.
        outstanding = payment._atlas_outstanding_account()
        self.assertEqual(
            self._entry(payment), sorted([(outstanding.id, 1485.0, 0.0), (self.receivable.id, 0.0, 1485.0)])
        )
        self.assertEqual(
            sorted((item.account_id.id, item.debit, item.credit) for item in line.move_id.line_ids),
            sorted([(self.bank_account.id, 1485.0, 0.0), (outstanding.id, 0.0, 1485.0)]),
        )
        self.assertTrue(all(payment.move_id.line_ids.mapped("reconciled")))
        self.assertTrue(line.is_reconciled)
        # The opening balance of 1000 is not in the books of this test company: the bank account
        # moved by the statement's lines.
        self.assertEqual(self._bank_balance(), 1485.0 - 12.5)
        with self.assertRefused(UserError, r"already reconciled"):
            confirmed.atlas_confirm_matches()
        self.assertEqual(len(self._payments(invoice)), 1)

    def test_customer_and_amount_then_single_amount(self):
        northwind = self._sent_invoice(640.0)
        self._sent_invoice(300.0)
        bluebird = self._sent_invoice(815.0, partner=self.bluebird)
        result = self._import(
            self._csv(
                [
                    ("2026-02-03", "DEPOSIT", "", "Northwind Traders", 640.0, "Check"),
                    ("2026-02-04", "INCOMING TRANSFER", "", "BB DENTAL", 815.0, ""),
                ]
            ),
            "checking.csv",
            self.mapping,
        )
        self.assertRecordValues(
            self._line(result, 640.0),
            [
                {
                    "atlas_match_kind": "customer_amount",
                    "atlas_match_invoice_id": northwind.id,
                    "atlas_match_certain": False,
                }
            ],
        )
        self.assertRecordValues(
            self._line(result, 815.0),
            [{"atlas_match_kind": "amount", "atlas_match_invoice_id": bluebird.id, "atlas_match_certain": False}],
        )
        self._lines(result).filtered("atlas_match_kind").with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self.assertEqual((northwind.atlas_status, bluebird.atlas_status), ("paid", "paid"))
        self.assertEqual(self._payments(northwind).payment_method_line_id.name, "Check")
        self.assertEqual(self._payments(bluebird).payment_method_line_id.name, "ACH", "ACH when the file has none")

    def test_partial_payment(self):
        invoice = self._sent_invoice(1000.0)
        result = self._import(
            self._csv([("2026-02-03", f"Part payment {invoice.name}", "", "Northwind Traders", 400.0, "")]),
            "checking.csv",
            self.mapping,
        )
        line = self._line(result, 400.0)
        self.assertRecordValues(line, [{"atlas_match_kind": "reference", "atlas_match_certain": True}])
        line.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self.assertRecordValues(invoice, [{"atlas_status": "partial", "amount_residual": 600.0}])
        self.assertTrue(line.is_reconciled)
        self.assertEqual(self._bank_balance(), 400.0)

    def test_ambiguous_is_left_to_the_user(self):
        first = self._sent_invoice(250.0)
        second = self._sent_invoice(250.0)
        result = self._import(
            self._csv([("2026-02-03", "DEPOSIT", "", "Northwind Traders", 250.0, "")]), "checking.csv", self.mapping
        )
        line = self._line(result, 250.0)
        self.assertRecordValues(line, [{"atlas_match_kind": "ambiguous", "atlas_match_invoice_id": False}])
        with self.assertRefused(UserError, r"is matched to nothing: reconcile it by hand in Banking → Reconcile"):
            line.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self.assertEqual((first.atlas_status, second.atlas_status), ("sent", "sent"))
        self.assertFalse(line.is_reconciled)

    def test_already_recorded_payment_gets_no_second_entry(self):
        invoice = self._sent_invoice(1485.0)
        recorded = invoice.atlas_record_payment(
            amount=1485.0, date="2026-02-01", journal_id=self.bank.id, payment_method="check"
        )
        payment = self.env["account.payment"].browse(recorded["payment_id"])
        self.assertEqual(self._bank_balance(), 1485.0)
        moves_before = self.env["account.move"].search_count([])
        result = self._import(
            self._csv([("2026-02-04", "CHECK DEPOSIT", "", "Northwind Traders", 1485.0, "Check")], start=0.0),
            "checking.csv",
            self.mapping,
        )
        line = self._line(result, 1485.0)
        self.assertRecordValues(
            line, [{"atlas_match_kind": "payment", "atlas_match_payment_id": payment.id, "atlas_match_certain": True}]
        )
        self.assertTrue(line.is_reconciled, "settled at import")
        with self.assertRefused(UserError, r"already reconciled"):
            line.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        self.assertEqual(self._payments(invoice), payment, "no second payment")
        self.assertEqual(
            self.env["account.move"].search_count([]), moves_before + 1, "only the statement line's own entry"
        )
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0}])
        self.assertEqual(self._bank_balance(), 1485.0, "the bank account equals the statement's end balance")
        self.assertFalse(payment.move_id.line_ids.filtered(lambda item: item.account_id == self.bank_account))
        self.assertEqual(payment.amount, 1485.0)
        self.assertTrue(payment.is_matched, "Odoo sees the payment matched with the bank statement")
        # A second statement line of the same amount finds no payment left to match.
        again = self._import(
            self._csv([("2026-02-05", "CHECK DEPOSIT 2", "", "Northwind Traders", 1485.0, "Check")]),
            "checking-2.csv",
            self.mapping,
        )
        self.assertFalse(self._line(again, 1485.0).atlas_match_kind)

    def test_recorded_payment_is_settled_at_import_whatever_the_journal_setting(self):
        """The money of a payment already recorded is in the books: the bank's line for it is
        settled at import, so the bank account never counts it twice. An invoice match still
        waits for the bookkeeper when the journal does not confirm at import."""
        self.assertFalse(self.bank.atlas_auto_confirm)
        invoice = self._sent_invoice(1485.0)
        recorded = invoice.atlas_record_payment(
            amount=1485.0, date="2026-02-01", journal_id=self.bank.id, payment_method="check"
        )
        payment = self.env["account.payment"].browse(recorded["payment_id"])
        named = self._sent_invoice(640.0, partner=self.bluebird)
        payments_before = self.env["account.payment"].search_count([])
        result = self._import(
            self._csv(
                [
                    ("2026-02-03", "CHECK DEPOSIT", "", "Northwind Traders", 1485.0, "Check"),
                    ("2026-02-04", f"ACH CREDIT {named.name}", "", "Bluebird Dental Clinic", 640.0, "ACH"),
                ],
                start=0.0,
            ),
            "checking.csv",
            self.mapping,
        )
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(
            self._bank_balance(),
            statement.balance_start + 1485.0 + 640.0,
            "the bank account holds each line of the file once",
        )
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before, "no payment recorded")
        recorded_line = self._line(result, 1485.0)
        self.assertRecordValues(
            recorded_line,
            [{"atlas_match_kind": "payment", "atlas_match_payment_id": payment.id, "is_reconciled": True}],
        )
        outstanding = payment._atlas_outstanding_account()
        self.assertEqual(
            self._entry(payment), sorted([(outstanding.id, 1485.0, 0.0), (self.receivable.id, 0.0, 1485.0)])
        )
        self.assertTrue(all(payment.move_id.line_ids.mapped("reconciled")))
        self.assertRecordValues(invoice, [{"atlas_status": "paid", "amount_residual": 0.0}])
        self.assertEqual(self._payments(invoice), payment, "still exactly one payment")

        named_line = self._line(result, 640.0)
        self.assertRecordValues(
            named_line,
            [
                {
                    "atlas_match_kind": "reference",
                    "atlas_match_invoice_id": named.id,
                    "atlas_match_certain": True,
                    "is_reconciled": False,
                }
            ],
        )
        self.assertRecordValues(named, [{"atlas_status": "sent", "amount_residual": 640.0}])
        # What the import reports (the wizard's summary, the XML-RPC result).
        self.assertEqual((result["matched"], result["confirmed"]), (2, 1))
        by_amount = {line["amount"]: line for line in result["lines"]}
        self.assertEqual(
            (by_amount[1485.0]["reconciled"], by_amount[1485.0]["invoice_status"], by_amount[1485.0]["payment_id"]),
            (True, "paid", payment.id),
        )
        self.assertEqual((by_amount[640.0]["reconciled"], by_amount[640.0]["invoice_status"]), (False, "sent"))

    def test_recorded_payment_too_far_in_time_is_not_matched(self):
        invoice = self._sent_invoice(500.0)
        invoice.atlas_record_payment(amount=500.0, date="2026-01-02", journal_id=self.bank.id)
        result = self._import(
            self._csv([("2026-02-20", "DEPOSIT", "", "Northwind Traders", 500.0, "")]), "checking.csv", self.mapping
        )
        self.assertFalse(self._line(result, 500.0).atlas_match_kind)

    def test_auto_confirm_certain_matches(self):
        self.bank.atlas_auto_confirm = True
        named = self._sent_invoice(1485.0)
        by_amount = self._sent_invoice(640.0, partner=self.bluebird)
        result = self._import(
            self._csv(
                [
                    ("2026-02-03", f"Payment {named.name}", "", "Northwind Traders", 1485.0, "Wire Transfer"),
                    ("2026-02-04", "DEPOSIT", "", "Bluebird Dental Clinic", 640.0, ""),
                ]
            ),
            "checking.csv",
            self.mapping,
        )
        self.assertEqual((result["matched"], result["confirmed"]), (2, 1))
        self.assertEqual(named.atlas_status, "paid", "certain: confirmed at import")
        self.assertEqual(by_amount.atlas_status, "sent", "customer and amount: waits for the bookkeeper")
        self.assertTrue(self._line(result, 1485.0).is_reconciled)

    def test_rule_applies_on_next_import(self):
        fees = self.env["account.account"].create({"name": "Bank Fees", "code": "626100", "account_type": "expense"})
        accountant = self.users["accountant"]
        self.env["account.reconcile.model"].with_user(accountant).create(
            {
                "name": "Bank fees",
                "rule_type": "writeoff_suggestion",
                "auto_reconcile": True,
                "match_label": "contains",
                "match_label_param": "FEE",
                "line_ids": [(0, 0, {"account_id": fees.id, "amount_type": "percentage", "amount_string": "100"})],
            }
        )
        result = self._import(
            self._csv([("2026-02-05", "MONTHLY SERVICE FEE", "", "", -12.5, "")]), "checking.csv", self.mapping
        )
        line = self._line(result, -12.5)
        self.assertTrue(line.is_reconciled)
        self.assertEqual(
            sorted((item.account_id.id, item.balance) for item in line.move_id.line_ids),
            sorted([(self.bank_account.id, -12.5), (fees.id, 12.5)]),
        )

    def test_confirm_roles(self):
        invoice = self._sent_invoice(100.0)
        result = self._import(
            self._csv([("2026-02-03", invoice.name, "", "Northwind Traders", 100.0, "")]), "checking.csv", self.mapping
        )
        line = self._line(result, 100.0)
        with self.assertRefused(AccessError, r"Only an Atlas Bookkeeper"):
            line.with_user(self.users["viewer"]).atlas_confirm_matches()
        self.assertEqual(invoice.atlas_status, "sent")
        line.with_user(self.users["bookkeeper"]).action_atlas_confirm_match()
        self.assertEqual(invoice.atlas_status, "paid")

    def test_cash_flow_counts_the_money_once_under_its_method(self):
        invoice = self._sent_invoice(1485.0)
        invoice.atlas_record_payment(amount=1485.0, date="2026-02-01", journal_id=self.bank.id, payment_method="check")
        named = self._sent_invoice(640.0)
        result = self._import(
            self._csv(
                [
                    ("2026-02-03", "CHECK DEPOSIT", "", "Northwind Traders", 1485.0, "Check"),
                    ("2026-02-04", f"Wire {named.name}", "", "Northwind Traders", 640.0, "Wire Transfer"),
                    ("2026-02-05", "SERVICE FEE", "", "", -12.5, ""),
                ]
            ),
            "checking.csv",
            self.mapping,
        )
        # The recorded payment's line is settled at import; the invoice's waits for Confirm.
        to_confirm = self._lines(result).filtered(lambda line: line.atlas_match_kind and not line.is_reconciled)
        self.assertEqual(to_confirm.mapped("amount"), [640.0])
        to_confirm.with_user(self.users["bookkeeper"]).atlas_confirm_matches()
        Report = self.env["atlas.report.cash.flow"]
        data = Report.get_report_data({"date_from": "2026-02-01", "date_to": "2026-02-28"})
        receipts = {line["label"]: line["values"]["total"] for line in data["lines"] if line["parent"] == "receipts"}
        self.assertEqual(receipts, {"Check": 1485.0, "Wire Transfer": 640.0})
        paid = {line["label"]: line["values"]["total"] for line in data["lines"] if line["parent"] == "disbursements"}
        self.assertEqual(paid, {"Other disbursements": 12.5})
        self.assertEqual(data["totals"]["closing"], self._bank_balance())
        self.assertEqual(self._bank_balance(), 1485.0 + 640.0 - 12.5)
        for line in data["lines"]:
            if line["parent"] in ("receipts", "disbursements"):
                found = self.env["account.move.line"].search(line["drilldown"])
                self.assertEqual(
                    abs(sum(found.mapped("balance"))), line["values"]["total"], (line["label"], line["drilldown"])
                )

    def test_oca_automatic_reconciliation_leaves_invoices_to_atlas(self):
        """OCA reconciles a new line with the auto-validated models (Odoo's "Invoices/Bills
        Perfect Match" among them) when it is created outside an Atlas import (by hand, in
        the reconciliation screen): money received is left to Atlas's match and the user."""
        self.assertTrue(
            self.env["account.reconcile.model"].search_count(
                [("rule_type", "=", "invoice_matching"), ("auto_reconcile", "=", True)]
            )
        )
        invoice = self._sent_invoice(777.0)
        line = (
            self.env["account.bank.statement.line"]
            .with_context(_test_account_reconcile_oca=True)
            .create(
                {
                    "journal_id": self.bank.id,
                    "date": "2026-02-03",
                    "payment_ref": invoice.name,
                    "partner_id": self.customer.id,
                    "amount": 777.0,
                }
            )
        )
        self.assertFalse(line.is_reconciled)
        self.assertEqual(invoice.atlas_status, "sent")

    def test_reconciliation_screen_proposes_atlas_match(self):
        """OCA's reconciliation screen, opened by a Bookkeeper, proposes Atlas's invoice; saving
        it there pays the invoice from the statement line itself (Credit Receivable)."""
        invoice = self._sent_invoice(640.0)
        self._sent_invoice(640.0, partner=self.bluebird)
        result = self._import(
            self._csv([("2026-02-03", "DEPOSIT", "", "Northwind Traders", 640.0, "")]), "checking.csv", self.mapping
        )
        line = self._line(result, 640.0).with_user(self.users["bookkeeper"])
        self.assertEqual(line.atlas_match_invoice_id, invoice)
        receivable = invoice.line_ids.filtered(lambda item: item.account_id == self.receivable)
        data = line.reconcile_data_info
        self.assertTrue(data["can_reconcile"])
        self.assertEqual(
            [(item["kind"], item["id"], item["amount"]) for item in data["data"] if item["kind"] != "liquidity"],
            [("other", receivable.id, -640.0)],
        )
        line.reconcile_bank_line()
        self.assertTrue(line.is_reconciled)
        self.assertEqual(invoice.atlas_status, "paid")
        self.assertEqual(self._bank_balance(), 640.0)

    def test_reconcile_button_opens_ocas_reconciliation_form(self):
        """Reconcile… on a line opens OCA's reconciliation screen for that line: its kanban opens
        the form named in the action's context (without it, the plain statement line form)."""
        result = self._import(
            self._csv([("2026-02-03", "ZELLE FROM SOMEONE", "", "", 75.0, "")]), "checking.csv", self.mapping
        )
        line = self._line(result, 75.0).with_user(self.users["bookkeeper"])
        action = line.action_atlas_open_reconcile()
        self.assertEqual(action["res_model"], "account.bank.statement.line")
        self.assertEqual(action["domain"], [("id", "=", line.id)])
        self.assertEqual(action["context"]["view_ref"], "account_reconcile_oca.bank_statement_line_form_reconcile_view")
        self.assertEqual(action["context"]["default_journal_id"], self.bank.id)
        self.assertEqual(action["view_mode"], "kanban,list", "OCA's reconciliation kanban, which opens that form")
