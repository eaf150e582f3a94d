"""Reading a paper's PDF page by page, for the tests and bench/paper_pages.py: each page's size, text and how far
down its body the text reaches (its fill), and the PDF's tagging (catalog, structure tree, artifacts).

Fill is measured on text, in the page's body (inside the @page margins of static/css/print.css): the lowest
baseline of any text on the page, as a share of the body's height. Running headers and footers sit in the
margins and are not counted.
"""

import io
from dataclasses import dataclass

MM = 72 / 25.4
#: The @page margins of print.css (top, bottom), in points.
TOP_MARGIN, BOTTOM_MARGIN = 20 * MM, 18 * MM


@dataclass
class Page:
    number: int
    width: float
    height: float
    text: str
    lowest: float  # the lowest baseline in the body, as a distance from the page's top, in points

    @property
    def landscape(self):
        return self.width > self.height

    @property
    def fill(self):
        """How far down the body the text reaches: 0 (nothing) to 1 (to the bottom margin)."""
        body = self.height - TOP_MARGIN - BOTTOM_MARGIN
        return max(0.0, min(1.0, (self.lowest - TOP_MARGIN) / body))


def pages(pdf):
    """[Page] of the PDF's bytes."""
    from pypdf import PdfReader

    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        baselines = []

        def visit(text, cm, tm, font, size, baselines=baselines, height=height):
            if not text.strip():
                return
            x, y = tm[4], tm[5]
            top = height - (cm[1] * x + cm[3] * y + cm[5])
            if TOP_MARGIN <= top <= height - BOTTOM_MARGIN:
                baselines.append(top)

        text = page.extract_text(visitor_text=visit)
        found.append(Page(number, width, height, text, max(baselines, default=TOP_MARGIN)))
    return found


def catalog(pdf):
    """The PDF's catalog entries that tagging is read from: MarkInfo, StructTreeRoot, Lang, ViewerPreferences."""
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    return {
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "struct_tree": "/StructTreeRoot" in root,
        "lang": str(root.get("/Lang", "")),
        "display_title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
    }


def structure_roles(pdf):
    """{role: count} of every structure element reachable from the structure tree's root."""
    import pikepdf

    counts = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        stack = [document.Root.StructTreeRoot]
        seen = set()
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            if kids is None:
                continue
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.objgen not in seen:
                    seen.add(kid.objgen)
                    counts[str(kid.S)] = counts.get(str(kid.S), 0) + 1
                    stack.append(kid)
    return counts


TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


def untagged_text(pdf):
    """[(page, what)] for every text-showing operation that is neither an artifact nor inside marked content whose
    MCID the structure tree reaches (what PDF/UA-1 7.1 asks of every piece of content), and for every marked
    content ID the tree does not reach. Empty for a well tagged PDF."""
    import pikepdf

    problems = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return [(0, "no structure tree")]
        reachable = _reachable_elements(tree)
        parent_tree = tree.ParentTree.Nums
        parents = {int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree) - 1, 2)}
        for number, page in enumerate(document.pages, start=1):
            page_parents = parents.get(number - 1)
            stack = []  # one entry per open BDC/BMC: "artifact", "tagged", "orphan" or "other"
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    stack.append(_marked_kind(operands, op, page_parents, reachable))
                elif op == "EMC" and stack:
                    stack.pop()
                elif op in TEXT_OPERATORS and not any(kind in ("artifact", "tagged") for kind in stack):
                    problems.append((number, f"text outside tagged content ({stack or 'unmarked'})"))
    return problems


def _marked_kind(operands, op, page_parents, reachable):
    import pikepdf

    if str(operands[0]) == "/Artifact":
        return "artifact"
    if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
        mcid = int(operands[1].MCID)
        parent = page_parents[mcid] if page_parents is not None and mcid < len(page_parents) else None
        tagged = parent is not None and parent.is_indirect and parent.objgen in reachable
        return "tagged" if tagged else "orphan"
    return "other"


def _reachable_elements(tree):
    import pikepdf

    seen, stack = set(), [tree]
    while stack:
        kids = stack.pop().get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.is_indirect and kid.objgen not in seen:
                seen.add(kid.objgen)
                stack.append(kid)
    return seen


def without_artifacts(pdf):
    """The PDF with the text of its artifacts (running heads, the draft mark, page numbers) removed: what is left
    is the text a screen reader reads. Content outside any artifact is kept as it is."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            kept, depth = [], []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    depth.append(str(operands[0]) == "/Artifact")
                elif op == "EMC" and depth:
                    depth.pop()
                elif op in TEXT_OPERATORS and any(depth):
                    continue
                kept.append(pikepdf.ContentStreamInstruction(operands, operator))
            page.Contents = document.make_stream(pikepdf.unparse_content_stream(kept))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
