import ast
from types import SimpleNamespace

from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval, time

from .common import AtlasTestCommon


def _record_values(expression, record):
    """The names of a view modifier (``payment_state != 'paid'``) read on a record, as the
    web client evaluates them on the record it shows."""
    names = {node.id for node in ast.walk(ast.parse(expression, mode="eval")) if isinstance(node, ast.Name)}
    return {name: _client_value(record, name) for name in names if name in record._fields}


def _client_value(record, name):
    """A field's value as the web client holds it: a many2one is its id or False, an x2many
    its ids (``statement_line_id == False`` must hold on a record without one)."""
    field = record._fields[name]
    if field.type == "many2one":
        return record[name].id or False
    if field.type in ("one2many", "many2many"):
        return record[name].ids
    return record[name]


@tagged("post_install", "-at_install")
class TestInvoiceScreens(AtlasTestCommon):
    """What the Atlas invoice screens show: the form's ribbon, buttons and links between an
    invoice and its credit notes, the list's columns, filters and groups, the PDF preview
    and the dialogs' downloads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.form_view = cls.env.ref("atlas_invoicing.view_atlas_invoice_form")

    # --- helpers ------------------------------------------------------------------------

    def _arch(self, view_xmlid, view_type):
        view = self.env.ref(view_xmlid)
        return etree.fromstring(self.env["account.move"].get_view(view.id, view_type)["arch"])

    def _visible(self, node, record):
        expression = node.get("invisible") or "False"
        return not safe_eval(expression, _record_values(expression, record))

    def _visible_ribbons(self, record):
        arch = self._arch("atlas_invoicing.view_atlas_invoice_form", "form")
        return [
            node.get("title") or node.get("text")
            for node in arch.iterfind(".//widget[@name='web_ribbon']")
            if self._visible(node, record)
        ]

    def _visible_buttons(self, record, xpath=".//header//button"):
        arch = self._arch("atlas_invoicing.view_atlas_invoice_form", "form")
        return [node.get("string") or node.get("name") for node in arch.iterfind(xpath) if self._visible(node, record)]

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": invoice.invoice_date}
        )._create_payments()

    def _refunded_invoice(self):
        """An invoice sent, paid in two payments, then refunded: its credit note and the
        refund payment of the money received."""
        invoice = self._create_invoice(price=100.0)
        invoice.action_atlas_mark_sent()
        self._pay(invoice, 40.0)
        self._pay(invoice, 60.0)
        result = invoice._atlas_refund(reason="Returned")
        credit_note = invoice.reversal_move_ids
        self.assertEqual(invoice.atlas_status, "refunded")
        self.assertEqual(invoice.payment_state, "paid")  # Odoo's own state: why its ribbon said PAID
        return invoice, credit_note, result

    def _assert_atlas_form_action(self, action, record):
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(action["res_id"], record.id)
        self.assertEqual(action["views"], [(self.form_view.id, "form")])

    # --- the refunded invoice and its credit note -------------------------------------------

    def test_refunded_invoice_ribbon_agrees_with_its_status(self):
        invoice, credit_note, _result = self._refunded_invoice()
        self.assertEqual(self._visible_ribbons(invoice), ["Refunded"])
        # The credit note, settled by the refund payment, is paid.
        self.assertEqual(credit_note.atlas_status, "paid")
        self.assertEqual(self._visible_ribbons(credit_note), ["Paid"])
        paid = self._create_invoice(price=50.0)
        paid.action_atlas_mark_sent()
        self._pay(paid, 20.0)
        self.assertEqual(self._visible_ribbons(paid), ["Partially Paid"])
        self._pay(paid, 30.0)
        self.assertEqual(self._visible_ribbons(paid), ["Paid"])

    def test_refunded_invoice_offers_no_send_again(self):
        invoice, _credit_note, _result = self._refunded_invoice()
        buttons = self._visible_buttons(invoice)
        self.assertNotIn("Send Again", buttons)
        self.assertNotIn("Send Invoice", buttons)
        self.assertNotIn("Refund", buttons)
        sent = self._create_invoice(price=10.0)
        sent.action_atlas_mark_sent()
        self.assertIn("Send Again", self._visible_buttons(sent))
        sent.button_draft()
        sent.button_cancel()
        self.assertNotIn("Send Again", self._visible_buttons(sent))
        self.assertNotIn("Send Invoice", self._visible_buttons(sent))

    def test_credit_note_buttons_speak_of_a_credit_note(self):
        """A stand-alone credit note is sent as a credit note: no invoice wording on it."""
        credit_note = self._create_invoice(price=30.0, move_type="out_refund")
        buttons = self._visible_buttons(credit_note)
        self.assertIn("Send Credit Note", buttons)
        self.assertNotIn("Send Invoice", buttons)
        self.assertNotIn("Record Payment", buttons)
        credit_note.action_atlas_mark_sent()
        buttons = self._visible_buttons(credit_note)
        self.assertIn("Send Again", buttons)
        self.assertNotIn("Send Credit Note", buttons)
        invoice = self._create_invoice(price=30.0)
        self.assertIn("Send Invoice", self._visible_buttons(invoice))
        self.assertNotIn("Send Credit Note", self._visible_buttons(invoice))

    def test_credit_note_date_is_labelled_as_a_credit_notes(self):
        invoice, credit_note, _result = self._refunded_invoice()
        arch = self._arch("atlas_invoicing.view_atlas_invoice_form", "form")
        for record, label in ((invoice, "Invoice Date"), (credit_note, "Credit Note Date")):
            labels = [
                node.get("string")
                for node in arch.iterfind(".//label[@for='invoice_date']")
                if self._visible(node, record)
            ]
            self.assertEqual(labels, [label])

    def test_invoice_and_credit_note_link_both_ways(self):
        invoice, credit_note, result = self._refunded_invoice()
        refund_payment = self.env["account.payment"].browse(result["refund_payment_id"])
        self.assertTrue(refund_payment)
        self.assertRecordValues(
            invoice,
            [{"atlas_credit_note_count": 1, "atlas_refund_payment_ids": refund_payment.ids}],
        )
        box = ".//div[@name='button_box']/button"
        self.assertEqual(
            self._visible_buttons(invoice, box),
            ["open_payments", "action_atlas_open_credit_notes", "action_atlas_open_refund_payments"],
        )
        self.assertEqual(
            self._visible_buttons(credit_note, box),
            ["open_payments", "action_atlas_open_refunded_invoice"],
        )
        viewer = self.users["viewer"]
        self._assert_atlas_form_action(invoice.with_user(viewer).action_atlas_open_credit_notes(), credit_note)
        self._assert_atlas_form_action(credit_note.with_user(viewer).action_atlas_open_refunded_invoice(), invoice)
        action = invoice.with_user(viewer).action_atlas_open_refund_payments()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.payment", refund_payment.id))
        # The credit note lists the refund payment among its own payments.
        action = credit_note.with_user(viewer).open_payments()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.payment", refund_payment.id))

    def test_credit_notes_have_their_own_list(self):
        _invoice, credit_note, _result = self._refunded_invoice()
        action = self.env["ir.actions.act_window"]._for_xml_id("atlas_invoicing.action_atlas_credit_notes")
        self.assertEqual(safe_eval(action["domain"]), [("move_type", "=", "out_refund")])
        self.assertEqual(
            [view_id for view_id, _mode in action["views"]],
            [
                self.env.ref("atlas_invoicing.view_atlas_invoice_list").id,
                self.form_view.id,
            ],
        )
        self.assertIn(credit_note, self.env["account.move"].search(safe_eval(action["domain"])))
        menu = self.env.ref("atlas_invoicing.menu_atlas_credit_notes")
        self.assertEqual(menu.parent_id, self.env.ref("atlas_invoicing.menu_atlas_invoicing"))
        self.assertIn(menu, self.env["ir.ui.menu"].with_user(self.users["viewer"]).search([]))

    # --- the report drill-down ----------------------------------------------------------

    def test_drill_down_opens_the_atlas_form_for_invoices_and_odoo_form_for_entries(self):
        invoice, credit_note, result = self._refunded_invoice()
        viewer = self.users["viewer"]
        self._assert_atlas_form_action(invoice.with_user(viewer).action_atlas_open_document(), invoice)
        self._assert_atlas_form_action(credit_note.with_user(viewer).action_atlas_open_document(), credit_note)
        payment_entry = self.env["account.payment"].browse(result["refund_payment_id"]).move_id
        action = payment_entry.with_user(viewer).action_atlas_open_document()
        self.assertEqual(action["res_id"], payment_entry.id)
        self.assertEqual(action["views"], [(self.env.ref("account.view_move_form").id, "form")])

    def test_invoices_of_a_batch_or_an_export_open_in_the_atlas_form(self):
        for model, view in (
            ("atlas.invoice.batch", "atlas_invoicing.view_atlas_invoice_batch_form"),
            ("atlas.export.log", "atlas_invoicing.atlas_export_log_view_form"),
        ):
            arch = etree.fromstring(self.env[model].get_view(self.env.ref(view).id, "form")["arch"])
            [field] = arch.xpath("//field[@name='invoice_ids']")
            context = safe_eval(field.get("context") or "{}")
            self.assertEqual(context.get("form_view_ref"), "atlas_invoicing.view_atlas_invoice_form", model)

    # --- the invoice list and its search ---------------------------------------------------

    def test_list_shows_invoice_and_due_dates_and_no_upload(self):
        arch = self._arch("atlas_invoicing.view_atlas_invoice_list", "list")
        self.assertIsNone(arch.get("js_class"))  # account_tree adds Odoo's Upload button
        columns = {node.get("name"): node for node in arch.iterfind("field")}
        self.assertNotIn("create_date", columns)
        self.assertEqual(columns["invoice_date"].get("string"), "Invoice Date")
        for name in ("invoice_date", "invoice_date_due"):
            self.assertNotIn(columns[name].get("column_invisible"), ("True", "1"))
            self.assertNotEqual(columns[name].get("optional"), "hide")

    def test_invoice_lines_show_their_description_in_its_own_column(self):
        """A Bookkeeper reads and types a line's Description in a column titled so, not under the
        product behind an icon (Odoo's product-and-description cell, which Odoo's form keeps)."""
        moves = self.env["account.move"].with_user(self.users["bookkeeper"])
        arch = etree.fromstring(moves.get_view(self.form_view.id, "form")["arch"])
        [lines] = arch.xpath("//field[@name='invoice_line_ids']")
        self.assertEqual(lines.get("widget"), "section_and_note_one2many")
        columns = {node.get("name"): node for node in lines.iterfind("list/field")}
        self.assertEqual(columns["name"].get("string"), "Description")
        self.assertNotIn(columns["name"].get("column_invisible"), ("True", "1"))
        self.assertNotEqual(columns["name"].get("optional"), "hide")
        self.assertNotIn(columns["name"].get("readonly"), ("True", "1"))
        self.assertEqual(columns["product_id"].get("widget"), "many2one")
        odoo_form = etree.fromstring(moves.get_view(self.env.ref("account.view_move_form").id, "form")["arch"])
        [odoo_lines] = odoo_form.xpath("//field[@name='invoice_line_ids']")
        self.assertEqual(odoo_lines.get("widget"), "product_label_section_and_note_field_o2m")

    def test_draft_due_date_carries_no_overdue_mark(self):
        arch = self._arch("atlas_invoicing.view_atlas_invoice_list", "list")
        [due] = arch.xpath("//field[@name='invoice_date_due']")
        self.assertEqual(due.get("widget"), "remaining_days")
        # Odoo's remaining_days widget marks its date with these classes (its defaults, unless
        # the view gives its own), each evaluated on the days left and the row's record.
        classes = ast.literal_eval(due.get("options") or "{}").get(
            "classes", {"bf": "days <= 0", "danger": "days < 0", "warning": "days == 0"}
        )

        def marks(status, days):
            record = SimpleNamespace(atlas_status=status)
            return {
                name for name, expression in classes.items() if safe_eval(expression, {"days": days, "record": record})
            }

        self.assertEqual(marks("draft", -5), set())
        self.assertEqual(marks("draft", 0), set())
        self.assertEqual(marks("sent", -5), {"bf", "danger"})
        self.assertEqual(marks("partial", 0), {"bf", "warning"})
        self.assertEqual(marks("sent", 3), set())

    def test_cancelled_invoice_shows_no_amount_due(self):
        cancelled = self._create_invoice(price=70.0)
        cancelled.action_post()
        cancelled.button_draft()
        cancelled.button_cancel()
        self.assertEqual(cancelled.atlas_status, "cancelled")
        arch = self._arch("atlas_invoicing.view_atlas_invoice_list", "list")
        due = [node for node in arch.iterfind("field") if node.get("name") in ("atlas_amount_due", "invoice_date_due")]
        self.assertEqual(len(due), 2)
        for node in due:
            self.assertFalse(self._visible(node, cancelled), node.get("name"))
        sent = self._create_invoice(price=70.0)
        sent.action_atlas_mark_sent()
        self.assertTrue(all(self._visible(node, sent) for node in due))
        # Nor does it count in the list's totals (the status groups' sums).
        self.assertRecordValues((cancelled + sent), [{"atlas_amount_due": 0.0}, {"atlas_amount_due": 70.0}])
        groups = self.env["account.move"].read_group(
            [("id", "in", (cancelled + sent).ids)], ["atlas_amount_due:sum"], ["atlas_status"]
        )
        self.assertEqual({g["atlas_status"]: g["atlas_amount_due"] for g in groups}, {"sent": 70.0, "cancelled": 0.0})

    def test_cancelled_invoice_form_shows_no_amount_due(self):
        """The form agrees with the list: a cancelled invoice owes nothing."""
        cancelled = self._create_invoice(price=70.0)
        cancelled.button_cancel()
        self.assertEqual(cancelled.atlas_status, "cancelled")
        sent = self._create_invoice(price=70.0)
        sent.action_atlas_mark_sent()
        arch = self._arch("atlas_invoicing.view_atlas_invoice_form", "form")
        [due] = arch.iterfind(".//field[@name='amount_residual']")
        self.assertFalse(self._visible(due, cancelled))
        self.assertTrue(self._visible(due, sent))

    def test_partially_paid_ribbon_has_the_colour_of_its_badge(self):
        """Partially Paid is orange in the list's badge and on the PDF: the ribbon too, not
        the green of Paid."""
        arch = self._arch("atlas_invoicing.view_atlas_invoice_form", "form")
        ribbons = {node.get("title"): node.get("bg_color") for node in arch.iterfind(".//widget[@name='web_ribbon']")}
        self.assertEqual(ribbons["Partially Paid"], "text-bg-warning")
        self.assertFalse(ribbons["Paid"])  # the ribbon's own green

    def test_search_has_each_filter_and_group_once(self):
        arch = self._arch("atlas_invoicing.view_atlas_invoice_search", "search")
        filters = [node.get("string") for node in arch.iter("filter") if not node.get("context")]
        groups = [node.get("string") for node in arch.iter("filter") if "group_by" in (node.get("context") or "")]
        self.assertEqual(len(filters), len(set(filters)), filters)
        self.assertEqual(len(groups), len(set(groups)), groups)
        for status in ("Draft", "Sent", "Paid", "Refunded", "Cancelled"):
            self.assertIn(status, filters)
        self.assertIn("Status", groups)
        # Every filter finds something an Atlas list can hold (no move types the list excludes).
        for node in arch.iter("filter"):
            self.assertNotIn("move_type", node.get("domain") or "", node.get("string"))

    def test_custom_group_offers_no_technical_field(self):
        # Add Custom Group lists the groupable fields the search view is loaded with.
        for xmlid in ("atlas_invoicing.action_atlas_invoices", "atlas_invoicing.action_atlas_credit_notes"):
            action = self.env.ref(xmlid)
            views = (
                self.env["account.move"]
                .with_user(self.users["accountant"])
                .with_context(**safe_eval(action.context))
                .get_views([(action.search_view_id.id, "search")])
            )
            fields = views["models"]["account.move"]["fields"]
            groupable = {fields[name]["string"] for name in fields if fields[name].get("groupable")}
            for technical in ("Refund Idempotency Key", "Security Token", "Is Move Sent", "Inalterability Hash"):
                self.assertNotIn(technical, groupable, xmlid)
            for useful in ("Partner", "Invoice Status", "Due Date", "Salesperson", "Batch"):
                self.assertIn(useful, groupable, xmlid)
        # Odoo's own screens keep Odoo's list.
        fields = self.env["account.move"].fields_get(attributes=["groupable"])
        self.assertTrue(fields["access_token"]["groupable"])

    def test_status_groups_follow_the_invoice_life(self):
        draft = self._create_invoice(price=1.0)
        sent = self._create_invoice(price=2.0)
        sent.action_atlas_mark_sent()
        paid = self._create_invoice(price=3.0)
        paid.action_atlas_mark_sent()
        self._pay(paid, 3.0)
        cancelled = self._create_invoice(price=4.0)
        cancelled.button_cancel()
        refunded, credit_note, _result = self._refunded_invoice()
        moves = draft + sent + paid + cancelled + refunded
        groups = self.env["account.move"].web_read_group(
            [("id", "in", moves.ids)], ["amount_total:sum"], ["atlas_status"]
        )["groups"]
        self.assertEqual(
            [group["atlas_status"] for group in groups], ["draft", "sent", "paid", "refunded", "cancelled"]
        )
        self.assertNotIn(credit_note, moves)

    # --- the PDF: preview and file name; the dialogs' downloads -----------------------------

    def _report_filename(self, invoice):
        # As Odoo's report download (/report/download) names the file.
        report = self.env.ref("atlas_invoicing.action_report_atlas_invoice")
        return "{}.pdf".format(safe_eval(report.print_report_name, {"object": invoice, "time": time}))

    def test_pdf_file_name_has_one_extension(self):
        # Once the journal's numbering has started, a draft has no number yet ("/").
        self._create_invoice(price=5.0).action_post()
        draft = self._create_invoice(price=10.0)
        self.assertEqual(draft.name, "/")
        self.assertEqual(self._report_filename(draft), f"Draft Invoice ({draft.id}).pdf")
        self.assertEqual(draft.atlas_get_pdf()["filename"], f"Draft Invoice ({draft.id}).pdf")
        draft.action_atlas_mark_sent()
        self.assertEqual(self._report_filename(draft), draft.name.replace("/", "_") + ".pdf")
        self.assertFalse(self._report_filename(draft).endswith(".pdf.pdf"))

    def test_preview_opens_the_pdf_in_the_browser(self):
        invoices = self._create_invoice(price=10.0) + self._create_invoice(price=20.0)
        action = invoices.with_user(self.users["viewer"]).action_atlas_preview_pdf()
        self.assertEqual(
            action,
            {
                "type": "ir.actions.act_url",
                "url": f"/report/pdf/atlas_invoicing.report_atlas_invoice/{invoices[0].id},{invoices[1].id}",
                "target": "new",
            },
        )

    def test_send_download_closes_the_dialog(self):
        invoice = self._create_invoice(price=10.0)
        wizard = (
            self.env["atlas.invoice.send"]
            .with_user(self.users["bookkeeper"])
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"delivery": "download"})
        )
        action = wizard.action_send()
        self.assertEqual(invoice.atlas_status, "sent")
        self.assertTrue(invoice.invoice_pdf_report_id)
        self.assertEqual(
            action,
            {
                "type": "ir.actions.act_url",
                "url": f"/account/download_invoice_attachments/{invoice.invoice_pdf_report_id.id}",
                "close": True,
            },
        )

    def test_export_download_closes_the_dialog(self):
        invoice = self._create_invoice(price=10.0)
        invoice.action_atlas_mark_sent()
        wizard = (
            self.env["atlas.invoice.export"]
            .with_user(self.users["accountant"])
            .create({"invoice_ids": invoice.ids, "export_format": "csv"})
        )
        action = wizard.action_export()
        self.assertEqual(invoice.atlas_status, "exported")
        self.assertTrue(action.get("close"))
        self.assertNotEqual(action.get("target"), "download")  # a download target never closes it
