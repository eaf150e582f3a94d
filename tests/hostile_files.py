"""Hostile spreadsheets made by hand (fast: no openpyxl writing a million rows)."""

import functools
import io
import zipfile

from actions.spreadsheets.columns import REQUIRED_COLUMNS

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Actions" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _column(index):
    return chr(ord("A") + index)


def million_row_xlsx(rows=1_000_000):
    """An .xlsx whose Actions sheet has the right header and then ``rows`` short rows (one number each)."""
    header = "".join(
        f'<c r="{_column(i)}1" t="inlineStr"><is><t>{name}</t></is></c>' for i, name in enumerate(REQUIRED_COLUMNS)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(f'<row r="1">{header}</row>'.encode())
            row = b"<row><c><v>1</v></c></row>"  # no row numbers: readers count them
            for _ in range(rows // 10_000):
                sheet.write(row * 10_000)
            sheet.write(row * (rows % 10_000))
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


# --- Any workbook, and hostile ones for every upload that opens a workbook -----------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def sheet_xml(rows, dimension=None):
    """A worksheet part: ``rows`` is the XML of its rows (bytes, or an iterable of bytes chunks)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'.encode()
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    body = rows if isinstance(rows, bytes) else b"".join(rows)
    return head + b"<sheetData>" + body + b"</sheetData></worksheet>"


def text_row(number, values):
    """One row of inline text cells."""
    cells = "".join(f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'.encode()


def workbook_xlsx(sheets, *, shared_strings=None, parts=None):
    """An .xlsx made by hand: ``sheets`` maps titles to worksheet XML; ``parts`` adds any other members."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
        for n in range(1, len(sheets) + 1)
    )
    if shared_strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_STRINGS_TYPE}"/>'
    entries = "".join(f'<sheet name="{title}" sheetId="{n}" r:id="rId{n}"/>' for n, title in enumerate(sheets, start=1))
    relationships = "".join(
        f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.replace(_SHEET_OVERRIDE, overrides))
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.replace(_WORKBOOK_SHEETS, f"<sheets>{entries}</sheets>"))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.replace(_WORKBOOK_REL, relationships))
        for n, xml in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


_SHEET_OVERRIDE = f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEET_TYPE}"/>'
_WORKBOOK_SHEETS = '<sheets><sheet name="Actions" sheetId="1" r:id="rId1"/></sheets>'
_WORKBOOK_REL = (
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
)

#: The headings each door's sheet starts with, so that only the hostile part of a file is wrong.
HEADINGS = {
    "Actions": REQUIRED_COLUMNS,
    "Recommendations": ("Reference", "Theme", "Lead-in", "Text", "Sub-point", "Mandatory", "Addressed to"),
}
REPORT_SHEET = sheet_xml(
    text_row(1, ("Slug", "Title", "Short title", "Publisher", "Date published", "Date as printed", "Reference"))
    + text_row(2, ("x-2024", "X", "X 2024", "", "", "", "")),
    dimension="A1:G2",
)


@functools.cache
def hostile_workbook(case, title):
    """The hostile workbook ``case`` whose main sheet is ``title`` ("Actions" or "Recommendations").

    Every file is under 5 MB, so each reaches the workbook opener through every door.
    """
    header = text_row(1, HEADINGS[title])
    many = 20_000  # more rows than any door allows (10,000 for actions, 3,000 for a report)
    plain_rows = header + b"<row><c><v>1</v></c></row>" * many
    sheet = {
        "missing dimension, many rows": lambda: sheet_xml(plain_rows),
        "lying dimension": lambda: sheet_xml(plain_rows, dimension="A1:G2"),
        "dimension claiming a million rows": lambda: sheet_xml(header, dimension="A1:G1000000"),
        "one row numbered a million": lambda: sheet_xml(header + b'<row r="1000000"><c><v>1</v></c></row>'),
        "row number written as a character reference": lambda: sheet_xml(
            header + b'<row r="&#49;000000"><c><v>1</v></c></row>'
        ),
        "too many columns": lambda: sheet_xml(header + b"<row>" + b"<c><v>1</v></c>" * 200 + b"</row>"),
        "a cell in the last column": lambda: sheet_xml(header + b'<row r="2"><c r="XFD2"><v>1</v></c></row>'),
    }
    if case in sheet:
        return _with_main_sheet(title, sheet[case]())
    plain = sheet_xml(header + text_row(2, ["1"] * len(HEADINGS[title])))
    strings = {
        "too many shared strings": lambda: _shared_strings(f"<si><t>{n}</t></si>" for n in range(150_000)),
        "shared strings too large": lambda: _shared_strings(
            "<si><t>" + "text " * 2000 + "</t></si>" for _ in range(2200)
        ),
    }
    if case in strings:
        return _with_main_sheet(title, plain, shared_strings=strings[case]())
    zeros = {
        "zip bomb": {f"xl/media/image{n}.bin": bytes(19 * 1024 * 1024) for n in range(3)},
        "one part too large": {"xl/media/image1.bin": bytes(25 * 1024 * 1024)},
        "one part packed too tight": {"xl/styles.xml": b"<styleSheet>" + b" " * (5 * 1024 * 1024) + b"</styleSheet>"},
        "too many parts": {f"xl/media/image{n}.bin": b"x" for n in range(1500)},
    }
    if case in zeros:
        return _with_main_sheet(title, plain, parts=zeros[case])
    return {
        "not a zip": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
        "a damaged zip": b"PK\x03\x04" + b"\x00garbage" * 50,
    }[case]


def _with_main_sheet(title, xml, **kwargs):
    sheets = {"Report": REPORT_SHEET, title: xml} if title == "Recommendations" else {title: xml}
    return workbook_xlsx(sheets, **kwargs)


def _shared_strings(items):
    body = "".join(items)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">{body}</sst>'.encode()


#: case -> the words the person is shown, whichever door the file came through
HOSTILE_WORKBOOKS = {
    "not a zip": "not an Excel workbook (.xlsx), whatever its name says",
    "a damaged zip": "The workbook cannot be opened: it is damaged or not an Excel workbook.",
    "zip bomb": "The workbook is too large once unpacked",
    "one part too large": "The workbook is too large once unpacked",
    "one part packed too tight": "unpacks to more than 100 times its packed size",
    "too many parts": "The workbook has more parts (",
    "too many shared strings": "The workbook holds more text than",
    "shared strings too large": "The workbook holds more text than",
    "missing dimension, many rows": "rows (counting empty ones)",
    "lying dimension": "rows (counting empty ones)",
    "dimension claiming a million rows": "rows (counting empty ones)",
    "one row numbered a million": "rows (counting empty ones)",
    "row number written as a character reference": "rows (counting empty ones)",
    "too many columns": "columns, more than",
    "a cell in the last column": "columns, more than",
}
