"""The XLSX of any Atlas report, written row by row.

xlsxwriter's constant_memory mode flushes each row to a temporary file as soon as the
next one starts, and the lines come from the report's `_iter_report_lines` generator
(the General Ledger streams them from SQL): so writing a ledger of a million journal
items holds one row in memory, not the ledger.
"""

import xlsxwriter

from odoo.fields import Date

# How wide each kind of column is, in characters.
COLUMN_WIDTHS = {"char": 18, "date": 12, "monetary": 16, "number": 10, "percent": 10}
LABEL_WIDTH = 42
BOLD_KINDS = {"section", "subtotal", "total"}
# Figures, right-aligned: amounts, counts and percentages (12.5 for 12.5 %).
NUMERIC_TYPES = ("monetary", "number", "percent")


def currency_number_format(currency):
    """An Excel number format that shows the amount the way the screen does: $1,234.56."""
    digits = currency.get("decimal_places", 2)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    symbol = '"{}"'.format((currency.get("symbol") or currency.get("name") or "").replace('"', ""))
    if currency.get("position") == "after":
        positive = f"{number} {symbol}"
    else:
        positive = f"{symbol}{number}"
    return f"{positive};-{positive}"


def leading_text_columns(columns):
    """How many columns at the left hold text (dates, entry, partner...) before the figures."""
    count = 0
    for column in columns:
        if column["type"] in NUMERIC_TYPES:
            break
        count += 1
    return max(count, 1)


def is_set(value):
    """Whether a cell has something to show: 0.0 does, None/False/"" do not."""
    return value is not None and value is not False and value != ""


def line_cells(line, columns):
    """(column, value, is_label) for each column of one line.

    A journal item (a "detail" line) shows its own date, entry, partner and label; any other
    line (a customer, a section, an opening balance) shows its label in the first column and
    no other text, as on screen. The first column falls back to the label when empty.
    """
    values = line.get("values") or {}
    own_text = line.get("kind") == "detail"
    span = leading_text_columns(columns)
    cells = []
    for index, column in enumerate(columns):
        value = values.get(column["key"])
        if index == 0 and (not own_text or not is_set(value)):
            cells.append((column, line.get("label") or "", True))
        elif index < span and not own_text:
            cells.append((column, None, False))
        else:
            cells.append((column, value, False))
    return cells


class ReportXlsxWriter:
    """Writes one report into one worksheet: header, column titles, lines, then the checks."""

    def __init__(self, fileobj, envelope):
        self.envelope = envelope
        self.columns = envelope["columns"]
        self.workbook = xlsxwriter.Workbook(fileobj, {"constant_memory": True})
        self.sheet = self.workbook.add_worksheet(envelope["title"][:31])
        self.money_format = currency_number_format(envelope["currency"])
        self._formats = {}
        self.row = 0

    def fmt(self, kind="line", column_type="char", level=0):
        """A cell format by (kind, type, level), created once: workbooks cap their formats."""
        key = (kind in BOLD_KINDS, kind == "total", column_type, level)
        if key not in self._formats:
            props = {"bold": kind in BOLD_KINDS, "valign": "top"}
            if kind == "total":
                props["top"] = 1
            if column_type == "monetary":
                props["num_format"] = self.money_format
            elif column_type == "date":
                props["num_format"] = "yyyy-mm-dd"
            elif column_type == "number":
                props["num_format"] = "#,##0"
            elif column_type == "percent":
                props["num_format"] = "0.0%"
            elif level:
                props["indent"] = level
            self._formats[key] = self.workbook.add_format(props)
        return self._formats[key]

    def write_header(self):
        env, sheet = self.envelope, self.sheet
        text_columns = leading_text_columns(self.columns)
        for index, column in enumerate(self.columns):
            width = COLUMN_WIDTHS.get(column["type"], 18)
            if index == 0 and text_columns == 1:
                width = LABEL_WIDTH  # the label column of a summary report
            elif column["key"] == "label":
                width = LABEL_WIDTH
            sheet.set_column(index, index, width)
        title = self.workbook.add_format({"bold": True, "font_size": 14})
        sheet.write_string(0, 0, env["title"], title)
        sheet.write_string(1, 0, env["company"]["name"])
        sheet.write_string(2, 0, env.get("subtitle") or "")
        heading = self.workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        heading_right = self.workbook.add_format({"bold": True, "bottom": 1, "align": "right", "text_wrap": True})
        for index, column in enumerate(self.columns):
            right = column["type"] in NUMERIC_TYPES
            sheet.write_string(4, index, column["label"] or "", heading_right if right else heading)
        sheet.freeze_panes(5, 0)
        self.row = 5

    def write_line(self, line):
        if line.get("kind") == "more":
            return False  # a screen pager: the file has every line already
        level = min(int(line.get("level") or 0), 3)
        kind = line.get("kind") or "line"
        for index, (column, value, is_label) in enumerate(line_cells(line, self.columns)):
            if not is_set(value):
                continue
            ctype = "char" if is_label else column["type"]
            if ctype in NUMERIC_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
                # Numbers stay numbers: the accountant sums and pivots them (a percentage
                # as the fraction a spreadsheet formats with %).
                number = value / 100.0 if ctype == "percent" else value
                self.sheet.write_number(self.row, index, number, self.fmt(kind, ctype))
            elif ctype == "date" and self._to_date(value):
                self.sheet.write_datetime(self.row, index, self._to_date(value), self.fmt(kind, "date"))
            else:
                self.sheet.write_string(self.row, index, str(value), self.fmt(kind, "char", level if index == 0 else 0))
        self.row += 1
        return True

    @staticmethod
    def _to_date(value):
        try:
            return Date.to_date(value)
        except (TypeError, ValueError):
            return None

    def write_checks(self, checks):
        if not checks:
            return
        self.row += 1
        bold = self.workbook.add_format({"bold": True})
        sheet = self.sheet
        for index, label in enumerate(("Check", "Expected", "Reported", "Difference", "Result")):
            sheet.write_string(self.row, index, label, bold)
        self.row += 1
        money = self.fmt("line", "monetary")
        for check in checks:
            sheet.write_string(self.row, 0, check["label"])
            for index, key in enumerate(("expected", "value", "difference"), start=1):
                if isinstance(check.get(key), int | float):
                    sheet.write_number(self.row, index, check[key], money)
            sheet.write_string(self.row, 4, "OK" if check.get("ok") else "MISMATCH")
            self.row += 1

    def close(self):
        self.workbook.close()


def write_report_xlsx(fileobj, envelope, lines):
    """Write a report's XLSX into `fileobj`: the header and checks from the envelope (the
    report without its lines), then `lines`, an iterable consumed one line at a time.
    Returns the number of lines written."""
    writer = ReportXlsxWriter(fileobj, envelope)
    writer.write_header()
    count = 0
    for line in lines:
        count += writer.write_line(line)
    writer.write_checks(envelope.get("checks"))
    writer.close()
    return count


def report_filename(envelope, extension):
    """ "AR Aging 2026-06-30.xlsx", "General Ledger 2026-01-01 2026-12-31.pdf"."""
    options = envelope.get("options") or {}
    if options.get("as_of_date"):
        dates = [options["as_of_date"]]
    else:
        dates = [d for d in (options.get("date_from"), options.get("date_to")) if d]
    return " ".join([envelope["title"], *dates]).replace("/", "-") + f".{extension}"
