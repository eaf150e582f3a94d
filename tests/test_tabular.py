"""CSV exports (config.tabular.csv_bytes): every cell written as ``csv_cell`` writes it; rows whose cells need
nothing more (``ready``: what the bulk-update sheet makes) come out the same, byte for byte."""

import datetime
import decimal

from hypothesis import given
from hypothesis import strategies as st

from config.tabular import csv_bytes, neutralise

#: What a ready row may hold: neutralised text (any text, formulas included, once neutralised), whole numbers from
#: 0, None, dates.
READY_CELLS = st.one_of(
    st.none(),
    st.text().map(neutralise),
    st.sampled_from(["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "plain", ""]).map(neutralise),
    st.integers(min_value=0),
    st.dates(),
)


@given(st.lists(st.lists(READY_CELLS, min_size=3, max_size=3), max_size=20))
def test_a_ready_row_is_written_as_csv_cell_would_write_it(rows):
    assert csv_bytes(["a", "b", "c"], rows, ready=True) == csv_bytes(["a", "b", "c"], rows)


def test_formulas_negative_numbers_and_dates_are_written_safely():
    content = csv_bytes(
        ["x"] * 7,
        [["=1+1", -5, 7, None, datetime.date(2009, 6, 3), decimal.Decimal("-1.5"), datetime.datetime(2009, 6, 3, 9)]],
    ).decode("utf-8-sig")
    assert content.splitlines()[1] == "'=1+1,'-5,7,,2009-06-03,'-1.5,2009-06-03T09:00:00"
