"""The Atlas invoice PDF, many invoices per wkhtmltopdf call.

Odoo renders several records in one call by giving wkhtmltopdf one HTML document per record,
then splits the PDF by its outline. Debian's wkhtmltopdf (built on unpatched Qt) takes only
one input document and writes no outline, so Odoo's way gives an empty PDF there. Here the
invoices of a chunk go into ONE document instead, each starting on a new page behind an
invisible link whose target names the invoice; wkhtmltopdf keeps links as PDF annotations,
so the page holding an invoice's link is its first page. The PDF is cut there, the links are
taken out again, and each invoice gets its own PDF, as Odoo's own split would give it.

A chunk that fails (a template error on one invoice, wkhtmltopdf failing) is rendered again
invoice by invoice, so the error names the invoice it belongs to.
"""

import io
import logging
import re
from collections import OrderedDict

import lxml.html
import psycopg2

from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.tools import split_every
from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

_logger = logging.getLogger(__name__)

ATLAS_INVOICE_REPORT = "atlas_invoicing.report_atlas_invoice"
# Invoices per wkhtmltopdf call: each call pays the engine's start and the report's CSS once,
# and the chunk bounds what one call holds in memory (the HTML, the PDF and its split).
DEFAULT_PDF_CHUNK_SIZE = 50
PDF_CHUNK_SIZE_PARAM = "atlas_invoicing.pdf_chunk_size"
# The target of the invisible link that marks where an invoice starts in a chunk's PDF.
SPLIT_MARK = "atlas-invoice-pdf:"
SPLIT_MARK_RE = re.compile(re.escape(SPLIT_MARK) + r"(\d+)$")
# Not a failure of an invoice's PDF: no access to the invoice, or a database error Odoo's
# request handling retries (a serialization failure) or must see as it is.
PASS_THROUGH = (AccessError, psycopg2.Error)


