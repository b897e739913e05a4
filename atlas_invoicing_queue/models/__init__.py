from . import atlas_chunked_commit_mixin
from . import atlas_queue_chunk
from . import atlas_invoice_batch
from . import atlas_invoice_batch_chunk
from . import account_move
from . import queue_job
