"""Natural order of references: "jar-2-c1" before "jar-10-c1", as the committee reads its plan.

``natural_sort_key`` pads every run of digits so that plain string comparison gives the natural order. The same key
sorts lists in Python and, stored beside a reference, orders querysets in the database (SQLite and PostgreSQL alike).
"""

import re

_DIGITS = re.compile(r"\d+")


def natural_sort_key(text):
    """``"JAR-2-C10"`` → ``"jar-0000000002-c0000000010"``: compare these keys as strings for natural order."""
    return _DIGITS.sub(lambda match: match.group().zfill(10), (text or "").lower())
