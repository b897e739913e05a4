from contextlib import contextmanager, suppress

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import AtlasTestCommon

REFUSALS = (UserError, AccessError, ValidationError)
# Fields a write can't meaningfully set from a client (binary content, JSON of widgets,
# followers and messages, which have their own models and rules).
SKIPPED_TYPES = {"binary", "json", "properties", "properties_definition", "reference", "many2one_reference"}


class _Undo(Exception):
    pass


@tagged("post_install", "-at_install")
class TestGuardedFields(AtlasTestCommon):
    """Every stored field of a posted invoice and of its payment, written by each role over
    write() (as a client would): the write is refused, or it changes neither the invoice's
    status nor its ledger (journal items, amounts, dates, customer, number)."""

    def _paid_invoice(self):
        invoice = self._create_invoice(price=230.0)
        invoice.action_atlas_mark_sent()
        invoice.atlas_record_payment(amount=100.0)
        return invoice

    def _truth(self, invoice):
        invoice.invalidate_recordset()
        payments = invoice._get_reconciled_payments()
        moves = invoice | payments.move_id
        return {
            "invoice": (
                invoice.name,
                invoice.state,
                invoice.payment_state,
                invoice.atlas_status,
                invoice.is_move_sent,
                invoice.atlas_exported_date,
                invoice.partner_id.id,
                invoice.invoice_date,
                invoice.invoice_date_due,
                invoice.date,
                invoice.amount_total,
                invoice.amount_residual,
                invoice.atlas_amount_paid,
                invoice.currency_id.id,
                invoice.journal_id.id,
                invoice.move_type,
            ),
            "payments": sorted((p.id, p.state, p.amount, p.date, p.partner_id.id) for p in payments),
            "items": sorted(
                (
                    line.move_id.id,
                    line.account_id.id,
                    line.partner_id.id,
                    line.balance,
                    line.amount_currency,
                    line.date,
                    line.date_maturity,
                    line.reconciled,
                )
                for line in moves.line_ids
            ),
        }

    def _value_for(self, record, name, field):
        """A value other than the record's own for this field, or None to skip it."""
        current = record[name]
        if field.type in ("char", "text", "html"):
            return "Written by a client"
        if field.type == "boolean":
            return not current
        if field.type in ("integer", "float", "monetary"):
            return (current or 0) + 7
        if field.type == "date":
            return "2031-03-03"
        if field.type == "datetime":
            return fields.Datetime.now()
        if field.type == "selection":
            values = [value for value, _label in field._description_selection(self.env) if value != current]
            return values[0] if values else None
        if field.type == "many2one":
            other = self.env[field.comodel_name].sudo().search([("id", "!=", current.id)], limit=1)
            return other.id or None
        if field.type in ("one2many", "many2many"):
            return [Command.clear()]
        return None

    @contextmanager
    def _undone(self):
        """Run the block, then undo whatever it wrote."""
        with suppress(_Undo), self.env.cr.savepoint():
            yield
            self.env.flush_all()
            raise _Undo
        self.env.invalidate_all()

    def _check_every_field(self, record, truth_of, roles):
        leaks = []
        before = truth_of()
        for name, field in sorted(record._fields.items()):
            if not field.store or field.type in SKIPPED_TYPES or name in ("id", "write_date", "write_uid"):
                continue
            if name.startswith(("message_", "activity_", "website_message")):
                continue
            value = self._value_for(record, name, field)
            if value is None:
                continue
            for role in roles:
                refused = False
                with self._undone():
                    try:
                        with self.env.cr.savepoint():
                            record.with_user(self.users[role]).write({name: value})
                            self.env.flush_all()
                    except REFUSALS:
                        refused = True
                    except Exception:  # noqa: BLE001 - Odoo's own consistency checks: nothing written
                        refused = True
                    self.env.invalidate_all()
                    after = truth_of()
                if not refused and after != before:
                    leaks.append(f"{role} wrote {record._name}.{name}")
        return leaks

    def test_no_stored_field_of_a_posted_invoice_changes_its_truth(self):
        invoice = self._paid_invoice()
        self.assertEqual(invoice.atlas_status, "partial")
        leaks = self._check_every_field(invoice, lambda: self._truth(invoice), ("bookkeeper", "admin"))
        self.assertEqual(leaks, [], "these writes changed the invoice's status or ledger")

    def test_no_stored_field_of_a_payment_changes_the_invoices_truth(self):
        invoice = self._paid_invoice()
        payment = invoice._get_reconciled_payments()
        leaks = self._check_every_field(payment, lambda: self._truth(invoice), ("bookkeeper", "admin"))
        self.assertEqual(leaks, [], "these writes changed the payment or the invoice it pays")

    def test_no_stored_field_of_a_posted_invoices_items_changes_its_truth(self):
        invoice = self._paid_invoice()
        receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        product = invoice.invoice_line_ids[:1]
        leaks = []
        for line in receivable | product:
            leaks += self._check_every_field(line, lambda: self._truth(invoice), ("bookkeeper", "admin"))
        self.assertEqual(leaks, [], "these writes changed the invoice's journal items")
