"""Every workbook and CSV the portal writes keeps text as text: a value typed by a unit or an editor
that starts like a formula (=HYPERLINK(…), +…, -…, @…) must never run in the office's spreadsheet."""

import io

from openpyxl import Workbook

# What Excel, LibreOffice and WPS read as the start of a formula in a CSV cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A CSV cell: text that would start a formula gets a leading apostrophe, as spreadsheets expect."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def append_row(ws, values) -> None:
    """Appends a worksheet row; strings are stored as text cells, never as formulas."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def new_workbook(title: str):
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    return wb, ws


def workbook_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def escape_wagtail_csv() -> None:
    """Wagtail's own CSV exports (reports, listings) write values as they are (wagtail#3466, by design):
    the portal escapes them like its own."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "_portal_escapes_csv", False):
        return
    original = SpreadsheetExportMixin.preprocess_field_value

    def preprocess_field_value(self, field, value, export_format):
        processed = original(self, field, value, export_format)
        return csv_text(processed) if export_format == self.FORMAT_CSV else processed

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin._portal_escapes_csv = True
