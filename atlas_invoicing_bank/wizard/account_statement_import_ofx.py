"""OFX and QFX files as banks and Quicken make them, read with OCA's reader (ofxparse), and the
file's account matched to its journal exactly.

OCA's OFX import answers a file it can't read with "format not supported" (its reason is
dropped), imports a bank's error answer, a download cut short or a statement without
transaction as nothing at all, and finds the journal with a substring search of the account
number, first match winning. Here every one of those is a refusal saying why, and the
account must be the journal's (spaces, dashes and an IBAN's prefix aside); a number only part
of which matches is imported only once the user confirms the journal it would be.
"""

import io
import logging

from odoo import api, models
from odoo.exceptions import UserError

from ..tools.ofx_file import bad_transaction, honest_ofx, is_truncated, looks_like_ofx, normalised_account
from ..tools.statement_file import StatementFileRefused

_logger = logging.getLogger(__name__)

try:
    from ofxparse import OfxParser
except ImportError:  # pragma: no cover - ofxparse is in Odoo's requirements
    OfxParser = None

STATEMENT_JOURNAL_TYPES = ("bank", "credit")


class AccountStatementImport(models.TransientModel):
    _inherit = "account.statement.import"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _check_ofx(self, data_file):
        # EXTENDS account_statement_import_ofx: an OFX file that can't be imported is refused
        # with ofxparse's own reason (OCA answers "not an OFX file"), read in the encoding it
        # really has, and a bank's error answer or a file cut short is refused too.
        if not OfxParser or not looks_like_ofx(data_file):
            return super()._check_ofx(data_file)
        if is_truncated(data_file):
            raise self._atlas_ofx_refusal(
                self.env._(
                    "it is cut short: it does not end as an OFX file ends (</OFX>), as an interrupted download "
                    "leaves it. Nothing was imported: download the statement from your bank again."
                )
            )
        try:
            ofx = OfxParser.parse(io.BytesIO(honest_ofx(data_file)))
        except Exception as error:  # noqa: BLE001 - ofxparse raises anything; its reason is shown
            _logger.info("OFX file %s refused: %s", self.statement_filename, error)
            where = bad_transaction(data_file)
            raise self._atlas_ofx_refusal(
                self.env._(
                    "%(reason)s%(where)s. Nothing was imported: download the statement from your bank again, or ask "
                    "the bank for a correct file.",
                    reason=str(error).strip().rstrip(".") or type(error).__name__,
                    where=self.env._(
                        " (transaction %(number)s, FITID %(fitid)s: %(what)s)",
                        number=where[0],
                        fitid=where[1] or "?",
                        what=where[2],
                    )
                    if where
                    else "",
                )
            ) from error
        self._atlas_check_ofx_answer(ofx)
        return ofx

    def _atlas_ofx_refusal(self, reason):
        return StatementFileRefused(
            self.env._(
                "“%(file)s” could not be imported: %(reason)s",
                file=self.statement_filename or "",
                reason=reason,
            )
        )

    def _atlas_check_ofx_answer(self, ofx):
        """A bank's error answer, a file without account, an account without transaction."""
        answers = []
        if ofx.signon is not None:
            answers.append((ofx.signon.code, ofx.signon.severity, ofx.signon.message))
        status = getattr(ofx, "status", None)
        if status:
            answers.append((status["code"], status["severity"], status["message"]))
        for code, severity, message in answers:
            if code:
                said = f" “{message}”" if message else ""
                raise self._atlas_ofx_refusal(
                    self.env._(
                        "the bank answered with an error instead of a statement: %(code)s %(severity)s%(message)s. "
                        "Nothing was imported: download the statement again later, or ask your bank.",
                        code=code,
                        severity=severity or "",
                        message=said,
                    )
                )
        statements = [account for account in ofx.accounts if getattr(account, "statement", None) is not None]
        if not statements:
            raise self._atlas_ofx_refusal(
                self.env._(
                    "it holds no account statement (no bank or credit card account in it). Nothing was imported: "
                    "download the statement of the account from your bank."
                )
            )
        if not any(account.statement.transactions for account in statements):
            raise self._atlas_ofx_refusal(
                self.env._(
                    "it holds no transaction: %(accounts)s. Nothing was imported: there is nothing to import for "
                    "that period.",
                    accounts="; ".join(self._atlas_ofx_account_words(account) for account in statements),
                )
            )

    def _atlas_ofx_account_words(self, account):
        statement = account.statement
        balance = getattr(statement, "balance", None)
        as_of = getattr(statement, "balance_date", None)
        if balance is None:
            return self.env._("account %(account)s, no balance", account=account.number)
        balance_words = f"{balance:,.2f}"
        date_words = self.env._(" on %(date)s", date=as_of.date().isoformat()) if as_of else ""
        return self.env._(
            "account %(account)s, balance %(balance)s %(currency)s%(date)s",
            account=account.number,
            balance=balance_words,
            currency=(getattr(statement, "currency", "") or "").upper(),
            date=date_words,
        )

    # -------------------------------------------------------------------------
    # The file's account and its journal
    # -------------------------------------------------------------------------

    @api.model
    def _match_journal(self, account_number, currency):
        # EXTENDS account_statement_import_file: OCA searches the bank journals whose number
        # *contains* the file's and takes the first. Here the number must be the journal's
        # (see normalised_account); a bank or credit card journal.
        if not account_number:
            return super()._match_journal(account_number, currency)
        Journal = self.env["account.journal"]
        wanted = normalised_account(account_number)
        journals = Journal.search(
            [
                ("type", "in", STATEMENT_JOURNAL_TYPES),
                ("bank_account_id", "!=", False),
                *Journal._check_company_domain(self.env.companies),
            ]
        )
        numbers = {journal: normalised_account(journal.bank_account_id.acc_number) for journal in journals}
        exact = journals.filtered(lambda journal: numbers[journal] == wanted)
        chosen = Journal.browse(self.env.context.get("journal_id"))
        if len(exact) > 1:
            raise UserError(
                self.env._(
                    "“%(file)s” is the statement of account %(account)s, which is the account of several journals "
                    "(%(journals)s). Nothing was imported: keep the account number on one journal only.",
                    file=self.statement_filename or "",
                    account=account_number,
                    journals=", ".join(exact.mapped("display_name")),
                )
            )
        journal = exact
        if not journal:
            # A masked number (XXXXXXXX6789) shows only its last digits.
            visible = wanted.lstrip("X*")
            partial = journals.filtered(
                lambda journal: numbers[journal]
                and (
                    numbers[journal] in wanted
                    or wanted in numbers[journal]
                    or (len(visible) >= 4 and numbers[journal].endswith(visible))
                )
            )
            confirmed = self.env.context.get("atlas_confirmed_journal_id")
            if len(partial) == 1 and confirmed and partial.id == confirmed:
                journal = partial
            elif len(partial) == 1:
                raise UserError(
                    self.env._(
                        "“%(file)s” is the statement of account %(account)s, which is not exactly the account of any "
                        "journal; it partly matches %(journal)s (account %(journal_account)s), as banks that mask or "
                        "prefix numbers write it. Nothing was imported: if it is that account, confirm it "
                        "(“It is this account”) and import again.",
                        file=self.statement_filename or "",
                        account=account_number,
                        journal=partial.display_name,
                        journal_account=partial.bank_account_id.acc_number,
                    )
                )
            elif partial:
                raise UserError(
                    self.env._(
                        "“%(file)s” is the statement of account %(account)s, which is not exactly the account of any "
                        "journal and partly matches several (%(journals)s). Nothing was imported: set the file's "
                        "account number on the right journal.",
                        file=self.statement_filename or "",
                        account=account_number,
                        journals=", ".join(partial.mapped("display_name")),
                    )
                )
            else:
                raise UserError(
                    self.env._(
                        "“%(file)s” is the statement of account %(account)s, which is the account of no bank or credit "
                        "card journal. Nothing was imported: set that account number on the journal's Bank Account "
                        "(Configuration → Journals), or import the account's own file.",
                        file=self.statement_filename or "",
                        account=account_number,
                    )
                )
        if chosen and journal != chosen:
            raise UserError(
                self.env._(
                    "“%(file)s” is the statement of %(journal)s (account %(account)s), not of %(chosen)s. Nothing was "
                    "imported: choose %(journal)s to import it.",
                    file=self.statement_filename or "",
                    journal=journal.display_name,
                    account=account_number,
                    chosen=chosen.display_name,
                )
            )
        journal_currency = journal.currency_id or journal.company_id.currency_id
        if journal_currency != currency:
            raise UserError(
                self.env._(
                    "“%(file)s”: the currency of the bank statement (%(currency)s) is not the same as the currency "
                    "of %(journal)s (%(journal_currency)s). Nothing was imported.",
                    file=self.statement_filename or "",
                    currency=currency.name,
                    journal=journal.display_name,
                    journal_currency=journal_currency.name,
                )
            )
        return journal
