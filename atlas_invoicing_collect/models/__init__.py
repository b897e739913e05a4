from . import account_move
from . import payment_transaction
from . import atlas_reminder_step
from . import overdue_reminder
from . import account_move_reminder
from . import res_company
from . import res_partner_statement
