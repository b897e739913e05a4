"""Invoice batches as queue jobs: one job per chunk, performed by queue_job, exactly once.

The jobs are trapped with queue_job's own test helper (``trap_jobs``): what is enqueued is
checked (one job per chunk, on the channel root.atlas), then the jobs are performed as a
worker performs them, including twice, and failing until queue_job gives up.
"""

import io
import re
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from odoo.addons.atlas_invoicing.tests.common import AtlasTestCommon
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

BATCH_DATE = date(2026, 1, 1)


@tagged("post_install", "-at_install")
class TestBatchJobs(AtlasTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No job runner serves a test database: the batches are told to use jobs all the same.
        cls.env["ir.config_parameter"].sudo().set_param("atlas_invoicing_queue.dispatch", "always")
        cls.service = cls.env["product.product"].create(
            {
                "name": "Managed IT services",
                "type": "service",
                "list_price": 450.0,
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.company_data["default_account_revenue"].id,
            }
        )

    def _contract(self, name, start=date(2026, 1, 1), price=450.0, partner=None):
        return self.env["contract.contract"].create(
            {
                "name": name,
                "partner_id": (partner or self.customer).id,
                "contract_type": "sale",
                "company_id": self.company_data["company"].id,
                "recurring_rule_type": "monthly",
                "date_start": start,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": self.service.id,
                            "name": f"{name} #START# - #END#",
                            "quantity": 1,
                            "price_unit": price,
                            "recurring_rule_type": "monthly",
                            "date_start": start,
                            "recurring_next_date": start,
                        }
                    )
                ],
            }
        )

    def _contracts(self, count):
        contracts = self.env["contract.contract"]
        for number in range(count):
            contracts |= self._contract(f"Contract {number}", price=100.0 + number)
        return contracts

    def _batch(self, **values):
        vals = {
            "name": "January billing",
            "date": BATCH_DATE,
            "company_id": self.company_data["company"].id,
            "contract_domain": "[('name', '=like', 'Contract %')]",
        }
        vals.update(values)
        return self.env["atlas.invoice.batch"].create(vals)

    def _invoices(self, contracts):
        return self.env["account.move"].search(
            [("atlas_contract_id", "in", contracts.ids)], order="atlas_contract_id, atlas_period_start"
        )

    def _periods(self, contracts):
        return sorted((move.atlas_contract_id.id, move.atlas_period_start) for move in self._invoices(contracts))

    def _perform_all(self, trap):
        """Perform what is enqueued, and what that enqueues (the progress jobs), as workers do.

        With real PDFs: in a test database Odoo renders reports as HTML unless told otherwise."""
        while trap.enqueued_jobs:
            for job in trap.enqueued_jobs:
                job.recordset = job.recordset.with_context(force_report_rendering=True)
            trap.perform_enqueued_jobs()

    def _perform_stored_jobs(self):
        """Perform the jobs stored in the database, and those they store, as the job runner and
        its workers do, each marked done once performed."""
        while jobs := self.env["queue.job"].sudo().search([("state", "=", "pending")], order="id"):
            for record in jobs:
                job = Job.load(self.env, record.uuid)
                job.recordset = job.recordset.with_context(force_report_rendering=True)
                job.perform()
                job.set_done()
                job.store()

    def _chunk_jobs(self, trap):
        return [job for job in trap.enqueued_jobs if job.method_name == "_atlas_job_perform"]

    # -------------------------------------------------------------------------
    # Generate
    # -------------------------------------------------------------------------

    def test_generate_enqueues_one_job_per_chunk_on_the_atlas_channel(self):
        contracts = self._contracts(5)
        batch = self._batch(chunk_size=2)
        cron = self.env.ref("atlas_invoicing.ir_cron_atlas_invoice_batch")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

        with trap_jobs() as trap:
            batch.action_generate()

            self.assertEqual(len(self._chunk_jobs(trap)), 3)
            chunks = batch.atlas_chunk_ids
            self.assertEqual([job.recordset for job in trap.enqueued_jobs], list(chunks))
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.atlas"})
            self.assertEqual({job.max_retries for job in trap.enqueued_jobs}, {4})
            self.assertEqual([job.uuid for job in trap.enqueued_jobs], chunks.mapped("job_uuid"))
        self.assertRecordValues(
            chunks,
            [
                {"operation": "generate", "sequence": 1, "record_ids": contracts[:2].ids, "state": "pending"},
                {"operation": "generate", "sequence": 2, "record_ids": contracts[2:4].ids, "state": "pending"},
                {"operation": "generate", "sequence": 3, "record_ids": contracts[4:].ids, "state": "pending"},
            ],
        )
        # Nothing generated in the request, and the cron worker is left out of it.
        self.assertRecordValues(batch, [{"state": "running", "contract_total": 5, "contract_done": 0}])
        self.assertFalse(batch.invoice_ids)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers)
        self.assertNotIn(batch, self.env["atlas.invoice.batch"]._atlas_cron_batches())

    def test_performed_jobs_invoice_each_contract_once_per_period(self):
        contracts = self._contracts(4)
        behind = self._contract("Contract behind", start=date(2025, 11, 1), price=80.0)  # three months due
        batch = self._batch(chunk_size=2)

        with trap_jobs() as trap:
            batch.action_generate()
            first = self._chunk_jobs(trap)[0]
            first.perform()
            # One chunk done: the batch shows its progress once its progress job has run.
            progress = [job for job in trap.enqueued_jobs if job.method_name == "_atlas_job_progress"]
            progress[0].perform()
            self.assertRecordValues(batch, [{"state": "running", "contract_total": 5, "contract_done": 2}])
            self.assertAlmostEqual(batch.progress, 40.0)
            self._perform_all(trap)

        self.assertRecordValues(
            batch,
            [{"state": "done", "contract_done": 5, "contract_failed": 0, "invoice_count": 7, "progress": 100.0}],
        )
        self.assertEqual(set(batch.atlas_chunk_ids.mapped("state")), {"done"})
        expected = [(contract.id, date(2026, 1, 1)) for contract in contracts] + [
            (behind.id, date(2025, 11, 1)),
            (behind.id, date(2025, 12, 1)),
            (behind.id, date(2026, 1, 1)),
        ]
        self.assertEqual(self._periods(contracts | behind), sorted(expected))
        self.assertEqual(sorted(batch.invoice_ids.mapped("amount_total")), [80.0] * 3 + [100.0, 101.0, 102.0, 103.0])
        self.assertIn("Generated 7 invoices from 5 contracts (0 failed).", batch.message_ids[0].body)

    def test_a_job_performed_twice_invoices_nothing_more(self):
        contracts = self._contracts(3)
        batch = self._batch(chunk_size=2)
        with trap_jobs() as trap:
            batch.action_generate()
            jobs = self._chunk_jobs(trap)
            for job in jobs:
                job.perform()
            again = [job.perform() for job in jobs]
            self._perform_all(trap)
        self.assertEqual(len(self._invoices(contracts)), 3)
        self.assertEqual(again, ["Chunk 1 is already done: nothing to do.", "Chunk 2 is already done: nothing to do."])

        # The same contracts in a chunk of their own, as if enqueued twice: their period is
        # invoiced, so the job finds nothing due and makes nothing.
        batch.write({"state": "running"})
        with trap_jobs() as trap:
            [duplicate] = batch._atlas_enqueue_chunks("generate", contracts, 10, batch.atlas_run_key)
            trap.perform_enqueued_jobs()
        self.assertRecordValues(duplicate, [{"state": "done", "failed_count": 0}])
        self.assertEqual(self._periods(contracts), sorted((c.id, date(2026, 1, 1)) for c in contracts))

    def test_resume_enqueues_only_what_no_job_covers_and_is_not_done(self):
        contracts = self._contracts(7)
        batch = self._batch(chunk_size=2)
        batch.action_generate()  # stored jobs, as the job runner finds them
        first, _second, _third, fourth = batch.atlas_chunk_ids
        job = Job.load(self.env, first.job_uuid)
        job.perform()
        job.set_done()
        job.store()
        # The fourth job was cancelled in the Jobs view; the others are still queued; a contract
        # becomes due meanwhile.
        self.env["queue.job"].sudo().search([("uuid", "=", fourth.job_uuid)]).button_cancelled()
        late = self._contract("Contract late", price=200.0)
        with trap_jobs() as trap:
            batch.action_generate()  # Resume
            self.assertEqual([job.recordset.record_ids for job in self._chunk_jobs(trap)], [(contracts[6] | late).ids])
        self.assertEqual(batch.atlas_chunk_ids.mapped("state"), ["done", "pending", "pending", "cancel", "pending"])
        self.assertEqual(len(self._invoices(contracts | late)), 2)

    def test_cron_leaves_a_batch_run_by_jobs_alone_and_resumes_it_without_a_runner(self):
        contracts = self._contracts(3)
        batch = self._batch(chunk_size=2)
        with trap_jobs():
            batch.action_generate()
        self.env["atlas.invoice.batch"]._cron_run_batches()
        self.assertFalse(self._invoices(contracts))
        # No job runner any more (dispatch "never"): Resume hands the run back to the cron
        # worker, and the queued jobs, if they ever run, find nothing left to do.
        self.env["ir.config_parameter"].sudo().set_param("atlas_invoicing_queue.dispatch", "never")
        with trap_jobs() as trap:
            batch.action_generate()
            trap.assert_jobs_count(0)
        self.env["atlas.invoice.batch"]._cron_run_batches()
        self.assertRecordValues(batch, [{"state": "done", "contract_done": 3}])
        for chunk in batch.atlas_chunk_ids:
            chunk._atlas_job_perform()
        self.assertEqual(len(self._invoices(contracts)), 3)

    def test_auto_dispatch_uses_jobs_only_when_a_job_runner_serves_the_database(self):
        self.env["ir.config_parameter"].sudo().set_param("atlas_invoicing_queue.dispatch", "auto")
        self._contracts(1)
        batch = self._batch()
        # No job runner holds its lock on the test database: the batch runs as without the addon.
        self.assertFalse(batch._atlas_job_runner_serves_database())
        with trap_jobs() as trap:
            batch.action_generate()
            trap.assert_jobs_count(0)
        self.assertFalse(batch.atlas_chunk_ids)
        self.env["atlas.invoice.batch"]._cron_run_batches()
        self.assertRecordValues(batch, [{"state": "done", "invoice_count": 1}])

    def test_a_contract_that_fails_shows_on_the_batch_and_the_others_are_invoiced(self):
        contracts = self._contracts(3)
        self._batch(name="First run", contract_selection="manual", contract_ids=[Command.set(contracts[:1].ids)])
        contracts[0].contract_line_ids.write({"recurring_next_date": date(2026, 1, 1)})
        first = self.env["atlas.invoice.batch"].search([("name", "=", "First run")])
        first.atlas_generate()
        # As if the contract's dates had been lost after its invoice was made: it looks due again.
        contracts[0].contract_line_ids.write({"last_date_invoiced": False, "recurring_next_date": date(2026, 1, 1)})
        batch = self._batch(chunk_size=2)
        with trap_jobs() as trap, mute_logger("odoo.sql_db"):
            batch.action_generate()
            self._perform_all(trap)
        self.assertRecordValues(batch, [{"state": "failed", "contract_done": 3, "contract_failed": 1}])
        self.assertEqual(len(self._invoices(contracts)), 3)  # the failed one still has its one invoice
        self.assertIn("Contract 0 was not invoiced: it already has an invoice for that period", batch.last_error)
        self.assertTrue(batch.message_ids.filtered(lambda m: "Contract 0 was not invoiced" in m.body))

    def test_a_failing_chunk_is_retried_then_shown_failed_on_the_batch(self):
        contracts = self._contracts(3)
        batch = self._batch(chunk_size=2)
        batch.action_generate()  # stored jobs, as the job runner finds them
        jobs = self.env["queue.job"].sudo().search([("uuid", "in", batch.atlas_chunk_ids.mapped("job_uuid"))])
        self.assertEqual(len(jobs), 2)
        self.assertEqual(set(jobs.mapped("channel")), {"root.atlas"})
        failing = Job.load(self.env, batch.atlas_chunk_ids[0].job_uuid)
        # The database refuses the chunk's work every time (as a lost connection would).
        Batch = type(self.env["atlas.invoice.batch"])
        with patch.object(Batch, "_atlas_generate_chunk", side_effect=OSError("server closed the connection")):
            for _try in range(3):
                with self.assertRaisesRegex(RetryableJobError, "OSError: server closed the connection"):
                    failing.perform()
            with self.assertRaisesRegex(FailedJobError, r"Max. retries \(4\) reached: OSError: server closed"):
                failing.perform()
        # What queue_job's controller does with the job it gives up on.
        failing.set_failed(exc_name="FailedJobError", exc_message="Max. retries (4) reached: OSError: server closed")
        failing.store()
        Job.load(self.env, batch.atlas_chunk_ids[1].job_uuid).perform()
        with trap_jobs() as trap:
            # The progress jobs the two chunks enqueued (stored, as the runner finds them).
            for job in self.env["queue.job"].sudo().search([("method_name", "=", "_atlas_job_progress")]):
                Job.load(self.env, job.uuid).perform()
            self._perform_all(trap)

        self.assertRecordValues(
            batch.atlas_chunk_ids,
            [
                {"state": "failed", "failed_count": 2, "done_count": 0},
                {"state": "done", "failed_count": 0, "done_count": 1},
            ],
        )
        self.assertRecordValues(batch, [{"state": "failed", "contract_done": 1, "contract_failed": 2}])
        self.assertEqual(
            batch.last_error,
            "Generate, chunk 1 (2 records) failed: Max. retries (4) reached: OSError: server closed",
        )
        self.assertEqual(self._invoices(contracts).atlas_contract_id, contracts[2])
        # Generate Again enqueues the failed chunk's contracts, still due, and nothing else.
        with trap_jobs() as trap:
            batch.action_generate()
            self.assertEqual([job.recordset.record_ids for job in self._chunk_jobs(trap)], [contracts[:2].ids])
            self._perform_all(trap)
        self.assertRecordValues(batch, [{"state": "done", "contract_total": 2, "contract_done": 2}])
        self.assertEqual(len(self._invoices(contracts)), 3)

    # -------------------------------------------------------------------------
    # Post All, Send All, Print All
    # -------------------------------------------------------------------------

    def _generated(self, count, **values):
        contracts = self._contracts(count)
        batch = self._batch(**values)
        batch.with_context(atlas_batch_no_commit=True).atlas_generate()
        return contracts, batch

    def test_post_all_posts_the_drafts_in_one_job_per_chunk_with_gap_free_numbers(self):
        _contracts, batch = self._generated(5, chunk_size=2)
        batch.action_post_all()
        self.assertEqual(len(batch.atlas_chunk_ids.filtered(lambda c: c.operation == "post")), 3)
        with self.assertRefused(UserError, "Post All of batch January billing is already queued"):
            batch.action_post_all()
        self._perform_stored_jobs()
        invoices = batch.invoice_ids.sorted("name")
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        numbers = [int(re.search(r"(\d+)$", name).group(1)) for name in invoices.mapped("name")]
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 5)))
        self.assertIn("Post All: 5 invoices processed in 3 jobs.", batch.message_ids[0].body)
        with self.assertRefused(UserError, "no draft invoices; there is nothing to post"):
            batch.action_post_all()

    def test_drafts_made_by_jobs_are_numbered_when_posted_even_the_first_of_a_period(self):
        # No invoice yet in 2031: Odoo would give the period's first draft its first number,
        # and two jobs making drafts side by side would each give one the same number.
        contracts = self.env["contract.contract"]
        for number in range(4):
            contracts |= self._contract(f"Contract {number}", start=date(2031, 1, 1))
        batch = self._batch(date=date(2031, 1, 1), chunk_size=2)
        with trap_jobs() as trap:
            batch.action_generate()
            self._perform_all(trap)
        self.assertEqual(batch.invoice_ids.mapped("name"), ["/"] * 4)
        batch.action_post_all()
        self._perform_stored_jobs()
        self.assertEqual(
            sorted(batch.invoice_ids.mapped("name")),
            ["INV/2031/00001", "INV/2031/00002", "INV/2031/00003", "INV/2031/00004"],
        )

    def test_send_all_emails_every_invoice_in_jobs(self):
        _contracts, batch = self._generated(3)
        with trap_jobs() as trap:
            batch.with_user(self.users["accountant"]).action_send_all()
            self._perform_all(trap)
        self.assertRecordValues(batch.invoice_ids, [{"state": "posted", "atlas_status": "sent"}] * 3)
        mails = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "in", batch.invoice_ids.ids)])
        self.assertEqual(len(mails), 3)
        self.assertIn("3 invoices sent by", batch.message_ids[0].body)
        with self.assertRefused(UserError, "already sent; there is nothing to send"):
            batch.action_send_all()

    def test_print_all_attaches_one_pdf_with_every_invoice(self):
        _contracts, batch = self._generated(3, post_invoices=True)
        self.env["ir.config_parameter"].sudo().set_param("atlas_invoicing.pdf_chunk_size", "2")
        with trap_jobs() as trap:
            batch.with_user(self.users["viewer"]).action_print_all()
            self.assertEqual(len(self._chunk_jobs(trap)), 2)
            self._perform_all(trap)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "atlas.invoice.batch"), ("res_id", "=", batch.id)]
        )
        self.assertEqual(attachment.name, "January billing.pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertEqual(len(PdfFileReader(io.BytesIO(attachment.raw)).pages), 3)  # one page per invoice
        self.assertIn("Print All: one PDF with 3 invoices, attached.", batch.message_ids[0].body)
        # The chunks' own PDFs are gone; the merged one stays.
        self.assertFalse(batch.atlas_chunk_ids.attachment_id)

    # -------------------------------------------------------------------------
    # Roles
    # -------------------------------------------------------------------------

    def test_each_role_over_the_batch_buttons_as_without_jobs(self):
        _contracts, batch = self._generated(2)
        for role in ("viewer", "bookkeeper"):
            user = self.users[role]
            for button in ("action_generate", "action_post_all", "action_send_all"):
                with self.assertRefused(AccessError, "(?s)not allowed to modify.*Invoice Batch.*Accountant"):
                    getattr(batch.with_user(user), button)()
        self.assertFalse(batch.atlas_chunk_ids)
        # Anyone who reads the batch prints it; the Accountant runs it.
        with trap_jobs() as trap:
            batch.with_user(self.users["viewer"]).action_print_all()
            batch.with_user(self.users["accountant"]).action_post_all()
            self.assertEqual(
                [(job.recordset.operation, job.user_id) for job in trap.enqueued_jobs],
                [("print", self.users["viewer"].id), ("post", self.users["accountant"].id)],
            )
            self._perform_all(trap)
        self.assertEqual(set(batch.invoice_ids.mapped("state")), {"posted"})
        self.assertEqual(batch.with_user(self.users["viewer"]).atlas_chunk_ids.mapped("state"), ["done", "done"])
