"""A bank statement imported in the background: its state, its chunks, Resume and Cancel.

The statement exists from the start, empty, with the file's balances; it says it is importing
(and how far it got) until its last chunk is done, when its totals are computed once and its
end balance checked, as the import does in one transaction.
"""

import datetime
import decimal
import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.atlas_invoicing_queue.models.atlas_queue_chunk import (
    DEAD_AFTER_SECONDS,
    MAX_TRIES,
    requeue_dead_jobs,
)

from .atlas_statement_import_chunk import IMPORT_CHUNK_LOCK


def _json_value(value):
    """The parsers' dates and amounts as the chunk's JSON holds them, and the ORM reads them."""
    if isinstance(value, datetime.datetime):
        return fields.Datetime.to_string(value)
    if isinstance(value, datetime.date):
        return fields.Date.to_string(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not a statement line's value")


class AccountBankStatement(models.Model):
    _inherit = "account.bank.statement"

    atlas_import_state = fields.Selection(
        selection=[
            ("importing", "Importing"),
            ("failed", "Import Failed"),
            ("cancel", "Import Cancelled"),
        ],
        string="Import",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set while the statement's file is imported in the background, or when its import "
        "stopped before its last line.",
    )
    atlas_import_total = fields.Integer(string="Lines to Import", readonly=True, copy=False)
    atlas_import_done = fields.Integer(string="Lines Imported", compute="_compute_atlas_import_progress")
    atlas_import_progress = fields.Char(string="Import Progress", compute="_compute_atlas_import_progress")
    atlas_import_error = fields.Text(string="Import Error", readonly=True, copy=False)
    # Odoo's statement takes its journal from its lines: an import's statement is in its
    # journal (and company) from the start, before its first line.
    atlas_import_journal_id = fields.Many2one(comodel_name="account.journal", readonly=True, copy=False)
    # The date of the file's last line: the statement's date (Odoo's, the date of its last
    # line) from the start, before its lines come in.
    atlas_import_date = fields.Date(readonly=True, copy=False)
    # The file gave no end balance: the lines make it, once they are all there.
    atlas_import_end_from_lines = fields.Boolean(readonly=True, copy=False)
    atlas_import_chunk_ids = fields.One2many(
        comodel_name="atlas.statement.import.chunk",
        inverse_name="statement_id",
        string="Import Jobs",
        readonly=True,
    )

    @api.depends("atlas_import_journal_id")
    def _compute_journal_id(self):
        # EXTENDS account
        res = super()._compute_journal_id()
        for statement in self:
            if not statement.journal_id and statement.atlas_import_journal_id:
                statement.journal_id = statement.atlas_import_journal_id
        return res

    @api.depends("atlas_import_state", "atlas_import_date")
    def _compute_date_index(self):
        # EXTENDS account: while its file is imported, the statement is dated as it will be
        # once complete, not by the lines in so far (none, at first: no date at all).
        res = super()._compute_date_index()
        for statement in self:
            if statement.atlas_import_state in ("importing", "failed") and statement.atlas_import_date:
                statement.date = statement.atlas_import_date
        return res

    @api.depends("atlas_import_state", "atlas_import_total", "atlas_import_chunk_ids.done_count")
    def _compute_atlas_import_progress(self):
        for statement in self:
            done = sum(statement.atlas_import_chunk_ids.mapped("done_count"))
            statement.atlas_import_done = done
            statement.atlas_import_progress = statement._atlas_import_words(done)

    def _atlas_import_words(self, done):
        self.ensure_one()
        words = {
            "importing": self.env._("Importing in the background: %(done)s of %(total)s lines"),
            "failed": self.env._(
                "Import stopped at %(done)s of %(total)s lines: a chunk failed. Resume imports the rest."
            ),
            "cancel": self.env._(
                "Import cancelled at %(done)s of %(total)s lines. Importing the file again imports the rest."
            ),
        }.get(self.atlas_import_state)
        if not words:
            return False
        return words % {"done": f"{done:,}", "total": f"{self.atlas_import_total:,}"}

    # -------------------------------------------------------------------------
    # Start
    # -------------------------------------------------------------------------

    @api.model
    def _atlas_create_importing(self, st_vals, chunk_size):
        """A statement of the file, created empty and marked as importing, its transactions in
        chunks, one queued job per chunk. :return: the statement"""
        transactions = json.loads(json.dumps(st_vals.pop("transactions"), default=_json_value))
        context = st_vals.pop("creation_context", {})
        end_from_lines = not st_vals.get("balance_end_real")
        statement = self.with_context(**context).create(
            {
                **st_vals,
                "atlas_import_date": max(transaction["date"] for transaction in transactions),
                "atlas_import_state": "importing",
                "atlas_import_total": len(transactions),
                "atlas_import_end_from_lines": end_from_lines,
                "atlas_import_journal_id": st_vals["journal_id"],
            }
        )
        self.env["atlas.statement.import.chunk"].sudo().create(
            [
                {
                    "statement_id": statement.id,
                    "sequence": number,
                    "first_line": start + 1,
                    "transactions": transactions[start : start + chunk_size],
                    "line_count": len(transactions[start : start + chunk_size]),
                }
                for number, start in enumerate(range(0, len(transactions), chunk_size), start=1)
            ]
        )
        statement._atlas_enqueue_import_chunks(statement.atlas_import_chunk_ids)
        return statement

    def _atlas_enqueue_import_chunks(self, chunks):
        self.ensure_one()
        # Each job runs as the user who imported the file, with that user's rights.
        for chunk in chunks.with_env(self.env):
            job = chunk.with_delay(
                max_retries=MAX_TRIES,
                description=self.env._(
                    "%(statement)s: import, chunk %(chunk)s (%(count)s lines)",
                    statement=self.name or self.journal_id.name,
                    chunk=chunk.sequence,
                    count=chunk.line_count,
                ),
            )._atlas_job_perform()
            chunk.sudo().write({"job_uuid": job.uuid, "state": "pending", "error": False})

    # -------------------------------------------------------------------------
    # Progress and end
    # -------------------------------------------------------------------------

    def _atlas_enqueue_import_progress(self, eta=None):
        self.ensure_one()
        return self.with_delay(
            eta=eta,
            identity_key=f"atlas-statement-watch-{self.id}" if eta else None,
            description=self.env._("%(statement)s: import progress", statement=self.name or self.journal_id.name),
        )._atlas_job_import_progress()

    def _atlas_job_import_progress(self):
        """After a chunk: once none is queued, end the import (totals, end balance) or, when a
        chunk failed, say so on the statement. Several of these may run at once: the statement
        row is locked, and the import ends once."""
        self.ensure_one()
        statement = self.sudo()  # the statement's bookkeeping, whoever's import it is
        self.env.cr.execute("SELECT 1 FROM account_bank_statement WHERE id = %s FOR UPDATE", [self.id])
        if statement.atlas_import_state != "importing":
            return self.env._("The import of this statement is over.")
        chunks = statement.atlas_import_chunk_ids
        queued = chunks.filtered(lambda c: c.state == "pending")
        if queued:
            if requeue_dead_jobs(self.env, queued, IMPORT_CHUNK_LOCK, f"Statement {statement.id}"):
                # Look again later, in case a worker dies under them.
                statement._atlas_enqueue_import_progress(eta=DEAD_AFTER_SECONDS + 5)
            return self.env._("%(count)s of %(total)s jobs to go.", count=len(queued), total=len(chunks))
        failed = chunks.filtered(lambda c: c.state == "failed")
        if failed:
            statement.write({"atlas_import_state": "failed", "atlas_import_error": "\n".join(failed.mapped("error"))})
            return self.env._("%(count)s jobs failed.", count=len(failed))
        statement._atlas_end_import()
        return self.env._("Import done.")

    def _atlas_end_import(self):
        """The statement's totals, computed once from all its lines, and its end balance: the
        file's (checked at the start: the lines add up to it), or the lines' when the file gave
        none."""
        for statement in self:
            statement._atlas_recompute_from_lines(statement._atlas_fields_from_lines())
            values = {"atlas_import_state": False, "atlas_import_error": False}
            if statement.atlas_import_end_from_lines:
                values["balance_end_real"] = statement.balance_end
            statement.write(values)

    # -------------------------------------------------------------------------
    # Resume, Cancel (buttons and XML-RPC)
    # -------------------------------------------------------------------------

    def _atlas_check_background_import(self):
        self.env["account.bank.statement.line"]._atlas_check_bank_role()
        for statement in self:
            if statement.atlas_import_state not in ("importing", "failed"):
                raise UserError(
                    self.env._(
                        "Statement %(statement)s is not being imported: there is nothing to resume or cancel.",
                        statement=statement.display_name,
                    )
                )

    def action_atlas_import_resume(self):
        """Queue again the chunks not imported yet (failed, or whose job is gone). Bookkeeper."""
        self._atlas_check_background_import()
        for statement in self:
            chunks = statement.atlas_import_chunk_ids
            alive = (
                self.env["queue.job"]
                .sudo()
                .search(
                    [
                        ("uuid", "in", chunks.mapped("job_uuid")),
                        ("state", "in", ("wait_dependencies", "pending", "enqueued", "started")),
                    ]
                )
                .mapped("uuid")
            )
            todo = chunks.filtered(
                lambda c, alive=alive: c.state == "failed" or (c.state == "pending" and c.job_uuid not in alive)
            )
            running = chunks.filtered(lambda c: c.state == "pending") - todo
            if todo:
                statement.sudo().write({"atlas_import_state": "importing", "atlas_import_error": False})
                statement._atlas_enqueue_import_chunks(todo)
            elif running:
                # Their jobs are queued or running: queuing them again would import their lines twice.
                raise UserError(
                    self.env._(
                        "Nothing to resume: %(count)s chunks of statement %(statement)s are still queued or "
                        "running. The statement shows how far the import got; Resume is for a chunk that failed "
                        "or whose job is gone.",
                        count=len(running),
                        statement=statement.display_name,
                    )
                )
            else:
                statement.sudo().write({"atlas_import_state": "importing"})
                statement._atlas_enqueue_import_progress()
        return True

    def action_atlas_import_cancel(self):
        """Stop the import: the chunks not imported yet are dropped (a chunk being imported is
        waited for), the lines imported so far stay, and the statement's totals and end balance
        are those of its lines. Importing the file again imports the rest, nothing twice.
        Bookkeeper."""
        self._atlas_check_background_import()
        for statement in self:
            chunks = statement.atlas_import_chunk_ids.filtered(lambda c: c.state in ("pending", "failed"))
            for chunk in chunks:
                # A chunk's job holds this lock while it runs: wait for it to commit or fail.
                self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_CHUNK_LOCK, chunk.id])
            chunks.sudo().write({"state": "cancel"})
            jobs = (
                self.env["queue.job"]
                .sudo()
                .search([("uuid", "in", chunks.mapped("job_uuid")), ("state", "in", ("pending", "enqueued"))])
            )
            jobs.button_cancelled()
            statement = statement.sudo()
            statement._atlas_recompute_from_lines(statement._atlas_fields_from_lines())
            statement.write(
                {
                    "atlas_import_state": "cancel",
                    "atlas_import_error": False,
                    "balance_end_real": statement.balance_end,
                }
            )
        return True
