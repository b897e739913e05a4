"""Invoice batches run as OCA queue_job jobs, one job per chunk.

Generate, Post All, Send All and Print All hand the batch's work to the job runner in chunks
(the batch's chunk size; the PDF chunk size for sending and printing), on the channel
``root.atlas``. The runner dispatches the jobs to whichever Odoo worker of whichever server
answers, so a batch is spread over all of them; the channel's capacity caps how many run at
once. Without a job runner serving the database, the batch runs as atlas_invoicing runs it
(the cron worker, or the request), so installing this addon never leaves a batch waiting for
jobs nobody runs.

What keeps "never twice for the same period" is unchanged: a chunk invoices only contracts
still due, locked for its transaction, and the (contract, period) unique index refuses a
duplicate whoever makes it. A re-run (Resume, Generate Again, a second Post All) enqueues
only what no queued job covers and is not done yet.
"""

import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every
from odoo.tools.pdf import merge_pdf

from odoo.addons.queue_job.jobrunner.runner import PG_ADVISORY_LOCK_ID

from .atlas_invoice_batch_chunk import CHUNK_LOCK, OPERATIONS
from .atlas_queue_chunk import DEAD_AFTER_SECONDS, MAX_TRIES, requeue_dead_jobs

DISPATCH_PARAM = "atlas_invoicing_queue.dispatch"


