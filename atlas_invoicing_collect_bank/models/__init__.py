from . import payment_provider
from . import bank_statement_line
