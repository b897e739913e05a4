from odoo import models


class AtlasChunkedCommitMixin(models.AbstractModel):
    _inherit = "atlas.chunked.commit.mixin"

    def _atlas_can_commit(self):
        # A job is one transaction that queue_job commits when the job is done: a commit inside
        # it would release the job's lock and let the dead-job requeuer start it again.
        return super()._atlas_can_commit() and not self.env.context.get("job_uuid")
