from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.statement_file import check_size, decoded_size

NOT_SHEET_EXTENSIONS = (".ofx", ".qfx", ".xml", ".053", ".zip")


class AtlasStatementImport(models.TransientModel):
    """Banking → Import Statement: a file, a preview of what it holds, then the import and
    the matching. The parsing and the checks are OCA's account.statement.import's, with
    Atlas's additions (see models/bank_statement_import.py)."""

    _name = "atlas.statement.import"
    _description = "Import Bank Statement"

    journal_id = fields.Many2one(
        "account.journal",
        string="Bank Account",
        required=True,
        domain="[('type', '=', 'bank')]",
        default=lambda self: self.env["account.journal"].search(
            [("type", "=", "bank"), *self.env["account.journal"]._check_company_domain(self.env.company)], limit=1
        ),
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    statement_file = fields.Binary(required=True)
    statement_filename = fields.Char(string="File Name")
    sheet_mapping_id = fields.Many2one(
        "account.statement.import.sheet.mapping",
        string="CSV Mapping",
        help="How to read the columns of a CSV file; OFX and CAMT.053 files need none.",
        compute="_compute_sheet_mapping_id",
        store=True,
        readonly=False,
    )
    # An OFX or CAMT file is read by its own parser: the CSV mapping is asked for other files.
    needs_sheet_mapping = fields.Boolean(compute="_compute_needs_sheet_mapping")
    import_lookalikes = fields.Boolean(
        string="Import them anyway",
        help="Import the new lines that have the date and amount of a line already in the bank account.",
    )
    state = fields.Selection([("choose", "Choose"), ("preview", "Preview"), ("done", "Done")], default="choose")
    line_count = fields.Integer(string="New Lines", readonly=True)
    duplicate_count = fields.Integer(string="Already Imported", readonly=True)
    balance_start = fields.Monetary(string="Start Balance", readonly=True)
    balance_end = fields.Monetary(string="End Balance", readonly=True)
    date_from = fields.Date(string="From", readonly=True)
    date_to = fields.Date(string="To", readonly=True)
    lookalike_count = fields.Integer(
        string="Lines Like Imported Ones",
        readonly=True,
        help="New lines with the date and amount of a line already in the journal, e.g. the same month "
        "imported before from another format of the bank's file.",
    )
    expected_balance_start = fields.Monetary(
        string="Balance Before",
        readonly=True,
        help="The bank account's balance before this file's first day, from its earlier statements.",
    )
    balance_gap = fields.Boolean(readonly=True)
    matched_count = fields.Integer(string="Matched", readonly=True)
    confirmed_count = fields.Integer(string="Confirmed", readonly=True)
    to_confirm_count = fields.Integer(string="To Confirm", readonly=True)
    unmatched_count = fields.Integer(string="Matched to Nothing", readonly=True)
    statement_ids = fields.Many2many("account.bank.statement", readonly=True)

    @api.depends("journal_id")
    def _compute_currency_id(self):
        for wizard in self:
            wizard.currency_id = wizard.journal_id.currency_id or wizard.journal_id.company_id.currency_id

    @api.depends("journal_id")
    def _compute_sheet_mapping_id(self):
        for wizard in self:
            wizard.sheet_mapping_id = wizard.journal_id.default_sheet_mapping_id

    @api.depends("statement_filename")
    def _compute_needs_sheet_mapping(self):
        for wizard in self:
            name = (wizard.statement_filename or "").lower()
            wizard.needs_sheet_mapping = not name.endswith(NOT_SHEET_EXTENSIONS)

    def _oca_wizard(self):
        self.ensure_one()
        journal = self.env["account.bank.statement"]._atlas_bank_journal(self.journal_id.id)
        # A file over the limit is refused before it is copied or decoded.
        check_size(
            self.env,
            decoded_size(self.statement_file),
            self.statement_filename or "",
            journal.company_id.atlas_statement_file_limit_mb,
        )
        oca = (
            self.env["account.statement.import"]
            .with_context(journal_id=journal.id)
            .create(
                {
                    "statement_file": self.statement_file,
                    "statement_filename": self.statement_filename,
                    "sheet_mapping_id": self.sheet_mapping_id.id,
                }
            )
        )
        return journal, oca

    def _atlas_preview(self):
        """What the file holds, checked as the import will check it; nothing is written."""
        journal, oca = self._oca_wizard()
        parsed = oca._atlas_parse(oca._atlas_file_data(), journal)
        statements = [st for _currency, _journal, stmts in parsed for st in stmts]
        ids = [vals["unique_import_id"] for st in statements for vals in st["transactions"]]
        Line = self.env["account.bank.statement.line"].sudo()
        existing = set(
            Line.search([("journal_id", "=", journal.id), ("unique_import_id", "in", ids)]).mapped("unique_import_id")
        )
        new = [vals for st in statements for vals in st["transactions"] if vals["unique_import_id"] not in existing]
        dates = [fields.Date.to_date(vals["date"]) for st in statements for vals in st["transactions"]]
        balance_start = statements[0].get("balance_start") or 0.0
        # What the file's start balance should be, when the journal has lines before its first
        # day (a first statement can start anywhere).
        expected = self.env["account.bank.statement"]._atlas_balance_before(journal, min(dates))
        currency = journal.currency_id or journal.company_id.currency_id
        return {
            "line_count": len(new),
            "duplicate_count": len(ids) - len(new),
            "balance_start": balance_start,
            "balance_end": statements[-1].get("balance_end_real") or 0.0,
            "date_from": min(dates),
            "date_to": max(dates),
            "lookalike_count": self._atlas_lookalikes(journal, new),
            "expected_balance_start": expected or 0.0,
            "balance_gap": expected is not None and currency.compare_amounts(expected, balance_start) != 0,
        }

    def _atlas_lookalikes(self, journal, transactions):
        """How many of these new lines have the date and amount of a line already in the
        journal: the same bank transactions imported from another file (the OFX of a month whose
        CSV was imported gives its lines other import ids, and other labels)."""
        if not transactions:
            return 0
        dates = [fields.Date.to_date(vals["date"]) for vals in transactions]
        currency = journal.currency_id or journal.company_id.currency_id
        known = Counter(
            (line.date, currency.round(line.amount))
            for line in self.env["account.bank.statement.line"]
            .sudo()
            .search(
                [
                    ("journal_id", "=", journal.id),
                    ("date", ">=", min(dates)),
                    ("date", "<=", max(dates)),
                    ("state", "=", "posted"),
                ]
            )
        )
        count = 0
        for date, vals in zip(dates, transactions, strict=True):
            key = (date, currency.round(float(vals["amount"])))
            if known[key]:
                known[key] -= 1
                count += 1
        return count

    def action_preview(self):
        self.ensure_one()
        self.env["account.bank.statement.line"]._atlas_check_bank_role()
        self.write({**self._atlas_preview(), "state": "preview"})
        return self._reopen()

    def _atlas_run_import(self):
        journal, oca = self._oca_wizard()
        result = oca._atlas_import(journal)
        self.write(
            {
                "state": "done",
                "line_count": result["line_count"],
                "duplicate_count": result["duplicates"],
                "matched_count": result["matched"],
                "confirmed_count": result["confirmed"],
                "to_confirm_count": sum(
                    line["match"] not in (False, "ambiguous") and not line["reconciled"] for line in result["lines"]
                ),
                "unmatched_count": sum(not line["match"] and not line["reconciled"] for line in result["lines"]),
                "statement_ids": [fields.Command.set(result["statement_ids"])],
            }
        )
        return result

    def action_import(self):
        self.ensure_one()
        self.env["account.bank.statement.line"]._atlas_check_bank_role()
        if self.lookalike_count and not self.import_lookalikes:
            raise UserError(
                self.env._(
                    "%(count)s of the new lines have the date and amount of a line already in this bank account: "
                    "the same transactions imported from another file? Tick “Import them anyway” to import "
                    "them all the same, or close the dialog to import nothing.",
                    count=self.lookalike_count,
                )
            )
        self._atlas_run_import()
        return self._reopen()

    def action_open_reconcile(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("atlas_invoicing_bank.action_atlas_bank_lines")
        action["domain"] = [("statement_id", "in", self.statement_ids.ids)]
        return action

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Statement"),
        }
