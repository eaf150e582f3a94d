"""Natural order of references: "jar-2-c1" before "jar-10-c1", as the committee reads its plan.

``natural_sort_key`` pads every run of digits so that plain string comparison gives the natural order. The same key
sorts lists in Python and, stored beside a reference, orders querysets in the database (SQLite and PostgreSQL alike).
"""

import functools
import re

_DIGITS = re.compile(r"\d+")


@functools.lru_cache(maxsize=16384)  # a paper sorts each of its references several times
def natural_sort_key(text):
    """``"JAR-2-C10"`` → ``"jar-0000000002-c0000000010"``: compare these keys as strings for natural order."""
    return _DIGITS.sub(lambda match: match.group().zfill(10), (text or "").lower())


def display_reference(reference):
    """A stored reference as people write it: ``"jar-3-c6"`` → ``"JAR 3 · C6"``, ``"jar-gp1-c1"`` →
    ``"JAR GP1 · C1"``, ``"a1"`` → ``"A1"``.

    The stored slug stays the stable key (URLs, fixtures, exports, imports match on it); only what is shown
    changes. The first two parts name the recommendation ("JAR 3"), the rest the action's place in its row.
    """
    parts = [part.upper() for part in (reference or "").split("-") if part]
    if len(parts) < 3:
        return " ".join(parts)
    return " · ".join([f"{parts[0]} {parts[1]}", *parts[2:]])
