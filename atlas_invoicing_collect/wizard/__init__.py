from . import payment_link_wizard
