from . import test_pay_now
from . import test_reminders
from . import test_statements
