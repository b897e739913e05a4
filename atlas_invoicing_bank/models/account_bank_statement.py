from odoo import api, models
from odoo.exceptions import UserError


class AccountBankStatement(models.Model):
    _inherit = "account.bank.statement"

    @api.model
    def atlas_import_statement(self, journal_id, file, file_name, mapping_id=None):
        """Import a bank statement file into a bank journal and match its lines (XML-RPC).

        :param journal_id: the bank journal (e.g. Business Checking)
        :param file: the file's content, base64
        :param file_name: its name (the CSV, OFX or CAMT.053 parser is chosen from the content)
        :param mapping_id: the CSV column mapping (default: the journal's)
        :return: {"statement_ids", "line_count", "duplicates", "balance_start", "balance_end",
                  "matched", "confirmed", "lines": [{"id", "date", "amount", "label", "match",
                  "certain", "invoice_id", "invoice_name", "invoice_status", "payment_id",
                  "reconciled"}]}

        Bookkeeper and up. A bad file raises an error naming the line, and nothing is imported.
        """
        self.env["account.bank.statement.line"]._atlas_check_bank_role()
        vals = {"journal_id": journal_id, "statement_file": file, "statement_filename": file_name}
        if mapping_id:
            vals["sheet_mapping_id"] = mapping_id
        wizard = self.env["atlas.statement.import"].create(vals)
        return wizard._atlas_run_import()

    @api.model
    def _atlas_bank_journal(self, journal_id):
        journal = self.env["account.journal"].browse(journal_id).exists()
        if not journal or journal.type != "bank":
            raise UserError(self.env._("Choose a bank journal (e.g. Business Checking) to import the statement into."))
        return journal

    @api.model
    def _atlas_fields_from_lines(self):
        """The statement's stored fields computed from its lines, directly (balance, date,
        first line, journal) or through another of them (completeness)."""
        computed = [field for field in self._fields.values() if field.store and field.compute]
        names = set()
        while True:
            more = {
                field.name
                for field in computed
                if field.name not in names
                and any(
                    path.split(".")[0] == "line_ids" or path.split(".")[0] in names
                    for path in self.pool.field_depends[field]
                )
            }
            if not more:
                return [self._fields[name] for name in sorted(names)]
            names |= more

    def _atlas_recompute_from_lines(self, fields_):
        """Compute ``fields_`` (see _atlas_fields_from_lines) of these statements now, reading
        only the fields of their lines the computations use."""
        statements = self.with_context(prefetch_fields=False)
        for field in fields_:
            self.env.add_to_compute(field, statements)
        statements.flush_recordset()
        self.env.flush_all()
        self.env.invalidate_all()

    @api.model
    def _atlas_balance_before(self, journal, date):
        """The bank account's balance before ``date`` as its statements give it, the way Odoo
        computes a new statement's start: the end balance of the last statement before that
        day, plus the lines since then that are in no statement. None if the journal has no
        line before that day."""
        Line = self.env["account.bank.statement.line"].sudo()
        domain = [("journal_id", "=", journal.id), ("date", "<", date), ("state", "=", "posted")]
        previous = Line.search([*domain, ("statement_id", "!=", False)], order="internal_index desc", limit=1)
        if previous:
            domain.append(("internal_index", ">", previous.internal_index))
        between = Line.search(domain)
        if not previous and not between:
            return None
        return previous.statement_id.balance_end_real + sum(between.mapped("amount"))
