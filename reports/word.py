"""The paper as a Word document: the same sections as the HTML and PDF, for a coordinator who edits before issuing.

Charts are given as the tables of figures they draw (Word cannot take the SVG; the numbers are in the tables).
Texts held in the paper markup (``recommendations.markup``) keep their headings, lists and italics.
"""

import io

from recommendations import markup

from .exports import paper_context


def paper_docx(paper):
    """The paper as a Word document with the same sections and the same words as its HTML and PDF."""
    from docx import Document
    from docx.enum.section import WD_SECTION

    content, context, sections = paper.document, paper_context(paper), paper.section_keys
    doc = Document()
    _properties(doc, paper)
    _language(doc, LANGUAGE)
    section = doc.sections[0]
    _page(section, landscape=False)
    _header_footer(section, paper, context)

    _cover(doc, paper, context)
    if "summary" in sections:
        doc.add_page_break()
        _summary(doc, content)
    if "meeting_decisions" in sections:
        _meeting_decisions(doc, content)
    if "changes" in sections or "closure" in sections:
        _changes(doc, content, sections)
    if "slipped" in sections:
        _slipped(doc, content)
    if "agencies" in sections or "agency_actions" in sections:
        _agencies(doc, content, sections)
    if "appendices" in sections:
        for number, report in enumerate(content["reports"], start=1):
            _appendix(doc, paper, report, number, sections, WD_SECTION)
        if content["unlinked"]:
            _unlinked(doc, content, sections)

    _application(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


#: The language every paper is written in (the HTML's ``lang``, the PDF's ``/Lang``).
LANGUAGE = "en-GB"

#: What ``docProps/app.xml`` says made the file: this application, and no page or word counts (Word computes
#: them when it opens the file; the library's template claims one page of Microsoft Word).
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>Child protection recommendations tracker</Application><DocSecurity>0</DocSecurity>"
    "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def _language(doc, language):
    """The document's language: the default of every run (``w:docDefaults``) and the core properties'."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run_properties = _child(_child(_child(doc.styles.element, "w:docDefaults"), "w:rPrDefault"), "w:rPr")
    for old in run_properties.findall(qn("w:lang")):
        run_properties.remove(old)
    lang = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)
    run_properties.append(lang)
    doc.core_properties.language = language


def _child(element, tag):
    """The element's first child of this tag, added if it has none."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        element.insert(0, child)
    return child


def _application(doc):
    for part in doc.part.package.parts:
        if part.partname == "/docProps/app.xml":
            part._blob = APP_XML.encode()


def _properties(doc, paper):
    properties = paper.document_properties()
    core = doc.core_properties
    core.title = properties["title"]
    core.author = properties["author"]
    core.subject = properties["subject"]
    core.comments = ""
    core.keywords = ""
    core.last_modified_by = properties["last_modified_by"]
    core.category = "Progress paper"
    if properties["created"]:
        core.created = properties["created"]
        core.modified = properties["created"]
    core.revision = 1


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

    header = section.header.paragraphs[0]
    if not paper.is_issued:  # on every page of every section (later sections' headers are linked to this one)
        from docx.shared import RGBColor

        mark = header.add_run(DRAFT_MARK)
        mark.bold = True
        mark.font.color.rgb = RGBColor(0xB1, 0x0E, 0x1E)
        header = section.header.add_paragraph()
    header.add_run(f"{context['heading']} – {paper.title}")
    footer = section.footer.paragraphs[0]
    footer.text = f"{context['status_label']} · Page "
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)


# --- text -----------------------------------------------------------------------------------------------------------


def _runs(paragraph, text, *, bold=False, caps=False, upright=None):
    """Write ``text`` into the paragraph as runs, its *emphasis* in italics. ``upright=False`` sets the other runs
    upright explicitly, for styles that are italic of themselves (Word's Heading 4): only what the source
    italicises is italic."""
    for part, italic in markup.runs(text or ""):
        run = paragraph.add_run(part)
        run.italic = italic or upright
        run.bold = bold or None
        run.font.all_caps = caps or None
    return paragraph


def _heading(doc, text, level, *, caps=False):
    paragraph = doc.add_heading("", level=level)
    return _runs(paragraph, text, caps=caps, upright=False)


def _text(doc, text, *, heading_level=3):
    """A text in the paper markup, block by block."""
    from docx.shared import Mm

    for block in markup.blocks(text):
        if block.kind == "heading":
            _heading(doc, block.text, heading_level, caps=True)
        elif block.kind == "subheading":
            _heading(doc, block.text, heading_level + 1)
        elif block.kind == "numbered_paragraph":
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.left_indent = Mm(10)
            paragraph.paragraph_format.first_line_indent = Mm(-10)
            paragraph.add_run(f"{block.number}\t")
            _runs(paragraph, block.text)
        elif block.kind in ("bullets", "numbered"):
            for number, item in block.items:
                if number:
                    paragraph = doc.add_paragraph()
                    paragraph.paragraph_format.left_indent = Mm(8)
                    paragraph.paragraph_format.first_line_indent = Mm(-8)
                    paragraph.add_run(f"{number}.\t")
                else:
                    paragraph = doc.add_paragraph(style="List Bullet")
                _runs(paragraph, item)
        else:
            _runs(doc.add_paragraph(), block.text)


