from odoo import Command

from .common import AtlasTestCommon

DUPLICATE_CUSTOMER = "Northwind Traders (duplicate)"


class DoorWorld(AtlasTestCommon):
    """One record in each status of each model whose doors are enumerated (door_table.STATUSES),
    built once for the whole class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company whose document layout is set, as after its first invoice: Print & Send
        # otherwise opens the layout configurator first.
        cls.company_data["company"].external_report_layout_id = cls.env.ref("web.external_layout_standard")
        cls.records = {"account.move": cls._invoices()}
        cls.records["account.payment"] = cls._payments()
        invoices = cls.records["account.move"]
        cls.records["account.move.line"] = {
            status: invoices[status].line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            for status in ("sent", "paid")
        }
        cls.records["account.bank.statement.line"] = cls._statement_lines()
        statement = cls.env["account.bank.statement"].create(
            {
                "name": "January statement",
                "journal_id": cls.company_data["default_journal_bank"].id,
                "line_ids": [Command.set(cls.records["account.bank.statement.line"]["unreconciled"].ids)],
            }
        )
        cls.records["account.bank.statement"] = {"open": statement}
        cls.records["res.partner"] = {"customer": cls.customer}
        # The customer entered twice, the duplicate to be kept when they are merged.
        cls.env["res.partner"].create({"name": DUPLICATE_CUSTOMER, "email": cls.customer.email, "customer_rank": 1})
        cls.records["atlas.invoice.batch"] = {
            "draft": cls.env["atlas.invoice.batch"].create(
                {"name": "January billing", "date": "2026-01-01", "company_id": cls.company_data["company"].id}
            )
        }
        cls.records["atlas.export.log"] = {"logged": cls.env["atlas.export.log"].search([], limit=1, order="id desc")}
        cls.records["contract.contract"] = {"running": cls._contract()}

    @classmethod
    def _invoice(cls, price=230.0, move_type="out_invoice"):
        vals = cls._invoice_vals(cls, price=price)
        vals["move_type"] = move_type
        return cls.env["account.move"].create(vals)

    @classmethod
    def _invoices(cls):
        sent = {status: cls._invoice() for status in ("sent", "partial", "paid", "refunded", "exported")}
        for invoice in sent.values():
            invoice.action_atlas_mark_sent()
        sent["partial"].atlas_record_payment(amount=100.0)
        sent["paid"].atlas_record_payment()
        sent["refunded"].atlas_refund()
        sent["exported"].atlas_export("csv")
        cancelled = cls._invoice()
        cancelled.button_cancel()
        return {
            "draft": cls._invoice(),
            **sent,
            "cancelled": cancelled,
            "credit_note": cls._invoice(move_type="out_refund"),
        }

    @classmethod
    def _payments(cls):
        def draft():
            return cls.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": cls.customer.id,
                    "amount": 75.0,
                    "journal_id": cls.company_data["default_journal_bank"].id,
                }
            )

        in_process = draft()
        in_process.action_post()
        cancelled = draft()
        cancelled.action_cancel()
        paid = cls.records["account.move"]["paid"]._get_reconciled_payments()
        return {"draft": draft(), "in_process": in_process, "paid": paid, "cancelled": cancelled}

    @classmethod
    def _statement_lines(cls):
        journal = cls.company_data["default_journal_bank"]
        invoice = cls._invoice(price=180.0)
        invoice.action_atlas_mark_sent()

        def line(amount, label, **values):
            return cls.env["account.bank.statement.line"].create(
                {"journal_id": journal.id, "date": "2026-02-03", "amount": amount, "payment_ref": label, **values}
            )

        reconciled = line(
            180.0,
            f"ACH CREDIT NORTHWIND {invoice.name}",
            partner_id=cls.customer.id,
            atlas_match_invoice_id=invoice.id,
            atlas_match_kind="reference",
        )
        reconciled._atlas_confirm()
        return {"unreconciled": line(95.0, "WIRE IN UNKNOWN"), "reconciled": reconciled}

    @classmethod
    def _contract(cls):
        product = cls.env["product.product"].create(
            {"name": "Managed IT services", "type": "service", "list_price": 450.0, "taxes_id": [Command.clear()]}
        )
        return cls.env["contract.contract"].create(
            {
                "name": "Northwind support",
                "partner_id": cls.customer.id,
                "contract_type": "sale",
                "company_id": cls.company_data["company"].id,
                "recurring_rule_type": "monthly",
                "date_start": "2026-01-01",
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Support #START# - #END#",
                            "quantity": 1,
                            "price_unit": 450.0,
                            "recurring_rule_type": "monthly",
                            "date_start": "2026-01-01",
                            "recurring_next_date": "2026-01-01",
                        }
                    )
                ],
            }
        )
