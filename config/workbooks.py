"""The one way an uploaded workbook (.xlsx) is opened: measured first, handed to openpyxl only once it is safe.

openpyxl trusts the file it is given. It reads some parts whole before the first row (the shared-strings table,
styles, the workbook), and when a sheet has no ``<dimension>`` it parses the sheet to its end looking for one: a
million-row national report took seconds to be refused. So every upload comes through ``open_workbook``, which
refuses, before openpyxl reads anything, a file that is too big, not a zip, a zip bomb (too much unpacked in all or in
one part, or a part packed far tighter than a real workbook's), a shared-strings table too long or too large, a
sheet longer or wider than its caller allows (whatever its ``<dimension>`` says, or if it says nothing), and then
opens the rest read-only.

The sizes a zip's directory declares bound what Python's ``zipfile`` unpacks (it stops at the declared size and
checks the CRC), so they can be trusted; the rows and columns are counted in the parts' bytes as openpyxl would
number them, in one pass that stops at the limit. Entity tricks (a "billion laughs") are refused by defusedxml,
which openpyxl uses when it is installed. Each caller passes its own limits and turns ``WorkbookRefused`` into its
own error; the message is written for the person who sent the file.
"""

import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

MB = 1024 * 1024
#: A part smaller than this unpacked is never refused for its compression ratio (tiny parts compress oddly).
RATIO_FLOOR_BYTES = 1 * MB
_CHUNK = 1 * MB


class WorkbookRefused(Exception):
    """The upload is not a workbook this application will open; the message says why, in the sender's words."""


@dataclass(frozen=True)
class WorkbookLimits:
    """What a caller accepts. ``kind`` names the workbook in messages ("a sheet of actions")."""

    kind: str
    rows: int  # the highest row number of any sheet, counting empty rows
    columns: int  # the highest column of any row
    file_bytes: int = 5 * MB
    unpacked_bytes: int = 50 * MB  # all parts together
    part_bytes: int = 20 * MB  # any one part
    compression_ratio: int = 100  # unpacked ÷ packed, for parts over RATIO_FLOOR_BYTES
    shared_strings_bytes: int = 20 * MB
    shared_strings: int = 100_000
    parts: int = 1000


