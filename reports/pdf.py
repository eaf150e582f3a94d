"""A paper's HTML as an accessible PDF: tagged PDF/UA-1 from WeasyPrint, its running heads marked as artifacts.

WeasyPrint (``pdf_variant="pdf/ua-1"``) writes the structure tree from the HTML (headings, lists, tables with
their header cells and the cells' ``Headers``, figures with the SVG's ``<title>`` as alternative text), the
document language from ``<html lang>``, the title shown in the window, and the PDF/UA identification in the XMP
metadata; backgrounds and borders are already artifacts. The text of the page-margin boxes (the running header
and footer: the paper's title, date, draft mark and page numbers) it marks as content belonging to structure
elements that no part of the tree reaches. A screen reader would skip them, but a checker reads them as
untagged real content, so ``_margins_as_artifacts`` rewrites each of those marked-content sequences as a
pagination artifact, which is what PDF/UA asks of running heads.
"""

import io


def render(html):
    from weasyprint import HTML

    return _margins_as_artifacts(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))


def _margins_as_artifacts(pdf):
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return pdf
        reachable = _walk_tree(tree)
        nums = tree.ParentTree.Nums
        for index in range(0, len(nums) - 1, 2):
            key, parents = int(nums[index]), nums[index + 1]
            if not isinstance(parents, pikepdf.Array) or key >= len(document.pages):
                continue  # an annotation's entry, not a page's marked content
            orphans = {mcid for mcid, parent in enumerate(parents) if _objgen(parent) not in reachable}
            if orphans:
                _mark_as_artifacts(document, document.pages[key], orphans)
                for mcid in orphans:
                    parents[mcid] = None
        out = io.BytesIO()
        document.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _objgen(obj):
    return obj.objgen if obj is not None and obj.is_indirect else None


def _walk_tree(tree):
    """The (object, generation) numbers of every structure element the tree's root reaches.

    On the way, each header cell is given the ``Scope`` its place says (a ``TH`` in the table's head heads its
    column, one in a body row heads its row: the templates write ``scope="col"`` and ``scope="row"`` so), beside
    the ``Headers`` WeasyPrint gives each data cell: either way a reader knows which headers a cell has.
    """
    import pikepdf

    seen, stack = set(), [tree]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.is_indirect and kid.objgen not in seen:
                seen.add(kid.objgen)
                stack.append(kid)
                if kid.get("/S") == pikepdf.Name.TH:
                    _scope(kid, head=node.get("/P") is not None and node.P.get("/S") == pikepdf.Name.THead)
    return seen


def _scope(cell, *, head):
    import pikepdf

    attributes = cell.get("/A")
    if not isinstance(attributes, pikepdf.Dictionary):
        attributes = cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
    attributes.Scope = pikepdf.Name.Column if head else pikepdf.Name.Row


def _mark_as_artifacts(document, page, mcids):
    """Rewrite ``/Tag <</MCID n>> BDC`` as ``/Artifact <</Type /Pagination>> BDC`` for each n in ``mcids``."""
    import pikepdf

    operations = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
            mcid = operands[1].get("/MCID")
            if mcid is not None and int(mcid) in mcids:
                operands = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
        operations.append(pikepdf.ContentStreamInstruction(operands, operator))
    page.Contents = document.make_stream(pikepdf.unparse_content_stream(operations))
