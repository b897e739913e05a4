"""Invoice batches: one named run that invoices many contracts at once.

Generation reuses OCA `contract` (`_recurring_create_invoice`), which creates the invoice
and moves the contract's next invoice date on in the same transaction. The batch works
through the due contracts in chunks and commits after each one (atlas.chunked.commit.mixin),
so an interrupted run (a killed server) loses at most the chunk in progress, and that chunk
leaves no trace: its invoices and its date changes roll back together. Running Generate
again resumes, because a contract that was invoiced is no longer due. The unique index on
(contract, period start) in account_move_contract.py is the last guard against a duplicate.
"""

import base64
import logging
from collections import Counter

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_date
from odoo.tools.safe_eval import safe_eval

from .ir_actions_report import ATLAS_INVOICE_REPORT, AtlasInvoicePdfError

_logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 100
# A contract far behind is billed period by period up to the batch date; this bounds the
# periods one contract may get in one batch (ten years of monthly invoices).
MAX_PERIODS_PER_CONTRACT = 120


class AtlasInvoiceBatch(models.Model):
    _name = "atlas.invoice.batch"
    _description = "Invoice Batch"
    _inherit = ["mail.thread", "atlas.chunked.commit.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Batch === #
    name = fields.Char(required=True, tracking=True)
    date = fields.Date(
        string="Invoice Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The batch invoices the contracts due on or before this date; it is the invoices' date.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("running", "Generating"),
            ("done", "Done"),
            ("failed", "Done with Errors"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )

    # === Contracts covered === #
    contract_selection = fields.Selection(
        selection=[
            ("filter", "Contracts matching a filter"),
            ("manual", "Contracts chosen by hand"),
        ],
        string="Contracts",
        default="filter",
        required=True,
    )
    contract_domain = fields.Char(
        string="Contract Filter",
        default="[]",
        help="Customer contracts of the company matching this filter are invoiced when due.",
    )
    contract_ids = fields.Many2many(
        comodel_name="contract.contract",
        relation="atlas_invoice_batch_contract_rel",
        column1="batch_id",
        column2="contract_id",
        string="Chosen Contracts",
        domain="[('contract_type', '=', 'sale'), ('company_id', '=', company_id)]",
        check_company=True,
    )
    post_invoices = fields.Boolean(
        string="Post as Generated",
        help="Post each invoice in the step that generates it (numbered, journal entry made); "
        "otherwise the invoices stay drafts to review, and Post All or Send All posts them.",
    )
    chunk_size = fields.Integer(
        default=DEFAULT_CHUNK_SIZE,
        help="Contracts invoiced per committed step; an interruption loses at most one step.",
    )

    # === Progress === #
    contract_total = fields.Integer(string="Contracts Due", readonly=True, copy=False)
    contract_done = fields.Integer(string="Contracts Processed", readonly=True, copy=False)
    contract_failed = fields.Integer(string="Contracts Failed", readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress", help="Share of the due contracts processed.")
    last_error = fields.Text(readonly=True, copy=False)
    date_started = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_finished = fields.Datetime(string="Finished On", readonly=True, copy=False)
    # The batch's invoices when its last run started: the run's summary counts only the new ones.
    invoice_count_started = fields.Integer(readonly=True, copy=False)

    # === Invoices === #
    invoice_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="atlas_batch_id",
        string="Invoices",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_counts")
    invoice_draft_count = fields.Integer(string="Draft Invoices", compute="_compute_invoice_counts")

    _sql_constraints = [
        ("chunk_size_positive", "CHECK(chunk_size > 0)", "The chunk size of a batch must be at least 1."),
    ]

    @api.depends("state", "contract_total", "contract_done")
    def _compute_progress(self):
        for batch in self:
            total = batch.contract_total
            batch.progress = min(100.0, 100.0 * batch.contract_done / total) if total else 0.0
            if batch.state in ("done", "failed"):
                batch.progress = 100.0

    @api.depends("invoice_ids.state")
    def _compute_invoice_counts(self):
        groups = self.env["account.move"]._read_group(
            [("atlas_batch_id", "in", self.ids)],
            groupby=["atlas_batch_id", "state"],
            aggregates=["__count"],
        )
        for batch in self:
            batch.invoice_count = sum(count for b, _state, count in groups if b == batch)
            batch.invoice_draft_count = sum(count for b, state, count in groups if b == batch and state == "draft")

    @api.constrains("contract_domain")
    def _check_contract_domain(self):
        for batch in self:
            batch._atlas_scope_domain()

    # -------------------------------------------------------------------------
    # Buttons
    # -------------------------------------------------------------------------

    def action_generate(self):
        """Generate: starts the run in the background (cron worker); progress shows on the batch."""
        self.check_access("write")
        for batch in self:
            batch._atlas_start()
        self._atlas_dispatch_generate()
        return True

    def _atlas_dispatch_generate(self):
        """Hand the generating batches to the background: the cron worker, which runs them
        chunk by chunk. A bridge to another runner of background work overrides this."""
        self.env.ref("atlas_invoicing.ir_cron_atlas_invoice_batch")._trigger()

    def action_post_all(self):
        self.atlas_post()
        return True

    def action_send_all(self):
        self.atlas_send()
        return True

    def action_print_all(self):
        invoices = self._atlas_invoices_to_print()
        action = self.env.ref("atlas_invoicing.action_report_atlas_invoice").report_action(invoices, config=False)
        # The download is named after the batch, as atlas_print names it (see controllers/report.py).
        action["context"] = dict(action.get("context") or {}, atlas_report_filename=self._atlas_print_filename())
        return action

    def action_export_all(self):
        """Export all: the export wizard, with the batch's invoices."""
        self._atlas_check_has_invoices()
        return self._atlas_live_invoices().action_atlas_export()

    def action_view_invoices(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("atlas_invoicing.action_atlas_invoices")
        action["domain"] = [("atlas_batch_id", "in", self.ids)]
        action["context"] = {"default_move_type": "out_invoice", "atlas_invoice_screen": True}
        return action

    # -------------------------------------------------------------------------
    # XML-RPC API (plain values in and out)
    # -------------------------------------------------------------------------

    def atlas_generate(self, chunk_size=None):
        """Generate the batch's invoices now, in this call (chunked and committed as in the
        background). Resumes an interrupted run; a finished batch makes nothing new.

        :return: {"batches": [{id, name, state, contracts_due, contracts_done,
                  contracts_failed, invoices, draft_invoices, last_error}]}
        """
        self.check_access("write")
        for batch in self:
            if chunk_size:
                batch.chunk_size = chunk_size
            batch._atlas_start()
            batch._atlas_commit()
            batch._atlas_run()
        return {"batches": self._atlas_summary()}

    def atlas_post(self):
        """Post all: post the batches' draft invoices, a chunk per transaction.

        Committed chunk by chunk with the cache emptied in between, so memory doesn't grow
        with the batch, and an interrupted Post All is run again for the rest.

        :return: {"invoices": [{id, name, status}]}
        """
        self.check_access("write")
        drafts = self._atlas_invoices_to_post()
        posted = []
        for chunk in self._atlas_chunks(drafts, self[:1].chunk_size):
            chunk.action_post()
            posted += [{"id": move.id, "name": move.name, "status": move.atlas_status} for move in chunk]
        return {"invoices": posted}

    def _atlas_invoices_to_post(self):
        drafts = self._atlas_live_invoices().filtered(lambda m: m.state == "draft")
        if not drafts:
            raise UserError(self.env._("This batch has no draft invoices; there is nothing to post."))
        return drafts

    def atlas_send(self):
        """Send all: email every invoice of the batches not sent yet (drafts are posted first).

        Invoices are sent in committed chunks, a chunk's PDFs in one wkhtmltopdf call: an
        interrupted Send all is run again and sends only what was not sent. A customer without
        email stops it before anything is sent. An invoice whose PDF can't be made is left as
        it was (not posted, not emailed) and named on the batch; the others are sent.

        :return: {"invoices": [{id, name, status, delivery_state}],
                  "failed": [{id, name, error}]}
        """
        self.check_access("write")
        invoices = self._atlas_invoices_to_send()
        sent_per_batch = Counter()
        summary, failed = [], []
        chunk_size = self.env["ir.actions.report"]._atlas_pdf_chunk_size()
        for chunk in self._atlas_chunks(invoices, chunk_size):
            sent, chunk_failed = self._atlas_send_chunk(chunk)
            sent_per_batch.update(move.atlas_batch_id.id for move in sent)
            summary += sent._atlas_summary()
            failed += chunk_failed
        for batch in self:
            batch.message_post(
                body=self.env._(
                    "%(count)s invoices sent by %(user)s.",
                    count=sent_per_batch[batch.id],
                    user=self.env.user.name,
                )
            )
        return {"invoices": summary, "failed": failed}

    def _atlas_invoices_to_send(self):
        """The invoices Send All emails; refused before anything is sent if one can't be."""
        invoices = self._atlas_live_invoices().filtered(lambda m: not m.is_move_sent)
        if not invoices:
            raise UserError(self.env._("Every invoice of this batch was already sent; there is nothing to send."))
        no_email = invoices.partner_id.filtered(lambda p: not p.email)
        if no_email:
            raise UserError(
                self.env._(
                    "Customers %(customers)s have no email address, so their invoices can't be emailed. "
                    "Add their emails, then Send All again. Nothing was sent.",
                    customers=", ".join(no_email.mapped("display_name")),
                )
            )
        return invoices

    def _atlas_send_chunk(self, invoices):
        """Email a chunk of invoices in one go; an invoice whose PDF fails is taken out and the
        rest sent again (their numbers and PDFs are made anew, as the failed try left nothing).

        :return: (the invoices sent, [{id, name, error}] for those that could not be)
        """
        failed = []
        while invoices:
            try:
                with self.env.cr.savepoint():
                    invoices._atlas_send("email")
                return invoices, failed
            except AtlasInvoicePdfError as error:
                errors = error.errors
                bad = invoices.browse([move_id for move_id in invoices.ids if move_id in errors])
                if not bad:
                    raise
                for move in bad:
                    failed.append({"id": move.id, "name": move.display_name, "error": errors[move.id]})
                    message = self.env._(
                        "Invoice %(invoice)s (%(customer)s) was not sent: its PDF could not be made (%(error)s).",
                        invoice=move.display_name,
                        customer=move.partner_id.display_name,
                        error=errors[move.id],
                    )
                    move.atlas_batch_id._atlas_report_error(message)
                invoices -= bad
        return invoices, failed

    def atlas_print(self):
        """Print all: one PDF holding every invoice of the batches, as base64; changes nothing.

        :return: {"filename", "mimetype", "content"}
        """
        invoices = self._atlas_invoices_to_print()
        content, _type = self.env["ir.actions.report"]._render_qweb_pdf(ATLAS_INVOICE_REPORT, invoices.ids)
        return {
            "filename": self._atlas_print_filename(),
            "mimetype": "application/pdf",
            "content": base64.b64encode(content).decode(),
        }

    def _atlas_print_filename(self):
        return self.env._("%(batch)s.pdf", batch=self[:1].name.replace("/", "_"))

    def atlas_export(self, export_format, post_drafts=False):
        """Export all: the batch's invoices through the invoice export (see account.move.atlas_export)."""
        self.check_access("write")
        self._atlas_check_has_invoices()
        return self._atlas_live_invoices().atlas_export(export_format, post_drafts=post_drafts)

    def _atlas_summary(self):
        return [
            {
                "id": batch.id,
                "name": batch.name,
                "state": batch.state,
                "contracts_due": batch.contract_total,
                "contracts_done": batch.contract_done,
                "contracts_failed": batch.contract_failed,
                "invoices": batch.invoice_count,
                "draft_invoices": batch.invoice_draft_count,
                "last_error": batch.last_error or False,
            }
            for batch in self
        ]

    # -------------------------------------------------------------------------
    # Invoices of the batch
    # -------------------------------------------------------------------------

    def _atlas_live_invoices(self):
        # A search, not invoice_ids: a recordset read from a one2many prefetches through that
        # one2many's cache, which posting invalidates, and then reads invoice by invoice.
        return self.env["account.move"].search(
            [("atlas_batch_id", "in", self.ids), ("state", "!=", "cancel")], order="name, id"
        )

    def _atlas_check_has_invoices(self):
        if not self._atlas_live_invoices():
            raise UserError(self.env._("Batch %(name)s has no invoices yet. Generate it first.", name=self[:1].name))

    def _atlas_invoices_to_print(self):
        self._atlas_check_has_invoices()
        return self._atlas_live_invoices()

    # -------------------------------------------------------------------------
    # Generation
    # -------------------------------------------------------------------------

    def _atlas_scope_domain(self):
        """The customer contracts of the batch's company that the batch covers."""
        self.ensure_one()
        domain = [
            ("contract_type", "=", "sale"),
            ("company_id", "=", self.company_id.id),
            ("generation_type", "=", "invoice"),
        ]
        if self.contract_selection == "manual":
            return expression.AND([domain, [("id", "in", self.contract_ids.ids)]])
        try:
            chosen = safe_eval(self.contract_domain or "[]")
            expression.expression(chosen, self.env["contract.contract"])
        except Exception as error:
            raise ValidationError(
                self.env._(
                    "The contract filter of batch %(name)s is not valid (%(error)s). "
                    "Edit it with the filter editor, or choose the contracts by hand.",
                    name=self.name,
                    error=error,
                )
            ) from error
        return expression.AND([domain, chosen])

    def _atlas_due_domain(self):
        self.ensure_one()
        contracts = self.env["contract.contract"]
        return expression.AND([self._atlas_scope_domain(), contracts._get_contracts_to_invoice_domain(self.date)])

    def _atlas_start(self):
        """Mark a batch as generating and count its due contracts; a running batch resumes."""
        self.ensure_one()
        if self.state == "running":
            return
        if not self.env["contract.contract"].search_count(self._atlas_scope_domain(), limit=1):
            raise UserError(
                self.env._(
                    "Batch %(name)s covers no customer contract of %(company)s. "
                    "Widen its filter or choose contracts by hand.",
                    name=self.name,
                    company=self.company_id.name,
                )
            )
        self.write(
            {
                "state": "running",
                "contract_total": self.env["contract.contract"].search_count(self._atlas_due_domain()),
                "contract_done": 0,
                "contract_failed": 0,
                "last_error": False,
                "date_started": fields.Datetime.now(),
                "date_finished": False,
                "invoice_count_started": self.invoice_count,
            }
        )

    def _atlas_lock(self):
        """Lock the batch row for this transaction; False when another worker holds it."""
        self.env.cr.execute(
            "SELECT id FROM atlas_invoice_batch WHERE id = %s FOR UPDATE SKIP LOCKED",
            [self.id],
        )
        return bool(self.env.cr.fetchone())

    def _atlas_run(self, max_chunks=None):
        """Invoice the due contracts chunk by chunk, committing after each chunk.

        :param max_chunks: stop after this many chunks (the batch stays running and resumes).
        :return: True when the batch is finished.
        """
        self.ensure_one()
        Contract = self.env["contract.contract"]
        last_id = 0  # contracts are taken in id order; all of a contract's periods in one chunk
        chunks = 0
        while self.state == "running":
            if not self._atlas_lock():
                _logger.info("Batch %s is being generated by another worker.", self.name)
                return False
            due = Contract.search(
                expression.AND([self._atlas_due_domain(), [("id", ">", last_id)]]),
                limit=self.chunk_size or DEFAULT_CHUNK_SIZE,
                order="id",
            )
            if not due:
                self._atlas_finish()
                return True
            last_id = due[-1].id
            contracts, failed = self._atlas_generate_chunk(due)
            self.write(
                {
                    "contract_done": self.contract_done + len(contracts),
                    "contract_failed": self.contract_failed + len(failed),
                }
            )
            self.env["ir.cron"]._notify_progress(
                done=self.contract_done, remaining=max(self.contract_total - self.contract_done, 0)
            )
            self._atlas_end_chunk()
            chunks += 1
            if max_chunks and chunks >= max_chunks:
                return False
        return self.state != "running"

    def _atlas_generate_chunk(self, due):
        """Invoice a chunk of due contracts, but those another transaction is invoicing.

        :return: (the contracts processed, those of them that failed)
        """
        contracts = self._atlas_lock_contracts(due)
        failed = self._atlas_invoice_contracts(contracts) if contracts else contracts
        return contracts, failed

    def _atlas_lock_contracts(self, contracts):
        """The contracts no other transaction is invoicing; they stay locked until the commit."""
        if not contracts:
            return contracts
        self.env.cr.execute(
            "SELECT id FROM contract_contract WHERE id IN %s ORDER BY id FOR UPDATE SKIP LOCKED",
            [tuple(contracts.ids)],
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        return contracts.filtered(lambda c: c.id in locked)

    def _atlas_invoice_contracts(self, contracts):
        """Invoice a chunk; on an error, invoice its contracts one by one so one bad
        contract doesn't stop the others. Returns the contracts that failed."""
        try:
            with self.env.cr.savepoint():
                self._atlas_invoice_periods(contracts)
            return contracts.browse()
        except (UserError, ValidationError, pg_errors.UniqueViolation) as error:
            _logger.info("Batch %s: chunk failed (%s), retrying contract by contract.", self.name, error)
        failed = contracts.browse()
        for contract in contracts.browse(contracts.ids):
            try:
                with self.env.cr.savepoint():
                    self._atlas_invoice_periods(contract)
            except (UserError, ValidationError, pg_errors.UniqueViolation) as error:
                failed |= contract
                self._atlas_report_error(self._atlas_error_message(contract, error))
        return failed

    def _atlas_report_error(self, message):
        """A contract or invoice the batch could not process: shown on the batch and in its chatter."""
        self.last_error = message
        self.message_post(body=message)

    def _atlas_error_message(self, contract, error):
        if isinstance(error, pg_errors.UniqueViolation):
            return self.env._(
                "Contract %(contract)s was not invoiced: it already has an invoice for that period.",
                contract=contract.display_name,
            )
        return self.env._(
            "Contract %(contract)s was not invoiced: %(error)s",
            contract=contract.display_name,
            error=getattr(error, "args", [error])[0],
        )

    def _atlas_invoice_periods(self, contracts):
        """Invoice every period due by the batch date, the way OCA's cron does one at a time."""
        contracts = contracts.with_company(self.company_id).with_context(atlas_batch_id=self.id)
        for _period in range(MAX_PERIODS_PER_CONTRACT):
            moves = contracts._recurring_create_invoice(date_ref=self.date)
            if self.post_invoices:
                # In the chunk's transaction: Odoo logs no Draft → Posted tracking for a
                # move created in the same transaction, and a contract whose invoice can't
                # be posted is rolled back and reported like any other failure.
                moves.action_post()
            self.env.flush_all()
            # Only a contract that got an invoice can owe another period; one that got none
            # (nothing left to bill) would otherwise be tried forever.
            contracts = moves.atlas_contract_id.filtered(self._atlas_is_due)
            if not contracts:
                return

    def _atlas_is_due(self, contract):
        next_date = contract.recurring_next_date
        return bool(next_date) and next_date <= self.date and (not contract.date_end or next_date <= contract.date_end)

    def _atlas_finish(self):
        self.write(
            {
                "state": "failed" if self.contract_failed else "done",
                "date_finished": fields.Datetime.now(),
                "contract_total": max(self.contract_total, self.contract_done),
            }
        )
        self.env["ir.cron"]._notify_progress(done=self.contract_done, remaining=0)
        self.message_post(body=self._atlas_run_summary())
        self._atlas_commit()

    def _atlas_run_summary(self):
        self.invalidate_recordset(["invoice_count"])
        generated = self.invoice_count - self.invoice_count_started
        if not generated and not self.contract_failed and not self.invoice_count:
            return self.env._(
                "Nothing was due by %(date)s: no invoice generated.", date=format_date(self.env, self.date)
            )
        if not generated and not self.contract_failed:
            return self.env._(
                "Nothing new was due by %(date)s: no invoice generated. The batch's %(invoices)s invoices "
                "from earlier runs are unchanged.",
                date=format_date(self.env, self.date),
                invoices=self.invoice_count,
            )
        return self.env._(
            "Generated %(invoices)s invoices from %(contracts)s contracts (%(failed)s failed).",
            invoices=generated,
            contracts=self.contract_done,
            failed=self.contract_failed,
        )

    @api.model
    def _atlas_cron_batches(self):
        """The batches the cron worker runs: those marked as generating."""
        return self.search([("state", "=", "running")], order="id")

    @api.model
    def _cron_run_batches(self):
        """Cron "Atlas: run invoice batches": runs the batches marked as generating."""
        for batch in self._atlas_cron_batches():
            try:
                batch.with_company(batch.company_id)._atlas_run()
            except Exception as error:
                if not self._atlas_can_commit():
                    raise
                self.env.cr.rollback()
                batch.write({"last_error": str(error)})
                batch.message_post(body=self.env._("Generation stopped: %(error)s", error=error))
                self.env.cr.commit()  # pylint: disable=invalid-commit
                _logger.exception("Atlas batch %s failed", batch.name)
