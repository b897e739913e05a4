"""Atlas's checks and matching around OCA's bank statement import (account.statement.import).

OCA parses the file (CSV through a sheet mapping, OFX, CAMT.053), checks the account number
and the currency against the journal and skips the lines already imported (unique_import_id).
Atlas adds what a bookkeeper needs before anything is written: a preview of what the file
holds, an import id for the lines of files that carry none (a CSV without a transaction
column), a statement that must balance (start + lines = end), errors that name the file and
the line, and the matching of the new lines with open invoices and recorded payments.
"""

import base64
import hashlib
import itertools
import logging

from odoo import api, models
from odoo.exceptions import UserError

from ..tools.statement_file import (
    StatementFileRefused,
    card_accounts,
    check_size,
    decoded_size,
    is_markup,
    open_statement_file,
)

_logger = logging.getLogger(__name__)


# Statement lines created (and evicted from the cache) at a time.
IMPORT_CHUNK = 500


class AccountStatementImport(models.TransientModel):
    _inherit = "account.statement.import"

    # -------------------------------------------------------------------------
    # Parsing
    # -------------------------------------------------------------------------

    def _import_file(self):
        # EXTENDS account_statement_import_file (its own Import dialog): the upload's size is
        # checked before the file is decoded.
        self._atlas_check_upload_size()
        return super()._import_file()

    def _atlas_file_limit_mb(self):
        journal = self.env["account.journal"].browse(self.env.context.get("journal_id"))
        return (journal.company_id or self.env.company).atlas_statement_file_limit_mb

    def _atlas_check_upload_size(self):
        """Refuse a file over the company's limit from the size of its upload, before decoding it."""
        self.ensure_one()
        check_size(
            self.env, decoded_size(self.statement_file), self.statement_filename or "", self._atlas_file_limit_mb()
        )

    def _atlas_file_data(self):
        """The uploaded file, decoded once its size is known to be within the limit."""
        self._atlas_check_upload_size()
        return base64.b64decode(self.statement_file)

    def _parse_file(self, data_file):
        # EXTENDS account_statement_import_file: every statement file, whichever door it comes
        # through (Atlas's preview and import, OCA's Import dialog, XML-RPC), is opened by
        # open_statement_file before any parser reads it: over the size limit, a zip bomb or a
        # file declaring a DTD is refused there. A zip's statements are parsed one by one.
        files = open_statement_file(
            self.env,
            data_file,
            self.statement_filename or "",
            self._atlas_file_limit_mb(),
            has_mapping=bool(self.sheet_mapping_id),
        )
        parsed = []
        for content in files:
            # OCA gives a column mapping precedence over every other parser: an OFX or CAMT
            # file (or a zip's member) is read by its own parser even when a mapping is chosen.
            wizard = self
            if self.sheet_mapping_id and is_markup(content):
                # (the mapping's default is the journal's: it is cleared explicitly)
                wizard = self.new({"statement_filename": self.statement_filename, "sheet_mapping_id": False})
            try:
                result = super(AccountStatementImport, wizard)._parse_file(content)
            except StatementFileRefused:
                raise
            except UserError as error:
                raise wizard._atlas_unreadable(error, self.statement_filename) from error
            result = self._atlas_mark_cards(result, content)
            if content is data_file:  # the file itself, not an archive's member
                return result
            parsed += result if isinstance(result, list) else [result]
        return parsed

    @api.model
    def _atlas_mark_cards(self, result, content):
        """Each OFX statement says whether it is a credit card's (CREDITCARDMSGSRSV1) or a bank
        account's, so that _complete_stmts_vals puts it in a journal of its kind."""
        if not is_markup(content) or not isinstance(result, list):
            return result
        cards = card_accounts(content)
        ofx = b"<OFX>" in content[:65536].upper()
        if not ofx:
            return result
        for single in result:
            if isinstance(single, tuple):
                for st_vals in single[2]:
                    st_vals["atlas_card"] = single[1] in cards
        return result

    def _atlas_unreadable(self, error, file_name):
        """The parsers' error, naming the file. When no parser recognises it, it says which
        formats Atlas reads rather than which modules to install."""
        if self.sheet_mapping_id:
            message = error.args[0].removeprefix("Bad file/mapping: ")
        else:
            message = self.env._(
                "it is not an OFX or CAMT.053 file, and a CSV file needs its column mapping (choose one, or "
                "set the bank journal's default mapping)."
            )
        return UserError(
            self.env._(
                "“%(file)s” could not be read as a bank statement: %(error)s",
                file=file_name or "",
                error=message,
            )
        )

    def import_single_file(self, file_data, result):
        # EXTENDS account_statement_import_file: every import (Atlas's, OCA's own dialog,
        # XML-RPC) parses and checks the file as the preview does, in _atlas_parse, and never
        # ends in a success with no line: a file without transaction is refused there.
        journal = self.env["account.journal"].browse(self.env.context.get("journal_id"))
        for _currency, matched, stmts_vals in self._atlas_parse(file_data, journal):
            if not matched.default_account_id:
                raise UserError(
                    self.env._(
                        "The Bank Accounting Account is not set on the journal '%s'.",
                        matched.display_name,
                    )
                )
            self._create_bank_statements(stmts_vals, result)
            if matched.bank_statements_source != "file_import_oca":
                # Only an accounting manager may write a journal; importing is a bookkeeper's.
                matched.sudo().bank_statements_source = "file_import_oca"

    def _atlas_parse(self, file_data, journal):
        """Parse and check the file as the import will, without writing anything.

        :return: list of (currency, journal, statement values with their transactions)
        """
        self = self.with_context(journal_id=journal.id)
        parsing_data = self.with_context(active_id=self.ids[0] if self.ids else False)._parse_file(file_data)
        if not isinstance(parsing_data, list):
            parsing_data = [parsing_data]
        parsed = []
        # A file of several accounts puts each account's statement into that account's journal
        # (the chosen journal being one of them); a file of one account, into the chosen one.
        several = len(parsing_data) > 1
        empty = []
        matcher = self.with_context(journal_id=False) if several else self
        for single in parsing_data:
            if not isinstance(single, tuple):
                raise UserError(self.env._("The parsing of the statement file returned an invalid result."))
            currency_code, account_number, stmts_vals = single
            if not self._check_parsed_data(stmts_vals):
                empty.append(self._atlas_empty_statement_words(account_number, stmts_vals))
                continue
            if not currency_code:
                raise UserError(self.env._("Missing currency code in the bank statement file."))
            currency = self._match_currency(currency_code)
            matched = matcher._match_journal(account_number, currency)
            stmts_vals = self._complete_stmts_vals(stmts_vals, matched, account_number)
            parsed.append((currency, matched, stmts_vals))
        if several and journal and journal not in [matched for _currency, matched, _stmts in parsed]:
            raise UserError(
                self.env._(
                    "“%(file)s” holds the statements of %(journals)s, not of %(chosen)s. Nothing was imported: choose "
                    "one of those journals to import the file.",
                    file=self.statement_filename or "",
                    journals=", ".join(matched.display_name for _currency, matched, _stmts in parsed),
                    chosen=journal.display_name,
                )
            )
        if not parsed:
            accounts = f": {'; '.join(words for words in empty if words)}" if any(empty) else ""
            raise UserError(
                self.env._(
                    "“%(file)s” holds no bank transaction%(accounts)s. Nothing was imported: there is nothing to "
                    "import for that period.",
                    file=self.statement_filename or "",
                    accounts=accounts,
                )
            )
        return parsed

    def _atlas_empty_statement_words(self, account_number, stmts_vals):
        """The account and the balances a statement without transaction states, in words."""
        words = []
        for st_vals in stmts_vals:
            start, end = st_vals.get("balance_start"), st_vals.get("balance_end_real")
            if start is not None or end is not None:
                start_words, end_words = (f"{float(amount or 0.0):,.2f}" for amount in (start, end))
                words.append(
                    self.env._(
                        "balance %(start)s at the start, %(end)s at the end",
                        start=start_words,
                        end=end_words,
                    )
                )
        if account_number:
            words.insert(0, self.env._("account %(account)s", account=account_number))
        return ", ".join(words)

    def _complete_stmts_vals(self, stmts_vals, journal, account_number):
        # EXTENDS account_statement_import_file: every line gets an import id (a file that
        # has none gets one made of the line's own data), and each statement must balance.
        for st_vals in stmts_vals:
            self._atlas_check_kind(st_vals.pop("atlas_card", None), journal, account_number)
            self._atlas_set_import_ids(st_vals["transactions"])
            self._atlas_check_balance(st_vals, journal)
        return super()._complete_stmts_vals(stmts_vals, journal, account_number)

    def _atlas_check_kind(self, card, journal, account_number):
        """A credit card's statement goes into a credit card journal, a bank account's into a
        bank journal (``card`` is None when the file does not say)."""
        if card is None or card == (journal.type == "credit"):
            return
        if card:
            message = self.env._(
                "“%(file)s” is the statement of credit card %(account)s, and %(journal)s is a bank account. Nothing "
                "was imported: import it into the card's journal (a journal of type Credit Card with that card's "
                "number).",
                file=self.statement_filename or "",
                account=account_number,
                journal=journal.display_name,
            )
        else:
            message = self.env._(
                "“%(file)s” is the statement of bank account %(account)s, and %(journal)s is a credit card. Nothing "
                "was imported: import it into the bank account's journal.",
                file=self.statement_filename or "",
                account=account_number,
                journal=journal.display_name,
            )
        raise UserError(message)

    @api.model
    def _atlas_set_import_ids(self, transactions):
        """An id for the lines without one: the same line of the same file gives the same id,
        so importing the file twice imports nothing the second time. Two identical lines of one
        file (two fees of 2.50 on the same day) are told apart by their rank."""
        seen = {}
        for vals in transactions:
            if vals.get("unique_import_id"):
                continue
            key = "|".join(
                str(vals.get(name) or "") for name in ("date", "amount", "payment_ref", "ref", "partner_name")
            )
            rank = seen[key] = seen.get(key, 0) + 1
            digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:20]
            vals["unique_import_id"] = f"atlas-{digest}-{rank}"

    def _atlas_check_balance(self, st_vals, journal):
        """Start balance + the lines = end balance, when the file gives both balances."""
        start, end = st_vals.get("balance_start"), st_vals.get("balance_end_real")
        # A file without balances (a CSV without a balance column, a CAMT without Bal) has
        # nothing to check against.
        if start is None or end is None or (not start and not end):
            return
        currency = journal.currency_id or journal.company_id.currency_id
        total = 0.0
        for number, vals in enumerate(st_vals["transactions"], start=1):
            try:
                total += float(vals["amount"])
            except (TypeError, ValueError):
                raise UserError(
                    self.env._(
                        "Line %(line)s of “%(file)s” has no valid amount (%(amount)s).",
                        line=number,
                        file=self.statement_filename or "",
                        amount=vals.get("amount"),
                    )
                ) from None
        expected = float(st_vals["balance_start"]) + total
        if currency.compare_amounts(expected, float(st_vals["balance_end_real"])) != 0:
            raise UserError(
                self.env._(
                    "Statement “%(name)s” of “%(file)s” does not balance: start balance %(start)s + "
                    "%(count)s lines of %(total)s = %(expected)s, but the file gives an end balance of "
                    "%(end)s. Nothing was imported: ask the bank for a complete statement.",
                    name=st_vals.get("name") or "",
                    file=self.statement_filename or "",
                    start=currency.format(float(st_vals["balance_start"])),
                    count=len(st_vals["transactions"]),
                    total=currency.format(total),
                    expected=currency.format(expected),
                    end=currency.format(float(st_vals["balance_end_real"])),
                )
            )

    # -------------------------------------------------------------------------
    # Import
    # -------------------------------------------------------------------------

    def _atlas_drop_imported(self, stmts_vals, result):
        """The statements without their lines already imported (counted in the result's
        atlas_duplicates; a statement's start balance moves past them), in one query; the
        statements left without a line are left out."""
        ids = [vals["unique_import_id"] for st in stmts_vals for vals in st["transactions"]]
        existing = set()
        if ids:
            self.env["account.bank.statement.line"].flush_model(["unique_import_id"])
            # The import ids carry the journal's id (OCA prefixes them with it): only the lines
            # of the journal the file is imported into can be the file's lines.
            self.env.cr.execute(
                "SELECT unique_import_id FROM account_bank_statement_line"
                " WHERE journal_id = ANY(%s) AND unique_import_id = ANY(%s)",
                [list({st["journal_id"] for st in stmts_vals}), ids],
            )
            existing = {row[0] for row in self.env.cr.fetchall()}
        duplicates = 0
        for st_vals in stmts_vals:
            keep = []
            for vals in st_vals["transactions"]:
                if vals["unique_import_id"] in existing:
                    duplicates += 1
                    if "balance_start" in st_vals:
                        st_vals["balance_start"] += float(vals["amount"])
                else:
                    keep.append(vals)
            st_vals["transactions"] = keep
        result.setdefault("atlas_duplicates", 0)
        result["atlas_duplicates"] += duplicates
        return [st for st in stmts_vals if st["transactions"]]

    def _create_bank_statements(self, stmts_vals, result):
        # EXTENDS account_statement_import_file: the lines already imported are found in one
        # query (not one per line), and the new lines are matched right after their creation.
        stmts_vals = self._atlas_drop_imported(stmts_vals, result)
        # OCA creates each statement with all its lines in one call, every record staying in
        # the cache: a statement of 10,000 lines would hold them all in memory. The first
        # chunk goes through OCA; the rest follow chunk by chunk, flushed and evicted.
        rest, ends = [], []
        # The statement lines' entries are made by the import, in bulk: no tracking messages
        # for each of them (they would wait in memory for the commit).
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        for st_vals in stmts_vals:
            st_vals["creation_context"] = {**st_vals.get("creation_context", {}), **quiet}
            rest.append(st_vals["transactions"][IMPORT_CHUNK:])
            ends.append(st_vals.get("balance_end_real"))
            st_vals["transactions"] = st_vals["transactions"][:IMPORT_CHUNK]
        before = len(result["statement_ids"])
        res = super()._create_bank_statements(stmts_vals, result)
        Line = self.env["account.bank.statement.line"].with_context(**quiet)
        for statement_id, lines, end in zip(result["statement_ids"][before:], rest, ends, strict=True):
            statement = self.env["account.bank.statement"].browse(statement_id)
            totals = statement._atlas_fields_from_lines()
            # Odoo recomputes the statement's totals (balance, date, completeness) from all its
            # lines, every field of each, whenever lines are added: after each chunk, with a
            # statement ever longer in memory. They are computed once, after the last chunk.
            with self.env.protecting(totals, statement):
                sequence = IMPORT_CHUNK
                for start in range(0, len(lines), IMPORT_CHUNK):
                    chunk = lines[start : start + IMPORT_CHUNK]
                    for vals in chunk:
                        sequence += 1
                        vals.setdefault("sequence", sequence)
                        vals["statement_id"] = statement_id
                    Line.create(chunk)
                    self.env.flush_all()
                    self.env.invalidate_all()
            if lines:
                statement._atlas_recompute_from_lines(totals)
            statement = self.env["account.bank.statement"].browse(statement_id)
            if not end:  # the file gives no end balance: the lines make it
                statement.balance_end_real = statement.balance_end
        return res

    def _atlas_import(self, journal):
        """Import the file into ``journal`` and match its new lines.

        :return: {"statement_ids", "line_count", "duplicates", "balance_start", "balance_end",
                  "lines": [...] (see account.bank.statement.line._atlas_line_result)}
        """
        self.ensure_one()
        # atlas_import: Atlas matches the new lines itself, then applies the rules (see
        # account.bank.statement.line._auto_reconcile).
        wizard = self.with_context(journal_id=journal.id, atlas_import=True)
        result = {"statement_ids": [], "notifications": [], "atlas_duplicates": 0}
        file_data = self._atlas_file_data()
        wizard.import_single_file(file_data, result)
        statements = self.env["account.bank.statement"].browse(result["statement_ids"])
        if statements:
            attachment = self.env["ir.attachment"].create(wizard._prepare_create_attachment(result))
            statements.write({"attachment_ids": [(4, attachment.id)]})
        line_ids = statements.line_ids.ids
        matches = self.env["account.bank.statement.line"].browse(line_ids)._atlas_match_lines()
        statements = self.env["account.bank.statement"].browse(statements.ids)
        summary = {
            "statement_ids": statements.ids,
            "line_count": len(line_ids),
            "duplicates": result["atlas_duplicates"],
            "balance_start": statements[:1].balance_start,
            "balance_end": statements[-1:].balance_end_real,
            "matched": 0,
            "confirmed": len(matches["confirmed"]),
            "lines": [],
        }
        Line = self.env["account.bank.statement.line"]
        for start in range(0, len(line_ids), IMPORT_CHUNK):
            for line in Line.browse(line_ids[start : start + IMPORT_CHUNK]):
                summary["lines"].append(line._atlas_line_result())
                summary["matched"] += line.atlas_match_kind not in (False, "ambiguous")
            self.env.invalidate_all()
        return summary


