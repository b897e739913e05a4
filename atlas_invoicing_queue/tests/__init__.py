from . import test_batch_jobs
