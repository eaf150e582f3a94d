"""A paper as a Word document, rendered from its stored content like every other output."""

import io

from .exports import paper_context
from .papers import long_date


def paper_docx(paper):
    """The paper as a Word document with the same sections, for a coordinator who edits before issuing.

    Charts are given as the tables of figures they draw (Word cannot take the SVG; the numbers are in the tables).
    """
    from docx import Document
    from docx.enum.section import WD_SECTION

    content, context = paper.content, paper_context(paper)
    doc = Document()
    section = doc.sections[0]
    _page(section, landscape=False)
    _header_footer(section, paper, context)

    doc.add_paragraph().add_run(context["heading"].upper()).bold = True
    doc.add_heading(paper.title, level=1)
    if not paper.is_issued:
        doc.add_paragraph().add_run("DRAFT – not issued").bold = True
    for number, heading, text in (
        (1, "Purpose", paper.purpose),
        (2, "Proposals", paper.proposals),
        (3, "Recommendation", paper.recommendation),
    ):
        doc.add_heading(f"{number}. {heading}", level=2)
        for paragraph in text.replace("\r\n", "\n").split("\n\n"):
            doc.add_paragraph(paragraph.strip())
    for line in (paper.prepared_by_name, paper.prepared_by_role, long_date(paper.signed_on)):
        doc.add_paragraph().add_run(line).bold = True
    doc.add_paragraph().add_run(f"Report prepared by: {paper.prepared_by_name}, {paper.prepared_by_role}").bold = True

    doc.add_page_break()
    _docx_summary(doc, content)
    _docx_changes(doc, content, context)
    _docx_agencies(doc, content)

    plan = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(plan, landscape=True)
    _docx_plan(doc, content)
    recs = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(recs, landscape=False)
    _docx_recommendations(doc, content)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(section, *, landscape):
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(16))


def _header_footer(section, paper, context):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section.header.paragraphs[0].text = f"{paper.title} – {context['heading']}"
    footer = section.footer.paragraphs[0]
    footer.text = f"{context['status_label']} · Page "
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)