def _cover(doc, paper, context):
    _runs(doc.add_paragraph(), context["heading"], bold=True, caps=True)
    _heading(doc, paper.title, 1, caps=True)
    if not paper.as_printed:
        status = f"Issued {paper.issued_at:%-d %B %Y}" if paper.is_issued else DRAFT_MARK
        doc.add_paragraph().add_run(status).bold = True
    for number, title, text in (
        (1, "Purpose", paper.purpose),
        (2, "Proposals", paper.proposals),
        (3, "Recommendation", paper.recommendation),
    ):
        _heading(doc, f"{number}. {title}", 2, caps=True)
        _text(doc, text, heading_level=3)
    signed = f"{paper.signed_on.day} {paper.signed_on:%B %Y}"
    for line in (paper.prepared_by_name, paper.prepared_by_role, signed):
        doc.add_paragraph().add_run(line).bold = True
    doc.add_paragraph().add_run(f"Report prepared by: {paper.prepared_by_name}, {paper.prepared_by_role}").bold = True


#: What every page of a draft says, in every format (the HTML and PDF write it in ``reports/paper.html``).
DRAFT_MARK = "DRAFT – not yet issued"


# --- tables ---------------------------------------------------------------------------------------------------------


def _table(doc, headers, rows):
    """A grid table whose header row repeats on every page and whose rows are not split across pages."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    _header_row(table, _last_heading(doc))
    for values in rows:
        row = table.add_row()
        _row_property(row, "w:cantSplit")
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = "\n".join(value) if isinstance(value, list) else str(value)
    doc.add_paragraph()
    return table


def _header_row(table, title):
    """Mark the first row as the table's header row, repeated at the top of every page and read as the column
    headers; the table is titled (its alternative text) after the heading it stands under."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _row_property(table.rows[0], "w:tblHeader")
    _row_property(table.rows[0], "w:cantSplit")
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        properties.append(look)
    look.set(qn("w:firstRow"), "1")
    look.set(qn("w:firstColumn"), "1")
    if title:
        caption = OxmlElement("w:tblCaption")
        caption.set(qn("w:val"), title[:255])
        look.addprevious(caption)


def _last_heading(doc):
    """The text of the last heading written so far ("" if none)."""
    from docx.oxml.ns import qn

    for element in reversed(doc.element.body):
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val"), "").startswith("Heading"):
            return "".join(t.text or "" for t in element.iter(qn("w:t")))
    return ""


def _row_property(row, name):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _cell_paragraphs(cell, texts, *, bold=False):
    """Fill a cell with one paragraph per text (emphasis kept)."""
    first = True
    for text in texts:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        _runs(paragraph, text, bold=bold)


# --- progress sections ----------------------------------------------------------------------------------------------


def _percent(summary):
    return "Not reported" if summary["percent"] is None else f"{summary['percent']}%"


def _summary(doc, content):
    doc.add_heading(f"Summary of progress as at {content['as_at_display']}", level=2)
    doc.add_paragraph(f"Reporting period: {content['period_display']}. {content['as_at_rule']}")
    reports, overall = content["reports"], content["overall"]
    if reports:
        doc.add_heading("Recommendations by applicability decision", level=3)
        decisions = reports[0]["summary"]["by_decision"]
        rows = [
            [r["short_title"], *[d["count"] for d in r["summary"]["by_decision"]], r["summary"]["recommendations"]]
            for r in reports
        ]
        _table(doc, ["Report", *[d["label"] for d in decisions], "Total"], rows)
    doc.add_heading("Actions by status", level=3)
    rows = [
        [r["short_title"], *[s["count"] for s in r["summary"]["by_status"]], r["summary"]["actions"]] for r in reports
    ]
    rows.append(["All actions", *[s["count"] for s in overall["by_status"]], overall["actions"]])
    _table(doc, ["Report", *[s["label"] for s in overall["by_status"]], "Total"], rows)
    doc.add_heading("Actions by RAG rating", level=3)
    rows = [[r["short_title"], *[x["count"] for x in r["summary"]["by_rag"]]] for r in reports]
    rows.append(["All actions", *[x["count"] for x in overall["by_rag"]]])
    _table(doc, ["Report", *[x["label"] for x in overall["by_rag"]]], rows)
    doc.add_heading("Mean % complete reported", level=3)
    summaries = [(r["short_title"], r["summary"]) for r in reports] + [("All actions", overall)]
    rows = [[n, _percent(s), f"{s['percent_reported']} of {s['percent_counted']}"] for n, s in summaries]
    _table(doc, ["Actions", "Mean % complete", "Actions with a % reported"], rows)
    doc.add_paragraph(overall["percent_rule"])
    doc.add_heading("Overdue actions by age", level=3)
    rows = [
        [b["label"], b["count"], "; ".join(f"{a['reference']} ({a['owner']}, due {a['due']})" for a in b["actions"])]
        for b in overall["overdue"]
    ]
    _table(doc, ["Days overdue", "Actions", "Which"], rows)


