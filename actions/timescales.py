"""Reading a due date out of a timescale as the paper prints it.

Timescales are free text ("October 2009", "development day 22.06.09", "In place", "Ongoing from June 2009").
The rules, in order:

* "In place" means the action is already complete; there is no due date.
* A day written ``dd.mm.yy`` or ``dd.mm.yyyy`` is that day.
* A month and year ("October 2009") is the last day of that month.
* A date that follows "ongoing from" or "implemented from" is when work started, not when it is due.
* The first date left is the due date. A text with none ("Ongoing", "annual basis") has no due date.
* A text that says "ongoing" and has no due date is ongoing: embedded in routine practice.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_DAY = r"(?P<day>\d{1,2})\.(?P<dmonth>\d{1,2})\.(?P<dyear>\d{2}|\d{4})\b"
_MONTH = r"(?P<month>" + "|".join(MONTHS) + r")\s+(?P<year>\d{4})"
_DATE = re.compile(rf"(?:\b{_DAY})|(?:\b{_MONTH}\b)", re.IGNORECASE)
_STARTED = re.compile(r"(ongoing|implemented)\s+from\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Timescale:
    due_date: datetime.date | None
    in_place: bool = False
    ongoing: bool = False


def _to_date(match):
    if match.group("day"):
        year = int(match.group("dyear"))
        year = year + 2000 if year < 100 else year
        return datetime.date(year, int(match.group("dmonth")), int(match.group("day")))
    year, month = int(match.group("year")), MONTHS[match.group("month").lower()]
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def read_timescale(text):
    """Return what a printed timescale says about when an action is due."""
    text = " ".join((text or "").split())
    if text.lower().rstrip(".") == "in place":
        return Timescale(due_date=None, in_place=True)
    due = None
    for match in _DATE.finditer(text):
        if _STARTED.search(text[: match.start()]):
            continue
        try:
            due = _to_date(match)
        except ValueError:
            continue
        break
    return Timescale(due_date=due, ongoing=due is None and "ongoing" in text.lower())


def due_date_from_timescale(text):
    return read_timescale(text).due_date
