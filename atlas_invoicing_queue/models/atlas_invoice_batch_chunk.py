"""A chunk of a batch run as one queue job: what it covers, and how it went.

Each job writes only its own chunk row, so jobs running side by side on several workers never
wait for one another on the batch. After each chunk, a small job (``_atlas_job_progress``)
adds the chunks up on the batch; the one that finds every chunk through closes the run.
"""

import logging
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from odoo.addons.atlas_invoicing.models.ir_actions_report import ATLAS_INVOICE_REPORT
from odoo.addons.queue_job.exception import RetryableJobError

OPERATIONS = [
    ("generate", "Generate"),
    ("post", "Post All"),
    ("send", "Send All"),
    ("print", "Print All"),
]
# A chunk that raises is tried this many times in all, then shows as failed (queue_job's
# max_retries; the delays between tries are on the job function).
MAX_TRIES = 4
# pg_advisory_xact_lock(int, int): the first key says "a batch chunk is running", the second is
# the chunk. Held by the job's transaction: a chunk whose lock is free while its job is
# started is a job whose worker died (see _atlas_requeue_dead_jobs on the batch).
CHUNK_LOCK = 0x4154434B
# A job started (or handed to a worker) this long ago whose chunk lock is free lost its worker.
DEAD_AFTER_SECONDS = 10

_logger = logging.getLogger(__name__)


def requeue_dead_jobs(env, chunks, lock_key, owner):
    """Put back in the queue the jobs of these chunks whose worker died (a server killed or
    crashed mid-job: its transaction, and the chunk lock it held, are gone).

    ``chunks`` have a ``job_uuid``; each chunk's job holds ``pg_advisory_xact_lock(lock_key,
    chunk id)`` while it runs. The queue_job release in use leaves such jobs started forever
    (see its README); later releases requeue them the same way, by a lock the running job holds.

    :return: True while some of the chunks' jobs are running, or were handed to a worker too
             recently to tell.
    """
    jobs = (
        env["queue.job"]
        .sudo()
        .search([("uuid", "in", chunks.mapped("job_uuid")), ("state", "in", ("enqueued", "started"))])
    )
    chunk_of = {chunk.job_uuid: chunk for chunk in chunks}
    limit = fields.Datetime.now() - timedelta(seconds=DEAD_AFTER_SECONDS)
    running = False
    for job in jobs:
        since = job.date_started or job.date_enqueued
        if since and since > limit:
            running = True
            continue
        env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [lock_key, chunk_of[job.uuid].id])
        if env.cr.fetchone()[0]:
            _logger.warning("%s: job %s lost its worker; queued again.", owner, job.uuid)
            job.requeue()
        else:
            running = True
    return running


