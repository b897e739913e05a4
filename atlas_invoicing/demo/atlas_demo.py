from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# The demo bank account, as atlas_invoicing_bank's demo statements and their CSV mapping name it.
BANK_NAME = "Business Checking"


class AtlasDemo(models.AbstractModel):
    """Demo customers and invoices in every status, built through the same actions a user
    takes (send, record payment, refund, cancel), so their journal entries are real."""

    _name = "atlas.demo"
    _description = "Atlas Invoicing demo data"

    @api.model
    def _create_demo_data(self):
        today = fields.Date.context_today(self)
        us = self.env.ref("base.us")
        northwind, bluebird = self.env["res.partner"].create(
            [
                {
                    "name": "Northwind Traders",
                    "is_company": True,
                    "email": "billing@northwind.example",
                    "street": "12 Harbour Road",
                    "city": "Portland",
                    "zip": "97201",
                    "country_id": us.id,
                    "customer_rank": 1,
                },
                {
                    "name": "Bluebird Dental Clinic",
                    "is_company": True,
                    "email": "accounts@bluebird-dental.example",
                    "street": "300 Elm Street",
                    "city": "Austin",
                    "zip": "73301",
                    "country_id": us.id,
                    "customer_rank": 1,
                },
            ]
        )
        bank = self._demo_bank_journal()

        def invoice(partner, days_ago, lines):
            return self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - relativedelta(days=days_ago),
                    "invoice_line_ids": [
                        fields.Command.create({"name": name, "quantity": qty, "price_unit": price})
                        for name, qty, price in lines
                    ],
                }
            )

        def pay(move, amount, days_ago, payment_method):
            move.atlas_record_payment(
                amount=amount,
                date=today - relativedelta(days=days_ago),
                journal_id=bank.id,
                payment_method=payment_method,
            )

        # Draft
        invoice(northwind, 0, [("Website maintenance, December", 1, 450.0)])
        # Sent
        sent = invoice(bluebird, 10, [("IT support retainer", 1, 1200.0), ("On-site visit", 3, 95.0)])
        sent.action_atlas_mark_sent()
        # Exported: sent, then exported to Xero (the file is in the Export Log)
        exported = invoice(northwind, 15, [("Cloud backup, monthly", 1, 180.0)])
        exported.action_atlas_mark_sent()
        exported._atlas_export("xero")
        # Partially Paid
        partial = invoice(northwind, 35, [("Network audit", 1, 2000.0)])
        partial.action_atlas_mark_sent()
        pay(partial, 800.0, 20, "check")
        # Paid
        paid = invoice(bluebird, 60, [("Laptop setup", 4, 150.0)])
        paid.action_atlas_mark_sent()
        pay(paid, paid.amount_total, 45, "ach")
        # Refunded: paid, then the whole amount credited and paid back
        refunded = invoice(northwind, 50, [("Cancelled training session", 1, 300.0)])
        refunded.action_atlas_mark_sent()
        pay(refunded, 300.0, 40, "card")
        refunded.atlas_refund(journal_id=bank.id, payment_method="card", reason="Training cancelled by the customer")
        # Cancelled
        invoice(bluebird, 5, [("Duplicate order", 1, 99.0)]).button_cancel()

        self._create_demo_contracts(northwind, bluebird)

    @api.model
    def _demo_bank_journal(self):
        """The company's bank journal, named (with its account) as the demo's statements and
        their CSV mapping name the bank account, before the demo's payments go into it."""
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        )
        bank.name = BANK_NAME
        bank.default_account_id.name = BANK_NAME
        return bank

    @api.model
    def _create_demo_contracts(self, northwind, bluebird):
        """Recurring customers: monthly and quarterly contracts from the first of
        this month, and this month's batch generated from them. OCA's daily cron invoices
        the next periods when they fall due."""
        first_of_month = fields.Date.context_today(self).replace(day=1)
        managed_it, backup = self.env["product.product"].create(
            [
                {"name": "Managed IT services", "type": "service", "list_price": 450.0},
                {"name": "Backup and monitoring", "type": "service", "list_price": 900.0},
            ]
        )

        # Made while the addon installs, as OdooBot: the demo's administrator is the contracts'
        # Responsible, and so the Salesperson of their invoices.
        responsible = self.env.ref("base.user_admin")

        def contract(partner, name, product, price, rule):
            return {
                "name": name,
                "partner_id": partner.id,
                "user_id": responsible.id,
                "contract_type": "sale",
                "recurring_rule_type": rule,
                "date_start": first_of_month,
                "contract_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "name": f"{product.name}, #START# to #END#",
                            "quantity": 1,
                            "price_unit": price,
                            "recurring_rule_type": rule,
                            "date_start": first_of_month,
                            "recurring_next_date": first_of_month,
                        }
                    )
                ],
            }

        self.env["contract.contract"].create(
            [
                contract(northwind, "Northwind managed IT", managed_it, 450.0, "monthly"),
                contract(bluebird, "Bluebird managed IT", managed_it, 450.0, "monthly"),
                contract(bluebird, "Bluebird backup and monitoring", backup, 900.0, "quarterly"),
            ]
        )
        batch = self.env["atlas.invoice.batch"].create(
            {"name": f"Monthly billing {first_of_month:%B %Y}", "date": first_of_month}
        )
        # Inside the module installation: the batch must not commit it half-way.
        batch.with_context(atlas_batch_no_commit=True).atlas_generate()
