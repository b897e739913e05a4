from . import test_pay_now
from . import test_reminders
