from odoo import models, modules, tools
from odoo.tools import split_every


class AtlasChunkedCommitMixin(models.AbstractModel):
    """Long runs done chunk by chunk, committing after each chunk and emptying the ORM cache.

    An interrupted run (a killed server) loses at most the chunk in progress, and that chunk
    leaves no trace; running it again does the rest. Memory stays flat however long the run,
    since what a chunk loaded is not needed by the next one.
    """

    _name = "atlas.chunked.commit.mixin"
    _description = "Chunked and committed runs"

    def _atlas_can_commit(self):
        # Tests run in one transaction that must not be committed (as Odoo's own account does).
        return not (
            tools.config["test_enable"]
            or modules.module.current_test
            or self.env.registry.in_test_mode()
            or self.env.context.get("atlas_batch_no_commit")
        )

    def _atlas_commit(self):
        if self._atlas_can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
        else:
            self.env.flush_all()

    def _atlas_end_chunk(self):
        """Commit the chunk's work and forget what it loaded."""
        self._atlas_commit()
        self.env.invalidate_all()

    def _atlas_chunks(self, records, size):
        """Yield ``records`` in chunks of ``size``; each chunk is committed once processed."""
        for ids in split_every(max(size, 1), records.ids):
            yield records.browse(ids)
            self._atlas_end_chunk()