def _docx_table(doc, headers, rows):
    """A grid table whose header row repeats on every page and whose rows are not split across pages."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    _row_property(table.rows[0], "w:tblHeader")
    for values in rows:
        row = table.add_row()
        _row_property(row, "w:cantSplit")
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = "\n".join(value) if isinstance(value, list) else str(value)
    doc.add_paragraph()
    return table


def _row_property(row, name):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _docx_summary(doc, content):
    doc.add_heading(f"Summary of progress as at {content['as_at_display']}", level=2)
    doc.add_paragraph(f"Reporting period: {content['period_display']}. {content['as_at_rule']}")
    reports, overall = content["reports"], content["overall"]
    if reports:
        doc.add_heading("Recommendations by applicability decision", level=3)
        decisions = reports[0]["summary"]["by_decision"]
        _docx_table(
            doc,
            ["Report", *[d["label"] for d in decisions], "Total"],
            [
                [r["short_title"], *[d["count"] for d in r["summary"]["by_decision"]], r["summary"]["recommendations"]]
                for r in reports
            ],
        )
    doc.add_heading("Actions by status", level=3)
    rows = [
        [r["short_title"], *[s["count"] for s in r["summary"]["by_status"]], r["summary"]["actions"]] for r in reports
    ]
    rows.append(["All actions", *[s["count"] for s in overall["by_status"]], overall["actions"]])
    _docx_table(doc, ["Report", *[s["label"] for s in overall["by_status"]], "Total"], rows)
    doc.add_heading("Actions by RAG rating", level=3)
    rows = [[r["short_title"], *[x["count"] for x in r["summary"]["by_rag"]]] for r in reports]
    rows.append(["All actions", *[x["count"] for x in overall["by_rag"]]])
    _docx_table(doc, ["Report", *[x["label"] for x in overall["by_rag"]]], rows)
    doc.add_heading("Overall % complete", level=3)
    for summary in [r["summary"] for r in reports] + [overall]:
        if summary["percent"] is not None:
            doc.add_paragraph().add_run(f"{summary['label']}: {summary['percent']}% complete").bold = True
            doc.add_paragraph(summary["percent_rule"])
    doc.add_heading("Overdue actions by age", level=3)
    _docx_table(
        doc,
        ["Days overdue", "Actions", "Which"],
        [
            [
                b["label"],
                b["count"],
                "; ".join(f"{a['reference']} ({a['owner']}, due {a['due']})" for a in b["actions"]),
            ]
            for b in overall["overdue"]
        ],
    )


def _docx_changes(doc, content, context):
    changes = content["changes"]
    doc.add_heading("Changes in the period", level=2)
    doc.add_paragraph(content["period_display"] + ".")
    doc.add_heading("Status changes", level=3)
    _docx_table(
        doc,
        ["Date", "Action", "Owner", "From", "To", "Note"],
        [
            [c["date"], f"{c['reference']} {c['description']}", c["owner"], c["from"], c["to"], c["note"]]
            for c in changes["status_changes"]
        ],
    )
    doc.add_heading("New actions", level=3)
    _docx_table(
        doc,
        ["Action", "Owner", "Timescale", "Status"],
        [
            [f"{a['reference']} {a['description']}", a["owner"], a["timescale"], a["status_label"]]
            for a in changes["new"]
        ],
    )
    doc.add_heading("Completed in the period: proposed for closure", level=3)
    _docx_table(
        doc,
        ["Action", "Owner", "Completed", "Evidence or note"],
        [
            [f"{a['reference']} {a['description']}", a["owner"], a["completed_on"], a["evidence"] or a["note"]]
            for a in changes["proposed_for_closure"]
        ],
    )
    doc.add_heading("Slipped: due dates moved in the period", level=2)
    _docx_table(
        doc,
        ["Action", "Owner", "Moved on", "Original date", "New date", "Days moved", "Reason"],
        [
            [
                f"{s['reference']} {s['description']}",
                s["owner"],
                s["date"],
                s["original"],
                s["new"],
                "" if s["days"] is None else s["days"],
                s["reason"],
            ]
            for s in changes["slipped"]
        ],
    )


def _docx_agencies(doc, content):
    doc.add_heading("Progress by agency", level=2)
    rag_labels = [x["label"] for x in content["overall"]["by_rag"]]
    _docx_table(
        doc,
        ["Agency", *rag_labels],
        [[a["short_name"], *[x["count"] for x in a["summary"]["by_rag"]]] for a in content["agencies"]],
    )
    for agency in content["agencies"]:
        doc.add_heading(agency["name"], level=3)
        _docx_table(
            doc,
            ["Action", "Status", "%", "RAG", "Latest note"],
            [
                [
                    f"{a['reference']} {a['description']}",
                    a["status_label"],
                    f"{a['percent']}%",
                    a["rag_label"],
                    f"{a['note']} ({a['note_date']})" if a["note"] else "No note",
                ]
                for a in agency["actions"]
            ],
        )


def _action_lines(actions):
    return [f"{a['description']} [{a['reference']}] Status: {a['status_label']}" for a in actions]


def _docx_plan(doc, content):
    doc.add_heading("Appendix 1: Action plan", level=2)
    for report in content["reports"]:
        if not report["plan_rows"]:
            continue
        doc.add_heading(report["title"], level=3)
        rows = []
        for row in report["plan_rows"]:
            number = f"{row['reference']}. " if row["reference"][:1].isdigit() else ""
            rows.append(
                [
                    [number + row["text"], *row["sub_points"]],
                    row["circumstances"],
                    _action_lines(row["committee"]),
                    _action_lines(row["single"]),
                    row["timescales"],
                ]
            )
        headers = ["Recommendation", report["circumstance_heading"], "Child Protection Committee", "Single agency"]
        _docx_table(doc, [*headers, "Timescale"], rows)


def _docx_recommendations(doc, content):
    doc.add_heading("Appendix 2: Recommendations and the partnership's decisions", level=2)
    for report in content["reports"]:
        doc.add_heading(report["title"], level=3)
        for group in report["themes"]:
            if group["title"]:
                doc.add_heading(group["title"], level=4)
            for rec in group["recommendations"]:
                if rec["lead_in"]:
                    doc.add_paragraph(rec["lead_in"])
                doc.add_paragraph(f"{rec['reference']}. {rec['text']}")
                for point in rec["sub_points"]:
                    doc.add_paragraph(point, style="List Bullet")
                decision = f"Decision: {rec['decision_label']}" + (f": {rec['reason']}" if rec["reason"] else "")
                doc.add_paragraph().add_run(decision).italic = True
