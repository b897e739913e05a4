import base64
import io
import tempfile

from reportlab.pdfgen import canvas

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, format_datetime, formatLang
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from .abstract_report_xlsx import is_set, report_filename, write_report_xlsx

FINANCIAL_REPORT = "atlas_invoicing.action_report_atlas_financial"
# Reports whose columns need the width of a landscape page.
LANDSCAPE_REPORTS = {"atlas.report.cash.flow", "atlas.report.general.ledger"}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where the stamp sits: in the paper format's bottom margin, level with its side margins (pt).
STAMP_BASELINE = 20
STAMP_SIDE = 20


def format_amount(env, value, currency):
    """An amount with its currency as the screen shows it: "$ 1,234.56", and "-$ 150.00" with
    the minus before a leading symbol (formatLang writes "$ -150.00")."""
    if value >= 0 or currency.position == "after":
        return formatLang(env, value, currency_obj=currency)
    absolute = formatLang(env, -value, currency_obj=currency)
    # An amount that rounds to zero has no sign to show.
    return f"-{absolute}" if any(digit in absolute for digit in "123456789") else absolute


def stamp_pages(pdf, left_text, page_label):
    """The PDF with `left_text` and page_label(number, count) printed in the bottom margin
    of every page. Debian's wkhtmltopdf ignores footer HTML (and its page counters), so the
    footer is drawn with reportlab once the page count is known, and merged onto each page."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    count = len(reader.pages)
    overlay = io.BytesIO()
    stamp = canvas.Canvas(overlay)
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        stamp.setPageSize((width, height))
        stamp.setFont("Helvetica", 8)
        stamp.setFillGray(0.3)
        stamp.drawString(STAMP_SIDE, STAMP_BASELINE, left_text)
        stamp.drawRightString(width - STAMP_SIDE, STAMP_BASELINE, page_label(number, count))
        stamp.showPage()
    stamp.save()
    overlay_pages = PdfFileReader(overlay, strict=False).pages
    writer = PdfFileWriter()
    for page, footer in zip(reader.pages, overlay_pages, strict=True):
        page.merge_page(footer)
        writer.add_page(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class AtlasReport(models.AbstractModel):
    """The files of every Atlas report: PDF and XLSX, for the screen's buttons (through
    controllers/atlas_report_export.py) and for XML-RPC clients (the public methods)."""

    _inherit = "atlas.report"

    # === Public methods (XML-RPC) ===

    @api.model
    def get_report_xlsx(self, options=None):
        """The report as an XLSX file: {"filename", "mimetype", "content" (base64)}.

        execute_kw(db, uid, pw, "atlas.report.ar.aging", "get_report_xlsx", [options])
        """
        report = self._get_report_model(self._name)
        with tempfile.TemporaryFile() as fileobj:
            envelope = report._write_report_xlsx(options or {}, fileobj)
            fileobj.seek(0)
            content = base64.b64encode(fileobj.read()).decode()
        return {"filename": report_filename(envelope, "xlsx"), "mimetype": XLSX_MIMETYPE, "content": content}

    @api.model
    def get_report_pdf(self, options=None):
        """The report as a PDF file: {"filename", "mimetype", "content" (base64)}."""
        report = self._get_report_model(self._name)
        pdf, envelope = report._render_report_pdf(options or {})
        return {
            "filename": report_filename(envelope, "pdf"),
            "mimetype": "application/pdf",
            "content": base64.b64encode(pdf).decode(),
        }

    # === Helpers ===

    @api.model
    def _get_report_model(self, model_name):
        """One of the reports (a model inheriting atlas.report), or a clear error."""
        base = self.pool["atlas.report"]
        if (
            not isinstance(model_name, str)
            or model_name == "atlas.report"
            or model_name not in self.env
            or not isinstance(self.env[model_name], base)
        ):
            raise UserError(
                self.env._(
                    "There is no report named %(name)s. Use one of: %(names)s.",
                    name=model_name,
                    names=", ".join(self._get_report_model_names()),
                )
            )
        return self.env[model_name]

    @api.model
    def _get_report_model_names(self):
        base = self.pool["atlas.report"]
        return sorted(name for name, cls in self.pool.items() if name != "atlas.report" and issubclass(cls, base))

    @api.model
    def _write_report_xlsx(self, options, fileobj):
        """Write the XLSX into fileobj (streamed, bounded memory); return the envelope."""
        envelope = self._get_report_envelope(options)
        # The normalised options, so the streamed lines have exactly the header's filters.
        write_report_xlsx(fileobj, envelope, self._iter_report_lines(envelope["options"]))
        return envelope

    @api.model
    def _render_report_pdf(self, options):
        """(PDF bytes, envelope); the envelope also checks access before wkhtmltopdf starts.
        The one place the report PDF is made, for XML-RPC and the download route alike."""
        envelope = self._get_report_envelope(options)
        reports = self.env["ir.actions.report"].with_context(landscape=self._name in LANDSCAPE_REPORTS)
        pdf, report_type = reports._render_qweb_pdf(
            FINANCIAL_REPORT, data={"report_model": self._name, "options": envelope["options"]}
        )
        if report_type == "pdf":  # Odoo's test mode renders HTML, which has no pages to number
            pdf = self._stamp_report_pdf(pdf)
        return pdf, envelope

    @api.model
    def _stamp_report_pdf(self, pdf):
        """Page numbers ("Page 2 of 8") and the print date, in the user's time zone and
        language, at the foot of every page."""
        printed = self.env._(
            "Printed %(datetime)s (%(tz)s)",
            datetime=format_datetime(self.env, fields.Datetime.now(), dt_format=False),
            tz=self.env.user.tz or "UTC",
        )
        return stamp_pages(
            pdf, printed, lambda number, count: self.env._("Page %(number)s of %(count)s", number=number, count=count)
        )

    @api.model
    def _format_report_cell(self, value, column_type, currency_id):
        """A cell as the PDF prints it: amounts with the currency, dates in the user's format."""
        if not is_set(value):
            return ""
        if column_type == "monetary" and isinstance(value, int | float):
            return format_amount(self.env, value, self.env["res.currency"].browse(currency_id))
        if column_type == "number" and isinstance(value, int | float):
            return formatLang(self.env, value, digits=0)
        if column_type == "percent" and isinstance(value, int | float):
            return f"{formatLang(self.env, value, digits=1)} %"
        if column_type == "date":
            try:
                return format_date(self.env, value)
            except (TypeError, ValueError):
                return str(value)
        return str(value)
