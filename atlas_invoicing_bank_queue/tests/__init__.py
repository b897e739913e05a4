from . import test_bank_import_jobs
