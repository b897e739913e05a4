import base64
import io
import logging
import tempfile
import threading
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openpyxl

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .bank_common import AtlasBankCommon
from .statement_attacks import doctype_attacks, lying_zip, with_doctype, zip_bomb, zip_of

CAMT_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
OFX_HEADER_END = b'NEWFILEUID="NONE"?>'
REFUSED_DTD = r"is not a plain bank statement: it declares a DOCTYPE or entities"


class _UrlRecorder(BaseHTTPRequestHandler):
    """A web server the hostile files point at: any request it gets is a request the import
    made for the file's author."""

    hits = []

    def do_GET(self):
        type(self).hits.append(self.path)
        body = b'<!ENTITY leak "LEAKED-OVER-HTTP">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestStatementFileSecurity(AtlasBankCommon):
    """A statement file can't make the server read its files or a URL (XML external entities,
    DTDs), nor exhaust its memory (entity expansion, zip bombs, oversized files): each such file
    is refused with a message that says what to do, and nothing is imported, through every
    door (the import dialog, XML-RPC's atlas_import_statement, OCA's own Import dialog)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = f"ATLAS-SERVER-SECRET-{uuid.uuid4().hex}"
        folder = Path(tempfile.mkdtemp(prefix="atlas-secret-"))
        cls.secret_path = folder / "odoo.conf"
        cls.secret_path.write_text(f"admin_passwd = {cls.secret}\n")
        cls.addClassCleanup(cls.secret_path.unlink)
        cls.web = ThreadingHTTPServer(("127.0.0.1", 0), _UrlRecorder)
        threading.Thread(target=cls.web.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.web.server_close)
        cls.addClassCleanup(cls.web.shutdown)
        cls.url = f"http://127.0.0.1:{cls.web.server_address[1]}"
        cls.attacks = doctype_attacks(cls.secret_path, cls.url)
        cls.company = cls.company_data["company"]

    def setUp(self):
        super().setUp()
        _UrlRecorder.hits.clear()

    # -------------------------------------------------------------------------
    # Helpers
    # -------------------------------------------------------------------------

    def _camt_file(self, text="Payment", amount=100.0):
        return self._camt([("2026-02-12", amount, text, "Northwind Traders", "BK-1")], start=0.0, end=amount)

    def _ofx_file(self, memo="Payment"):
        return self._ofx([("FIT-1", "20260212", 100.0, "Northwind Traders", memo)], balance=100.0)

    def _counts(self):
        return {
            model: self.env[model].sudo().search_count([])
            for model in ("account.bank.statement", "account.bank.statement.line", "account.move", "ir.attachment")
        }

    def _assert_refused(self, call, pattern):
        """``call`` fails with a UserError matching ``pattern``; nothing was imported; the
        secret file's content and the URL's answer are nowhere: not in the error, a statement
        line, a message of the chatter or the server's log (every level, SQL included); and
        the web server got no request."""
        before = self._counts()
        messages_before = self.env["mail.message"].sudo().search([], order="id desc", limit=1).id
        with self.assertLogs("odoo", logging.DEBUG) as logs, self.assertRaises(UserError) as caught:
            logging.getLogger("odoo.addons.atlas_invoicing").debug("import of a hostile file")
            call()
        message = str(caught.exception)
        self.assertRegex(message, pattern)
        self.assertEqual(self._counts(), before, "nothing is imported")
        for leaked in (self.secret, "LEAKED-OVER-HTTP", "lollollol"):
            self.assertNotIn(leaked, message)
            self.assertFalse(
                self.env["account.bank.statement.line"].sudo().search([("payment_ref", "ilike", leaked)]),
            )
            self.assertFalse(
                self.env["mail.message"].sudo().search([("id", ">", messages_before), ("body", "ilike", leaked)])
            )
            self.assertFalse([line for line in logs.output if leaked in line], "not in the server's log")
        self.assertEqual(_UrlRecorder.hits, [], "the import made no request to the file's URLs")
        return message

    def _dialog(self, content, name, mapping=None, user="bookkeeper"):
        """Banking → Import Statement, as the web client drives it: preview, then import."""
        wizard = (
            self.env["atlas.statement.import"]
            .with_user(self.users[user])
            .create(
                {
                    "journal_id": self.bank.id,
                    "statement_file": base64.b64encode(content),
                    "statement_filename": name,
                    "sheet_mapping_id": mapping.id if mapping else False,
                }
            )
        )
        return wizard

    def _oca_dialog(self, content, name):
        """OCA's own Import dialog (Invoicing → a bank journal → Import), as an Accountant."""
        return (
            self.env["account.statement.import"]
            .with_user(self.users["accountant"])
            .with_context(journal_id=self.bank.id)
            .create({"statement_file": base64.b64encode(content), "statement_filename": name})
            .import_file_button
        )

    # -------------------------------------------------------------------------
    # XML that reads files or URLs, or expands
    # -------------------------------------------------------------------------

    def test_camt_with_a_doctype_is_refused_on_every_door(self):
        for attack, (doctype, text) in self.attacks.items():
            content = with_doctype(self._camt_file(text=text), doctype, after=CAMT_DECLARATION)
            with self.subTest(attack=attack, door="XML-RPC"):
                self._assert_refused(lambda c=content: self._import(c, "camt053.xml"), REFUSED_DTD)
            with self.subTest(attack=attack, door="dialog preview"):
                wizard = self._dialog(content, "camt053.xml")
                self._assert_refused(wizard.action_preview, REFUSED_DTD)
            with self.subTest(attack=attack, door="dialog import"):
                wizard = self._dialog(content, "camt053.xml")
                self._assert_refused(wizard.action_import, REFUSED_DTD)
            with self.subTest(attack=attack, door="OCA's Import dialog"):
                self._assert_refused(self._oca_dialog(content, "camt053.xml"), REFUSED_DTD)

    def test_ofx_with_a_doctype_is_refused(self):
        for attack, (doctype, text) in self.attacks.items():
            content = with_doctype(self._ofx_file(memo=text), doctype, after=OFX_HEADER_END)
            with self.subTest(attack=attack, door="XML-RPC"):
                self._assert_refused(lambda c=content: self._import(c, "statement.ofx"), REFUSED_DTD)
            with self.subTest(attack=attack, door="dialog"):
                self._assert_refused(self._dialog(content, "statement.ofx").action_preview, REFUSED_DTD)

    def test_doctype_in_another_encoding_or_with_a_mapping_is_refused(self):
        doctype, text = self.attacks["external entity, file"]
        camt = with_doctype(self._camt_file(text=text), doctype, after=CAMT_DECLARATION)
        utf16 = camt.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
        self._assert_refused(lambda: self._import(utf16, "camt053.xml"), REFUSED_DTD)
        # The journal's CSV mapping does not send an XML file to the CSV parser, nor past the check.
        self.bank.default_sheet_mapping_id = self.mapping
        self._assert_refused(lambda: self._import(camt, "camt053.xml", mapping=self.mapping), REFUSED_DTD)

    def test_xlsx_whose_sheet_declares_entities_is_refused(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Date", "Description", "Reference", "Payer", "Amount", "Balance", "Method"])
        sheet.append(["2026-02-12", "Payment", "REF", "Northwind Traders", 100.0, 100.0, "ACH"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        doctype, _text = self.attacks["external entity, file"]
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        sheet_xml = members["xl/worksheets/sheet1.xml"]
        if sheet_xml.startswith(b"<?xml"):
            sheet_xml = with_doctype(sheet_xml, doctype, after=b"?>")
        else:
            sheet_xml = doctype.encode() + sheet_xml
        members["xl/worksheets/sheet1.xml"] = sheet_xml
        content = zip_of(members)
        message = self._assert_refused(
            lambda: self._import(content, "statement.xlsx", mapping=self.mapping), REFUSED_DTD
        )
        self.assertIn("xl/worksheets/sheet1.xml", message)

    def test_camt_parser_refuses_a_doctype_even_when_called_directly(self):
        # OCA's parser, called without the import's checks (as another module might): the file
        # is refused, the entity never read; a plain file is parsed as before.
        parser = self.env["account.statement.import.camt.parser"]
        doctype, text = self.attacks["external entity, file"]
        with self.assertRaisesRegex(ValueError, "declares a DOCTYPE") as caught:
            parser.parse(with_doctype(self._camt_file(text=text), doctype, after=CAMT_DECLARATION))
        self.assertNotIn(self.secret, str(caught.exception))
        _currency, _account, statements = parser.parse(self._camt_file(text="INV/2026/00001 thank you"))
        self.assertEqual(
            [line["payment_ref"] for statement in statements for line in statement["transactions"]],
            ["INV/2026/00001 thank you"],
        )

    # -------------------------------------------------------------------------
    # Size and archives
    # -------------------------------------------------------------------------

    def test_file_over_the_company_limit_is_refused_before_it_is_read(self):
        self.assertEqual(self.company.atlas_statement_file_limit_mb, 20)
        padding = b"<!-- " + b" " * (21 * 1024 * 1024) + b" -->"
        big = self._camt_file().replace(b"<Document", padding + b"<Document", 1)
        pattern = r"“big\.xml” is 21\.0 MB, over the 20 MB a bank statement file may have"
        self._assert_refused(lambda: self._import(big, "big.xml"), pattern)
        self._assert_refused(self._dialog(big, "big.xml").action_preview, pattern)
        self._assert_refused(self._oca_dialog(big, "big.xml"), pattern)
        big_ofx = self._ofx_file().replace(b"<OFX>", padding + b"<OFX>", 1)
        self._assert_refused(
            lambda: self._import(big_ofx, "big.ofx"), r"“big\.ofx” is 21\.0 MB, over the 20 MB a bank statement file"
        )
        # The limit is the company's: an administrator lowers it to 1 MB.
        self.env["res.config.settings"].with_user(self.users["admin"]).create(
            {"atlas_statement_file_limit_mb": 1}
        ).execute()
        self.assertEqual(self.company.atlas_statement_file_limit_mb, 1)
        small = self._camt_file().replace(b"<Document", b"<!--" + b" " * (1536 * 1024) + b"-->" + b"<Document", 1)
        self._assert_refused(lambda: self._import(small, "feb.xml"), r"1\.5 MB, over the 1 MB")
        self.assertEqual(self._import(self._camt_file(), "feb.xml")["line_count"], 1)

    def test_zip_bombs_are_refused(self):
        # One member of 200 MB in a 200 KB archive: refused from its declared size.
        bomb = zip_bomb(200 * 1024 * 1024)
        self.assertLess(len(bomb), 1024 * 1024)
        self._assert_refused(
            lambda: self._import(bomb, "statements.zip"), r"would take 200\.0 MB once unpacked, over the 20 MB"
        )
        self._assert_refused(self._dialog(bomb, "statements.zip").action_preview, r"would take 200\.0 MB")
        self._assert_refused(self._oca_dialog(bomb, "statements.zip"), r"would take 200\.0 MB")
        # A member that declares 1 KB and unpacks to 30 MB: stopped while it is read.
        liar = lying_zip(30 * 1024 * 1024, 1024)
        self._assert_refused(lambda: self._import(liar, "statements.zip"), r"“statement\.xml” in the archive")
        # Thousands of members.
        many = zip_of({f"camt-{number:05d}.xml": b"" for number in range(5000)})
        self._assert_refused(lambda: self._import(many, "statements.zip"), r"holds 5000 files, more than the 400")
        # An archive in an archive.
        nested = zip_of({"inner.zip": zip_of({"camt053.xml": self._camt_file()})})
        self._assert_refused(lambda: self._import(nested, "statements.zip"), r"holds another archive \(“inner\.zip”\)")

    def test_zip_of_statements_within_the_limits_is_imported(self):
        february = self._camt_file(amount=100.0)
        march = self._camt(
            [("2026-03-02", 40.0, "Payment", "Northwind Traders", "BK-2")], start=100.0, end=140.0
        ).replace(b"STMT-2026-02", b"STMT-2026-03")
        content = zip_of({"camt-02.xml": february, "camt-03.xml": march, "__MACOSX/._camt-02.xml": b"\x00\x05"})
        result = self._import(content, "statements.zip")
        self.assertEqual(result["line_count"], 2)
        lines = self._lines(result).sorted("date")
        self.assertEqual(lines.mapped("amount"), [100.0, 40.0])
        self.assertEqual(self._import(content, "statements.zip")["duplicates"], 2)
        # A zip whose statement carries a DOCTYPE is refused, naming the member.
        doctype, text = self.attacks["external entity, file"]
        hostile = zip_of({"camt.xml": with_doctype(self._camt_file(text=text), doctype, after=CAMT_DECLARATION)})
        message = self._assert_refused(lambda: self._import(hostile, "statements.zip"), REFUSED_DTD)
        self.assertIn("statements.zip › camt.xml", message)

    # -------------------------------------------------------------------------
    # Companies the user may not see
    # -------------------------------------------------------------------------

    def test_matching_reads_only_the_companies_the_user_works_in(self):
        branch = self.env["res.company"].create(
            {"name": "Atlas Branch", "parent_id": self.company.id, "country_id": self.company.country_id.id}
        )
        self.env.cr.precommit.run()  # the branch's accounting setup
        self.env.user.company_ids |= branch
        invoice = (
            self.env["account.move"]
            .with_company(branch)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": branch.id,
                    "partner_id": self.bluebird.id,
                    "invoice_date": "2026-02-01",
                    "invoice_line_ids": [Command.create({"name": "Branch work", "price_unit": 777.0, "tax_ids": []})],
                }
            )
        )
        invoice.action_post()
        content = self._camt_file(text="Thank you", amount=777.0)
        # The bookkeeper works in the parent company only: the branch's invoice is not theirs
        # to see, and the line stays unmatched.
        result = self._import(content, "camt053.xml")
        line = self._lines(result)
        self.assertRecordValues(line, [{"atlas_match_kind": False, "atlas_match_invoice_id": False}])
        # Given the branch, the next bank line of that amount is matched to its invoice.
        self.users["bookkeeper"].company_ids |= branch
        content = self._camt([("2026-02-13", 777.0, "Thank you", "Northwind Traders", "BK-2")], start=777.0, end=1554.0)
        result = (
            self.env["account.bank.statement"]
            .with_user(self.users["bookkeeper"])
            .with_context(allowed_company_ids=[self.company.id, branch.id])
            .atlas_import_statement(self.bank.id, base64.b64encode(content).decode(), "camt053-2.xml")
        )
        self.assertRecordValues(
            self._lines(result), [{"atlas_match_kind": "amount", "atlas_match_invoice_id": invoice.id}]
        )
