import html
import re
from pathlib import Path

import pytest

SOURCE_PAPER = Path(__file__).resolve().parents[2] / "fixtures" / "source" / "cog-2009-06-03-laming-and-haringey-jar.md"

APPENDIX_COLUMNS = ("recommendation", "circumstance", "committee", "single_agency", "timescale")
_ITEM = re.compile(r"<(li|p)>(.*?)</\1>", re.S)


@pytest.fixture(scope="session")
def source_text():
    """The paper the fixtures were transcribed from: the ground truth."""
    return SOURCE_PAPER.read_text(encoding="utf-8")


@pytest.fixture
def loaded(national_sets, db):
    """The default fixture sets, loaded as an administrator would load them (once for the module's tests:
    ``national_sets``)."""


def plain(text):
    """The text as a reader sees it: no tags, entities decoded, no bullet characters, single spaces."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("•", " ")
    return " ".join(text.split())


def _cell_items(cell):
    """A table cell's bullets and paragraphs, in order, as (is_bullet, text)."""
    found = _ITEM.findall(cell)
    if found:
        return [(tag == "li", plain(body)) for tag, body in found]
    text = plain(cell)
    return [(False, text)] if text else []


def _row_reference(recommendation_cell, good_practice_rows_seen):
    number = re.match(r"(\d+)\.\s", recommendation_cell)
    if number:
        return number.group(1)
    if recommendation_cell.startswith("Ensure that all elected members"):
        return f"GP{good_practice_rows_seen + 1}"
    return None  # a row continued from the page before


def parse_appendix_table(text):
    """Appendix 2's table, one entry per recommendation row, with page splits undone.

    The PDF repeats the header row on every page and carries a row on as a new table row whose RECOMMENDATION
    cell is empty or holds the end of a sentence. In such a continuation, a cell's first item that is not a
    bullet continues the column's last item, unless that item had already ended its sentence.
    """
    rows, current, good_practice_rows = {}, None, 0
    for line in text[text.index("## KEY RECOMMENDATIONS") :].splitlines():
        if "\t" not in line or line.startswith("RECOMMENDATION\t"):
            continue
        cells = line.split("\t")
        assert len(cells) == len(APPENDIX_COLUMNS), line
        first = _cell_items(cells[0])
        reference = _row_reference(first[0][1], good_practice_rows) if first else None
        continuation = reference is None
        if reference:
            good_practice_rows += reference.startswith("GP")
            current = rows[reference] = {name: [] for name in APPENDIX_COLUMNS}
        for name, cell in zip(APPENDIX_COLUMNS, cells, strict=True):
            column = current[name]
            for index, (is_bullet, item) in enumerate(_cell_items(cell)):
                if continuation and index == 0 and not is_bullet and column and not column[-1].endswith("."):
                    column[-1] = f"{column[-1]} {item}"
                else:
                    column.append(item)
    return rows


@pytest.fixture(scope="session")
def appendix_rows(source_text):
    return parse_appendix_table(source_text)


@pytest.fixture(scope="session")
def plain_paper(source_text):
    """The whole paper with tags, entities, bullets and runs of whitespace normalised away."""
    return plain(source_text)
