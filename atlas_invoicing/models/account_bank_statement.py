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
