from . import test_bank_import
from . import test_bank_matching
from . import test_bank_tour
from . import test_bank_demo
from . import test_entry_doors
from . import test_statement_file_security
from . import test_bank_menus