class AtlasInvoicePdfError(UserError):
    """The PDF of some invoices could not be rendered; ``errors`` maps their ids to why."""

    def __init__(self, message, errors):
        super().__init__(message)
        self.errors = errors


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    # -------------------------------------------------------------------------
    # Odoo's engine, extended for the Atlas invoice
    # -------------------------------------------------------------------------

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # One invoice is rendered by Odoo's own path, as it is; several, a chunk per call.
        # Either way a failure names the invoice it belongs to.
        report = self._get_report(report_ref)
        if report.report_name != ATLAS_INVOICE_REPORT or not res_ids or len(set(res_ids)) != len(res_ids):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        if self.get_wkhtmltopdf_state() == "install":
            # Not an invoice's fault: Odoo's own message, as for any report.
            raise UserError(self.env._("Unable to find Wkhtmltopdf on this system. The PDF can not be created."))
        if len(res_ids) == 1:
            try:
                return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
            except PASS_THROUGH:
                raise
            except Exception as error:  # noqa: BLE001 - reported naming the invoice
                raise self._atlas_pdf_error({res_ids[0]: self._atlas_error_text(error)}) from error
        data = dict(data or {}, report_type="pdf")
        streams = OrderedDict()
        errors = {}
        for chunk in split_every(self._atlas_pdf_chunk_size(), res_ids, list):
            try:
                # Rendering writes nothing: a savepoint without flush keeps the caller's pending
                # work (and its chatter tracking) as it is, whatever happens here.
                with self.env.cr.savepoint(flush=False):
                    streams.update(self._atlas_render_chunk(report_ref, data, chunk))
                continue
            except PASS_THROUGH:
                raise
            except Exception as error:  # noqa: BLE001 - any failure: find the invoice it belongs to
                _logger.info("Atlas invoice PDF: a chunk of %s failed (%s), rendering one by one.", len(chunk), error)
            for res_id in chunk:
                try:
                    with self.env.cr.savepoint(flush=False):
                        streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=[res_id]))
                except PASS_THROUGH:
                    raise
                except Exception as error:  # noqa: BLE001 - reported below, naming the invoice
                    errors[res_id] = self._atlas_error_text(error)
        if errors:
            raise self._atlas_pdf_error(errors)
        return streams

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        # The Atlas invoice runs no script (its template and Odoo's PDF layout hold none) and
        # uses the system's fonts, not web fonts that load late: the JavaScript delay
        # (report.print_delay, 1 s by default, on every call) would only be waited out.
        if report_ref and self._get_report(report_ref).report_name == ATLAS_INVOICE_REPORT:
            self = self.with_context(atlas_no_javascript_delay=True)
        return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)

    def _build_wkhtmltopdf_args(
        self, paperformat_id, landscape, specific_paperformat_args=None, set_viewport_size=False
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        if self.env.context.get("atlas_no_javascript_delay") and "--javascript-delay" in args:
            args[args.index("--javascript-delay") + 1] = "0"
        return args

    # -------------------------------------------------------------------------
    # One chunk: one document, one call, one PDF per invoice
    # -------------------------------------------------------------------------

    def _atlas_pdf_chunk_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PDF_CHUNK_SIZE_PARAM)
        try:
            return max(int(value), 1) if value else DEFAULT_PDF_CHUNK_SIZE
        except ValueError:
            return DEFAULT_PDF_CHUNK_SIZE

    def _atlas_render_chunk(self, report_ref, data, res_ids):
        """The invoices ``res_ids`` in one wkhtmltopdf call: {res_id: {stream, attachment}}.

        The steps of Odoo's ``_render_qweb_pdf_prepare_streams``, with the bodies Odoo makes
        (one per invoice) joined into one document."""
        report = self._get_report(report_ref)
        # As Odoo does: assets in one bundle, or wkhtmltopdf may not load them in time.
        report = report.with_context(debug=False)
        html = self.with_context(debug=False)._render_qweb_html(report_ref, res_ids, data=data)[0]
        bodies, html_ids, header, footer, paperformat_args = report._prepare_html(html, report_model=report.model)
        if html_ids != res_ids:
            raise ValueError(f"the document holds records {html_ids}, not {res_ids}")
        pdf = self._run_wkhtmltopdf(
            [self._atlas_join_bodies(bodies, res_ids)],
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=self.env.context.get("landscape"),
            specific_paperformat_args=paperformat_args,
            set_viewport_size=self.env.context.get("set_viewport_size"),
        )
        return OrderedDict(
            (res_id, {"stream": stream, "attachment": None})
            for res_id, stream in zip(res_ids, self._atlas_split_pdf(pdf, res_ids), strict=True)
        )

    def _atlas_join_bodies(self, bodies, res_ids):
        """One HTML document holding the bodies (full documents, one per invoice) in turn, each
        on new pages and opened by the invisible link that marks its first page."""
        documents = [lxml.html.document_fromstring(body) for body in bodies]
        contents = [list(document.body) for document in documents]
        joined = documents[0]
        for child in contents[0]:
            joined.body.remove(child)
        for index, (content, res_id) in enumerate(zip(contents, res_ids, strict=True)):
            style = "position: relative" if index == 0 else "position: relative; page-break-before: always"
            wrapper = lxml.html.Element("div", style=style)
            wrapper.append(
                lxml.html.Element(
                    "a",
                    href=f"{SPLIT_MARK}{res_id}",
                    style="position: absolute; top: 0; left: 0; width: 1px; height: 1px; display: block",
                )
            )
            wrapper.extend(content)
            joined.body.append(wrapper)
        return lxml.html.tostring(joined, encoding="unicode", doctype="<!DOCTYPE html>")

    def _atlas_split_pdf(self, pdf, res_ids):
        """The chunk's PDF cut before each invoice's mark: one PDF per invoice, in order, with
        the marks taken out. Raises ValueError if the marks are not the invoices in order."""
        reader = PdfFileReader(io.BytesIO(pdf))
        starts = []
        for page_number, page in enumerate(reader.pages):
            for res_id in self._atlas_take_marks(page):
                starts.append((res_id, page_number))
        if [res_id for res_id, _page in starts] != list(res_ids) or not starts or starts[0][1] != 0:
            raise ValueError(f"the PDF marks {starts} don't match the invoices {res_ids}")
        ends = [page for _res_id, page in starts[1:]] + [len(reader.pages)]
        streams = []
        for (_res_id, first), end in zip(starts, ends, strict=True):
            if end <= first:
                raise ValueError(f"an invoice has no page of its own: {starts}")
            writer = PdfFileWriter()
            for page_number in range(first, end):
                writer.addPage(reader.pages[page_number])
            stream = io.BytesIO()
            writer.write(stream)
            streams.append(stream)
        return streams

    def _atlas_take_marks(self, page):
        """Remove the split marks from a page's links; return the invoice ids they named."""
        annotations = page.get("/Annots")
        if not annotations:
            return []
        annotations = annotations.get_object()
        kept, marks = ArrayObject(), []
        for reference in annotations:
            action = reference.get_object().get("/A")
            uri = action.get_object().get("/URI") if action else None
            match = SPLIT_MARK_RE.match(str(uri)) if uri else None
            if match:
                marks.append(int(match.group(1)))
            else:
                kept.append(reference)
        if marks:
            if kept:
                page[NameObject("/Annots")] = kept
            else:
                del page["/Annots"]
        return marks

    # -------------------------------------------------------------------------
    # Errors
    # -------------------------------------------------------------------------

    def _atlas_error_text(self, error):
        # A template error carries the error of the expression that failed as its cause.
        cause = error.__cause__ if error.__cause__ and not isinstance(error, UserError) else error
        if isinstance(cause, UserError):
            return cause.args[0]
        return f"{type(cause).__name__}: {cause}"

    def _atlas_pdf_error(self, errors, names=None):
        """The error naming each invoice of ``errors`` ({id: why}), by ``names`` ({id: name})
        where given: a draft being sent has a number only until the send is undone."""
        names = names or {}
        moves = self.env["account.move"].browse(list(errors))
        lines = [
            self.env._(
                "Invoice %(invoice)s (%(customer)s): %(error)s",
                invoice=names.get(move.id) or move.display_name,
                customer=move.partner_id.display_name,
                error=errors[move.id],
            )
            for move in moves
        ]
        return AtlasInvoicePdfError(
            self.env._(
                "The PDF of these invoices could not be made; correct them, then try again:\n%(invoices)s",
                invoices="\n".join(lines),
            ),
            errors,
        )
