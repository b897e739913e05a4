from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# One customer per step of the default reminder ladder: (name, email, days since the due date).
DEMO_REMINDER_CUSTOMERS = (
    ("Summit Outdoor Gear", "ap@summit-outdoor.example", -3),
    ("Harbor Logistics", "invoices@harbor-logistics.example", 7),
    ("Maple Street Bakery", "owner@maplestreet-bakery.example", 21),
    ("Quantum Legal LLP", "billing@quantum-legal.example", 45),
)


class AtlasDemo(models.AbstractModel):
    _inherit = "atlas.demo"

    @api.model
    def _create_collect_demo_data(self):
        """A customer at each step of the reminder ladder today: each has one sent invoice whose
        due date is that step's number of days ago (3 days ahead for "Coming due")."""
        # The server's day (UTC), as the scheduled run sees it, not the installing user's.
        today = fields.Date.today()
        for name, email, days in DEMO_REMINDER_CUSTOMERS:
            partner = self.env["res.partner"].create(
                {"name": name, "is_company": True, "email": email, "customer_rank": 1}
            )
            due = today - relativedelta(days=days)
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": min(today, due - relativedelta(days=30)),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {"name": "Consulting, monthly", "quantity": 1, "price_unit": 500.0 + days}
                        )
                    ],
                }
            )
            invoice.action_atlas_mark_sent()
