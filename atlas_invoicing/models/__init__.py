from . import account_move
from . import account_move_delivery
from . import atlas_demo
from . import atlas_invoice_batch
from . import ir_actions_report
from . import res_company
from . import res_config_settings
from . import res_partner
