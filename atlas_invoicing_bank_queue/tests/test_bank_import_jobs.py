"""A long bank statement file imported by queue jobs, one per chunk of lines.

The jobs are trapped with queue_job's own test helper (``trap_jobs``) or loaded from the
database as the job runner finds them, then performed as a worker performs them: once, twice,
failing until queue_job gives up. What is checked is what a bookkeeper checks: every line of
the file once, with its date and amount, the statement's balances, and what the statement
says while and after the import.
"""

import base64
from datetime import date, timedelta
from unittest.mock import patch

from lxml import etree

from odoo import sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.atlas_invoicing_bank.tests.bank_common import AtlasBankCommon
from odoo.addons.atlas_invoicing_queue.models.account_move import NUMBERING_LOCK
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

CHUNK = 20
LINES = 45  # three chunks: 20, 20, 5
START = 10000.0


@tagged("post_install", "-at_install")
class TestBankImportJobs(AtlasBankCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No job runner serves a test database: the import is told to use jobs all the same.
        cls.env["ir.config_parameter"].sudo().set_param("atlas_invoicing_queue.dispatch", "always")
        # Chunks of 20 lines rather than 500: the same jobs, with files of tens of lines.
        cls.env["ir.config_parameter"].sudo().set_param("atlas_invoicing_bank_queue.chunk_size", CHUNK)

    def _rows(self, count=LINES):
        """(date, description, reference, payer, amount, method): a customer payment, then a fee."""
        rows = []
        for number in range(count):
            day = date(2026, 2, 1) + timedelta(days=number * 28 // count)
            if number % 2:
                rows.append((day.isoformat(), f"FEE {number}", "", "", -(1 + number % 7) * 1.25, ""))
            else:
                rows.append((day.isoformat(), f"Payment {number}", f"REF{number:05d}", "Bluebird", 10.0 + number, ""))
        return rows

    def _file(self, count=LINES):
        return self._csv(self._rows(count), start=START)

    def _start(self, content=None, user="bookkeeper"):
        return self._import(content or self._file(), "february.csv", self.mapping, user=user)

    def _statement(self, result):
        return self.env["account.bank.statement"].browse(result["statement_ids"])

    def _chunk_jobs(self, trap):
        return [job for job in trap.enqueued_jobs if job.method_name == "_atlas_job_perform"]

    def _perform_all(self, trap):
        """Perform what is enqueued, and what that enqueues (the progress jobs), as workers do."""
        while trap.enqueued_jobs:
            trap.perform_enqueued_jobs()

    def _perform_stored(self, method=None):
        """Perform the pending jobs stored in the database (and those they store), as the job
        runner and its workers do, each marked done once performed."""
        domain = [("state", "=", "pending")] + ([("method_name", "=", method)] if method else [])
        while jobs := self.env["queue.job"].sudo().search(domain, order="id"):
            for record in jobs:
                job = Job.load(self.env, record.uuid)
                job.perform()
                job.set_done()
                job.store()

    def _imported(self, statement):
        """(date, amount, label) of the statement's lines, in the file's order."""
        lines = statement.line_ids.sorted("sequence")
        return [(line.date.isoformat(), round(line.amount, 2), line.payment_ref) for line in lines]

    def _expected(self, rows):
        return [(day, round(amount, 2), description) for day, description, _ref, _payer, amount, _m in rows]

    def _check_imported(self, statement, rows):
        self.assertEqual(self._imported(statement), self._expected(rows))
        ids = statement.line_ids.mapped("unique_import_id")
        self.assertEqual(len(set(ids)), len(rows))
        end = round(START + sum(row[4] for row in rows), 2)
        self.assertRecordValues(
            statement,
            [
                {
                    "atlas_import_state": False,
                    "balance_start": START,
                    "balance_end_real": end,
                    "balance_end": end,
                    "is_complete": True,
                    "date": date.fromisoformat(max(row[0] for row in rows)),
                }
            ],
        )
        self.assertEqual(self._bank_balance(), round(sum(row[4] for row in rows), 2))

    # -------------------------------------------------------------------------

    def test_a_long_file_is_checked_then_left_to_one_job_per_chunk(self):
        with trap_jobs() as trap:
            result = self._start()

            jobs = self._chunk_jobs(trap)
            self.assertEqual(len(jobs), 3)
            self.assertEqual({job.channel for job in jobs}, {"root.atlas"})
            self.assertEqual({job.max_retries for job in jobs}, {4})
        statement = self._statement(result)
        self.assertEqual([job.recordset for job in jobs], list(statement.atlas_import_chunk_ids))
        self.assertRecordValues(
            statement.atlas_import_chunk_ids,
            [
                {"sequence": 1, "first_line": 1, "line_count": 20, "state": "pending"},
                {"sequence": 2, "first_line": 21, "line_count": 20, "state": "pending"},
                {"sequence": 3, "first_line": 41, "line_count": 5, "state": "pending"},
            ],
        )
        # Nothing imported in the request; the statement and the result say what is going on.
        self.assertFalse(statement.line_ids)
        self.assertRecordValues(
            statement,
            [
                {
                    "atlas_import_state": "importing",
                    "atlas_import_total": LINES,
                    "atlas_import_progress": "Importing in the background: 0 of 45 lines",
                    "balance_start": START,
                    "balance_end_real": round(START + sum(row[4] for row in self._rows()), 2),
                }
            ],
        )
        self.assertEqual(result["line_count"], 0)
        self.assertEqual(result["background_line_count"], LINES)
        self.assertEqual(
            result["importing"],
            [
                {
                    "statement_id": statement.id,
                    "state": "importing",
                    "done": 0,
                    "total": LINES,
                    "message": "Importing in the background: 0 of 45 lines",
                }
            ],
        )

    def test_the_jobs_import_every_line_once_with_its_amount_and_date_and_match_them(self):
        invoice = self._sent_invoice(960.0, partner=self.bluebird)
        rows = self._rows()
        # A payment of the second chunk pays the invoice, by its number.
        rows[30] = (rows[30][0], f"Payment {invoice.name}", "", "Bluebird Dental Clinic", 960.0, "")
        with trap_jobs() as trap:
            result = self._start(self._csv(rows, start=START))
            self._perform_all(trap)

        statement = self._statement(result)
        self._check_imported(statement, rows)
        self.assertRecordValues(
            statement.atlas_import_chunk_ids, [{"state": "done", "done_count": n} for n in (20, 20, 5)]
        )
        paying = statement.line_ids.sorted("sequence")[30]
        self.assertEqual(paying.atlas_match_invoice_id, invoice)
        self.assertFalse(statement.atlas_import_progress)

    def test_a_chunk_performed_twice_or_again_after_its_worker_died_adds_nothing(self):
        with trap_jobs() as trap:
            result = self._start()
            jobs = self._chunk_jobs(trap)
            self._perform_all(trap)
        statement = self._statement(result)
        self.assertEqual(len(statement.line_ids), LINES)
        # The same jobs again: their chunks are done.
        for job in jobs:
            job.perform()
        # A chunk whose lines are in but which still says queued (its job runs again): the lines
        # whose import id the journal has are not created again.
        statement.atlas_import_chunk_ids[1].sudo().state = "pending"
        statement.sudo().atlas_import_state = "importing"
        with trap_jobs() as trap:
            jobs[1].perform()
            self._perform_all(trap)
        self.assertEqual(statement.atlas_import_chunk_ids.mapped("state"), ["done"] * 3)
        self._check_imported(statement, self._rows())

    def test_a_chunk_whose_journal_is_taken_gives_its_worker_back_without_counting_a_try(self):
        with trap_jobs() as trap:
            result = self._start()
            job = self._chunk_jobs(trap)[0]
        statement = self._statement(result)
        # Another transaction (another worker's chunk) is adding lines to the same journal.
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NUMBERING_LOCK, self.bank.id])
            with self.assertRaises(RetryableJobError) as caught:
                job.perform()
        finally:
            other.rollback()
            other.close()
        self.assertEqual(
            str(caught.exception),
            f"Another chunk is being imported into {self.bank.display_name}: this one waits its turn.",
        )
        self.assertTrue(caught.exception.ignore_retry)
        self.assertEqual(caught.exception.seconds, 5)
        self.assertFalse(statement.line_ids)
        # Once the journal is free, the chunk imports its lines.
        with trap_jobs() as trap:
            job.perform()
            self.assertEqual(len(statement.line_ids), CHUNK)

    def test_importing_the_file_again_imports_nothing(self):
        with trap_jobs() as trap:
            self._start()
            self._perform_all(trap)
        with trap_jobs() as trap:
            result = self._start()
            self.assertFalse(trap.enqueued_jobs)
        self.assertEqual((result["line_count"], result["duplicates"]), (0, LINES))
        self.assertFalse(result["statement_ids"])

    def test_a_chunk_is_the_import_s_own_500_lines_unless_set(self):
        self.env["ir.config_parameter"].sudo().set_param("atlas_invoicing_bank_queue.chunk_size", False)
        self.assertEqual(self.env["account.statement.import"]._atlas_import_chunk_size(), 500)

    def test_a_file_of_one_chunk_is_imported_in_the_request(self):
        rows = self._rows(CHUNK)
        with trap_jobs() as trap:
            result = self._start(self._csv(rows, start=START))
            self.assertFalse(trap.enqueued_jobs)
        self.assertEqual(result["line_count"], CHUNK)
        self.assertEqual(result["importing"], [])
        self._check_imported(self._statement(result), rows)

    def test_a_file_refused_imports_nothing_and_queues_nothing(self):
        # Line 31's amount is not the one its running balance says: the statement does not balance.
        rows = self._file().split(b"\n")
        cells = rows[31].split(b",")
        cells[4] = b"999.99"
        rows[31] = b",".join(cells)
        content = b"\n".join(rows)
        lines = self.env["account.bank.statement.line"].search_count([])
        with trap_jobs() as trap, self.assertRaisesRegex(UserError, "does not balance.*Nothing was imported"):
            self._start(content)
        self.assertFalse(trap.enqueued_jobs)
        self.assertEqual(self.env["account.bank.statement.line"].search_count([]), lines)
        self.assertFalse(self.env["atlas.statement.import.chunk"].search([]))

    def test_a_failing_chunk_is_retried_then_shown_on_the_statement_and_resumed(self):
        result = self._start()  # stored jobs, as the job runner finds them
        statement = self._statement(result)
        chunks = statement.atlas_import_chunk_ids
        failing = Job.load(self.env, chunks[1].job_uuid)
        # The database refuses the chunk's work every time (as a lost connection would).
        Line = type(self.env["account.bank.statement.line"])
        with patch.object(Line, "_atlas_match_lines", side_effect=OSError("server closed the connection")):
            # Each try is rolled back, as the worker's transaction is (the lines it created too).
            for _try in range(3):
                with self.assertRaisesRegex(RetryableJobError, "OSError: server closed the connection"):
                    with self.env.cr.savepoint():
                        failing.perform()
            with self.assertRaisesRegex(FailedJobError, r"Max. retries \(4\) reached: OSError: server closed"):
                with self.env.cr.savepoint():
                    failing.perform()
        self.env.invalidate_all()
        # What queue_job's controller does with the job it gives up on.
        failing.set_failed(exc_name="FailedJobError", exc_message="Max. retries (4) reached: OSError: server closed")
        failing.store()
        self._perform_stored()

        self.assertEqual(chunks.mapped("state"), ["done", "failed", "done"])
        self.assertEqual(len(statement.line_ids), 25)
        error = "Chunk 2 (lines 21 to 40) failed: Max. retries (4) reached: OSError: server closed"
        self.assertRecordValues(
            statement,
            [
                {
                    "atlas_import_state": "failed",
                    "atlas_import_error": error,
                    "atlas_import_progress": "Import stopped at 25 of 45 lines: a chunk failed. "
                    "Resume imports the rest.",
                }
            ],
        )
        # Resume queues the failed chunk only; the statement ends complete, every line once.
        with trap_jobs() as trap:
            statement.with_user(self.users["bookkeeper"]).action_atlas_import_resume()
            self.assertEqual([job.recordset for job in self._chunk_jobs(trap)], [chunks[1]])
            self.assertEqual(statement.atlas_import_state, "importing")
            self._perform_all(trap)
        self._check_imported(statement, self._rows())

    def test_resume_while_every_chunk_is_queued_says_there_is_nothing_to_resume(self):
        result = self._start()  # stored jobs, queued: no job runner has taken them yet
        statement = self._statement(result).with_user(self.users["bookkeeper"])
        jobs = self.env["queue.job"].sudo().search([])
        states = statement.atlas_import_chunk_ids.mapped("state")
        with self.assertRefused(
            UserError,
            r"Nothing to resume: 3 chunks of statement .+ are still queued or running\. The statement shows how "
            r"far the import got; Resume is for a chunk that failed or whose job is gone\.",
        ):
            statement.action_atlas_import_resume()
        # Nothing queued twice; the import goes on.
        self.assertEqual(self.env["queue.job"].sudo().search([]), jobs)
        self.assertEqual(statement.atlas_import_chunk_ids.mapped("state"), states)
        self.assertEqual(statement.atlas_import_state, "importing")
        self._perform_stored()
        self._check_imported(statement, self._rows())

    def test_while_importing_the_statement_is_dated_and_takes_no_line_by_hand(self):
        """The statement's form while its lines come in: dated as it will be once complete
        (Odoo dates a statement by its last line; it has none yet), and no Add a line."""
        result = self._start()
        statement = self._statement(result).with_user(self.users["bookkeeper"])
        last_date = date.fromisoformat(max(row[0] for row in self._rows()))
        self.assertFalse(statement.line_ids)
        self.assertEqual(statement.date, last_date)
        form = statement.get_views([(self.env.ref("account_statement_base.view_bank_statement_form").id, "form")])
        [lines] = etree.fromstring(form["views"]["form"]["arch"]).xpath("//field[@name='line_ids']")
        readonly = lines.get("readonly")
        self.assertTrue(safe_eval(readonly, {"atlas_import_state": statement.atlas_import_state}))
        # The first chunk in: still the file's date, not its first 20 lines'.
        first = Job.load(self.env, statement.atlas_import_chunk_ids[0].job_uuid)
        first.perform()
        first.set_done()
        first.store()
        self.assertEqual(len(statement.line_ids), CHUNK)
        self.assertEqual(statement.date, last_date)
        self._perform_stored()
        self._check_imported(statement, self._rows())
        self.assertFalse(safe_eval(readonly, {"atlas_import_state": statement.atlas_import_state}))

    def test_a_line_added_by_hand_while_importing_is_refused(self):
        """Over XML-RPC (or any door but the form) a line added to a statement being imported
        is refused, saying why; once the import is complete the statement takes lines again."""
        result = self._start()
        statement = self._statement(result)
        Line = self.env["account.bank.statement.line"].with_user(self.users["bookkeeper"])
        values = {
            "journal_id": statement.journal_id.id,
            "statement_id": statement.id,
            "date": str(statement.date),
            "amount": 10.0,
            "payment_ref": "By hand",
        }
        with self.assertRaisesRegex(
            UserError, r"is being imported from its file \(Importing in the background: 0 of 45 lines\)"
        ):
            Line.create(values)
        loose = Line.create({**values, "statement_id": False})
        with self.assertRaisesRegex(UserError, "add lines to it once its import is complete or cancelled"):
            loose.statement_id = statement
        loose.sudo().unlink()
        self._perform_stored()
        self._check_imported(statement, self._rows())
        self.assertIn(Line.create(values), statement.line_ids)

    def test_cancel_keeps_the_lines_imported_and_importing_again_adds_the_rest_once(self):
        with trap_jobs() as trap:
            result = self._start()
            statement = self._statement(result)
            self._chunk_jobs(trap)[0].perform()
            statement.with_user(self.users["bookkeeper"]).action_atlas_import_cancel()
            # The jobs left find their chunks cancelled.
            self._perform_all(trap)
        rows = self._rows()
        self.assertEqual(statement.atlas_import_chunk_ids.mapped("state"), ["done", "cancel", "cancel"])
        first_end = round(START + sum(row[4] for row in rows[:CHUNK]), 2)
        self.assertRecordValues(
            statement,
            [
                {
                    "atlas_import_state": "cancel",
                    "atlas_import_progress": "Import cancelled at 20 of 45 lines. Importing the file again "
                    "imports the rest.",
                    "balance_start": START,
                    "balance_end": first_end,
                    "balance_end_real": first_end,
                }
            ],
        )
        self.assertEqual(self._imported(statement), self._expected(rows[:CHUNK]))
        # The same file again: the 25 lines left, in a statement that starts where the first ends.
        with trap_jobs() as trap:
            again = self._start()
            self.assertEqual(len(self._chunk_jobs(trap)), 2)
            self._perform_all(trap)
        self.assertEqual(again["duplicates"], CHUNK)
        rest = self._statement(again)
        self.assertEqual(self._imported(rest), self._expected(rows[CHUNK:]))
        self.assertRecordValues(
            rest,
            [
                {
                    "atlas_import_state": False,
                    "balance_start": first_end,
                    "balance_end_real": round(START + sum(row[4] for row in rows), 2),
                    "balance_end": round(START + sum(row[4] for row in rows), 2),
                }
            ],
        )
        ids = (statement.line_ids | rest.line_ids).mapped("unique_import_id")
        self.assertEqual(len(set(ids)), LINES)
        self.assertEqual(self._bank_balance(), round(sum(row[4] for row in rows), 2))

    def test_a_viewer_can_neither_import_resume_nor_cancel(self):
        with trap_jobs():
            statement = self._statement(self._start())
        message = "Only an Atlas Bookkeeper can import bank statements and confirm matches."
        viewer = statement.with_user(self.users["viewer"])
        for action in (viewer.action_atlas_import_resume, viewer.action_atlas_import_cancel):
            with self.assertRaisesRegex(AccessError, message):
                action()
        with trap_jobs() as trap, self.assertRaisesRegex(AccessError, message):
            self._start(user="viewer")
        self.assertFalse(trap.enqueued_jobs)
        self.assertRecordValues(statement, [{"atlas_import_state": "importing"}])
        self.assertEqual(statement.atlas_import_chunk_ids.mapped("state"), ["pending"] * 3)

    def test_without_jobs_a_long_file_is_imported_in_the_request_as_before(self):
        self.env["ir.config_parameter"].sudo().set_param("atlas_invoicing_queue.dispatch", "never")
        with trap_jobs() as trap:
            result = self._start()
            self.assertFalse(trap.enqueued_jobs)
        self.assertEqual(result["line_count"], LINES)
        self._check_imported(self._statement(result), self._rows())

    def test_the_dialog_says_the_lines_are_imported_in_the_background(self):
        wizard = (
            self.env["atlas.statement.import"]
            .with_user(self.users["bookkeeper"])
            .create(
                {
                    "journal_id": self.bank.id,
                    "statement_file": base64.b64encode(self._file()),
                    "statement_filename": "february.csv",
                    "sheet_mapping_id": self.mapping.id,
                }
            )
        )
        with trap_jobs():
            wizard.action_preview()
            wizard.action_import()
        self.assertRecordValues(
            wizard,
            [
                {
                    "state": "done",
                    "line_count": 0,
                    "background_line_count": LINES,
                    "background_progress": "Importing in the background: 0 of 45 lines",
                }
            ],
        )
