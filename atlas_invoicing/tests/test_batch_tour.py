from datetime import date

from odoo import Command
from odoo.tests import HttpCase, tagged

from .tour_runner import run_tour


@tagged("post_install", "-at_install")
class TestBatchTour(HttpCase):
    """An invoice batch in a browser: the form follows a run in the background, and a
    batch invoice shows its batch, contract and period with labels, and its period."""

    def test_batch_form_follows_the_run_and_its_invoice_reads_well(self):
        product = self.env["product.product"].create(
            {"name": "Managed IT services", "type": "service", "list_price": 450.0, "taxes_id": [Command.clear()]}
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Contract Customer", "email": "ap@tour.example", "customer_rank": 1, "lang": "en_US"}
        )
        start = date(2027, 1, 1)
        self.env["contract.contract"].create(
            {
                "name": "Tour managed IT",
                "partner_id": customer.id,
                "contract_type": "sale",
                "recurring_rule_type": "monthly",
                "date_start": start,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Managed IT services, #START# to #END#",
                            "quantity": 1,
                            "price_unit": 450.0,
                            "recurring_rule_type": "monthly",
                            "date_start": start,
                            "recurring_next_date": start,
                        }
                    )
                ],
            }
        )
        batch = self.env["atlas.invoice.batch"].create(
            {
                "name": "Tour January billing",
                "date": start,
                "contract_selection": "filter",
                "contract_domain": f"[('partner_id', '=', {customer.id})]",
            }
        )
        batch.with_context(atlas_batch_no_commit=True).atlas_generate()
        [invoice] = batch.invoice_ids
        # What the line says: OCA filled in the period, after the product's name.
        self.assertEqual(invoice.invoice_line_ids.name, "Managed IT services, 01/01/2027 to 01/31/2027")
        # As another worker would leave it mid-run.
        batch.write({"state": "running", "contract_total": 4, "contract_done": 1})
        batches = self.env.ref("atlas_invoicing.action_atlas_invoice_batches")
        run_tour(self, "atlas_batch_progress", login="admin", url=f"/odoo/action-{batches.id}/{batch.id}")
        self.assertRecordValues(batch, [{"state": "done", "contract_done": 4}])
        invoices = self.env.ref("atlas_invoicing.action_atlas_invoices")
        run_tour(self, "atlas_batch_invoice_form", login="admin", url=f"/odoo/action-{invoices.id}/{invoice.id}")
