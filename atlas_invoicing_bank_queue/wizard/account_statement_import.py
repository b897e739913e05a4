"""A long statement file imported by queue jobs, chunk by chunk.

The file is parsed and checked whole first, as always: any refusal imports nothing. Then a
statement of more than one chunk of new lines is created empty, marked as importing, and its
lines are left to one job per chunk (see atlas.statement.import.chunk); a shorter one is
imported in the request, as without jobs. Jobs are used when batches use them (a job runner
serves the database, or the system parameter atlas_invoicing_queue.dispatch says always).
"""

from odoo import models

from odoo.addons.atlas_invoicing_bank.wizard.account_statement_import import IMPORT_CHUNK

CHUNK_SIZE_PARAM = "atlas_invoicing_bank_queue.chunk_size"


class AccountStatementImport(models.TransientModel):
    _inherit = "account.statement.import"

    def _atlas_import_chunk_size(self):
        """Lines per job (system parameter atlas_invoicing_bank_queue.chunk_size, default the
        import's own chunk): a file of more new lines than that is imported by jobs."""
        size = self.env["ir.config_parameter"].sudo().get_param(CHUNK_SIZE_PARAM)
        return max(int(size), 1) if size and size.strip().isdigit() else IMPORT_CHUNK

    def _create_bank_statements(self, stmts_vals, result):
        # EXTENDS atlas_invoicing_bank: the statements longer than a chunk go to jobs.
        # Only Atlas's import (its dialog, XML-RPC) matches the lines it creates; OCA's own
        # Import dialog imports as it always has.
        size = self._atlas_import_chunk_size()
        if not self.env.context.get("atlas_import") or not any(len(st["transactions"]) > size for st in stmts_vals):
            return super()._create_bank_statements(stmts_vals, result)
        if not self.env["atlas.invoice.batch"]._atlas_runs_jobs():
            return super()._create_bank_statements(stmts_vals, result)
        stmts_vals = self._atlas_drop_imported(stmts_vals, result)
        long = [st for st in stmts_vals if len(st["transactions"]) > size]
        short = [st for st in stmts_vals if len(st["transactions"]) <= size]
        if short:
            # Already without their imported lines: counted once.
            super()._create_bank_statements(short, result)
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        Statement = self.env["account.bank.statement"]
        for st_vals in long:
            st_vals["creation_context"] = {**st_vals.get("creation_context", {}), **quiet}
            statement = Statement._atlas_create_importing(st_vals, size)
            result["statement_ids"].append(statement.id)
        return True

    def _atlas_import(self, journal):
        # EXTENDS atlas_invoicing_bank: the result says which statements are still importing.
        summary = super()._atlas_import(journal)
        statements = self.env["account.bank.statement"].browse(summary["statement_ids"])
        importing = statements.filtered("atlas_import_state")
        summary["importing"] = [
            {
                "statement_id": statement.id,
                "state": statement.atlas_import_state,
                "done": statement.atlas_import_done,
                "total": statement.atlas_import_total,
                "message": statement.atlas_import_progress,
            }
            for statement in importing
        ]
        summary["background_line_count"] = sum(importing.mapped("atlas_import_total"))
        if importing:
            summary["balance_end"] = statements[-1:].balance_end_real
        return summary