class AccountStatementImportSheetParser(models.TransientModel):
    _inherit = "account.statement.import.sheet.parser"

    def _parse_lines(self, mapping, data_file, currency_code):
        # EXTENDS account_statement_import_sheet_file: parse() sorts the lines by date with a
        # stable sort and takes the start balance from the first line, the end balance from the
        # last. A file listed newest first would keep, within its first and last days, its
        # newest-first order, and the balances would come from the wrong lines: its lines are
        # put back in the order they happened before parse() sorts them.
        lines = super()._parse_lines(mapping, data_file, currency_code)
        if self._atlas_newest_first(lines):
            lines.reverse()
        return lines

    @api.model
    def _atlas_newest_first(self, lines):
        """Whether the file lists its newest line first: told by the running balance when the
        file has one (each balance follows from the line listed after it), else by the dates."""
        if len(lines) < 2:
            return False
        if all(line.get("balance") is not None for line in lines):
            journal = self.env["account.journal"].browse(self.env.context.get("journal_id"))
            currency = journal.currency_id or journal.company_id.currency_id or self.env.company.currency_id
            pairs = list(itertools.pairwise(lines))
            if all(
                currency.compare_amounts(older["balance"] + newer["amount"], newer["balance"]) == 0
                for older, newer in pairs
            ):
                return False
            if all(
                currency.compare_amounts(older["balance"] + newer["amount"], newer["balance"]) == 0
                for newer, older in pairs
            ):
                return True
        # No running balance, or one that does not follow (the statement will be refused as
        # unbalanced): the dates say which end is the oldest.
        return lines[0]["timestamp"] > lines[-1]["timestamp"]

    def _parse_rows(self, mapping, currency_code, data, columns):
        # EXTENDS account_statement_import_sheet_file: a CSV row that can't be read is named
        # (its line number in the file), and a row in another currency than the journal's is
        # an error rather than a line silently left out.
        csv_or_xlsx, data_file = data
        if isinstance(csv_or_xlsx, tuple) or mapping.footer_lines_skip_count:
            return super()._parse_rows(mapping, currency_code, data, columns)
        lines = []
        # parse_header has read the header row already (the last of the rows skipped).
        first = 1 if mapping.no_header else max(mapping.header_lines_skip_count, 1) + 1
        for number, row in enumerate(csv_or_xlsx, start=first):
            if not any(value.strip() for value in row):
                continue
            try:
                parsed = super()._parse_rows(mapping, currency_code, (iter([row]), data_file), columns)
            except (ValueError, IndexError, TypeError, ArithmeticError) as error:
                raise UserError(
                    self.env._(
                        "Line %(line)s of the file can't be read with the mapping “%(mapping)s”: %(error)s "
                        "(%(row)s). Nothing was imported.",
                        line=number,
                        mapping=mapping.name,
                        error=error,
                        row=", ".join(row),
                    )
                ) from error
            if not parsed and columns["currency_column"]:
                raise UserError(
                    self.env._(
                        "Line %(line)s of the file is not in %(currency)s, the currency of the bank account "
                        "(%(row)s). Nothing was imported.",
                        line=number,
                        currency=currency_code,
                        row=", ".join(row),
                    )
                )
            amounts = [
                self._get_values_from_column(row, columns, column)
                for column in ("amount_column", "amount_debit_column", "amount_credit_column")
                if columns[column]
            ]
            if parsed and not any(char.isdigit() for amount in amounts for char in str(amount)):
                raise UserError(
                    self.env._(
                        "Line %(line)s of the file has no amount (%(row)s). Nothing was imported.",
                        line=number,
                        row=", ".join(row),
                    )
                )
            if parsed and columns["atlas_method_column"]:
                parsed[0]["atlas_method"] = self._get_values_from_column(row, columns, "atlas_method_column")
            lines += parsed
        return lines

    @api.model
    def _get_column_names(self):
        # EXTENDS account_statement_import_sheet_file: the payment method column.
        return super()._get_column_names() + ["atlas_method_column"]

    def _convert_line_to_transactions(self, line):
        # EXTENDS account_statement_import_sheet_file
        transactions = super()._convert_line_to_transactions(line)
        method = self.env["account.bank.statement.line"]._atlas_payment_method_from_text(line.get("atlas_method"))
        for transaction in transactions:
            if method:
                transaction["atlas_payment_method"] = method
        return transactions