class AtlasInvoiceBatchChunk(models.Model):
    _name = "atlas.invoice.batch.chunk"
    _description = "Invoice Batch Job"
    _order = "batch_id, id"

    batch_id = fields.Many2one(
        comodel_name="atlas.invoice.batch",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="batch_id.company_id")
    operation = fields.Selection(selection=OPERATIONS, required=True, readonly=True)
    # The dispatch the chunk belongs to: a run is over once all its chunks are through.
    run_key = fields.Char(required=True, readonly=True, index=True)
    sequence = fields.Integer(string="Chunk", readonly=True)
    record_ids = fields.Json(
        readonly=True, help="The contracts (Generate) or invoices (Post, Send, Print All) of the chunk."
    )
    record_count = fields.Integer(string="Records", readonly=True)
    state = fields.Selection(
        selection=[
            ("pending", "Queued"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancel", "Replaced"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    done_count = fields.Integer(string="Processed", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    error = fields.Text(readonly=True)
    # The chunk's errors were put on the batch (its chatter, its last error).
    reported = fields.Boolean(readonly=True)
    job_uuid = fields.Char(string="Job", readonly=True, index=True)
    job_state = fields.Char(compute="_compute_job_state", string="Job Status")
    attachment_id = fields.Many2one(comodel_name="ir.attachment", readonly=True, ondelete="set null")

    def _compute_job_state(self):
        jobs = self.env["queue.job"].sudo().search([("uuid", "in", [uuid for uuid in self.mapped("job_uuid") if uuid])])
        labels = dict(jobs._fields["state"]._description_selection(self.env))
        states = {job.uuid: labels.get(job.state, job.state) for job in jobs}
        for chunk in self:
            chunk.job_state = states.get(chunk.job_uuid, False)

    # -------------------------------------------------------------------------
    # The job
    # -------------------------------------------------------------------------

    def _atlas_job_perform(self):
        """Do the chunk's part of the batch operation; run twice, the second run does nothing.

        Each step looks again at what is left (contracts still due, invoices still draft or not
        sent), so a chunk also does nothing for what another run did meanwhile. Anything the
        chunk raises is retried as queue_job retries (the chunk's work is rolled back), and after
        the last try the chunk shows as failed on the batch (``_atlas_job_failed``).
        """
        self.ensure_one()
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHUNK_LOCK, self.id])
        if self.state != "pending":
            return self.env._(
                "Chunk %(chunk)s is already %(state)s: nothing to do.", chunk=self.sequence, state=self.state
            )
        batch = self.batch_id.with_company(self.batch_id.company_id).with_context(atlas_batch_chunk_id=self.id)
        try:
            done, failed = getattr(self, f"_atlas_perform_{self.operation}")(batch)
        except RetryableJobError:
            raise
        except OperationalError as error:
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise  # queue_job retries these at once, without counting a try
            raise RetryableJobError(str(error)) from error
        except Exception as error:  # noqa: BLE001 - any failure of a chunk is retried, then reported
            raise RetryableJobError(self._atlas_error_text(error)) from error
        # The chunk is the batch's bookkeeping: written whatever the user's rights on it.
        self.sudo().write({"state": "done", "done_count": done, "failed_count": failed})
        batch.with_delay(
            description=self.env._("%(batch)s: progress", batch=batch.name),
        )._atlas_job_progress(self.operation, self.run_key)
        return self.env._(
            "%(operation)s, chunk %(chunk)s: %(done)s processed, %(failed)s failed.",
            operation=dict(OPERATIONS)[self.operation],
            chunk=self.sequence,
            done=done,
            failed=failed,
        )

    def _atlas_error_text(self, error):
        if isinstance(error, UserError):
            return error.args[0]
        return f"{type(error).__name__}: {error}"

    def _atlas_job_failed(self, exc_name=None, exc_message=None):
        """queue_job gave up on the chunk: it shows on the batch as failed, with its error.

        Runs in the transaction where queue_job marks the job failed, after the chunk's own was
        rolled back: nothing of the chunk was kept, so all its records count as failed, and
        running the operation again redoes them.
        """
        self.ensure_one()
        if self.state != "pending":
            return
        self.sudo().write(
            {
                "state": "failed",
                "failed_count": self.record_count,
                "error": self.env._(
                    "%(operation)s, chunk %(chunk)s (%(count)s records) failed: %(error)s",
                    operation=dict(OPERATIONS)[self.operation],
                    chunk=self.sequence,
                    count=self.record_count,
                    error=exc_message or exc_name or "",
                ),
            }
        )
        self.batch_id.with_delay(
            description=self.env._("%(batch)s: progress", batch=self.batch_id.name),
        )._atlas_job_progress(self.operation, self.run_key)

    def _atlas_add_error(self, message):
        chunk = self.sudo()
        chunk.error = f"{chunk.error}\n{message}" if chunk.error else message

    # -------------------------------------------------------------------------
    # What a chunk does, per operation: (records processed, records failed)
    # -------------------------------------------------------------------------

    def _atlas_perform_generate(self, batch):
        if batch.state != "running":
            return 0, 0
        due = batch.env["contract.contract"].search(
            expression.AND([batch._atlas_due_domain(), [("id", "in", self.record_ids)]]), order="id"
        )
        contracts, failed = batch._atlas_generate_chunk(due)
        if contracts != due:
            # Another transaction holds some of them (a Generate of the batch in the cron worker,
            # the contract's own button): this chunk waits for it and looks again.
            raise RetryableJobError(
                self.env._("Contracts of this chunk are being invoiced by another transaction."), seconds=10
            )
        return len(self.record_ids), len(failed)

    def _atlas_invoices(self, batch):
        # Through the batch's environment: what the chunk posts and reports knows its chunk.
        return batch.env["account.move"].search(
            [("id", "in", self.record_ids), ("atlas_batch_id", "=", batch.id), ("state", "!=", "cancel")],
            order="name, id",
        )

    def _atlas_perform_post(self, batch):
        drafts = self._atlas_invoices(batch).filtered(lambda move: move.state == "draft")
        drafts.action_post()
        return len(self.record_ids), 0

    def _atlas_perform_send(self, batch):
        invoices = self._atlas_invoices(batch).filtered(lambda move: not move.is_move_sent)
        sent, failed = batch._atlas_send_chunk(invoices)
        return len(sent), len(failed)

    def _atlas_perform_print(self, batch):
        invoices = self._atlas_invoices(batch)
        if invoices:
            content, _type = batch.env["ir.actions.report"]._render_qweb_pdf(ATLAS_INVOICE_REPORT, invoices.ids)
            self.sudo().attachment_id = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"{batch.name} ({self.sequence}).pdf",
                        "raw": content,
                        "mimetype": "application/pdf",
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                )
            )
        return len(invoices), 0
