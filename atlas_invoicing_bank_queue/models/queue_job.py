from odoo import models

from odoo.addons.queue_job.job import FAILED


class QueueJob(models.Model):
    _inherit = "queue.job"

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") == FAILED:
            # queue_job gave up on a chunk of a statement (its last try failed): the statement says so.
            for job in self.filtered(lambda j: j.model_name == "atlas.statement.import.chunk"):
                chunks = self.env["atlas.statement.import.chunk"].sudo().search([("job_uuid", "=", job.uuid)])
                for chunk in chunks:
                    chunk.with_user(job.user_id or self.env.user)._atlas_job_failed(
                        exc_name=job.exc_name, exc_message=job.exc_message
                    )
        return res
