import base64
import tempfile

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang

from .abstract_report_xlsx import is_set, report_filename, write_report_xlsx

FINANCIAL_REPORT = "atlas_invoicing.action_report_atlas_financial"
# Reports whose columns need the width of a landscape page.
LANDSCAPE_REPORTS = {"atlas.report.cash.flow", "atlas.report.general.ledger"}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        """(PDF bytes, envelope); the envelope also checks access before wkhtmltopdf starts."""
        envelope = self._get_report_envelope(options)
        reports = self.env["ir.actions.report"].with_context(landscape=self._name in LANDSCAPE_REPORTS)
        pdf, _report_type = reports._render_qweb_pdf(
            FINANCIAL_REPORT, data={"report_model": self._name, "options": envelope["options"]}
        )
        return pdf, envelope

    @api.model
    def _format_report_cell(self, value, column_type, currency_id):
        """A cell as the PDF prints it: amounts with the currency, dates in the user's format."""
        if not is_set(value):
            return ""
        if column_type == "monetary" and isinstance(value, int | float):
            return formatLang(self.env, value, currency_obj=self.env["res.currency"].browse(currency_id))
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
