"""A chunk of a long bank statement file, imported by one queue job.

The file is parsed and checked whole before anything is written; its statement is created
empty, marked as importing, and each chunk holds the transactions it will add (as parsed, with
their import ids). A chunk's job creates the lines whose import id the journal does not have
yet, so a chunk performed twice, or again after its worker died, adds nothing; then it matches
them as the import always does.
"""

from odoo import fields, models

from odoo.addons.atlas_invoicing_queue.models.account_move import NUMBERING_LOCK
from odoo.addons.queue_job.exception import RetryableJobError

# pg_advisory_xact_lock's first key for a statement chunk's job (see atlas.queue.chunk).
IMPORT_CHUNK_LOCK = 0x41534943
# A chunk whose journal another chunk is importing into comes again this many seconds later.
JOURNAL_BUSY_SECONDS = 5


class AtlasStatementImportChunk(models.Model):
    _name = "atlas.statement.import.chunk"
    _inherit = "atlas.queue.chunk"
    _description = "Bank Statement Import Job"
    _order = "statement_id, sequence, id"
    _atlas_chunk_lock = IMPORT_CHUNK_LOCK

    statement_id = fields.Many2one(
        comodel_name="account.bank.statement",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="statement_id.company_id")
    # The sequence of the chunk's first line in the statement: the lines keep the file's order.
    first_line = fields.Integer(readonly=True)
    transactions = fields.Json(readonly=True, help="The chunk's transactions, as parsed from the file.")
    line_count = fields.Integer(string="Lines", readonly=True)
    state = fields.Selection(
        selection=[
            ("pending", "Queued"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancel", "Cancelled"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    done_count = fields.Integer(string="Imported", readonly=True)

    # -------------------------------------------------------------------------
    # The job
    # -------------------------------------------------------------------------

    def _atlas_chunk_is_due(self):
        return super()._atlas_chunk_is_due() and self.statement_id.atlas_import_state == "importing"

    def _atlas_chunk_run(self):
        """Create the chunk's lines in its statement and match them; :return: how many were
        created (none for lines the journal already has: a chunk run twice adds nothing)."""
        statement = self.statement_id
        # The lines of a journal are numbered one after the other: chunks of statements of the
        # same journal add theirs one at a time rather than fight over the numbers. A chunk that
        # finds the journal taken gives its worker back and comes again a few seconds later (a
        # worker waiting on a lock is one the job runner counts as busy, for minutes).
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [NUMBERING_LOCK, statement.journal_id.id])
        if not self.env.cr.fetchone()[0]:
            raise RetryableJobError(
                self.env._(
                    "Another chunk is being imported into %(journal)s: this one waits its turn.",
                    journal=statement.journal_id.display_name,
                ),
                seconds=JOURNAL_BUSY_SECONDS,
                ignore_retry=True,
            )
        return self._atlas_create_lines(statement)

    def _atlas_chunk_done(self, result):
        # The chunk is the statement's bookkeeping: written whatever the user's rights on it.
        self.sudo().write({"state": "done", "done_count": self.line_count, "error": False})
        self.statement_id._atlas_enqueue_import_progress()
        return self.env._(
            "Chunk %(chunk)s: %(created)s lines imported, %(skipped)s already there.",
            chunk=self.sequence,
            created=result,
            skipped=self.line_count - result,
        )

    def _atlas_create_lines(self, statement):
        """Create the chunk's lines not in the journal yet, with the statement's totals left for
        the end of the import, and match them. :return: how many were created."""
        transactions = self.transactions or []
        ids = [vals["unique_import_id"] for vals in transactions]
        self.env["account.bank.statement.line"].flush_model(["unique_import_id"])
        self.env.cr.execute(
            "SELECT unique_import_id FROM account_bank_statement_line"
            " WHERE journal_id = %s AND unique_import_id = ANY(%s)",
            [statement.journal_id.id, ids],
        )
        existing = {row[0] for row in self.env.cr.fetchall()}
        todo = []
        for number, vals in enumerate(transactions):
            if vals["unique_import_id"] in existing:
                continue
            todo.append({**vals, "sequence": self.first_line + number, "statement_id": statement.id})
        if not todo:
            return 0
        # As the import creates them (see account.statement.import): the lines' entries made in
        # bulk without tracking messages, matched by Atlas after their creation.
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True, "atlas_import": True}
        Line = self.env["account.bank.statement.line"].with_context(**quiet)
        statement = statement.with_context(**quiet)
        # Odoo would recompute the statement's totals from all its lines at each chunk: they
        # are computed once, when the last chunk is done.
        totals = statement._atlas_fields_from_lines()
        with self.env.protecting(totals, statement):
            lines = Line.create(todo)
            self.env.flush_all()
            lines._atlas_match_lines()
            self.env.flush_all()
        self.env.invalidate_all()
        return len(todo)

    def _atlas_job_failed(self, exc_name=None, exc_message=None):
        """queue_job gave up on the chunk: it shows on the statement as failed, with its error.
        Nothing of the chunk was kept (its transaction was rolled back); Resume tries it again."""
        self.ensure_one()
        if self.state != "pending":
            return
        self.sudo().write(
            {
                "state": "failed",
                "error": self.env._(
                    "Chunk %(chunk)s (lines %(first)s to %(last)s) failed: %(error)s",
                    chunk=self.sequence,
                    first=self.first_line,
                    last=self.first_line + self.line_count - 1,
                    error=exc_message or exc_name or "",
                ),
            }
        )
        self.statement_id._atlas_enqueue_import_progress()
