"""Pieces every app's forms and exports share, written once: the date input and safe CSV/XLSX cells.

They live beside the settings, below every app, so that no app imports another "upwards" for a widget.
"""

import csv
import datetime
import io

from django import forms

#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"); tab and carriage return
#: are on OWASP's list too, because some programs strip them and then see the character after.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it needs."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def neutralise(value):
    """The value with a leading single quote if it is text a spreadsheet would run as a formula.

    Use it on every text cell of every CSV or XLSX export of data people typed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_cell(value):
    """A value as CSV text: empty for None, ISO for dates, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(header, rows, *, ready=False):
    """A CSV file as bytes: UTF-8 with a byte order mark, so that Excel reads accents and dashes right. Each cell is
    written as ``csv_cell`` writes it. ``ready``: the rows' cells need nothing more (text neutralised, whole numbers
    from 0, None, and dates as ``datetime.date``, which the csv module writes in ISO form; never a datetime), so
    they are written as they are (the bulk-update sheet's 6,500 cells, without a call each)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    if ready:
        writer.writerows(rows)
    else:
        writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
