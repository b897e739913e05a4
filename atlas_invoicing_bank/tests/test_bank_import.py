import base64
import io
import zipfile
from datetime import date
from unittest.mock import patch

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from ..wizard import account_statement_import
from .bank_common import AtlasBankCommon


@tagged("post_install", "-at_install")
class TestBankImport(AtlasBankCommon):
    """Banking → Import Statement: CSV (through a mapping), OFX and CAMT.053, duplicates and
    every bad file (a clear error naming the line, nothing imported)."""

    def _statement_count(self):
        return self.env["account.bank.statement"].search_count([("journal_id", "=", self.bank.id)])

    def test_csv_import_preview_and_lines(self):
        invoice = self._sent_invoice(1485.0)
        content = self._csv(
            [
                ("2026-02-03", f"Deposit {invoice.name}", "", "Northwind Traders", 1485.0, "Wire Transfer"),
                ("2026-02-05", "MONTHLY SERVICE FEE", "", "", -12.5, ""),
            ],
            start=1000.0,
        )
        wizard = (
            self.env["atlas.statement.import"]
            .with_user(self.users["bookkeeper"])
            .create(
                {
                    "journal_id": self.bank.id,
                    "statement_file": base64.b64encode(content),
                    "statement_filename": "checking-2026-02.csv",
                    "sheet_mapping_id": self.mapping.id,
                }
            )
        )
        wizard.action_preview()
        self.assertRecordValues(
            wizard,
            [
                {
                    "state": "preview",
                    "line_count": 2,
                    "duplicate_count": 0,
                    "balance_start": 1000.0,
                    "balance_end": 2472.5,
                }
            ],
        )
        self.assertEqual(self._statement_count(), 0, "the preview writes nothing")
        wizard.action_import()
        self.assertRecordValues(wizard, [{"state": "done", "line_count": 2, "matched_count": 1}])
        statement = wizard.statement_ids
        self.assertRecordValues(statement, [{"balance_start": 1000.0, "balance_end_real": 2472.5}])
        lines = statement.line_ids.sorted("date")
        self.assertRecordValues(
            lines,
            [
                {
                    "amount": 1485.0,
                    "partner_name": "Northwind Traders",
                    "atlas_match_kind": "reference",
                    "atlas_match_invoice_id": invoice.id,
                    "atlas_payment_method": "wire",
                    "is_reconciled": False,
                },
                {
                    "amount": -12.5,
                    "partner_name": False,
                    "atlas_match_kind": False,
                    "atlas_match_invoice_id": False,
                    "atlas_payment_method": False,
                    "is_reconciled": False,
                },
            ],
        )

    def test_same_file_twice_imports_nothing(self):
        content = self._csv(
            [("2026-02-03", "Deposit", "", "Someone", 50.0, ""), ("2026-02-03", "Deposit", "", "Someone", 50.0, "")]
        )
        first = self._import(content, "a.csv", self.mapping)
        self.assertEqual((first["line_count"], first["duplicates"]), (2, 0), "two identical lines are two lines")
        second = self._import(content, "a.csv", self.mapping)
        self.assertEqual((second["line_count"], second["duplicates"], second["statement_ids"]), (0, 2, []))
        self.assertEqual(self._statement_count(), 1)
        # A longer file of the same account: only its new line is imported.
        longer = self._csv(
            [
                ("2026-02-03", "Deposit", "", "Someone", 50.0, ""),
                ("2026-02-03", "Deposit", "", "Someone", 50.0, ""),
                ("2026-02-04", "Deposit", "", "Someone", 75.0, ""),
            ]
        )
        third = self._import(longer, "b.csv", self.mapping)
        self.assertEqual((third["line_count"], third["duplicates"]), (1, 2))

    def test_ofx_import(self):
        invoice = self._sent_invoice(960.0, partner=self.bluebird)
        content = self._ofx(
            [
                ("FIT-1001", "20260210", 960.0, "BLUEBIRD DENTAL CLINIC", f"Payment {invoice.name}"),
                ("FIT-1002", "20260211", 42.0, "UNKNOWN SENDER", "Gift"),
            ],
            balance=3002.0,
        )
        result = self._import(content, "checking.ofx")
        self.assertEqual((result["line_count"], result["balance_start"], result["balance_end"]), (2, 2000.0, 3002.0))
        by_amount = {line["amount"]: line for line in result["lines"]}
        self.assertEqual(by_amount[960.0]["match"], "reference")
        self.assertEqual(by_amount[960.0]["invoice_id"], invoice.id)
        self.assertFalse(by_amount[42.0]["match"])
        self.assertEqual(self._import(content, "checking.ofx")["line_count"], 0, "FITIDs are import ids")

    def test_ofx_and_camt_with_the_journals_csv_mapping(self):
        # The bank journal has a default CSV mapping (the dialog defaults to it): an OFX, a
        # CAMT and a zip of CAMT files are still read by their own parsers, whichever door.
        self.bank.default_sheet_mapping_id = self.mapping
        ofx = self._ofx([("FIT-2001", "20260210", 75.0, "BLUEBIRD DENTAL CLINIC", "Payment")], balance=75.0)
        self.assertEqual(self._import(ofx, "checking.ofx")["line_count"], 1)
        camt = self._camt([("2026-02-12", 30.0, "Payment", "Northwind Traders", "BK-7")], start=75.0, end=105.0)
        self.assertEqual(self._import(camt, "camt053.xml", mapping=self.mapping)["line_count"], 1)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr(
                "camt053.xml",
                self._camt([("2026-02-13", 5.0, "Payment", "Northwind Traders", "BK-8")], start=105.0, end=110.0),
            )
        wizard = self._preview(archive.getvalue(), "statements.zip", mapping=self.mapping)
        self.assertEqual((wizard.line_count, wizard.balance_start, wizard.balance_end), (1, 105.0, 110.0))

    def test_camt_import(self):
        invoice = self._sent_invoice(1485.0)
        content = self._camt(
            [
                ("2026-02-12", 1485.0, f"INVOICE {invoice.name}", "Northwind Traders", "BK-1"),
                ("2026-02-13", -25.0, "WIRE FEE", "", "BK-2"),
            ],
            start=500.0,
            end=1960.0,
        )
        result = self._import(content, "camt053.xml")
        self.assertEqual((result["line_count"], result["balance_start"], result["balance_end"]), (2, 500.0, 1960.0))
        lines = self._lines(result).sorted("date")
        self.assertRecordValues(
            lines,
            [
                {"amount": 1485.0, "atlas_match_kind": "reference", "atlas_match_invoice_id": invoice.id},
                {"amount": -25.0, "atlas_match_kind": False, "atlas_match_invoice_id": False},
            ],
        )
        self.assertEqual(self._import(content, "camt053.xml")["duplicates"], 2)

    # -------------------------------------------------------------------------
    # Bad files: a clear error, nothing imported
    # -------------------------------------------------------------------------

    def test_file_that_is_not_what_it_claims(self):
        with self.assertRefused(
            UserError,
            r"“statement\.ofx” could not be read as a bank statement: it is not an OFX or CAMT\.053 file, and a CSV "
            r"file needs its column mapping",
        ):
            self._import(b"Dear customer, your statement is attached.", "statement.ofx")
        with self.assertRefused(UserError, r"“camt\.xml” could not be read"):
            self._import(b"<Document><Nothing/></Document>", "camt.xml")
        self.assertEqual(self._statement_count(), 0)

    def test_wrong_account_number(self):
        content = self._ofx([("FIT-1", "20260210", 10.0, "X", "Y")], balance=10.0, account="999999999")
        with self.assertRefused(UserError, r"999999999"):
            self._import(content, "other-bank.ofx")
        self.assertEqual(self._statement_count(), 0)

    def test_wrong_currency(self):
        self.env.ref("base.EUR").active = True
        content = self._ofx([("FIT-1", "20260210", 10.0, "X", "Y")], balance=10.0, currency="EUR")
        with self.assertRefused(UserError, r"currency of the bank statement \(EUR\) is not the same"):
            self._import(content, "eur.ofx")
        camt = self._camt([("2026-02-12", 10.0, "X", "Y", "B")], start=0.0, end=10.0, currency="EUR")
        with self.assertRefused(UserError, r"EUR"):
            self._import(camt, "eur.xml")
        self.assertEqual(self._statement_count(), 0)

    def test_unbalanced_statement(self):
        camt = self._camt(
            [("2026-02-12", 100.0, "A", "B", "R1"), ("2026-02-13", 50.0, "C", "D", "R2")], start=500.0, end=700.0
        )
        with self.assertRefused(
            UserError,
            r"Statement “STMT-2026-02” of “camt\.xml” does not balance: start balance \$\s500\.00 \+ 2 lines of "
            r"\$\s150\.00 = \$\s650\.00, but the file gives an end balance of \$\s700\.00\. Nothing was imported",
        ):
            self._import(camt, "camt.xml")
        self.assertEqual(self._statement_count(), 0)

    def test_csv_newest_first_with_running_balance(self):
        """Many banks list the newest line first, with the balance after each line: the start
        balance is the one before the oldest line, the end balance the one after the newest,
        also when several lines share the first and the last day."""
        rows = [
            ("2026-02-02", "Deposit A", "", "Someone", 100.0, ""),
            ("2026-02-02", "Deposit B", "", "Someone", 50.0, ""),
            ("2026-02-02", "FEE C", "", "", -20.0, ""),
            ("2026-02-10", "Deposit D", "", "Someone", 200.0, ""),
            ("2026-02-20", "Deposit E", "", "Someone", 30.0, ""),
            ("2026-02-20", "FEE F", "", "", -5.0, ""),
        ]
        content = self._csv(rows, start=1000.0, newest_first=True)
        wizard = (
            self.env["atlas.statement.import"]
            .with_user(self.users["bookkeeper"])
            .create(
                {
                    "journal_id": self.bank.id,
                    "statement_file": base64.b64encode(content),
                    "statement_filename": "newest-first.csv",
                    "sheet_mapping_id": self.mapping.id,
                }
            )
        )
        wizard.action_preview()
        self.assertRecordValues(wizard, [{"line_count": 6, "balance_start": 1000.0, "balance_end": 1355.0}])
        wizard.action_import()
        statement = wizard.statement_ids
        self.assertRecordValues(statement, [{"balance_start": 1000.0, "balance_end_real": 1355.0, "is_complete": True}])
        self.assertEqual(statement.line_ids.sorted("sequence").mapped("payment_ref"), [row[1] for row in rows])
        # Lines of the same kind listed oldest first read the same.
        march = [(date.replace("-02-", "-03-"), *rest) for date, *rest in rows]
        oldest_first = self._import(self._csv(march, start=1355.0), "oldest-first.csv", self.mapping)
        self.assertEqual((oldest_first["balance_start"], oldest_first["balance_end"]), (1355.0, 1710.0))
        march_statement = self.env["account.bank.statement"].browse(oldest_first["statement_ids"])
        self.assertEqual(march_statement.line_ids.sorted("sequence").mapped("payment_ref"), [row[1] for row in rows])

    def test_csv_newest_first_unbalanced(self):
        """A running balance that skips a line (the file is missing one) is still refused."""
        content = self._csv(
            [
                ("2026-02-02", "Deposit A", "", "Someone", 100.0, ""),
                ("2026-02-02", "Deposit B", "", "Someone", 50.0, ""),
                ("2026-02-10", "Deposit D", "", "Someone", 200.0, ""),
                ("2026-02-20", "FEE F", "", "", -5.0, ""),
            ],
            start=1000.0,
            newest_first=True,
        )
        # Drop 2026-02-10's line: the balances around it no longer follow.
        content = b"".join(line for line in content.splitlines(keepends=True) if b"Deposit D" not in line)
        with self.assertRefused(
            UserError,
            r"Statement “[^”]*newest-first\.csv” of “newest-first\.csv” does not balance: start balance "
            r"\$\s1,000\.00 \+ 3 lines of \$\s145\.00 = \$\s1,145\.00, but the file gives an end balance of "
            r"\$\s1,345\.00\.",
        ):
            self._import(content, "newest-first.csv", self.mapping)
        self.assertEqual(self._statement_count(), 0)

    def test_csv_bad_line_is_named(self):
        content = (
            b"Date,Description,Reference,Payer,Amount,Balance,Method\n"
            b"2026-02-03,Deposit,,A,10.00,10.00,\n"
            b"03/02/2026,Deposit,,B,20.00,30.00,\n"
        )
        with self.assertRefused(
            UserError, r"Line 3 of the file can't be read with the mapping “Business Checking CSV”"
        ):
            self._import(content, "bad.csv", self.mapping)
        self.assertEqual(self._statement_count(), 0)

    def test_csv_without_mapping(self):
        content = self._csv([("2026-02-03", "Deposit", "", "A", 10.0, "")])
        with self.assertRefused(UserError, r"“a\.csv” could not be read as a bank statement"):
            self._import(content, "a.csv")

    def test_roles(self):
        content = self._csv([("2026-02-03", "Deposit", "", "A", 10.0, "")])
        for role in ("viewer", "none"):
            with self.assertRefused(AccessError, r"Only an Atlas Bookkeeper can import bank statements"):
                self._import(content, "a.csv", self.mapping, user=role)
        self.assertEqual(self._statement_count(), 0)
        self.assertEqual(self._import(content, "a.csv", self.mapping, user="bookkeeper")["line_count"], 1)

    def test_csv_line_without_amount_is_named(self):
        content = b"Date,Description,Reference,Payer,Amount,Balance,Method\n2026-02-03,Deposit,,A,ten,10.00,\n"
        with self.assertRefused(UserError, r"Line 2 of the file has no amount \(2026-02-03, Deposit, , A, ten"):
            self._import(content, "bad.csv", self.mapping)
        self.assertEqual(self._statement_count(), 0)

    def test_long_file_is_created_chunk_by_chunk(self):
        rows = [(f"2026-02-0{1 + i // 2}", f"Deposit {i}", "", "Someone", 10.0 + i, "") for i in range(7)]
        with patch.object(account_statement_import, "IMPORT_CHUNK", 3):
            result = self._import(self._csv(rows, start=100.0), "long.csv", self.mapping)
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(len(statement), 1)
        self.assertEqual(
            statement.line_ids.sorted("sequence").mapped("payment_ref"), [f"Deposit {i}" for i in range(7)]
        )
        self.assertRecordValues(statement, [{"balance_start": 100.0, "balance_end_real": 100.0 + 7 * 10 + 21}])
        self.assertTrue(statement.is_complete)
        self._assert_totals_as_odoo_computes_them(statement)
        without_balance = self.mapping.copy({"name": "No balance", "balance_column": False})
        rows = [(f"2026-03-0{1 + i}", f"Fee {i}", "", "", -1.0 - i, "") for i in range(5)]
        with patch.object(account_statement_import, "IMPORT_CHUNK", 2):
            result = self._import(self._csv(rows), "fees.csv", without_balance)
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(len(statement.line_ids), 5)
        self.assertAlmostEqual(statement.balance_end_real - statement.balance_start, -15.0)
        self._assert_totals_as_odoo_computes_them(statement)

    def _assert_totals_as_odoo_computes_them(self, statement):
        """A chunked import computes the statement's totals once, after its last chunk: they
        must be what Odoo computes from the statement's lines."""
        fields_ = statement._atlas_fields_from_lines()
        self.assertLessEqual(
            {"balance_end", "date", "first_line_index", "is_complete", "journal_id"},
            {field.name for field in fields_},
        )
        names = [field.name for field in fields_]
        imported = statement.read(names)
        self.env.invalidate_all()
        for field in fields_:
            self.env.add_to_compute(field, statement)
        statement.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual(statement.read(names), imported)
        self.assertEqual(statement.date, max(statement.line_ids.mapped("date")))
        self.assertEqual(statement.first_line_index, min(statement.line_ids.mapped("internal_index")))

    def test_entries_numbering_lookup_is_indexed(self):
        # Each statement line's entry is numbered from the journal's latest entry up to its
        # date; that look-up needs an index on the journal then the date.
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'account_move' AND indexname = %s",
            ["account_move_atlas_journal_date_idx"],
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [
                (
                    "CREATE INDEX account_move_atlas_journal_date_idx ON public.account_move "
                    "USING btree (journal_id, date DESC)",
                )
            ],
        )
        rows = [("2026-02-02", f"Deposit {i}", "", "Someone", 10.0 + i, "") for i in range(3)]
        result = self._import(self._csv(rows, start=100.0), "numbered.csv", self.mapping)
        moves = self.env["account.bank.statement"].browse(result["statement_ids"]).line_ids.move_id
        self.assertEqual(len(set(moves.mapped("name"))), 3)
        self.assertTrue(all(name.startswith(f"{self.bank.code}") for name in moves.mapped("name")))

    def test_imported_lines_entries_are_odoos(self):
        # The import creates each line's entry with its items in one go; the entries must be
        # exactly those Odoo makes for a statement line: bank account / suspense account, the
        # partner, the amounts, a foreign currency converted at the line's rate.
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 0.8)])
        suspense = self.bank.suspense_account_id
        lines = [
            {
                "date": "2026-02-03",
                "payment_ref": "ACH CREDIT INV/2026/00001",
                "amount": 805.0,
                "partner_id": self.bluebird.id,
            },
            {"date": "2026-02-04", "payment_ref": "CARD PURCHASE", "amount": -12.5},
            {
                "date": "2026-02-05",
                "payment_ref": "EUR WIRE",
                "amount": 125.0,
                "foreign_currency_id": eur.id,
                "amount_currency": 100.0,
            },
        ]
        Line = self.env["account.bank.statement.line"]
        by_odoo = Line.create([{**vals, "journal_id": self.bank.id} for vals in lines])
        by_import = Line.with_context(atlas_import=True).create(
            [{**vals, "journal_id": self.bank.id} for vals in lines]
        )

        def items(st_lines):
            return [
                sorted(
                    (
                        item.account_id.id,
                        item.partner_id.id,
                        item.currency_id.name,
                        item.amount_currency,
                        item.debit,
                        item.credit,
                        item.name,
                    )
                    for item in st_line.move_id.line_ids
                )
                for st_line in st_lines
            ]

        self.assertEqual(items(by_import), items(by_odoo))
        self.assertEqual(
            items(by_import),
            [
                sorted(
                    [
                        (self.bank_account.id, self.bluebird.id, "USD", 805.0, 805.0, 0.0, "ACH CREDIT INV/2026/00001"),
                        (suspense.id, self.bluebird.id, "USD", -805.0, 0.0, 805.0, "ACH CREDIT INV/2026/00001"),
                    ]
                ),
                sorted(
                    [
                        (self.bank_account.id, False, "USD", -12.5, 0.0, 12.5, "CARD PURCHASE"),
                        (suspense.id, False, "USD", 12.5, 12.5, 0.0, "CARD PURCHASE"),
                    ]
                ),
                sorted(
                    [
                        (self.bank_account.id, False, "USD", 125.0, 125.0, 0.0, "EUR WIRE"),
                        (suspense.id, False, "EUR", -100.0, 0.0, 125.0, "EUR WIRE"),
                    ]
                ),
            ],
        )
        self.assertEqual(by_import.move_id.mapped("state"), ["posted"] * 3)
        self.assertEqual(by_import.move_id.statement_line_id, by_import)
        self.assertEqual(len(set((by_odoo | by_import).move_id.mapped("name"))), 6)
        self.assertEqual(by_import.mapped("amount_residual"), by_odoo.mapped("amount_residual"))

    def _preview(self, content, name, mapping=False):
        wizard = (
            self.env["atlas.statement.import"]
            .with_user(self.users["bookkeeper"])
            .create(
                {
                    "journal_id": self.bank.id,
                    "statement_file": base64.b64encode(content),
                    "statement_filename": name,
                    "sheet_mapping_id": mapping and mapping.id,
                }
            )
        )
        wizard.action_preview()
        return wizard

    def test_preview_warns_of_a_month_imported_from_another_file(self):
        # February's CSV is imported; its OFX (other import ids, other labels) would count the
        # same money twice: the preview says so, and says the start balance does not follow.
        rows = [
            ("2026-02-03", "DEPOSIT NORTHWIND", "", "Northwind Traders", 1485.0, ""),
            ("2026-02-05", "MONTHLY SERVICE FEE", "", "", -12.5, ""),
        ]
        self._import(self._csv(rows, start=1000.0), "checking-2026-02.csv", self.mapping)
        ofx = self._ofx(
            [
                ("OFX-1", "20260203", 1485.0, "Northwind Traders", "DEPOSIT"),
                ("OFX-2", "20260205", -12.5, "Bank", "FEE"),
            ],
            balance=2472.5,
        )
        wizard = self._preview(ofx, "checking-2026-02.ofx")
        self.assertRecordValues(
            wizard,
            [
                {
                    "line_count": 2,
                    "duplicate_count": 0,
                    "lookalike_count": 2,
                    "date_from": date(2026, 2, 3),
                    "date_to": date(2026, 2, 5),
                }
            ],
        )
        # March follows February: no warning. A March file starting elsewhere: the gap is named.
        march = [("2026-03-02", "DEPOSIT BLUEBIRD", "", "Bluebird Dental Clinic", 300.0, "")]
        wizard = self._preview(self._csv(march, start=1000.0 + 1485.0 - 12.5), "checking-2026-03.csv", self.mapping)
        self.assertRecordValues(
            wizard, [{"lookalike_count": 0, "balance_gap": False, "expected_balance_start": 2472.5}]
        )
        wizard = self._preview(self._csv(march, start=5000.0), "checking-2026-03b.csv", self.mapping)
        self.assertRecordValues(
            wizard, [{"balance_gap": True, "expected_balance_start": 2472.5, "balance_start": 5000.0}]
        )
        self.assertEqual(self._statement_count(), 1, "previews write nothing")

    def test_lookalike_lines_are_imported_only_when_confirmed_and_the_result_says_so(self):
        rows = [
            ("2026-02-03", "DEPOSIT NORTHWIND", "", "Northwind Traders", 1485.0, ""),
            ("2026-02-05", "MONTHLY SERVICE FEE", "", "", -12.5, ""),
        ]
        self._import(self._csv(rows, start=1000.0), "checking-2026-02.csv", self.mapping)
        ofx = self._ofx(
            [
                ("OFX-1", "20260203", 1485.0, "Northwind Traders", "DEPOSIT"),
                ("OFX-2", "20260205", -12.5, "Bank", "FEE"),
            ],
            balance=2472.5,
        )
        wizard = self._preview(ofx, "checking-2026-02.ofx")
        with self.assertRefused(
            UserError,
            r"^2 of the new lines have the date and amount of a line already in this bank account: the same "
            r"transactions imported from another file\? Tick “Import them anyway” to import them all the same, "
            r"or close the dialog to import nothing\.$",
        ):
            wizard.action_import()
        self.assertEqual(self._statement_count(), 1)
        self.assertEqual(wizard.state, "preview")

        wizard.import_lookalikes = True
        wizard.action_import()

        self.assertRecordValues(wizard, [{"state": "done", "line_count": 2, "lookalike_count": 2}])
        self.assertEqual(self._statement_count(), 2)
        # The result repeats the warning: the lines to check for copies are in this bank account now.
        form = Form(wizard)
        self.assertFalse(form._get_modifier("lookalike_count", "invisible"))

    def test_csv_mapping_is_asked_for_a_spreadsheet_only(self):
        dialog = self.env["atlas.statement.import"].with_user(self.users["bookkeeper"])
        self.assertFalse(Form(dialog)._get_modifier("sheet_mapping_id", "invisible"), "no file chosen yet")
        for file_name, asked in (
            ("checking.csv", True),
            ("checking.xlsx", True),
            ("checking.ofx", False),
            ("CHECKING.QFX", False),
            ("camt053.xml", False),
            ("statements.zip", False),
        ):
            chosen = dialog.create(
                {"journal_id": self.bank.id, "statement_file": base64.b64encode(b"-"), "statement_filename": file_name}
            )
            self.assertEqual(not Form(chosen)._get_modifier("sheet_mapping_id", "invisible"), asked, file_name)

    def test_import_result_counts_what_is_left_to_do(self):
        invoice = self._sent_invoice(640.0)
        rows = [
            ("2026-02-03", f"ACH CREDIT {invoice.name}", "", "Northwind Traders", 640.0, ""),
            ("2026-02-04", "ZELLE FROM J SMITH", "", "J Smith", 75.0, ""),
        ]
        wizard = self._preview(self._csv(rows, start=100.0), "checking.csv", self.mapping)
        wizard.action_import()
        self.assertRecordValues(
            wizard, [{"matched_count": 1, "confirmed_count": 0, "to_confirm_count": 1, "unmatched_count": 1}]
        )
        # Reconcile's To Confirm lists what the result counts as to confirm: not the line matched
        # to nothing, which has nothing to confirm (it stays under Not Reconciled).
        search = self.env["account.bank.statement.line"].get_view(
            self.env.ref("atlas_invoicing_bank.atlas_bank_line_view_search").id, "search"
        )
        filters = {node.get("name"): node for node in etree.fromstring(search["arch"]).iter("filter")}
        statement_lines = [("statement_id", "in", wizard.statement_ids.ids)]
        Line = self.env["account.bank.statement.line"]
        to_confirm = Line.search(statement_lines + safe_eval(filters["to_confirm"].get("domain")))
        self.assertEqual(to_confirm.mapped("payment_ref"), [f"ACH CREDIT {invoice.name}"])
        self.assertEqual(filters["open"].get("string"), "Not Reconciled")
        self.assertEqual(len(Line.search(statement_lines + safe_eval(filters["open"].get("domain")))), 2)
        # Its Matched By column says how each line was matched, and says so when nothing was.
        lines = {line.payment_ref: line for line in Line.search(statement_lines)}
        columns = etree.fromstring(
            Line.get_view(self.env.ref("atlas_invoicing_bank.atlas_bank_line_view_list").id, "list")["arch"]
        ).xpath("//list/field[not(@column_invisible)]")
        [matched_by] = [
            column.get("name")
            for column in columns
            if (column.get("string") or Line._fields[column.get("name")].string) == "Matched By"
        ]
        self.assertEqual(
            {ref: line[matched_by] for ref, line in lines.items()},
            {f"ACH CREDIT {invoice.name}": "Invoice number", "ZELLE FROM J SMITH": "Nothing"},
        )
