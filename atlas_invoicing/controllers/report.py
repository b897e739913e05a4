import json

from odoo import http
from odoo.http import content_disposition

from odoo.addons.web.controllers.report import ReportController


class AtlasReportController(ReportController):
    @http.route()
    def report_download(self, data, context=None, token=None, readonly=True):
        """EXTENDS web: a report action whose context names its file (atlas_report_filename)
        downloads under that name. Odoo names a file of several records after the report
        ("Invoice (Atlas).pdf"), where a batch's Print All is named after the batch."""
        response = super().report_download(data, context=context, token=token, readonly=readonly)
        try:
            filename = json.loads(context or "{}").get("atlas_report_filename")
        except (ValueError, AttributeError):
            filename = None
        if filename and response.status_code == 200 and "Content-Disposition" in response.headers:
            response.headers["Content-Disposition"] = content_disposition(filename)
        return response
