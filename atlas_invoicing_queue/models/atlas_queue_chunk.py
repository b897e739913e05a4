"""What a chunk of work run as one queue job has, whatever the work: its job and how it went.

A chunk model (a batch's, a long bank file's) inherits ``atlas.queue.chunk``, names its lock
key and says what running it means (``_atlas_chunk_run``); the job takes the chunk's lock,
does nothing for a chunk already through, and turns any failure into a try queue_job counts.
"""

import logging
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from odoo.addons.queue_job.exception import RetryableJobError

# A chunk that raises is tried this many times in all, then shows as failed (queue_job's
# max_retries; the delays between tries are on the job function).
MAX_TRIES = 4
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


class AtlasQueueChunk(models.AbstractModel):
    _name = "atlas.queue.chunk"
    _description = "Atlas Job Chunk"

    # pg_advisory_xact_lock(int, int): the first key says "a chunk of this model is running",
    # the second is the chunk. Held by the job's transaction: a chunk whose lock is free while
    # its job is started is a job whose worker died (requeue_dead_jobs).
    _atlas_chunk_lock = None

    sequence = fields.Integer(string="Chunk", readonly=True)
    error = fields.Text(readonly=True)
    job_uuid = fields.Char(string="Job", readonly=True, index=True)
    job_state = fields.Char(compute="_compute_job_state", string="Job Status")

    def _compute_job_state(self):
        jobs = self.env["queue.job"].sudo().search([("uuid", "in", [uuid for uuid in self.mapped("job_uuid") if uuid])])
        labels = dict(jobs._fields["state"]._description_selection(self.env))
        states = {job.uuid: labels.get(job.state, job.state) for job in jobs}
        for chunk in self:
            chunk.job_state = states.get(chunk.job_uuid, False)

    def _atlas_job_perform(self):
        """Run the chunk (``_atlas_chunk_run``) then record it (``_atlas_chunk_done``); run
        twice, the second run does nothing. Anything the chunk raises is retried as queue_job
        retries (its work is rolled back), and after the last try the chunk shows as failed
        (``_atlas_job_failed``)."""
        self.ensure_one()
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [self._atlas_chunk_lock, self.id])
        if not self._atlas_chunk_is_due():
            return self.env._(
                "Chunk %(chunk)s is already %(state)s: nothing to do.", chunk=self.sequence, state=self.state
            )
        try:
            result = self._atlas_chunk_run()
        except RetryableJobError:
            raise
        except OperationalError as error:
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise  # queue_job retries these at once, without counting a try
            raise RetryableJobError(str(error)) from error
        except Exception as error:  # noqa: BLE001 - any failure of a chunk is retried, then reported
            raise RetryableJobError(self._atlas_error_text(error)) from error
        return self._atlas_chunk_done(result)

    def _atlas_chunk_is_due(self):
        return self.state == "pending"

    def _atlas_chunk_run(self):
        """Do the chunk's work; :return: what ``_atlas_chunk_done`` records."""
        raise NotImplementedError

    def _atlas_chunk_done(self, result):
        """Record the chunk as done; :return: the job's result, in words."""
        raise NotImplementedError

    def _atlas_error_text(self, error):
        if isinstance(error, UserError):
            return error.args[0]
        return f"{type(error).__name__}: {error}"
