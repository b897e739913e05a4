from odoo import api, models

from odoo.addons.base.models.report_paperformat import PAPER_SIZES

from .abstract_report_xlsx import BOLD_KINDS, NUMERIC_TYPES, is_set, leading_text_columns

# CSS pixels wkhtmltopdf lays out per millimetre of paper at the dpi and zoom Odoo gives it
# (measured with 0.12.6: 1,246 px on the 253.4 mm of a portrait Letter page's body).
PX_PER_MM = 4.917
# Room left at the foot of each page, so a row measured a pixel short still fits.
PAGE_SLACK_PX = 12

ROW_CLASSES = {
    "section": "o_atlas_bold o_atlas_section",
    "subtotal": "o_atlas_bold",
    "total": "o_atlas_bold o_atlas_total",
    "detail": "o_atlas_detail",
}


class ReportAtlasFinancial(models.AbstractModel):
    """The PDF of any Atlas report: one QWeb template over the report's envelope and every
    line of `_iter_report_lines` (the whole ledger, not the screen's first page), so the
    PDF carries the numbers of the screen and of the XLSX."""

    _name = "report.atlas_invoicing.report_financial"
    _description = "Atlas financial report (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        report = self.env["atlas.report"]._get_report_model(data.get("report_model"))
        # The report checks the user's role here (a Viewer gets no General Ledger).
        envelope = report.get_report_data(data.get("options") or {})
        lines = envelope.pop("lines")
        if any(line.get("kind") == "more" for line in lines):
            # The screen's first page of a long ledger: the PDF has every line.
            lines = report._iter_report_lines(envelope["options"])
        company = self.env["res.company"].browse(envelope["company"]["id"])
        return {
            "doc_ids": [],
            "doc_model": report._name,
            "docs": company,
            "company": company,
            "report": envelope,
            "rows": self._get_rows(report, envelope, lines),
            "format_cell": report._format_report_cell,
            "page_box": self._get_page_box(),
        }

    @api.model
    def _get_page_box(self):
        """The body of a page in CSS pixels: {"width", "height"}. Debian's wkhtmltopdf (no
        patched Qt) does not repeat a table's header on the next page, so the template
        cuts the table into one table per page, each with its header, measuring its rows
        against this height."""
        paperformat = self.env.ref("atlas_invoicing.action_report_atlas_financial").get_paperformat()
        size = next((size for size in PAPER_SIZES if size["key"] == paperformat.format), None)
        width, height = (size["width"], size["height"]) if size else (paperformat.page_width, paperformat.page_height)
        if self.env.context.get("landscape") or (
            self.env.context.get("landscape") is None and paperformat.orientation == "Landscape"
        ):
            width, height = height, width
        width -= paperformat.margin_left + paperformat.margin_right
        height -= paperformat.margin_top + paperformat.margin_bottom
        return {"width": int(width * PX_PER_MM) - 2, "height": int(height * PX_PER_MM) - PAGE_SLACK_PX}

    @api.model
    def _get_rows(self, report, envelope, lines):
        """Table rows: a journal item ("detail") shows its own date, entry, partner...; any other
        line (a customer, a section, an opening balance) its label across the leading text
        columns; figures are formatted as on screen."""
        columns = envelope["columns"]
        currency_id = envelope["currency"]["id"]
        span = leading_text_columns(columns)
        last_key = columns[-1]["key"]
        # Lines over journal-item details (an aging customer); a streamed ledger's level-0
        # lines are sections, which keep their zeros anyway.
        detail_parents = (
            {line["parent"] for line in lines if line.get("kind") == "detail"} if isinstance(lines, list) else set()
        )
        for line in lines:
            if line.get("kind") == "more":
                continue
            values = line.get("values") or {}
            level = int(line.get("level") or 0)
            blank_zeros = (
                envelope.get("blank_zeros", True)
                and line.get("kind") not in BOLD_KINDS
                and (line.get("parent") or line.get("key") in detail_parents)
            )
            own_text = line.get("kind") == "detail" and any(
                is_set(values.get(column["key"])) for column in columns[:span]
            )
            cells = []
            if not own_text:
                cells.append({"text": line.get("label") or "", "colspan": span, "numeric": False, "indent": level})
                rest = columns[span:]
            else:
                rest = columns
            for index, column in enumerate(rest):
                value = values.get(column["key"])
                if own_text and index == 0 and not is_set(value):
                    value = line.get("label")
                if blank_zeros and value == 0 and column["type"] == "monetary" and column["key"] != last_key:
                    value = None  # as on screen: empty buckets and zero debits blank, totals keep 0.00
                numeric = column["type"] in NUMERIC_TYPES
                # As on screen: a change in percent of a zero comparison reads as a dash, on a
                # section's line too (a heading without figures has no value at all: blank).
                no_percent = column["type"] == "percent" and value is False
                cells.append(
                    {
                        "text": "—" if no_percent else report._format_report_cell(value, column["type"], currency_id),
                        "colspan": 1,
                        "numeric": numeric,
                        "indent": level if own_text and index == 0 else 0,
                    }
                )
            yield {"class": ROW_CLASSES.get(line.get("kind"), ""), "cells": cells}
