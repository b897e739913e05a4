from odoo import models

# pg_advisory_xact_lock(int, int): the first key says "invoice numbering", the second is the journal.
NUMBERING_LOCK = 0x41544C53


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """Chunks of one batch post in one journal at a time.

        Odoo numbers an invoice after the highest number it can see. Two jobs posting in the same
        journal at once would each take the numbers the other is taking, and one would wait for
        the other at every invoice. A transaction-level lock per journal makes the second job wait
        once, for the first one's commit, then number after it.
        """
        if self.env.context.get("atlas_batch_chunk_id"):
            for journal_id in sorted(set(self.journal_id.ids)):
                self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NUMBERING_LOCK, journal_id])
        return super()._post(soft=soft)
