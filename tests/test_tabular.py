"""CSV exports (config.tabular.csv_bytes): every cell written as ``csv_cell`` writes it, whatever its type; the
fast path for plain text and counts changes no byte."""

import csv
import datetime
import decimal
import io

from hypothesis import given
from hypothesis import strategies as st

from config.tabular import csv_bytes, csv_cell

CELLS = st.one_of(
    st.none(),
    st.text(),
    st.sampled_from(["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "plain", ""]),
    st.integers(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=False, allow_infinity=False),
)


def cell_by_cell(header, rows):
    """The file written one ``csv_cell`` at a time: what ``csv_bytes`` must give."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=20))
def test_every_cell_is_written_as_csv_cell_writes_it(rows):
    assert csv_bytes(["a", "b", "c"], rows) == cell_by_cell(["a", "b", "c"], rows)


def test_formulas_negative_numbers_and_dates_are_written_safely():
    content = csv_bytes(
        ["x"] * 6, [["=1+1", -5, 7, None, datetime.date(2009, 6, 3), decimal.Decimal("-1.5")]]
    ).decode("utf-8-sig")
    assert content.splitlines()[1] == "'=1+1,'-5,7,,2009-06-03,'-1.5"
