"""The corpus of statement files (statement_files/, see its README): each imports exactly what
it holds, or is refused with a message naming the file and what to do, and writes nothing."""

import base64
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import tagged

from .bank_common import AtlasBankCommon

FILES = Path(__file__).parent / "statement_files"


@tagged("post_install", "-at_install")
class TestStatementFiles(AtlasBankCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        Journal = cls.env["account.journal"]
        Bank = cls.env["res.partner.bank"]
        cls.card = Journal.create(
            {
                "name": "Company Visa",
                "code": "VISA",
                "type": "credit",
                "bank_account_id": Bank.create(
                    {"acc_number": "4111 2222 3333 4444", "partner_id": company.partner_id.id}
                ).id,
            }
        )
        cls.savings = Journal.create(
            {
                "name": "Savings",
                "code": "SAV",
                "type": "bank",
                "bank_account_id": Bank.create(
                    {"acc_number": "000-987-654-321", "partner_id": company.partner_id.id}
                ).id,
            }
        )

    def _file(self, name):
        return (FILES / name).read_bytes()

    def _import_file(self, name, journal=None, confirm_account=False):
        return (
            self.env["account.bank.statement"]
            .with_user(self.users["bookkeeper"])
            .atlas_import_statement(
                (journal or self.bank).id,
                base64.b64encode(self._file(name)).decode(),
                Path(name).name,
                None,
                confirm_account,
            )
        )

    def _preview(self, name, journal=None):
        wizard = (
            self.env["atlas.statement.import"]
            .with_user(self.users["bookkeeper"])
            .create(
                {
                    "journal_id": (journal or self.bank).id,
                    "statement_file": base64.b64encode(self._file(name)),
                    "statement_filename": Path(name).name,
                }
            )
        )
        wizard.action_preview()
        return wizard

    def _counts(self):
        self.env.flush_all()
        return tuple(
            self.env[model].sudo().search_count([])
            for model in ("account.bank.statement", "account.bank.statement.line", "account.move")
        )

    def assertFileRefused(self, name, pattern, journal=None):
        """The preview and the import refuse the file with the same message; nothing is written."""
        before = self._counts()
        with self.assertRefused(UserError, pattern):
            self._preview(name, journal)
        with self.assertRefused(UserError, pattern):
            self._import_file(name, journal)
        self.assertEqual(self._counts(), before, f"{name}: nothing written")

    # -------------------------------------------------------------------------
    # Files that import
    # -------------------------------------------------------------------------

    def test_ofx_102_sgml(self):
        result = self._import_file("ofx/checking_ofx102_sgml.ofx")
        self.assertEqual((result["line_count"], result["balance_start"], result["balance_end"]), (3, 0.0, 1222.5))
        self.assertEqual(
            [(line["date"], line["amount"], line["label"]) for line in result["lines"]],
            [
                ("2026-02-03", 1485.0, "NORTHWIND TRADERS : ACH CREDIT INV/2026/00001"),
                ("2026-02-05", -12.5, "SERVICE FEE"),
                ("2026-02-10", -250.0, "CHECK 1043"),
            ],
        )

    def test_ofx_211_xml_in_utf8(self):
        result = self._import_file("ofx/checking_ofx211_xml_utf8.ofx")
        self.assertEqual((result["line_count"], result["balance_end"]), (2, 600.0))
        self.assertEqual(result["lines"][0]["label"], "Café Müller GmbH : Überweisung")
        self.assertEqual(result["lines"][0]["date"], "2026-02-04")

    def test_ascii_header_over_latin1_bytes(self):
        result = self._import_file("ofx/checking_usascii_header_latin1_bytes.ofx")
        self.assertEqual(result["line_count"], 1)
        self.assertEqual(result["lines"][0]["label"], "BLUEBIRD DENTAL : Régl. facture")

    def test_quicken_card_statement_into_the_card_journal(self):
        """Quicken's QFX: ENCODING:USASCII over UTF-8 bytes, CREDITCARDMSGSRSV1."""
        result = self._import_file("ofx/card_quicken_usascii_header_utf8_bytes.qfx", self.card)
        self.assertEqual((result["line_count"], result["balance_start"], result["balance_end"]), (3, 0.0, 195.81))
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(statement.journal_id, self.card)
        self.assertEqual(
            sorted((line.amount, line.payment_ref) for line in statement.line_ids),
            [
                (-84.2, "CRÊPERIE DU PORT : Dinner with client"),
                (-19.99, "SOFTWARE SUBSCRIPTION"),
                (300.0, "PAYMENT THANK YOU"),
            ],
        )

    def test_card_statement_into_a_bank_journal_is_refused(self):
        card_account = self.card.bank_account_id
        self.card.bank_account_id = False
        self.bank.bank_account_id = card_account
        self.assertFileRefused(
            "ofx/card_quicken_usascii_header_utf8_bytes.qfx",
            r"“card_quicken_usascii_header_utf8_bytes\.qfx” is the statement of credit card 4111222233334444, and "
            r".* is a bank account\. Nothing was imported: import it into the card's journal",
        )

    def test_file_of_two_accounts_goes_to_each_journal(self):
        result = self._import_file("ofx/two_accounts_checking_and_savings.ofx")
        statements = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(
            sorted((st.journal_id.name, len(st.line_ids), st.balance_end_real) for st in statements),
            sorted([(self.bank.name, 1, 1485.0), ("Savings", 1, 10003.12)]),
        )

    def test_camt053_every_version_and_camt054(self):
        names = [f"camt/camt053_001_0{version}.xml" for version in range(2, 9)] + ["camt/camt054_001_02.xml"]
        for name in names:
            with self.subTest(name=name):
                result = self._import_file(name)
                self.assertEqual(
                    (result["line_count"], result["balance_start"], result["balance_end"]), (2, 1000.0, 2472.5)
                )
                self.assertEqual([line["amount"] for line in result["lines"]], [1485.0, -12.5])

    def test_zip_of_camt053_statements(self):
        result = self._import_file("camt/two_statements_camt053.zip")
        statements = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(
            sorted((st.name, len(st.line_ids), st.balance_start, st.balance_end_real) for st in statements),
            [("STMT-2026-02-A", 2, 1000.0, 2472.5), ("STMT-2026-02-B", 2, 2472.5, 3945.0)],
        )

    def _mapping(self, **values):
        return self.env["account.statement.import.sheet.mapping"].create(values)

    def _import_csv(self, name, mapping, journal=None):
        return (
            self.env["account.bank.statement"]
            .with_user(self.users["bookkeeper"])
            .atlas_import_statement(
                (journal or self.bank).id, base64.b64encode(self._file(name)).decode(), Path(name).name, mapping.id
            )
        )

    def test_us_bank_csv_through_its_saved_mapping(self):
        """Three lines about the account before the header, Withdrawals and Deposits columns with
        dollar signs and thousands commas, MM/DD/YYYY, a Total line after the table. (OCA's
        *debit* column is money in: the bank's Deposits; its *credit* column, the Withdrawals.)"""
        mapping = self._mapping(
            name="Bank of the West — Checking CSV",
            delimiter="comma",
            float_thousands_sep="comma",
            float_decimal_sep="dot",
            timestamp_format="%m/%d/%Y",
            header_lines_skip_count=4,
            footer_lines_skip_count=1,
            timestamp_column="Transaction Date",
            description_column="Description",
            amount_type="distinct_credit_debit",
            amount_debit_column="Deposits",
            amount_credit_column="Withdrawals",
            balance_column="Balance",
        )
        result = self._import_csv("csv/us_bank_withdrawals_deposits_dollar_signs.csv", mapping)
        self.assertEqual((result["balance_start"], result["balance_end"]), (1000.0, 1222.5))
        self.assertEqual(
            [(line["date"], line["amount"], line["label"]) for line in result["lines"]],
            [
                ("2026-02-03", 1485.0, "ACH CREDIT NORTHWIND INV/2026/00001"),
                ("2026-02-05", -12.5, "MONTHLY SERVICE FEE"),
                ("2026-02-10", -1250.0, "CHECK 1043"),
            ],
        )

    def test_european_bank_csv_through_its_saved_mapping(self):
        """Semicolons, decimal commas and thousands dots, DD.MM.YYYY, Soll (out) and Haben (in)
        columns with euro signs, Windows-1252 text, three lines before the header and a Summe
        line after the table, into a EUR account."""
        eur = self.setup_other_currency("EUR")
        company = self.company_data["company"]
        euro_account = self.env["account.journal"].create(
            {
                "name": "Girokonto",
                "code": "GIRO",
                "type": "bank",
                "currency_id": eur.id,
                "bank_account_id": self.env["res.partner.bank"]
                .create({"acc_number": "DE89 3704 0044 0532 0130 00", "partner_id": company.partner_id.id})
                .id,
            }
        )
        mapping = self._mapping(
            name="Sparkasse CSV",
            delimiter="semicolon",
            file_encoding="windows-1252",
            float_thousands_sep="dot",
            float_decimal_sep="comma",
            timestamp_format="%d.%m.%Y",
            header_lines_skip_count=4,
            footer_lines_skip_count=1,
            timestamp_column="Buchungstag",
            description_column="Verwendungszweck",
            partner_name_column="Auftraggeber/Empfänger",
            amount_type="distinct_credit_debit",
            amount_debit_column="Haben",
            amount_credit_column="Soll",
            balance_column="Saldo",
        )
        result = self._import_csv("csv/eu_bank_semicolon_decimal_comma_soll_haben_cp1252.csv", mapping, euro_account)
        self.assertEqual((result["balance_start"], result["balance_end"]), (1000.0, 1222.5))
        lines = self._lines(result)
        self.assertEqual(
            [(line.date.isoformat(), line.amount, line.payment_ref, line.partner_name or "") for line in lines],
            [
                ("2026-02-03", 1485.0, "RE INV/2026/00001", "Northwind Traders"),
                ("2026-02-05", -12.5, "Kontoführung", ""),
                ("2026-02-10", -1250.0, "Scheck 1043", "Müller & Söhne"),
            ],
        )

    def test_bank_csv_with_the_wrong_mapping_names_the_line(self):
        mapping = self._mapping(
            name="ISO dates",
            delimiter="comma",
            float_thousands_sep="comma",
            float_decimal_sep="dot",
            timestamp_format="%Y-%m-%d",
            header_lines_skip_count=4,
            timestamp_column="Transaction Date",
            description_column="Description",
            amount_type="distinct_credit_debit",
            amount_debit_column="Deposits",
            amount_credit_column="Withdrawals",
        )
        before = self._counts()
        with self.assertRefused(
            UserError, r"Line 5 of the file can't be read with the mapping “ISO dates”: .*02/03/2026"
        ):
            self._import_csv("csv/us_bank_withdrawals_deposits_dollar_signs.csv", mapping)
        self.assertEqual(self._counts(), before)

    # -------------------------------------------------------------------------
    # Files that are refused
    # -------------------------------------------------------------------------

    def test_truncated_downloads(self):
        for name in ("ofx/truncated_mid_transaction.ofx", "ofx/truncated_after_two_transactions.ofx"):
            with self.subTest(name=name):
                self.assertFileRefused(
                    name,
                    rf"“{Path(name).name}” could not be imported: it is cut short: .*download the statement from your "
                    r"bank again",
                )

    def test_bank_error_answers(self):
        self.assertFileRefused(
            "ofx/bank_error_signon.ofx",
            r"“bank_error_signon\.ofx” could not be imported: the bank answered with an error instead of a "
            r"statement: 15500 ERROR “Signon invalid: the password is wrong”\. Nothing was imported",
        )
        self.assertFileRefused(
            "ofx/bank_error_statement.ofx",
            r"the bank answered with an error instead of a statement: 2000 ERROR “General error: statement not "
            r"available, try again later”",
        )

    def test_no_account_and_no_transaction_say_so(self):
        self.assertFileRefused("ofx/no_account.ofx", r"“no_account\.ofx” could not be imported: it holds no account")
        self.assertFileRefused(
            "ofx/no_transaction.ofx",
            r"“no_transaction\.ofx” could not be imported: it holds no transaction: account 000123456789, balance "
            r"1,234\.56 USD on 2026-02-28\. Nothing was imported",
        )

    def test_camt_without_entries_says_so(self):
        self.assertFileRefused(
            "camt/camt053_no_entries.xml",
            r"“camt053_no_entries\.xml” holds no bank transaction: account 000123456789, balance 1,000\.00 at the "
            r"start, 1,000\.00 at the end\. Nothing was imported",
        )

    def test_the_readers_own_reason_is_kept(self):
        self.assertFileRefused(
            "ofx/malformed_amount.ofx",
            r"“malformed_amount\.ofx” could not be imported: Invalid Transaction Amount: '\$12\.50' \(transaction 2, "
            r"FITID 20260205001: amount “\$12\.50”\)\. Nothing was imported: download the statement",
        )
        self.assertFileRefused(
            "ofx/missing_date.ofx",
            r"“missing_date\.ofx” could not be imported: Missing Transaction Date \(a required field\) "
            r"\(transaction 2, FITID 20260205001: no date\)",
        )
        self.assertFileRefused(
            "ofx/empty_ledger_balance.ofx", r"“empty_ledger_balance\.ofx” could not be imported: Empty ledger balance"
        )

    # -------------------------------------------------------------------------
    # The file's account and the journal
    # -------------------------------------------------------------------------

    def test_account_matched_exactly_whatever_its_spelling(self):
        # The journal's number written with dashes, the file's without: the same account.
        self.bank.bank_account_id.acc_number = "0001-2345-6789"
        self.assertEqual(self._import_file("ofx/checking_ofx102_sgml.ofx")["line_count"], 3)

    def test_two_journals_containing_the_number_are_not_settled_by_order(self):
        """OCA's ilike search took the first journal whose number contains the file's."""
        self.bank.bank_account_id.acc_number = "99000123456789"
        self.savings.bank_account_id.acc_number = "000123456789"
        result = self._import_file("ofx/checking_ofx102_sgml.ofx", self.savings)
        self.assertEqual(self.env["account.bank.statement"].browse(result["statement_ids"]).journal_id, self.savings)
        self.assertFileRefused(
            "ofx/checking_ofx102_sgml.ofx",
            r"is the statement of Savings \(account 000123456789\), not of .*: choose Savings",
        )

    def test_partial_match_asks_for_confirmation(self):
        self.assertFileRefused(
            "ofx/masked_account_number.ofx",
            r"“masked_account_number\.ofx” is the statement of account XXXXXXXX6789, which is not exactly the "
            r"account of any journal; it partly matches .* \(account 000123456789\).*confirm it",
        )

    def test_partial_match_confirmed_in_the_dialog(self):
        self.bank.bank_account_id.acc_number = "6789"
        wizard = (
            self.env["atlas.statement.import"]
            .with_user(self.users["bookkeeper"])
            .create(
                {
                    "journal_id": self.bank.id,
                    "statement_file": base64.b64encode(self._file("ofx/masked_account_number.ofx")),
                    "statement_filename": "masked_account_number.ofx",
                    "confirm_account": True,
                }
            )
        )
        wizard.action_preview()
        self.assertRecordValues(wizard, [{"state": "preview", "line_count": 1}])
        wizard.action_import()
        self.assertRecordValues(wizard, [{"state": "done", "line_count": 1}])
        self.assertEqual(wizard.statement_ids.journal_id, self.bank)

    def test_partial_match_confirmed_imports(self):
        self.bank.bank_account_id.acc_number = "6789"
        result = self._import_file("ofx/masked_account_number.ofx", confirm_account=True)
        self.assertEqual(result["line_count"], 1)