def _changes(doc, content, sections):
    changes = content["changes"]
    doc.add_heading("Changes in the period", level=2)
    doc.add_paragraph(content["period_display"] + ".")
    if "changes" in sections:
        doc.add_heading("Status changes", level=3)
        rows = [
            [c["date"], f"{c['reference']} {c['description']}", c["owner"], c["from"], c["to"], c["note"]]
            for c in changes["status_changes"]
        ]
        if rows:
            _table(doc, ["Date", "Action", "Owner", "From", "To", "Note"], rows)
        else:
            doc.add_paragraph("No action changed status in the period.")
        doc.add_heading("New actions", level=3)
        new = changes["new"]
        doc.add_paragraph(
            f"{len(new)} action{'s' if len(new) != 1 else ''} added in the period: "
            f"{', '.join(a['reference'] for a in new)}. Each is printed with its status in the action plan."
            if new
            else "No action was added in the period."
        )
    if "closure" in sections:
        doc.add_heading("Completed in the period: proposed for closure", level=3)
        rows = [
            [
                f"{a['reference']} {a['description']}",
                a["owner"],
                a["completed_on"] or "Complete when added",
                a["evidence"] or a["note"],
            ]
            for a in changes["proposed_for_closure"]
        ]
        if rows:
            _table(doc, ["Action", "Owner", "Completed", "Evidence or note"], rows)
        else:
            doc.add_paragraph("No action was completed in the period.")


def _meeting_decisions(doc, content):
    decided = content["meeting_decisions"]
    doc.add_heading("Decisions of the last meeting (matters arising)", level=2)
    if not decided["items"]:
        doc.add_paragraph("No decision of an earlier meeting is recorded.")
        return
    doc.add_paragraph(f"What the {decided['meeting']} decided, and where each action stands now.")
    rows = [
        [
            d["kind_label"],
            f"{d['reference']} {d['description']}".strip() or d["recommendation"] or "–",
            d["text"] + (f" (on {d['recommendation']})" if d["recommendation"] and d["reference"] else ""),
            d["state_now"] or "–",
        ]
        for d in decided["items"]
    ]
    _table(doc, ["Decision", "Action or recommendation", "Reason or minute", "Now"], rows)


def _slipped(doc, content):
    doc.add_heading("Slipped: due dates moved in the period", level=2)
    rows = [
        [
            f"{s['reference']} {s['description']}",
            s["owner"],
            s["date"],
            s["original"],
            s["new"],
            "–" if s["days"] is None else s["days"],
            s["reason"],
        ]
        for s in content["changes"]["slipped"]
    ]
    if rows:
        _table(doc, ["Action", "Owner", "Moved on", "Original date", "New date", "Days moved", "Reason"], rows)
    else:
        doc.add_paragraph("No due date moved in the period.")


def _agencies(doc, content, sections):
    doc.add_heading("Progress by agency", level=2)
    rag_labels = [x["label"] for x in content["overall"]["by_rag"]]
    rows = [
        [
            a["name"],
            a["summary"]["actions"],
            *[x["count"] for x in a["summary"]["by_rag"]],
            a["summary"]["overdue_total"],
            _percent(a["summary"]),
        ]
        for a in content["agencies"]
    ]
    _table(doc, ["Agency", "Actions", *rag_labels, "Overdue", "Mean % complete reported"], rows)
    if "agency_actions" not in sections:
        return
    for agency in content["agencies"]:
        doc.add_heading(agency["name"], level=3)
        rows = [
            [
                f"{a['reference']} {a['description']}",
                a["status_label"],
                a["percent_display"],
                a["rag_label"],
                f"{a['note']} ({a['note_date']})" if a["note"] else "No note",
            ]
            for a in agency["actions"]
        ]
        _table(doc, ["Action", "Status", "% complete", "RAG", "Latest note"], rows)


# --- appendices -----------------------------------------------------------------------------------------------------


