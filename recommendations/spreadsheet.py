"""The national report template: writing the XLSX an administrator fills in, and reading it back as records.

A filled-in workbook becomes the same records a JSON fixture holds (report, themes, recommendations, findings),
each with its Place (sheet, row, columns), so ``loading`` checks and saves it exactly as it does JSON and names
the sheet, row and column of a bad value.
"""

import datetime
import io

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from config.workbooks import WorkbookLimits, WorkbookRefused, open_workbook

from .models import Finding
from .records import FixtureError, Place

#: An XLSX file is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: Rows per sheet at most, blank ones included.
MAX_ROWS = 3000
#: Columns per sheet at most; the widest sheet has 10.
MAX_COLUMNS = 50
LAST_ROW = 1000  # how far down the template's drop-downs reach

#: sheet -> [(heading, field or None, width, help)]
SHEETS = {
    "Report": [
        (
            "Slug",
            "slug",
            22,
            "Short name for addresses, e.g. munro-2011 (lower case, hyphens). Blank: made from the short title.",
        ),
        ("Title", "title", 50, "The full title, as printed."),
        ("Short title", "short_title", 20, "How lists and papers name it, e.g. Munro 2011."),
        ("Publisher", "publisher", 30, "Who published it."),
        ("Date published", "published_on", 16, "YYYY-MM-DD, or blank if only the month is known."),
        ("Date as printed", "published_text", 18, "E.g. May 2011."),
        ("Reference", "reference", 16, "E.g. Cm 8062."),
        ("Web address", "url", 30, "Where the report can be read, if anywhere."),
        (
            "Findings column heading",
            "circumstance_heading",
            26,
            "Heading of the findings beside each recommendation, e.g. Circumstance in Haringey. Blank: Circumstance.",
        ),
        ("Description", "description", 60, "Background paragraphs, as printed (optional)."),
    ],
    "Themes": [
        ("Title", "title", 40, "The heading, as printed, in printed order."),
        ("Slug", "slug", 30, "Blank: made from the title."),
    ],
    "Recommendations": [
        ("Reference", "reference", 12, 'The number as printed ("12"); for an unnumbered one a label such as GP1.'),
        ("Theme", "theme", 30, "A title from the Themes sheet (drop-down); blank if it stands before any heading."),
        ("Lead-in", "lead_in", 30, "Words printed before the recommendation, if any."),
        ("Text", "text", 70, "The recommendation, as printed. Put *asterisks* around words printed in italics."),
        (
            "Sub-point",
            "sub_points",
            50,
            "One bullet per row: the first beside the text, each next one below it with Reference and Text blank.",
        ),
        ("Mandatory", "is_mandatory", 12, "Yes, or No for a good-practice recommendation. Blank: Yes."),
        ("Addressed to", "addressed_to", 30, "Whom the text addresses, if it says."),
        ("Order", "position", 10, "Printed order, a whole number (optional). Blank: one more than the row above."),
    ],
    "Findings": [
        ("Kind", "kind", 16, "Background, Key issue, Main finding or Circumstance (drop-down)."),
        (
            "Recommendation",
            "recommendation",
            16,
            "For a circumstance: the reference of the recommendation it stands beside.",
        ),
        ("Text", "text", 80, "The finding, as printed."),
    ],
}
REQUIRED_SHEETS = ("Report", "Recommendations")
OPTIONAL_HEADINGS = {"Order"}
YES, NO = "Yes", "No"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

HELP_LINES = (
    "How to fill in this template for a national report",
    "",
    "1. Report sheet: one row under the headings, for the report itself.",
    "2. Themes sheet: the headings that group the recommendations, one per row, in printed order.",
    "3. Recommendations sheet: one row per recommendation, in printed order. Its sub-points go one per row: the "
    "first in the Sub-point column beside the text, each next one on the row below with Reference and Text blank.",
    "4. Findings sheet (optional): statements of fact, in printed order. A circumstance names the recommendation "
    "it stands beside.",
    "Emphasis: put *asterisks* around words printed in italics, e.g. revise *Working Together to Safeguard "
    "Children* to set out; the application shows them in italics.",
    "Drop-downs: Theme, Mandatory, Kind and Recommendation offer the values they accept.",
    "Printed order comes from the order of the rows. Leave a row blank to skip it.",
    "Loading: upload the file on the Load a national report page (administrators) or run "
    "python manage.py load_recommendations FILE.xlsx. Nothing is saved until every row is right; a problem is "
    "named by sheet, row and column. Loading the same file again changes nothing; a corrected text updates the "
    "recommendation and keeps the earlier wording in its history. A report already in use is never renumbered.",
)


# --- Writing the template --------------------------------------------------------------------------------------


