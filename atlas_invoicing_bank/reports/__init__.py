from . import cash_flow
