from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    atlas_idempotency_key = fields.Char(
        string="Idempotency Key",
        copy=False,
        readonly=True,
        help="Key given by the client that recorded this payment: the same call retried with "
        "the same key returns this payment instead of recording a second one.",
    )

    _sql_constraints = [
        (
            "atlas_idempotency_key_unique",
            "UNIQUE(company_id, atlas_idempotency_key)",
            "This idempotency key was already used for another payment.",
        ),
    ]
