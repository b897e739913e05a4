from . import test_access, test_customer, test_invoice_numbering, test_invoice_send, test_invoice_status, test_roles
