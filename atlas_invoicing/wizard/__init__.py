from . import atlas_invoice_send
from . import atlas_payment_record
from . import atlas_invoice_refund
from . import atlas_invoice_export
from . import account_payment_register
from . import base_partner_merge
from . import account_move_reversal
