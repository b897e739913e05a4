from . import account_statement_import
from . import atlas_statement_import
