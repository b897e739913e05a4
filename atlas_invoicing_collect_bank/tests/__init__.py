from . import test_payout_matching
from . import test_payout_choice