def _centred(doc, text):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = _runs(doc.add_paragraph(), text, bold=True, caps=True)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _new_page(doc):
    """Start a new portrait page: a page break, or a new portrait section after a landscape one."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    if doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE:
        _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    else:
        doc.add_page_break()


def _appendix(doc, paper, report, number, sections, WD_SECTION):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if not report["plan_rows"] or ("report_summaries" in sections and report.get("partnership_summary")):
        _new_page(doc)
    summary = report.get("partnership_summary") if "report_summaries" in sections else None
    before, introduction = markup.split_last_section(summary["body"]) if summary else ("", "")
    if not report["plan_rows"]:
        before, introduction = (summary["body"], "") if summary else ("", "")
    if summary:
        heading = doc.add_heading("", level=2)
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for index, line in enumerate([f"Appendix {number}", *summary["heading"]]):
            if index:
                heading.runs[-1].add_break()
            _runs(heading, line, caps=True, upright=False)
        _text(doc, before, heading_level=3)
    elif report["plan_rows"]:
        pass  # its heading is printed on the plan's first (landscape) page
    else:
        if not paper.as_printed:
            _centred(doc, f"Appendix {number}")
        published = f"-{report['published']}" if report["published"] else ""
        _heading(doc, f"{report['title']}{published}", 2, caps=True)
        _heading(doc, "Complete list of recommendations", 3, caps=True)
    if report["plan_rows"]:
        plan = doc.add_section(WD_SECTION.NEW_PAGE)
        _page(plan, landscape=True)
        if not summary:
            label = "" if paper.as_printed else f"Appendix {number}: "
            published = f" ({report['published']})" if report["published"] else ""
            _heading(doc, f"{label}{report['title']}{published}", 2)
        _text(doc, introduction, heading_level=3)  # the summary's last section, on the plan's first page
        _plan_table(doc, report, sections)
        if report["unanswered"] and not paper.as_printed:
            doc.add_paragraph(
                f"Recommendations of this report answered by no action: {', '.join(report['unanswered'])}."
            )
    else:
        _recommendation_list(doc, report, sections)


def _action_text(action, sections):
    if "statuses" not in sections:
        return action["description"]
    percent = ""
    if action["status"] == "in_progress":
        percent = " (no % reported)" if action["percent"] is None else f", {action['percent']}%"
    note = f" Latest note ({action['note_date']}): {action['note']}" if action["note"] else ""
    return f"{action['description']} [{action['reference']}] {action['status_label']}{percent}{note}"


def _plan_table(doc, report, sections):
    headers = [
        "Recommendation",
        report["circumstance_heading"],
        "Child Protection Committee",
        "Single agency",
        "Timescale",
    ]
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    _header_row(table, report["title"])
    for row in report["plan_rows"]:
        if row["show_lead_in"]:
            lead = table.add_row()
            merged = lead.cells[0].merge(lead.cells[4])
            _runs(merged.paragraphs[0], row["lead_in"])
        first = last = None
        for line in row["lines"]:
            cells = last = table.add_row().cells
            if line["committee"]:
                _cell_paragraphs(cells[2], [_action_text(line["committee"], sections)])
            if line["single"]:
                _cell_paragraphs(cells[3], [_action_text(line["single"], sections)])
            _cell_paragraphs(cells[4], line["timescales"])
            first = first or cells
        number = f"{row['reference']}. " if row["reference"][:1].isdigit() else ""
        _cell_paragraphs(first[0], [number + row["text"], *row["sub_points"]])
        _cell_paragraphs(first[1], row["circumstances"])
        if last is not first:
            first[0].merge(last[0])
            first[1].merge(last[1])
    doc.add_paragraph()


def _recommendation_list(doc, report, sections):
    for group in report["themes"]:
        if group["title"]:
            _heading(doc, group["title"], 3)
        for rec in group["recommendations"]:
            if rec["lead_in"]:
                _runs(doc.add_paragraph(), rec["lead_in"])
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"{rec['reference']}. ").bold = True
            _runs(paragraph, rec["text"])
            for point in rec["sub_points"]:
                _runs(doc.add_paragraph(style="List Bullet"), point)
            if "decisions" in sections and rec["decision"] != "none":
                reason = f": {rec['reason']}" if rec["reason"] else ""
                doc.add_paragraph().add_run(f"Decision: {rec['decision_label']}{reason}").bold = True
    if report.get("url"):
        doc.add_paragraph(f"Ref: {report['url']}")


def _unlinked(doc, content, sections):
    _new_page(doc)
    doc.add_heading("Actions not linked to a national recommendation", level=2)
    with_status = "statuses" in sections
    rows = [
        [
            f"{a['reference']} {a['description']}" if with_status else a["description"],
            a["level_label"],
            a["owner"],
            a["timescale"],
            *([f"{a['status_label']}"] if with_status else []),
        ]
        for a in content["unlinked"]
    ]
    _table(doc, ["Action", "Level", "Owner", "Timescale", *(["Status"] if with_status else [])], rows)
