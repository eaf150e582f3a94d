"""Reading the source paper (fixtures/source/) mechanically, for the tests that hold our data to it.

Appendix 2 is a five-column table whose rows ran over page breaks: a row whose first cell neither starts a
numbered recommendation nor (after the good-practice lead-in) a new one continues the row above it.
"""

import html
import re
from pathlib import Path

SOURCE_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "source" / "cog-2009-06-03-laming-and-haringey-jar.md"
TABLE_HEADER = "RECOMMENDATION\tCircumstance in Haringey\tCHILD PROTECTION COMMITTEE\tSINGLE AGENCY\tTIMESCALE"
GOOD_PRACTICE_LEAD_IN = "Whilst not a mandatory requirement, it would be good practice for the Local Authority to:"


def read_source():
    return SOURCE_PATH.read_text(encoding="utf-8")


def normalise(text):
    """Strip tags, decode entities, drop bullets and markdown markers, collapse whitespace."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = text.replace("•", " ").replace("**", " ")
    return re.sub(r"\s+", " ", text).strip()


def appendix_2_lines(source_text):
    return source_text[source_text.index("**APPENDIX 2**") :].split("\n")


def table_rows(source_text):
    """Every five-cell row of the key recommendations table, header rows left out, in printed order,
    each with whether it stands after the good-practice lead-in."""
    rows = []
    after_lead_in = False
    lines = appendix_2_lines(source_text)
    start = lines.index("## KEY RECOMMENDATIONS")
    for line in lines[start + 1 :]:
        if line.startswith(GOOD_PRACTICE_LEAD_IN):
            after_lead_in = True
        cells = line.split("\t")
        if len(cells) == 5 and line != TABLE_HEADER:
            rows.append((cells, after_lead_in))
    return rows


def rows_by_recommendation(source_text):
    """{reference: [cells of each table row of that recommendation, continuation rows included]}."""
    groups = {}
    current = None
    good_practice = 0
    for cells, after_lead_in in table_rows(source_text):
        first = normalise(cells[0])
        number = re.match(r"^(\d+)\. ", first)
        if number:
            current = number.group(1)
        elif after_lead_in and first:
            good_practice += 1
            current = f"GP{good_practice}"
        groups.setdefault(current, []).append(cells)
    return groups


def column_text(rows, column):
    return normalise(" ".join(cells[column] for cells in rows))
