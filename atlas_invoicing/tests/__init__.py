from . import test_access
from . import test_customer
from . import test_invoice_numbering
from . import test_invoice_send
from . import test_invoice_status
from . import test_roles
from . import test_tour
from . import test_payment
