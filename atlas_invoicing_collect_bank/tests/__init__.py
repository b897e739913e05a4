from . import test_payout_matching