def template_bytes(report=None):
    """The template as XLSX bytes: blank, or filled in with a loaded report so it can be corrected."""
    workbook = Workbook()
    help_sheet = workbook.active
    help_sheet.title = "Help"
    _write_help(help_sheet)
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([heading for heading, *_ in columns])
        for index, (_, _, width, _) in enumerate(columns):
            cell = sheet.cell(row=1, column=index + 1)
            cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, Alignment(wrap_text=True)
            sheet.column_dimensions[cell.column_letter].width = width
        sheet.freeze_panes = "A2"
    _add_drop_downs(workbook)
    if report is not None:
        _fill(workbook, report)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_help(sheet):
    for line in HELP_LINES:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["Sheet", "Column", "What to write"])
    for cell in sheet[sheet.max_row]:
        cell.font = _HEADER_FONT
    for name, columns in SHEETS.items():
        for heading, _, _, note in columns:
            sheet.append([name, heading, note])
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["C"].width = 100


def _list(formula, title, error):
    return DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True, errorTitle=title, error=error
    )


def _add_drop_downs(workbook):
    kinds = ",".join(label for _, label in Finding.Kind.choices)
    rules = [
        ("Recommendations", "B", _list(f"Themes!$A$2:$A${LAST_ROW}", "Theme", "Choose a theme from the Themes sheet.")),
        ("Recommendations", "F", _list(f'"{YES},{NO}"', "Mandatory", "Choose Yes or No.")),
        ("Findings", "A", _list(f'"{kinds}"', "Kind", "Choose a kind of finding from the list.")),
        (
            "Findings",
            "B",
            _list(f"Recommendations!$A$2:$A${LAST_ROW}", "Recommendation", "Choose a recommendation's reference."),
        ),
    ]
    for sheet_name, letter, rule in rules:
        workbook[sheet_name].add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{LAST_ROW}")


def _fill(workbook, report):
    values = [getattr(report, name) for _, name, *_ in SHEETS["Report"]]
    _append(workbook["Report"], [v.isoformat() if isinstance(v, datetime.date) else v for v in values])
    for theme in report.themes.order_by("position"):
        _append(workbook["Themes"], [theme.title, theme.slug])
    for rec in report.recommendations.select_related("theme").order_by("position"):
        points = rec.sub_points or [""]
        theme = rec.theme.title if rec.theme else ""
        mandatory = YES if rec.is_mandatory else NO
        row = [rec.reference, theme, rec.lead_in, rec.text, points[0], mandatory, rec.addressed_to, rec.position]
        _append(workbook["Recommendations"], row)
        for point in points[1:]:
            _append(workbook["Recommendations"], ["", "", "", "", point, "", "", ""])
    for finding in report.findings.select_related("recommendation").order_by("kind", "position"):
        reference = finding.recommendation.reference if finding.recommendation else ""
        _append(workbook["Findings"], [finding.get_kind_display(), reference, finding.text])


def _append(sheet, values):
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text stays text: a leading "=" is never read as a formula


# --- Reading a filled-in template ------------------------------------------------------------------------------


def read_workbook(source):
    """The records of a filled-in template and the problems found: (records, [problem, ...])."""
    workbook = _open(source)
    try:
        rows = {name: _sheet_rows(source, workbook, name) for name in SHEETS if name in workbook.sheetnames}
    except FixtureError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged sheet; each means the same here
        raise FixtureError(f"{source.name}: the workbook cannot be read (damaged, or not an Excel workbook).") from exc
    finally:
        workbook.close()
    for name in REQUIRED_SHEETS:
        if name not in rows:
            raise FixtureError(f'{source.name}: it has no sheet "{name}"; start from a fresh template.')
    reader = _Reader(source)
    reader.read(rows)
    return reader.records, reader.problems


def _open(source):
    """The workbook, opened through ``config.workbooks`` with a template's limits (read when called)."""
    limits = WorkbookLimits(
        kind="a report's template", rows=MAX_ROWS, columns=MAX_COLUMNS, unpacked_bytes=MAX_UNPACKED_BYTES
    )
    try:
        return open_workbook(source.content, limits=limits)
    except WorkbookRefused as exc:
        message = str(exc)
        raise FixtureError(f"{source.name}: {message[:1].lower()}{message[1:]}") from exc


def _sheet_rows(source, workbook, name):
    """The sheet's rows as (row number, {heading: value}); FixtureError for a missing heading."""
    rows = workbook[name].iter_rows(values_only=True)
    header = [str(cell).strip().lower() if cell is not None else "" for cell in next(rows, None) or []]
    positions = {}
    for heading, *_ in SHEETS[name]:
        if heading in OPTIONAL_HEADINGS and heading.lower() not in header:
            continue
        if heading.lower() not in header:
            raise FixtureError(
                f'{source.name}: sheet "{name}", row 1: no "{heading}" column; start from a fresh template.'
            )
        positions[heading] = header.index(heading.lower())
    result = []
    for number, cells in enumerate(rows, start=2):
        values = {h: _clean(cells[i]) if i < len(cells) else "" for h, i in positions.items()}
        if any(values.values()):
            result.append((number, values))
    return result


