from datetime import date

from psycopg2 import errors as pg_errors

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_date, html2plaintext, mute_logger

from .common import AtlasTestCommon

BATCH_DATE = date(2026, 1, 1)


@tagged("post_install", "-at_install")
class TestContractBatch(AtlasTestCommon):
    """Invoice batches made from OCA contracts: what is due on the batch date, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.service = cls.env["product.product"].create(
            {
                "name": "Managed IT services",
                "type": "service",
                "list_price": 450.0,
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.revenue.id,
            }
        )
        cls.bluebird = cls.env["res.partner"].create(
            {"name": "Bluebird Dental Clinic", "email": "accounts@bluebird.example", "customer_rank": 1}
        )

    def _contract(self, name, rule, start, price=450.0, partner=None, contract_type="sale", **line_values):
        line = {
            "product_id": self.service.id,
            "name": f"{name} #START# - #END#",
            "quantity": 1,
            "price_unit": price,
            "recurring_rule_type": rule,
            "date_start": start,
            "recurring_next_date": start,
        }
        line.update(line_values)
        return self.env["contract.contract"].create(
            {
                "name": name,
                "partner_id": (partner or self.customer).id,
                "contract_type": contract_type,
                "company_id": self.company_data["company"].id,
                "recurring_rule_type": rule,
                "date_start": start,
                "contract_line_ids": [Command.create(line)],
            }
        )

    def _batch(self, **values):
        vals = {"name": "January billing", "date": BATCH_DATE, "company_id": self.company_data["company"].id}
        vals.update(values)
        return self.env["atlas.invoice.batch"].create(vals)

    def _invoices(self, contract):
        return self.env["account.move"].search([("atlas_contract_id", "=", contract.id)], order="atlas_period_start")

    # -------------------------------------------------------------------------
    # Generate
    # -------------------------------------------------------------------------

    def test_generate_makes_the_due_invoices_with_their_periods(self):
        monthly = self._contract("Monthly support", "monthly", date(2026, 1, 1), price=450.0)
        quarterly = self._contract("Quarterly backup", "quarterly", date(2026, 1, 1), price=900.0)
        yearly = self._contract("Yearly licence", "yearly", date(2026, 2, 1), price=1200.0)  # due in February
        behind = self._contract("Monthly hosting", "monthly", date(2025, 11, 1), price=80.0)  # three months due
        supplier = self._contract("Office rent", "monthly", date(2026, 1, 1), contract_type="purchase")
        batch = self._batch()

        result = batch.atlas_generate()

        self.assertEqual(
            result["batches"],
            [
                {
                    "id": batch.id,
                    "name": "January billing",
                    "state": "done",
                    "contracts_due": 3,
                    "contracts_done": 3,
                    "contracts_failed": 0,
                    "invoices": 5,
                    "draft_invoices": 5,
                    "last_error": False,
                }
            ],
        )
        common = {
            "move_type": "out_invoice",
            "state": "draft",
            "atlas_status": "draft",
            "atlas_batch_id": batch.id,
            "invoice_date": BATCH_DATE,
            "partner_id": self.customer.id,
        }
        self.assertRecordValues(
            self._invoices(monthly),
            [dict(common, atlas_contract_id=monthly.id, atlas_period_start=date(2026, 1, 1), amount_total=450.0)],
        )
        self.assertRecordValues(
            self._invoices(quarterly),
            [dict(common, atlas_contract_id=quarterly.id, atlas_period_start=date(2026, 1, 1), amount_total=900.0)],
        )
        self.assertFalse(self._invoices(yearly))
        self.assertFalse(self._invoices(supplier))
        self.assertRecordValues(
            self._invoices(behind),
            [
                dict(common, atlas_contract_id=behind.id, atlas_period_start=date(2025, 11, 1), amount_total=80.0),
                dict(common, atlas_contract_id=behind.id, atlas_period_start=date(2025, 12, 1), amount_total=80.0),
                dict(common, atlas_contract_id=behind.id, atlas_period_start=date(2026, 1, 1), amount_total=80.0),
            ],
        )
        # The line says which period it bills and credits the service's revenue account.
        quarter_line = self._invoices(quarterly).invoice_line_ids
        self.assertRecordValues(
            quarter_line,
            [
                {
                    "contract_line_id": quarterly.contract_line_ids.id,
                    "account_id": self.revenue.id,
                    "price_subtotal": 900.0,
                    "quantity": 1.0,
                }
            ],
        )
        self.assertIn("01/01/2026 - 03/31/2026", quarter_line.name)
        # OCA moved each contract on to its next period.
        self.assertRecordValues(
            monthly | quarterly | yearly | behind,
            [
                {"recurring_next_date": date(2026, 2, 1)},
                {"recurring_next_date": date(2026, 4, 1)},
                {"recurring_next_date": date(2026, 2, 1)},
                {"recurring_next_date": date(2026, 2, 1)},
            ],
        )
        # Each invoice's chatter says which contract made it (OCA's line, logged in bulk).
        invoice = self._invoices(quarterly)
        self.assertTrue(
            invoice.message_ids.filtered(lambda m: "by contract" in m.body and "Quarterly backup" in m.body)
        )
        # The contract knows its invoices (Atlas link and OCA's own count agree).
        self.assertEqual(behind.atlas_invoice_count, 3)
        self.assertEqual(behind.invoice_count, 3)
        self.assertEqual(self.customer.contract_ids, monthly | quarterly | yearly | behind | supplier)

    def test_a_batchs_drafts_are_all_unnumbered_in_a_new_year(self):
        """Odoo numbers the first draft of a year at once; a batch's drafts all wait for their
        posting (the batch runs as the cron's user, who has no Atlas role)."""
        for name in ("Alpha support", "Beta support", "Gamma support"):
            self._contract(name, "monthly", date(2033, 1, 1))
        batch = self._batch(name="January 2033", date=date(2033, 1, 1))
        batch.with_user(self.env.ref("base.user_root")).atlas_generate()
        drafts = self.env["account.move"].search([("atlas_batch_id", "=", batch.id)])
        self.assertEqual(len(drafts), 3)
        self.assertEqual(drafts.mapped("name"), ["/", "/", "/"])
        drafts.sorted("id").action_post()
        self.assertEqual(drafts.sorted("id").mapped("name"), [f"INV/2033/0000{n}" for n in (1, 2, 3)])

    def test_contract_line_markers_are_explained_and_filled_in_on_the_invoice(self):
        contract = self._contract("Managed IT services,", "monthly", date(2026, 1, 1))
        self.assertEqual(contract.contract_line_ids.name, "Managed IT services, #START# - #END#")
        # The contract form explains its markers...
        help_text = self.env["contract.line"]._fields["name"].help
        for marker in ("#START#", "#END#", "#INVOICEMONTHNAME#"):
            self.assertIn(marker, help_text)
        # ... which the invoice line reads filled in, after the product's name.
        self._batch().atlas_generate()
        line = self._invoices(contract).invoice_line_ids
        self.assertEqual(line.name, "Managed IT services, 01/01/2026 - 01/31/2026")
        self.assertEqual(line.product_id, self.service)

    def test_generate_again_makes_nothing_new(self):
        contracts = self._contract("A", "monthly", date(2026, 1, 1)) | self._contract(
            "B", "quarterly", date(2025, 12, 1)
        )
        batch = self._batch()
        batch.atlas_generate()
        first = batch.invoice_ids
        self.assertEqual(len(first), 2)

        result = batch.atlas_generate()

        self.assertEqual(batch.invoice_ids, first)
        self.assertEqual(result["batches"][0]["contracts_due"], 0)
        self.assertEqual(result["batches"][0]["state"], "done")
        # A second batch on the same date finds nothing due either.
        other = self._batch(name="January billing, again")
        other.atlas_generate()
        self.assertFalse(other.invoice_ids)
        self.assertEqual(
            self.env["account.move"].search_count([("atlas_contract_id", "in", contracts.ids)]),
            2,
        )

    def test_generate_again_says_nothing_new_was_due(self):
        self._contract("A", "monthly", date(2026, 1, 1))
        self._contract("B", "quarterly", date(2025, 12, 1))
        batch = self._batch()
        batch.atlas_generate()
        self.assertEqual(
            html2plaintext(batch.message_ids[0].body),
            "Generated 2 invoices from 2 contracts (0 failed).",
        )

        batch.atlas_generate()

        self.assertEqual(
            html2plaintext(batch.message_ids[0].body),
            f"Nothing new was due by {format_date(self.env, BATCH_DATE)}: no invoice generated. "
            "The batch's 2 invoices from earlier runs are unchanged.",
        )
        other = self._batch(name="January billing, again")
        other.atlas_generate()
        self.assertEqual(
            html2plaintext(other.message_ids[0].body),
            f"Nothing was due by {format_date(self.env, BATCH_DATE)}: no invoice generated.",
        )

    def test_interrupted_batch_resumes_with_the_rest_only(self):
        contracts = self.env["contract.contract"]
        for number in range(5):
            contracts |= self._contract(f"Contract {number}", "monthly", date(2026, 1, 1), price=100.0 + number)
        batch = self._batch(chunk_size=2)
        batch._atlas_start()
        # The first chunk is committed, then the server stops: the batch is left running.
        finished = batch._atlas_run(max_chunks=1)
        self.assertFalse(finished)
        self.assertRecordValues(batch, [{"state": "running", "contract_total": 5, "contract_done": 2}])
        self.assertEqual(len(batch.invoice_ids), 2)

        batch.atlas_generate()

        self.assertRecordValues(batch, [{"state": "done", "contract_total": 5, "contract_done": 5, "progress": 100.0}])
        self.assertEqual(batch.invoice_ids.atlas_contract_id, contracts)
        self.assertEqual(len(batch.invoice_ids), 5)
        self.assertEqual(sorted(batch.invoice_ids.mapped("amount_total")), [100.0, 101.0, 102.0, 103.0, 104.0])

    def test_a_period_already_invoiced_is_never_invoiced_twice(self):
        contract = self._contract("Monthly support", "monthly", date(2026, 1, 1))
        other = self._contract("Other support", "monthly", date(2026, 1, 1), partner=self.bluebird)
        first = self._batch()
        first.atlas_generate()
        invoice = self._invoices(contract)
        # As if the contract's dates had been lost after its invoice was made: it looks due again.
        contract.contract_line_ids.write({"last_date_invoiced": False, "recurring_next_date": date(2026, 1, 1)})
        self._contract("New support", "monthly", date(2026, 1, 1), partner=self.bluebird)

        second = self._batch(name="January billing, rerun")
        with mute_logger("odoo.sql_db"):
            second.atlas_generate()

        self.assertEqual(self._invoices(contract), invoice)
        self.assertEqual(len(self._invoices(other)), 1)
        self.assertRecordValues(second, [{"state": "failed", "contract_failed": 1, "contract_done": 2}])
        self.assertEqual(len(second.invoice_ids), 1)  # the new contract was still invoiced
        self.assertIn("Monthly support was not invoiced: it already has an invoice for that period", second.last_error)
        # The database itself refuses a duplicate, whoever creates it.
        with mute_logger("odoo.sql_db"), self.assertRaises(pg_errors.UniqueViolation):
            self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "atlas_contract_id": contract.id,
                    "atlas_period_start": date(2026, 1, 1),
                }
            )

    def test_a_cancelled_invoice_frees_its_period(self):
        contract = self._contract("Monthly support", "monthly", date(2026, 1, 1))
        self._batch().atlas_generate()
        self._invoices(contract).button_cancel()
        contract.contract_line_ids.write({"last_date_invoiced": False, "recurring_next_date": date(2026, 1, 1)})
        batch = self._batch(name="January billing, corrected")
        batch.atlas_generate()
        self.assertRecordValues(batch.invoice_ids, [{"atlas_contract_id": contract.id, "state": "draft"}])

    def test_contracts_by_filter_or_by_hand(self):
        northwind = self._contract("Northwind support", "monthly", date(2026, 1, 1))
        bluebird = self._contract("Bluebird support", "monthly", date(2026, 1, 1), partner=self.bluebird)
        third = self._contract("Bluebird hosting", "monthly", date(2026, 1, 1), partner=self.bluebird)

        by_filter = self._batch(contract_domain=f"[('partner_id', '=', {self.bluebird.id})]")
        by_filter.atlas_generate()
        self.assertEqual(by_filter.invoice_ids.atlas_contract_id, bluebird | third)

        by_hand = self._batch(contract_selection="manual", contract_ids=[Command.set([northwind.id, bluebird.id])])
        by_hand.atlas_generate()
        self.assertEqual(by_hand.invoice_ids.atlas_contract_id, northwind)

    def test_bad_filter_or_no_contract_is_refused_with_what_to_do(self):
        with self.assertRefused(ValidationError, "contract filter of batch Broken is not valid.*filter editor"):
            self._batch(name="Broken", contract_domain="[('no_such_field', '=', 1)]")
        empty = self._batch(name="Nobody", contract_domain="[('name', '=', 'no such contract')]")
        with self.assertRefused(UserError, "Batch Nobody covers no customer contract"):
            empty.atlas_generate()
        self.assertEqual(empty.state, "draft")

    def test_oca_cron_invoices_carry_the_contract_and_period_too(self):
        contract = self._contract("Monthly support", "monthly", date(2026, 1, 1))
        self.env["contract.contract"].cron_recurring_create_invoice(BATCH_DATE)
        self.assertRecordValues(
            self._invoices(contract),
            [{"atlas_contract_id": contract.id, "atlas_period_start": date(2026, 1, 1), "atlas_batch_id": False}],
        )

    def test_future_batch_invoices_are_due_after_their_date_never_before(self):
        # Made on 12/01/2026 for 01/01/2027: due on the invoice date without payment terms,
        # on the terms' date with them (the contract's, else the customer's), never "today".
        issued = date(2027, 1, 1)
        net30 = self.env.ref("account.account_payment_term_30days")
        no_terms = self._contract("Monthly support", "monthly", issued)
        with_terms = self._contract("Monthly backup", "monthly", issued, partner=self.bluebird)
        with_terms.payment_term_id = net30
        self.bluebird.property_payment_term_id = net30
        by_customer = self._contract("Monthly hosting", "monthly", issued, partner=self.bluebird)
        by_customer.payment_term_id = False
        batch = self._batch(date=issued)

        batch.atlas_generate()

        self.assertRecordValues(
            self._invoices(no_terms) | self._invoices(with_terms) | self._invoices(by_customer),
            [
                {"invoice_date": issued, "invoice_payment_term_id": False, "invoice_date_due": issued},
                {"invoice_date": issued, "invoice_payment_term_id": net30.id, "invoice_date_due": date(2027, 1, 31)},
                {"invoice_date": issued, "invoice_payment_term_id": net30.id, "invoice_date_due": date(2027, 1, 31)},
            ],
        )
        batch.atlas_post()
        self.assertEqual(
            self._invoices(no_terms).line_ids.filtered(lambda line: line.display_type == "payment_term").date_maturity,
            issued,
        )
        # The OCA cron makes the same invoices as a batch does.
        cron_made = self._contract("Quarterly audit", "quarterly", issued)
        self.env["contract.contract"].cron_recurring_create_invoice(issued)
        self.assertRecordValues(self._invoices(cron_made), [{"invoice_date": issued, "invoice_date_due": issued}])

    def test_generate_button_hands_the_work_to_the_cron(self):
        self._contract("Monthly support", "monthly", date(2026, 1, 1))
        batch = self._batch()
        cron = self.env.ref("atlas_invoicing.ir_cron_atlas_invoice_batch")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        batch.action_generate()
        self.assertRecordValues(batch, [{"state": "running", "contract_total": 1, "contract_done": 0}])
        # The button scheduled the cron worker (a new trigger), nothing generated in the request.
        self.assertEqual(len(Trigger.search([("cron_id", "=", cron.id)]) - before), 1)
        self.assertFalse(batch.invoice_ids)
        # What the cron worker runs:
        self.env["atlas.invoice.batch"]._cron_run_batches()
        self.assertRecordValues(batch, [{"state": "done", "contract_done": 1, "invoice_count": 1}])

    # -------------------------------------------------------------------------
    # Batch actions
    # -------------------------------------------------------------------------

    def test_post_as_generated_posts_each_invoice_with_its_journal_entry(self):
        monthly = self._contract("Northwind support", "monthly", date(2026, 1, 1), price=450.0)
        quarterly = self._contract("Bluebird backup", "quarterly", date(2026, 1, 1), price=900.0, partner=self.bluebird)
        batch = self._batch(post_invoices=True)

        result = batch.atlas_generate()

        self.assertEqual(result["batches"][0]["draft_invoices"], 0)
        invoices = batch.invoice_ids.sorted("amount_total")
        self.assertRecordValues(
            invoices,
            [
                {"atlas_contract_id": monthly.id, "state": "posted", "amount_total": 450.0, "amount_residual": 450.0},
                {"atlas_contract_id": quarterly.id, "state": "posted", "amount_total": 900.0, "amount_residual": 900.0},
            ],
        )
        self.assertTrue(all(name.startswith("INV/") for name in invoices.mapped("name")))
        # The journal entry behind each: Debit Accounts Receivable / Credit the product's revenue account.
        for invoice in invoices:
            receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            revenue = invoice.line_ids.filtered(lambda line: line.account_id == self.revenue)
            self.assertEqual((receivable.debit, revenue.credit), (invoice.amount_total, invoice.amount_total))

    def test_post_all_posts_the_drafts_in_chunks(self):
        for number in range(5):
            self._contract(f"Contract {number}", "monthly", date(2026, 1, 1), price=100.0 + number)
        batch = self._batch(chunk_size=2)
        batch.atlas_generate()
        self.assertEqual(set(batch.invoice_ids.mapped("state")), {"draft"})

        with self.assertRefused(AccessError, "(?s)not allowed to modify.*Invoice Batch.*Accountant"):
            batch.with_user(self.users["bookkeeper"]).atlas_post()
        self.assertEqual(set(batch.invoice_ids.mapped("state")), {"draft"})

        result = batch.with_user(self.users["accountant"]).atlas_post()

        self.assertEqual(len(result["invoices"]), 5)
        self.assertEqual({row["status"] for row in result["invoices"]}, {"posted"})
        self.assertEqual(set(batch.invoice_ids.mapped("state")), {"posted"})
        self.assertEqual(sorted(batch.invoice_ids.mapped("amount_residual")), [100.0, 101.0, 102.0, 103.0, 104.0])
        with self.assertRefused(UserError, "no draft invoices; there is nothing to post"):
            batch.atlas_post()

    def test_export_all_exports_the_batch_invoices_through_the_wizard(self):
        self._contract("Northwind support", "monthly", date(2026, 1, 1))
        self._contract("Bluebird support", "monthly", date(2026, 1, 1), partner=self.bluebird)
        batch = self._batch(post_invoices=True)
        batch.atlas_generate()
        accountant = self.users["accountant"]

        action = batch.with_user(accountant).action_export_all()

        wizard = self.env[action["res_model"]].with_user(accountant).with_context(**action["context"]).create({})
        self.assertEqual(wizard.invoice_ids, batch.invoice_ids)
        wizard.export_format = "xero"
        wizard.action_export()
        log = self.env["atlas.export.log"].search([("invoice_ids", "in", batch.invoice_ids.ids)])
        self.assertRecordValues(log, [{"export_format": "xero", "user_id": accountant.id}])
        self.assertEqual(log.invoice_ids, batch.invoice_ids)
        self.assertEqual(set(batch.invoice_ids.mapped("atlas_status")), {"exported"})

    def test_send_all_posts_and_emails_every_invoice(self):
        self._contract("Northwind support", "monthly", date(2026, 1, 1))
        self._contract("Bluebird support", "monthly", date(2026, 1, 1), partner=self.bluebird)
        batch = self._batch()
        batch.atlas_generate()

        result = batch.with_user(self.users["accountant"]).atlas_send()

        self.assertEqual({row["status"] for row in result["invoices"]}, {"sent"})
        self.assertRecordValues(
            batch.invoice_ids.sorted("id"),
            [{"state": "posted", "atlas_status": "sent"}, {"state": "posted", "atlas_status": "sent"}],
        )
        mails = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "in", batch.invoice_ids.ids)])
        self.assertEqual(mails.recipient_ids, self.customer | self.bluebird)
        self.assertEqual(len(mails), 2)
        with self.assertRefused(UserError, "already sent; there is nothing to send"):
            batch.atlas_send()

    def test_send_all_refuses_a_customer_without_email_and_sends_nothing(self):
        self._contract("Northwind support", "monthly", date(2026, 1, 1))
        silent = self.env["res.partner"].create({"name": "Silent Ltd", "customer_rank": 1})
        self._contract("Silent support", "monthly", date(2026, 1, 1), partner=silent)
        batch = self._batch()
        batch.atlas_generate()
        with self.assertRefused(UserError, "Customers Silent Ltd have no email address.*Nothing was sent"):
            batch.atlas_send()
        self.assertEqual(set(batch.invoice_ids.mapped("state")), {"draft"})

    def test_print_all_is_one_document_with_every_invoice(self):
        self._contract("Northwind support", "monthly", date(2026, 1, 1))
        self._contract("Bluebird support", "monthly", date(2026, 1, 1), partner=self.bluebird)
        batch = self._batch()
        with self.assertRefused(UserError, "has no invoices yet. Generate it first"):
            batch.action_print_all()
        batch.atlas_generate()
        action = batch.action_print_all()
        self.assertEqual(action["report_name"], "atlas_invoicing.report_atlas_invoice")
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(batch.invoice_ids.ids))

    # -------------------------------------------------------------------------
    # Roles
    # -------------------------------------------------------------------------

    def test_batches_and_contracts_are_the_accountants(self):
        self._contract("Monthly support", "monthly", date(2026, 1, 1))
        batch = self._batch()
        bookkeeper, viewer, accountant = self.users["bookkeeper"], self.users["viewer"], self.users["accountant"]

        with self.assertRefused(AccessError, "(?s)not allowed to create.*Invoice Batch.*Accountant"):
            self.env["atlas.invoice.batch"].with_user(bookkeeper).create({"name": "Mine", "date": BATCH_DATE})
        with self.assertRefused(AccessError, "(?s)not allowed to modify.*Invoice Batch.*Accountant"):
            batch.with_user(bookkeeper).atlas_generate()
        self.assertEqual(batch.state, "draft")
        with self.assertRefused(AccessError, "(?s)not allowed to create.*Contract"):
            self.env["contract.contract"].with_user(bookkeeper).create({"name": "Mine", "partner_id": self.customer.id})
        # The Viewer reads batches and contracts, and sees them on the customer form.
        self.assertEqual(batch.with_user(viewer).name, "January billing")
        self.assertTrue(self.env["contract.contract"].with_user(viewer).search([("name", "=", "Monthly support")]))
        form = self.env["res.partner"].with_user(viewer).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="atlas_contracts"', form)
        self.assertEqual(self.customer.with_user(viewer).contract_ids.mapped("name"), ["Monthly support"])

        own = self.env["atlas.invoice.batch"].with_user(accountant).create({"name": "Anna's", "date": BATCH_DATE})
        own.atlas_generate()
        self.assertEqual(own.invoice_count, 1)
        contract = (
            self.env["contract.contract"]
            .with_user(accountant)
            .create({"name": "Anna's contract", "partner_id": self.bluebird.id})
        )
        self.assertEqual(contract.contract_type, "sale")

    def test_a_user_sees_only_his_companies_batches(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        theirs = self.env["atlas.invoice.batch"].create({"name": "Theirs", "date": BATCH_DATE, "company_id": other.id})
        ours = self._batch(name="Ours")
        visible = self.env["atlas.invoice.batch"].with_user(self.users["accountant"]).search([])
        self.assertIn(ours, visible)
        self.assertNotIn(theirs, visible)
