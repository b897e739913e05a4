from collections import OrderedDict

from odoo import models

ATLAS_INVOICE_REPORT = "atlas_invoicing.report_atlas_invoice"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # Debian's wkhtmltopdf (unpatched Qt) can fail on a multi-document render, so the Atlas
        # invoice is rendered one invoice at a time; Odoo then merges the streams into one PDF.
        report = self._get_report(report_ref)
        if report.report_name != ATLAS_INVOICE_REPORT or not res_ids or len(res_ids) == 1:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        streams = OrderedDict()
        for res_id in res_ids:
            streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=[res_id]))
        return streams
