"""AR Aging by last reminder, as of a date in the previous fiscal year: an invoice reminded at
the first notice then partly credited, another paid in the new year, an open credit note. The
expected figures are the journal items' (each move's receivable balance, counted when the
move is dated on or before the as-of date), never the report's SQL."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon

BUCKETS = ("current", "b_1_30", "b_31_60", "b_61_90", "b_90_plus")


@tagged("post_install", "-at_install")
class TestArAgingReminderEdges(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.step = {
            step.days: step for step in cls.env["atlas.reminder.step"].search([("company_id", "=", cls.company.id)])
        }
        cls.maple = cls.env["res.partner"].create({"name": "Maple Street Bakery", "email": "ap@maple.example"})
        # 2025, the previous fiscal year: two invoices due 1 November, first notice on the 8th.
        cls.credited = cls._posted(cls.customer, 1000.0, "2025-10-01", "2025-11-01")
        cls.paid_later = cls._posted(cls.customer, 500.0, "2025-10-01", "2025-11-01")
        with freeze_time("2025-11-08"):
            cls.env["account.move"].atlas_send_reminders()
        # An open credit note (not applied to anything) and Maple's invoice, never reminded.
        cls.open_credit = cls._posted(cls.customer, 150.0, "2025-11-20", "2025-11-20", move_type="out_refund")
        cls.maple_inv = cls._posted(cls.maple, 400.0, "2025-12-01", "2025-12-31")
        # 10 December: 300 of the first invoice credited (the credit note matched with it).
        cls.credit_note = cls.credited._reverse_moves([{"invoice_date": "2025-12-10", "date": "2025-12-10"}])
        cls.credit_note.invoice_line_ids.price_unit = 300.0
        cls.credit_note.action_post()
        # The new fiscal year: 200 paid on the second invoice, then the final notice for both.
        cls.payment = cls.paid_later.atlas_record_payment(amount=200.0, date="2026-01-05", payment_method="check")
        with freeze_time("2026-01-10"):
            cls.env["account.move"].atlas_send_reminders()

    @classmethod
    def _posted(cls, partner, price, date, due, move_type="out_invoice"):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date,
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Work",
                            "account_id": cls.company_data["default_account_revenue"].id,
                            "price_unit": price,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    # -------------------------------------------------------------------------
    # The expected figures, from the journal items
    # -------------------------------------------------------------------------

    @staticmethod
    def _receivable(move):
        return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def _balance(self, *moves, as_of):
        """The moves' receivable balance counted on the as-of date (moves dated after it: 0)."""
        return round(sum(sum(self._receivable(m).mapped("balance")) for m in moves if str(m.date) <= as_of), 2)

    def _expected(self, as_of):
        """{move name: (open amount, bucket)} of each open item on the as-of date."""
        payment_move = self._payment_move()
        items = {
            self.credited: self._balance(self.credited, self.credit_note, as_of=as_of),
            self.paid_later: self._balance(self.paid_later, payment_move, as_of=as_of),
            self.open_credit: self._balance(self.open_credit, as_of=as_of),
            self.maple_inv: self._balance(self.maple_inv, as_of=as_of),
        }
        result = {}
        for move, amount in items.items():
            if not amount:
                continue
            days = (fields.Date.to_date(as_of) - self._receivable(move).date_maturity).days
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
            result[move.name] = (amount, bucket)
        return result

    def _payment_move(self):
        return self.env["account.payment"].browse(self.payment["payment_id"]).move_id

    # -------------------------------------------------------------------------
    # The report
    # -------------------------------------------------------------------------

    def _report(self, as_of, reminder_step=False):
        return self.env["atlas.report.ar.aging"].get_report_data(
            {
                "as_of_date": as_of,
                "reminder_step": reminder_step,
                "details": True,
                "partner_ids": (self.customer | self.maple).ids,
            }
        )

    @staticmethod
    def _items(report):
        """{move name: (open amount, the bucket holding it)} of the report's item lines."""
        items = {}
        for line in report["lines"]:
            if line["kind"] != "detail":
                continue
            [bucket] = [key for key in BUCKETS if line["values"].get(key)]
            items[line["label"]] = (line["values"]["total"], bucket)
        return items

    def _assert_checks_green(self, report):
        self.assertTrue(report["checks"])
        for check in report["checks"]:
            self.assertTrue(check["ok"], check)

    def test_the_journal_items_say_what_was_open(self):
        # The book the test relies on: the credit note matched, the payment in the new year.
        self.assertEqual(self._receivable(self.credited).amount_residual, 700.0)
        self.assertEqual(self._receivable(self.paid_later).amount_residual, 300.0)
        self.assertFalse(self._receivable(self.open_credit).reconciled)
        self.assertEqual(self._receivable(self.open_credit).balance, -150.0)
        self.assertEqual(str(self._payment_move().date), "2026-01-05")
        self.assertEqual(self.credited.atlas_reminder_step_id, self.step[45])
        self.assertEqual(self.paid_later.atlas_reminder_step_id, self.step[45])

    def test_first_notice_as_of_the_previous_year_end(self):
        as_of = "2025-12-20"
        expected = self._expected(as_of)
        # Credited before the as-of date: 1000 − 300; paid after it: the whole 500.
        self.assertEqual(expected[self.credited.name], (700.0, "b_31_60"))
        self.assertEqual(expected[self.paid_later.name], (500.0, "b_31_60"))
        report = self._report(as_of, self.step[7].id)
        self.assertEqual(
            self._items(report), {name: expected[name] for name in (self.credited.name, self.paid_later.name)}
        )
        self.assertEqual(report["totals"]["total"], 1200.0)
        self.assertEqual(report["totals"]["b_31_60"], 1200.0)
        self._assert_checks_green(report)
        # The final notice came in the new year: no item was at it then.
        report = self._report(as_of, self.step[45].id)
        self.assertEqual(self._items(report), {})
        self._assert_checks_green(report)

    def test_before_the_credit_note_the_whole_invoice(self):
        as_of = "2025-12-05"
        expected = self._expected(as_of)
        self.assertEqual(expected[self.credited.name], (1000.0, "b_31_60"))
        report = self._report(as_of, self.step[7].id)
        self.assertEqual(
            self._items(report), {name: expected[name] for name in (self.credited.name, self.paid_later.name)}
        )
        self._assert_checks_green(report)

    def test_any_and_none_add_up_to_the_whole_report_to_the_cent(self):
        for as_of in ("2025-11-07", "2025-11-30", "2025-12-05", "2025-12-20", "2025-12-31", "2026-01-31"):
            expected = self._expected(as_of)
            everything = self._report(as_of)
            reminded = self._report(as_of, "any")
            others = self._report(as_of, "none")
            self.assertEqual(self._items(everything), expected, as_of)
            self.assertEqual({**self._items(reminded), **self._items(others)}, expected, as_of)
            self.assertFalse(set(self._items(reminded)) & set(self._items(others)), as_of)
            for key in (*BUCKETS, "total"):
                self.assertEqual(
                    round(reminded["totals"][key] + others["totals"][key], 2),
                    round(everything["totals"][key], 2),
                    f"{as_of} {key}",
                )
            self.assertEqual(everything["totals"]["total"], round(sum(a for a, _b in expected.values()), 2), as_of)
            for report in (everything, reminded, others):
                self._assert_checks_green(report)

    def test_the_open_credit_note_is_an_item_of_none(self):
        as_of = "2025-12-20"
        others = self._items(self._report(as_of, "none"))
        # Dated 20 November, due the same day: 30 days on the as-of date.
        self.assertEqual(others[self.open_credit.name], (-150.0, "b_1_30"))
        self.assertEqual(others[self.maple_inv.name], (400.0, "current"))
        self.assertNotIn(self.credit_note.name, others)  # all of it applied to the invoice
        self.assertNotIn(self.open_credit.name, self._items(self._report(as_of, "any")))
        # In the new year the invoices are at the final notice, the credit note still at none.
        as_of = "2026-01-31"
        final = self._items(self._report(as_of, self.step[45].id))
        self.assertEqual(
            final, {name: self._expected(as_of)[name] for name in (self.credited.name, self.paid_later.name)}
        )
        self.assertEqual(final[self.paid_later.name][0], 300.0)
        self.assertEqual(self._items(self._report(as_of, "none"))[self.open_credit.name], (-150.0, "b_61_90"))
