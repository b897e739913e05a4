from . import payment_link_wizard
from . import atlas_statement_send
