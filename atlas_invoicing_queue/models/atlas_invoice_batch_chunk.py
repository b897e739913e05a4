"""A chunk of a batch run as one queue job: what it covers, and how it went.

Each job writes only its own chunk row, so jobs running side by side on several workers never
wait for one another on the batch. After each chunk, a small job (``_atlas_job_progress``)
adds the chunks up on the batch; the one that finds every chunk through closes the run.
"""

from odoo import fields, models
from odoo.osv import expression

from odoo.addons.atlas_invoicing.models.ir_actions_report import ATLAS_INVOICE_REPORT
from odoo.addons.queue_job.exception import RetryableJobError

OPERATIONS = [
    ("generate", "Generate"),
    ("post", "Post All"),
    ("send", "Send All"),
    ("print", "Print All"),
]
# pg_advisory_xact_lock's first key for a batch chunk's job (see atlas.queue.chunk).
CHUNK_LOCK = 0x4154434B


class AtlasInvoiceBatchChunk(models.Model):
    _name = "atlas.invoice.batch.chunk"
    _inherit = "atlas.queue.chunk"
    _description = "Invoice Batch Job"
    _order = "batch_id, id"
    _atlas_chunk_lock = CHUNK_LOCK

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
    # The chunk's errors were put on the batch (its chatter, its last error).
    reported = fields.Boolean(readonly=True)
    attachment_id = fields.Many2one(comodel_name="ir.attachment", readonly=True, ondelete="set null")

    # -------------------------------------------------------------------------
    # The job
    # -------------------------------------------------------------------------

    def _atlas_batch(self):
        return self.batch_id.with_company(self.batch_id.company_id).with_context(atlas_batch_chunk_id=self.id)

    def _atlas_chunk_run(self):
        """Do the chunk's part of the batch operation: :return: (processed, failed).

        Each step looks again at what is left (contracts still due, invoices still draft or not
        sent), so a chunk also does nothing for what another run did meanwhile."""
        return getattr(self, f"_atlas_perform_{self.operation}")(self._atlas_batch())

    def _atlas_chunk_done(self, result):
        done, failed = result
        # The chunk is the batch's bookkeeping: written whatever the user's rights on it.
        self.sudo().write({"state": "done", "done_count": done, "failed_count": failed})
        batch = self._atlas_batch()
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
