from . import account_payment
from . import payment_provider
from . import bank_statement_line
