from . import atlas_invoice_send
