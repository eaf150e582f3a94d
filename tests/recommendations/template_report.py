"""A new national report written only through the template, the way an administrator would fill it in.

Three themes, twelve recommendations (one before any heading, one good-practice), sub-points one per row, words in
*asterisks* for emphasis, and findings of every kind. ``fill`` returns the XLSX bytes; ``edit`` changes cells.
"""

import io

from openpyxl import load_workbook

from recommendations.spreadsheet import template_bytes

SLUG = "national-review-2022"
REPORT_ROW = [
    SLUG,
    "Child Protection in England: National review into the murders of Arthur Labinjo-Hughes and Star Hobson",
    "National review 2022",
    "The Child Safeguarding Practice Review Panel",
    "2022-05-26",
    "May 2022",
    "ISBN 978-1-5286-3439-4",
    "",
    "Circumstance in the review",
    "Background paragraph one.\n\nBackground paragraph two.",
]
THEMES = [("Multi-agency expertise", ""), ("Leadership", "leadership"), ("Practice", "")]
#: (reference, theme, text, [sub-points], mandatory)
RECOMMENDATIONS = [
    ("1", "", "The Government should set out a *national* approach before any theme.", [], "Yes"),
    (
        "2",
        "Multi-agency expertise",
        "Establish multi-agency child protection units in every area.",
        ["with police", "with health", "with social care"],
        "Yes",
    ),
    ("3", "Multi-agency expertise", "Revise *Working Together to Safeguard Children* to set clear duties.", [], ""),
    (
        "4",
        "Multi-agency expertise",
        "Strengthen the role of education in safeguarding.",
        ["schools", "early years"],
        "Yes",
    ),
    ("5", "Leadership", "Safeguarding partners should review their arrangements.", [], "Yes"),
    ("6", "leadership", "Ofsted and the other inspectorates should inspect *together*.", ["joint inspection"], "Yes"),
    ("7", "Leadership", "Leaders should hold themselves to account for practice.", [], "Yes"),
    ("8", "Practice", "Practitioners should hear the voice of the child.", [], "Yes"),
    ("9", "Practice", "Information should be shared without delay.", ["between agencies", "across areas"], "Yes"),
    ("10", "Practice", "Assessments should test what parents say.", [], "Yes"),
    ("11", "Practice", "Supervision should give time to think.", [], "Yes"),
    ("GP1", "Practice", "Areas may wish to pilot new models of practice.", [], "No"),
]
FINDINGS = [
    ("Background", "", "Arthur and Star were killed in 2020."),
    ("Key issue", "", "Information was not shared."),
    ("Main finding", "", "Agencies did not act together."),
    ("Circumstance", "2", "Police and social care worked apart."),
    ("Circumstance", "9", "Referrals were closed without checks."),
]


def fill(rows_for=None):
    """The template filled in with the national review; ``rows_for`` may change sheets' rows before saving."""
    book = load_workbook(io.BytesIO(template_bytes()))
    rows = {
        "Report": [list(REPORT_ROW)],
        "Themes": [list(theme) for theme in THEMES],
        "Recommendations": _recommendation_rows(),
        "Findings": [list(finding) for finding in FINDINGS],
    }
    if rows_for:
        rows_for(rows)
    for name, sheet_rows in rows.items():
        for row in sheet_rows:
            book[name].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _recommendation_rows():
    rows = []
    for reference, theme, text, points, mandatory in RECOMMENDATIONS:
        rows.append([reference, theme, "", text, points[0] if points else "", mandatory, ""])
        rows.extend(["", "", "", "", point, "", ""] for point in points[1:])
    return rows


def write(tmp_path, content, name="national-review-2022.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)
