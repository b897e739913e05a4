from . import atlas_statement_import_chunk
from . import account_bank_statement
from . import queue_job
from . import account_bank_statement_line
