"""A contract as a bookkeeper reads it: each line's description as the next invoice will read
it (OCA's #START#/#END# markers are the line's template, never shown raw in the lines), and
the demo's contracts in the hands of a real user."""

from datetime import date

from lxml import etree

from odoo import Command
from odoo.tests import Form, tagged

from .common import AtlasTestCommon


@tagged("post_install", "-at_install")
class TestContractForm(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["product.product"].create(
            {"name": "Managed IT services", "type": "service", "list_price": 450.0}
        )

    def _contract(self, **line_values):
        return self.env["contract.contract"].create(
            {
                "name": "Northwind managed IT",
                "partner_id": self.customer.id,
                "contract_type": "sale",
                "recurring_rule_type": "monthly",
                "date_start": date(2026, 1, 1),
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": self.service.id,
                            "name": "Managed IT services, #START# to #END# (#INVOICEMONTHNAME#)",
                            "quantity": 1,
                            "price_unit": 450.0,
                            "recurring_rule_type": "monthly",
                            "date_start": date(2026, 1, 1),
                            "recurring_next_date": date(2026, 1, 1),
                            **line_values,
                        }
                    ),
                    Command.create({"display_type": "line_section", "name": "Support"}),
                ],
            }
        )

    def test_a_line_reads_as_on_its_next_invoice(self):
        contract = self._contract()
        line, section = contract.contract_line_ids
        self.assertEqual(line.atlas_next_description, "Managed IT services, 01/01/2026 to 01/31/2026 (January)")
        self.assertFalse(section.atlas_next_description)
        # Its next invoice reads the same.
        contract.recurring_create_invoice()
        invoice_line = self.env["account.move.line"].search([("contract_line_id", "=", line.id)])
        self.assertEqual(invoice_line.name, "Managed IT services, 01/01/2026 to 01/31/2026 (January)")
        self.assertEqual(line.atlas_next_description, "Managed IT services, 02/01/2026 to 02/28/2026 (February)")

    def test_a_line_with_nothing_left_to_invoice_names_its_markers_in_words(self):
        contract = self._contract(date_end=date(2026, 1, 31))
        contract.recurring_create_invoice()
        line = contract.contract_line_ids.filtered("product_id")
        self.assertEqual(line.last_date_invoiced, line.date_end)
        self.assertEqual(
            line.atlas_next_description,
            "Managed IT services, first day of the period to last day of the period (month of the period)",
        )

    def test_the_lines_show_no_raw_markers(self):
        """The contract form's lines, as the Bookkeeper gets them: the line's template (``name``,
        with its markers) is not a column, the description on the next invoice is."""
        form = self.env["contract.contract"].with_user(self.users["bookkeeper"]).get_views([(False, "form")])
        arch = etree.fromstring(form["views"]["form"]["arch"])
        for lines in ("contract_line_fixed_ids", "contract_line_ids"):
            with self.subTest(lines=lines):
                [name] = arch.xpath(f"//field[@name='{lines}']/list/field[@name='name']")
                self.assertEqual(name.get("column_invisible"), "True")
                self.assertTrue(arch.xpath(f"//field[@name='{lines}']/list/field[@name='atlas_next_description']"))
        # The line's form keeps the template, with OCA's legend of the markers.
        with Form(self._contract().with_user(self.users["accountant"])) as contract_form:
            with contract_form.contract_line_fixed_ids.edit(0) as line_form:
                self.assertIn("#START#", line_form.name)

    def test_demo_contracts_have_a_real_responsible(self):
        """The demo's contracts are made while the addon installs, as OdooBot: their Responsible
        (and the Salesperson of their invoices) is the demo's administrator instead."""
        bluebird = self.env["res.partner"].create({"name": "Bluebird Dental Clinic"})
        self.env["atlas.demo"]._create_demo_contracts(self.customer, bluebird)
        contracts = self.env["contract.contract"].search([("partner_id", "in", (self.customer | bluebird).ids)])
        self.assertEqual(len(contracts), 3)
        self.assertEqual(contracts.user_id, self.env.ref("base.user_admin"))
        invoices = (
            self.env["account.move.line"].search([("contract_line_id", "in", contracts.contract_line_ids.ids)]).move_id
        )
        self.assertEqual(len(invoices), 3)
        self.assertEqual(invoices.invoice_user_id, self.env.ref("base.user_admin"))