def open_workbook(content, *, limits):
    """The workbook in ``content`` opened read-only, every sheet's dimensions reset; WorkbookRefused otherwise.

    Nothing heavy is read before every limit has been checked. The caller closes the workbook.
    """
    if len(content) > limits.file_bytes:
        raise WorkbookRefused(f"The file is larger than {limits.file_bytes // MB} MB, the most {limits.kind} may be.")
    if not content.startswith(b"PK\x03\x04"):
        raise WorkbookRefused("The file is not an Excel workbook (.xlsx), whatever its name says.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            titles = _check_directory(archive, limits)
            lacking = [info for info in archive.infolist() if _scan(archive, info, limits, titles)]
            _check_ratios(archive, limits)
            if lacking:
                content = _with_dimensions(archive, lacking)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except WorkbookRefused:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds of error on a damaged file; each means the same
        raise _damaged() from exc
    for sheet in workbook.worksheets:
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # read every row, whatever size the file claims (it was counted above)
    return workbook


def _check_directory(archive, limits):
    """Refuse on the zip's directory alone (nothing unpacked); the sheets' titles by part, for messages."""
    infos = archive.infolist()
    if len(infos) > limits.parts:
        raise WorkbookRefused(f"The workbook has more parts ({len(infos)}) than {limits.kind} can have.")
    too_large = WorkbookRefused(f"The workbook is too large once unpacked to be {limits.kind}.")
    if sum(info.file_size for info in infos) > limits.unpacked_bytes:
        raise too_large
    for info in infos:
        if "sharedstrings" in info.filename.lower() and info.file_size > limits.shared_strings_bytes:
            raise _too_much_text(limits)
        if info.file_size > limits.part_bytes:
            raise too_large
    return _sheet_titles(archive)


def _damaged():
    return WorkbookRefused("The workbook cannot be opened: it is damaged or not an Excel workbook.")


def _too_much_text(limits):
    return WorkbookRefused(f"The workbook holds more text than {limits.kind} can.")


def _check_ratios(archive, limits):
    for info in archive.infolist():
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.compression_ratio * max(
            info.compress_size, 1
        ):
            raise WorkbookRefused(
                f"One part of the workbook unpacks to more than {limits.compression_ratio} times its packed size, "
                f"which no real workbook does; it cannot be {limits.kind}."
            )


# --- Counting a part's rows, columns and strings, as openpyxl would number them ----------------------------------

_TAG = re.compile(rb"""<(?:[\w.-]+:)?(row|c|si|dimension|sheetData)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DIMENSION = re.compile(rb"""(?:^|\s)ref\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass
class _Count:
    row: int = 0
    column: int = 0
    strings: int = 0
    dimension: bool = False
    data: bool = False


def _scan(archive, info, limits, titles):
    """Read one part as a stream and refuse it at the first row, column or string over the limits.

    Every part is read (openpyxl finds its sheets through relationships a file may point anywhere); a part that is
    not a sheet simply has no rows. Returns whether the part is a sheet without a ``<dimension>``.
    """
    title = titles.get(info.filename, info.filename)
    count, tail = _Count(), b""
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")  # a tag may run on into the next chunk: keep it whole for then
            cut = len(data) if cut < 0 else cut
            for match in _TAG.finditer(data, 0, cut):
                _count(match[1], match[2], count, limits, title)
            tail = data[cut:]
        for match in _TAG.finditer(tail):
            _count(match[1], match[2], count, limits, title)
    if count.strings and (count.strings > limits.shared_strings or info.file_size > limits.shared_strings_bytes):
        raise _too_much_text(limits)
    return count.data and not count.dimension


def _count(tag, attributes, count, limits, title):
    if tag == b"row":
        reference = _value(_REFERENCE, attributes)
        count.row = _number(int, reference) if reference is not None else count.row + 1
        count.column = 0
        if count.row > limits.rows:
            raise _too_long(title, limits)
    elif tag == b"c":
        reference = _value(_REFERENCE, attributes)
        count.column = _number(coordinate_to_tuple, reference)[1] if reference else count.column + 1
        if count.column > limits.columns:
            raise _too_wide(title, limits)
    elif tag == b"si":
        count.strings += 1
        if count.strings > limits.shared_strings:
            raise _too_much_text(limits)
    elif tag == b"dimension" and not count.data:
        count.dimension = True
        _check_claim(attributes, limits, title)
    elif tag == b"sheetData":
        count.data = True


def _check_claim(attributes, limits, title):
    """Refuse a sheet whose ``<dimension>`` says it is longer or wider than the limits, without reading on.

    A dimension that says less than the sheet holds changes nothing: the rows and columns are counted anyway.
    """
    reference = _value(_DIMENSION, attributes)
    if not reference:
        return
    _, _, columns, rows = _number(range_boundaries, reference)
    if (rows or 0) > limits.rows:
        raise _too_long(title, limits)
    if (columns or 0) > limits.columns:
        raise _too_wide(title, limits)


def _too_long(title, limits):
    return WorkbookRefused(
        f'Sheet "{title}" has more than {limits.rows} rows (counting empty ones), more than {limits.kind} may have.'
    )


def _too_wide(title, limits):
    return WorkbookRefused(f'Sheet "{title}" has more than {limits.columns} columns, more than {limits.kind} may have.')


def _value(pattern, attributes):
    """An attribute's value as the XML parser will read it (character references decoded), or None."""
    found = pattern.search(attributes)
    if found is None:
        return None
    return html.unescape((found[1] if found[1] is not None else found[2]).decode("utf-8", "replace"))


def _number(read, reference):
    """A row or cell reference read the way openpyxl reads it; one it could not read means a damaged file."""
    try:
        return read(reference)
    except (ValueError, TypeError) as exc:
        raise _damaged() from exc


# --- Sheet titles, for messages ------------------------------------------------------------------------------------

_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\s[^>]*>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")


def _attribute(tag, name):
    found = re.search(rb"(?:^|\s)(?:[\w.-]+:)?" + name + rb"""\s*=\s*["']([^"']*)["']""", tag)
    return html.unescape(found[1].decode("utf-8", "replace")) if found else ""


def _sheet_titles(archive):
    """Each worksheet part's sheet title (best effort: a title only names a part in a message)."""
    names = set(archive.namelist())
    if not {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= names:
        return {}
    targets = {
        _attribute(tag, b"Id"): _attribute(tag, b"Target")
        for tag in _RELATIONSHIP.findall(archive.read("xl/_rels/workbook.xml.rels"))
    }
    titles = {}
    for tag in _SHEET.findall(archive.read("xl/workbook.xml")):
        target = targets.get(_attribute(tag, b"id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        titles[part] = _attribute(tag, b"name")
    return titles


# --- A <dimension> for a sheet that has none ----------------------------------------------------------------------

_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")


def _with_dimensions(archive, lacking):
    """The workbook again, with a ``<dimension>`` before the data of each sheet that lacks one.

    Without it openpyxl parses the sheet to its end when it opens the workbook; the sheet's size has been counted
    already, so a placeholder does (the dimensions are reset before reading).
    """
    lacking = {info.filename for info in lacking}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename in lacking:
                data = _SHEET_DATA.sub(lambda m: b'<%sdimension ref="A1"/>' % (m[1] or b"") + m[0], data, count=1)
            copy.writestr(info.filename, data)
    return out.getvalue()
