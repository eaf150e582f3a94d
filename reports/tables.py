"""A paper's action plan as rows: CSV and XLSX for people who sort and filter it. Formulas are neutralised."""

import io

from config.tabular import csv_bytes, neutralise
from recommendations import markup

PLAN_COLUMNS = (
    "Report",
    "Recommendation",
    "Recommendation text",
    "Circumstance",
    "Column",
    "Action reference",
    "Action",
    "Owner",
    "Timescale",
    "Due date",
    "Status",
    "% complete",
    "RAG",
)


def plan_rows(content):
    """One row per action per recommendation row of the action-plan appendix, in printed order."""
    for report in content["reports"]:
        for row in report["plan_rows"]:
            circumstance = "\n".join(row["circumstances"])
            for column, actions in (("Child Protection Committee", row["committee"]), ("Single agency", row["single"])):
                for a in actions:
                    yield [
                        report["short_title"],
                        row["reference"],
                        markup.plain(row["text"]),
                        circumstance,
                        column,
                        a["reference"],
                        a["description"],
                        a["owner_name"],
                        a["timescale"],
                        a["due_iso"],
                        a["status_label"],
                        a["percent"],
                        a["rag_label"],
                    ]


def plan_csv(paper):
    return csv_bytes(PLAN_COLUMNS, plan_rows(paper.document))


def plan_xlsx(paper):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(PLAN_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in plan_rows(paper.document):
        sheet.append([neutralise(v) for v in row])
    widths = {"A": 16, "B": 10, "C": 50, "D": 50, "E": 18, "F": 14, "G": 60, "H": 28, "I": 30, "J": 12, "K": 16}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
