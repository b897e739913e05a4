from odoo import fields, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # The AR Aging as of a date reads the partials matched after it (max_date > date): a
    # few among all the matches of a large book, found through this index.
    max_date = fields.Date(index=True)