def _clean(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _order(value, default):
    """The printed order: the Order column's whole number, else the default; other text goes on to be refused."""
    if not value:
        return default
    return int(value) if value.isdigit() else value


def _columns(name):
    letters = "ABCDEFGHIJ"
    return {field: f'{letters[i]} ("{heading}")' for i, (heading, field, *_) in enumerate(SHEETS[name]) if field}


class _Reader:
    """Turns the sheets' rows into records in loading order: report, themes, recommendations, findings."""

    def __init__(self, source):
        self.source = source
        self.records = []
        self.problems = []
        self.slug = ""
        self.themes = {}  # title or slug (lower case) -> slug

    def problem(self, sheet, row, column, message):
        self.problems.append(f'{self.source.name}: sheet "{sheet}", row {row}, column {column}: {message}')

    def add(self, model, fields, sheet, row):
        place = Place(sheet=sheet, row=row, columns=_columns(sheet))
        self.records.append({"model": f"recommendations.{model}", "fields": fields, "place": place})
        return self.records[-1]

    def read(self, rows):
        self.read_report(rows["Report"])
        self.read_themes(rows.get("Themes", []))
        self.read_recommendations(rows["Recommendations"])
        self.read_findings(rows.get("Findings", []))

    def read_report(self, rows):
        if len(rows) != 1:
            found = "no row" if not rows else f"{len(rows)} rows"
            raise FixtureError(
                f'{self.source.name}: sheet "Report": fill in exactly one row under the headings ({found} found).'
            )
        number, values = rows[0]
        fields = {name: values[heading] for heading, name, *_ in SHEETS["Report"]}
        fields["slug"] = fields["slug"] or slugify(fields["short_title"] or fields["title"])[:80]
        fields["published_on"] = fields["published_on"] or None
        fields["circumstance_heading"] = fields["circumstance_heading"] or "Circumstance"
        self.slug = fields["slug"]
        self.add("sourcereport", fields, "Report", number)

    def read_themes(self, rows):
        for position, (number, values) in enumerate(rows, start=1):
            slug = values["Slug"] or slugify(values["Title"])[:80]
            for name in (values["Title"], slug):
                self.themes.setdefault(name.lower(), slug)
            fields = {"report": [self.slug], "slug": slug, "title": values["Title"], "position": position}
            self.add("theme", fields, "Themes", number)

    def read_recommendations(self, rows):
        last, current = 0, None
        for number, values in rows:
            if not values["Reference"] and not values["Text"] and not values["Lead-in"]:
                if current is None or not values["Sub-point"]:
                    self.problem(
                        "Recommendations",
                        number,
                        'A ("Reference")',
                        "a row with no reference and no text "
                        "is read as a sub-point of the recommendation above it; there is none.",
                    )
                else:
                    current["fields"]["sub_points"].append(values["Sub-point"])
                continue
            position = _order(values.get("Order", ""), last + 1)
            last = position if isinstance(position, int) else last + 1
            current = self.add(
                "recommendation", self.recommendation_fields(values, position), "Recommendations", number
            )

    def recommendation_fields(self, values, position):
        theme = values["Theme"]
        mandatory = {"": True, YES.lower(): True, NO.lower(): False}.get(
            values["Mandatory"].lower(), values["Mandatory"]
        )
        return {
            "report": [self.slug],
            "theme": [self.slug, self.themes.get(theme.lower(), theme)] if theme else None,
            "reference": values["Reference"],
            "position": position,
            "lead_in": values["Lead-in"],
            "text": values["Text"],
            "sub_points": [values["Sub-point"]] if values["Sub-point"] else [],
            "is_mandatory": mandatory,
            "addressed_to": values["Addressed to"],
        }

    def read_findings(self, rows):
        kinds = {label.lower(): code for code, label in Finding.Kind.choices} | {c: c for c in Finding.Kind.values}
        positions = {}
        for number, values in rows:
            kind = kinds.get(values["Kind"].lower(), values["Kind"])
            positions[kind] = positions.get(kind, 0) + 1
            reference = values["Recommendation"]
            fields = {
                "report": [self.slug],
                "kind": kind,
                "recommendation": [self.slug, reference] if reference else None,
                "position": positions[kind],
                "text": values["Text"],
            }
            self.add("finding", fields, "Findings", number)
