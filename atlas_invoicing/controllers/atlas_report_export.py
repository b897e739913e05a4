import json
import logging
import tempfile

import werkzeug.exceptions
from werkzeug.wsgi import wrap_file

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import content_disposition, request
from odoo.tools import html_escape

from ..reports.abstract_report_files import XLSX_MIMETYPE
from ..reports.abstract_report_xlsx import report_filename

_logger = logging.getLogger(__name__)


class AtlasReportExportController(http.Controller):
    """The PDF and XLSX buttons of the report screen: the report model and its options are
    posted, the file comes back as a download. Access is the report's own (a Viewer asking
    for the General Ledger gets the report's AccessError, shown by the web client; a
    Bookkeeper gets the file)."""

    @http.route("/atlas_invoicing/report/<string:file_format>", type="http", auth="user", methods=["POST"])
    def atlas_report_download(self, file_format, report_model, options="{}", context="{}", **kwargs):
        try:
            try:
                options = json.loads(options or "{}")
                context = json.loads(context or "{}")
            except ValueError as e:
                raise UserError(request.env._("The report options are not valid JSON: %s", e)) from e
            companies = context.get("allowed_company_ids") if isinstance(context, dict) else None
            if isinstance(companies, list) and companies and all(type(cid) is int for cid in companies):
                # The companies active in the switcher, as on the screen: a parent's file has
                # the branches the screen has (Odoo refuses companies the user is not allowed).
                request.update_context(allowed_company_ids=companies)
            report = request.env["atlas.report"]._get_report_model(report_model)
            if file_format == "xlsx":
                return self._xlsx_response(report, options)
            if file_format == "pdf":
                pdf, envelope = report._render_report_pdf(options)
                return request.make_response(
                    pdf,
                    headers=[
                        ("Content-Type", "application/pdf"),
                        ("Content-Length", len(pdf)),
                        ("Content-Disposition", content_disposition(report_filename(envelope, "pdf"))),
                    ],
                )
            raise UserError(request.env._("Reports are downloaded as pdf or xlsx, not %s.", file_format))
        except Exception as e:
            if isinstance(e, AccessError | UserError):
                _logger.info("Atlas report %s as %s refused: %s", report_model, file_format, e)
            else:
                _logger.exception("Atlas report %s as %s failed", report_model, file_format)
            # The shape the web client's download() turns into an error dialog (as /report/download).
            error = {"code": 200, "message": "Odoo Server Error", "data": http.serialize_exception(e)}
            res = request.make_response(html_escape(json.dumps(error)), status=500)
            raise werkzeug.exceptions.InternalServerError(response=res) from e

    def _xlsx_response(self, report, options):
        # An anonymous temporary file, streamed back in blocks: the workbook is never held
        # in memory, and the file disappears when the response closes it.
        fileobj = tempfile.TemporaryFile()
        try:
            envelope = report._write_report_xlsx(options, fileobj)
        except Exception:
            fileobj.close()
            raise
        size = fileobj.tell()
        fileobj.seek(0)
        return http.Response(
            wrap_file(request.httprequest.environ, fileobj),
            direct_passthrough=True,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", size),
                ("Content-Disposition", content_disposition(report_filename(envelope, "xlsx"))),
            ],
        )
