from . import abstract_report
from . import abstract_report_files
from . import ar_aging
from . import profit_loss
from . import cash_flow
from . import general_ledger
from . import report_financial