class AtlasInvoiceBatch(models.Model):
    _inherit = "atlas.invoice.batch"

    atlas_chunk_ids = fields.One2many(
        comodel_name="atlas.invoice.batch.chunk",
        inverse_name="batch_id",
        string="Jobs",
        readonly=True,
    )
    atlas_chunk_pending_count = fields.Integer(string="Queued Jobs", compute="_compute_atlas_chunk_counts")
    atlas_chunk_failed_count = fields.Integer(string="Failed Jobs", compute="_compute_atlas_chunk_counts")
    # The generation run handed to jobs, and what earlier steps of the run (the cron) had done.
    atlas_run_key = fields.Char(readonly=True, copy=False)
    atlas_done_before = fields.Integer(readonly=True, copy=False)
    atlas_failed_before = fields.Integer(readonly=True, copy=False)

    @api.depends("atlas_chunk_ids.state")
    def _compute_atlas_chunk_counts(self):
        for batch in self:
            chunks = batch.atlas_chunk_ids
            batch.atlas_chunk_pending_count = len(chunks.filtered(lambda c: c.state == "pending"))
            batch.atlas_chunk_failed_count = len(chunks.filtered(lambda c: c.state == "failed"))

    # -------------------------------------------------------------------------
    # Jobs or not
    # -------------------------------------------------------------------------

    def _atlas_runs_jobs(self):
        """Whether the batch operations go to jobs: "auto" (the default) when a job runner
        serves this database, "always" or "never" as the system parameter says."""
        mode = self.env["ir.config_parameter"].sudo().get_param(DISPATCH_PARAM, "auto")
        if mode in ("always", "never"):
            return mode == "always"
        return self._atlas_job_runner_serves_database()

    def _atlas_job_runner_serves_database(self):
        # The job runner holds this advisory lock on every database it dispatches jobs for.
        self.env.cr.execute(
            """
            SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
             WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()
               AND l.classid::bigint = %s AND l.objid::bigint = %s AND l.objsubid = 1
            """,
            [PG_ADVISORY_LOCK_ID >> 32, PG_ADVISORY_LOCK_ID & 0xFFFFFFFF],
        )
        return bool(self.env.cr.fetchone())

    # -------------------------------------------------------------------------
    # Generate
    # -------------------------------------------------------------------------

    def _atlas_start(self):
        was_running = self.state == "running"
        res = super()._atlas_start()
        if not was_running:
            self.atlas_run_key = False  # a new run
        return res

    def _atlas_dispatch_generate(self):
        if not self._atlas_runs_jobs():
            # The cron worker takes the run over; chunks still queued find nothing left to do.
            self.atlas_run_key = False
            return super()._atlas_dispatch_generate()
        for batch in self:
            batch._atlas_enqueue_generate()
        return None

    def _atlas_enqueue_generate(self):
        """One job per chunk of the due contracts no queued job covers yet."""
        self.ensure_one()
        if not self.atlas_run_key:
            self.write(
                {
                    "atlas_run_key": uuid.uuid4().hex,
                    "atlas_done_before": self.contract_done,
                    "atlas_failed_before": self.contract_failed,
                }
            )
        run = self._atlas_run_chunks("generate", self.atlas_run_key)
        # A chunk that failed is replaced by the new chunks of its contracts, still due.
        run.filtered(lambda c: c.state == "failed").write({"state": "cancel"})
        queued = self._atlas_queued_ids("generate")
        due = self.env["contract.contract"].search(self._atlas_due_domain(), order="id")
        due = due.filtered(lambda c: c.id not in queued)
        if due:
            return self._atlas_enqueue_chunks("generate", due, self.chunk_size, self.atlas_run_key)
        if not queued:
            # Nothing left: the progress job closes the run.
            self._atlas_enqueue_progress("generate", self.atlas_run_key)
        return self.env["atlas.invoice.batch.chunk"]

    def _atlas_report_error(self, message):
        chunk_id = self.env.context.get("atlas_batch_chunk_id")
        if not chunk_id:
            return super()._atlas_report_error(message)
        # In a chunk's job, the error waits on the chunk: jobs running side by side don't write
        # the batch row, and the progress job puts it on the batch (last error, chatter).
        return self.env["atlas.invoice.batch.chunk"].browse(chunk_id)._atlas_add_error(message)

    @api.model
    def _atlas_cron_batches(self):
        # A run handed to jobs is the jobs' to finish.
        return super()._atlas_cron_batches().filtered(lambda batch: not batch.atlas_run_key)

    # -------------------------------------------------------------------------
    # Post All, Send All, Print All
    # -------------------------------------------------------------------------

    def action_post_all(self):
        if not self._atlas_runs_jobs():
            return super().action_post_all()
        self.check_access("write")
        count = sum(len(batch._atlas_enqueue_operation("post", batch._atlas_invoices_to_post())) for batch in self)
        return self._atlas_jobs_notification(self.env._("Post All"), count)

    def action_send_all(self):
        if not self._atlas_runs_jobs():
            return super().action_send_all()
        self.check_access("write")
        count = sum(len(batch._atlas_enqueue_operation("send", batch._atlas_invoices_to_send())) for batch in self)
        return self._atlas_jobs_notification(self.env._("Send All"), count)

    def action_print_all(self):
        if not self._atlas_runs_jobs():
            return super().action_print_all()
        count = sum(len(batch._atlas_enqueue_operation("print", batch._atlas_invoices_to_print())) for batch in self)
        return self._atlas_jobs_notification(self.env._("Print All"), count)

    def _atlas_enqueue_operation(self, operation, invoices):
        """The invoices no queued job of this operation covers, one job per chunk."""
        self.ensure_one()
        queued = self._atlas_queued_ids(operation)
        todo = invoices.filtered(lambda move: move.id not in queued)
        if not todo:
            raise UserError(
                self.env._(
                    "%(operation)s of batch %(batch)s is already queued: its %(count)s jobs are waiting for "
                    "a worker (see the Jobs tab). Nothing was added.",
                    operation=dict(OPERATIONS)[operation],
                    batch=self.name,
                    count=self.atlas_chunk_pending_count,
                )
            )
        if operation == "post":
            size = self.chunk_size
        else:
            size = self.env["ir.actions.report"]._atlas_pdf_chunk_size()
        pending = self.atlas_chunk_ids.filtered(lambda c: c.operation == operation and c.state == "pending")
        # Joined to a run still going on, the new chunks are summed up with it.
        return self._atlas_enqueue_chunks(operation, todo, size, pending[:1].run_key or uuid.uuid4().hex)

    def _atlas_jobs_notification(self, operation, count):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": operation,
                "message": self.env._(
                    "%(operation)s runs in the background in %(count)s jobs; the batch shows how it went "
                    "(its chatter, its Jobs tab).",
                    operation=operation,
                    count=count,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # -------------------------------------------------------------------------
    # Chunks and jobs
    # -------------------------------------------------------------------------

    def _atlas_run_chunks(self, operation, run_key):
        return self.atlas_chunk_ids.filtered(lambda c: c.operation == operation and c.run_key == run_key)

    def _atlas_queued_ids(self, operation):
        """The records of the chunks whose job is still to run. A pending chunk whose job is gone
        (cancelled in the Jobs view, or vacuumed) is marked replaced: its records are free."""
        pending = self.atlas_chunk_ids.filtered(lambda c: c.operation == operation and c.state == "pending")
        alive = (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("uuid", "in", pending.mapped("job_uuid")),
                    ("state", "in", ("wait_dependencies", "pending", "enqueued", "started")),
                ]
            )
        )
        orphans = pending.filtered(lambda c: c.job_uuid not in alive.mapped("uuid"))
        orphans.sudo().write({"state": "cancel"})
        return {record_id for chunk in pending - orphans for record_id in chunk.record_ids}

    def _atlas_enqueue_chunks(self, operation, records, size, run_key):
        self.ensure_one()
        first = max(self.atlas_chunk_ids.mapped("sequence"), default=0) + 1
        # Chunks are the batch's bookkeeping: made whatever the user's rights on them (a Viewer
        # prints), while each job runs as the user who clicked, with that user's rights.
        chunks = (
            self.env["atlas.invoice.batch.chunk"]
            .sudo()
            .create(
                [
                    {
                        "batch_id": self.id,
                        "operation": operation,
                        "run_key": run_key,
                        "sequence": first + number,
                        "record_ids": ids,
                        "record_count": len(ids),
                    }
                    for number, ids in enumerate(split_every(max(size, 1), records.ids, list))
                ]
            )
        )
        label = dict(OPERATIONS)[operation]
        for chunk in chunks.with_env(self.env):
            job = chunk.with_delay(
                max_retries=MAX_TRIES,
                description=self.env._(
                    "%(batch)s: %(operation)s, chunk %(chunk)s (%(count)s records)",
                    batch=self.name,
                    operation=label,
                    chunk=chunk.sequence,
                    count=chunk.record_count,
                ),
            )._atlas_job_perform()
            chunk.sudo().job_uuid = job.uuid
        return chunks

    def _atlas_enqueue_progress(self, operation, run_key):
        return self.with_delay(
            description=self.env._("%(batch)s: progress", batch=self.name),
        )._atlas_job_progress(operation, run_key)

    def _atlas_job_progress(self, operation, run_key):
        """After a chunk: add the run's chunks up on the batch; once none is queued, close the run.

        Several of these may run at once (one per chunk); they write the batch row, so all but
        one wait or are retried by queue_job, and the run is closed once (its chunks are marked
        reported in the same transaction).
        """
        self.ensure_one()
        batch = self.sudo()  # bookkeeping of the batch, whoever's job it is (a Viewer's Print All)
        chunks = batch._atlas_run_chunks(operation, run_key).filtered(lambda c: c.state != "cancel")
        if operation == "generate":
            if batch.state != "running" or batch.atlas_run_key != run_key:
                return self.env._("This run of the batch is over.")
            batch.write(
                {
                    "contract_done": batch.atlas_done_before + sum(chunks.mapped("done_count")),
                    "contract_failed": batch.atlas_failed_before + sum(chunks.mapped("failed_count")),
                }
            )
        queued = chunks.filtered(lambda c: c.state == "pending")
        if queued:
            if batch._atlas_requeue_dead_jobs(queued):
                # Look again later, in case a worker dies under them.
                self.with_delay(
                    eta=DEAD_AFTER_SECONDS + 5,
                    identity_key=f"atlas-batch-watch-{self.id}-{run_key}",
                    description=self.env._("%(batch)s: progress", batch=self.name),
                )._atlas_job_progress(operation, run_key)
            return self.env._("%(count)s of %(total)s jobs to go.", count=len(queued), total=len(chunks))
        if not chunks or all(chunks.mapped("reported")):
            return self.env._("This run of the batch is over.")
        for chunk in chunks.filtered(lambda c: c.error and not c.reported):
            for message in chunk.error.splitlines():
                batch.last_error = message
                batch.message_post(body=message)
        chunks.write({"reported": True})
        getattr(batch, f"_atlas_jobs_done_{operation}")(chunks)
        return self.env._("Run closed.")

    def _atlas_requeue_dead_jobs(self, chunks):
        """Put back in the queue the jobs of these chunks whose worker died (see
        requeue_dead_jobs).

        :return: True while some of the chunks' jobs are running, or were handed to a worker
                 too recently to tell.
        """
        return requeue_dead_jobs(self.env, chunks, CHUNK_LOCK, f"Batch {self.name}")

    def _atlas_jobs_done_generate(self, chunks):
        self._atlas_finish()

    def _atlas_jobs_done_post(self, chunks):
        self.message_post(
            body=self.env._(
                "Post All: %(count)s invoices processed in %(jobs)s jobs.",
                count=sum(chunks.mapped("done_count")),
                jobs=len(chunks),
            )
        )

    def _atlas_jobs_done_send(self, chunks):
        self.message_post(
            body=self.env._(
                "%(count)s invoices sent by %(user)s.",
                count=sum(chunks.mapped("done_count")),
                user=chunks[:1].create_uid.name,
            )
        )

    def _atlas_jobs_done_print(self, chunks):
        parts = chunks.filtered("attachment_id").sorted("sequence")
        if not parts:
            return
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._atlas_print_filename(),
                "raw": merge_pdf([part.attachment_id.raw for part in parts]),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.message_post(
            body=self.env._(
                "Print All: one PDF with %(count)s invoices, attached.", count=sum(parts.mapped("done_count"))
            ),
            attachment_ids=attachment.ids,
        )
        parts.attachment_id.unlink()
