"""The parts of a paper's body, rendered once for what they show.

A paper's body is rendered again whenever its draft is regenerated, and a regeneration after one progress note
changes one action's lines: one agency's table, the appendix rows of the recommendations it answers. The rest of
a 500-action body (hundreds of kilobytes of HTML) is what it was. So the body's long sections are rendered in
parts (``{% paper_part %}`` in ``_paper_body.html``), each kept under a digest of the content it shows:

* ``digests(packed)`` is worked out when the content is packed for storing (``reports.content.pack``): for each
  part, a BLAKE2 digest of its packed content with the digests of the actions it refers to (a reference to the
  whole action takes a digest of every field of it; a period's change, ``"@base"``, of the fields it takes), so
  that a part's digest changes when, and only when, what it shows changes;
* the template tag renders a part once for a digest, the sections printed and the paper's form, and keeps the
  markup in this process's memory (``config.markup_cache``: bounded, least recently used first out). The tag node's
  own token is in the key too: a template loaded again (a new deployment) never reuses markup rendered by an old
  one.

Content stored before digests (every paper issued before them) has none: its parts are rendered every time, as
the whole body always was (the page keeps each paper's body in the papers cache as well).
"""

import hashlib
import json
import re

from config.markup_cache import MarkupCache

REFERENCE = re.compile(r'"@(base)?":\s*(\d+)')
BASE = ("reference", "description", "owner")  # what a "@base" reference takes of its action (reports.content)


def _digest(text):
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


#: Unsorted: generation writes each dict's keys in one order, and an order that changed would only render a part once
#: more. ASCII: the faster encoder. One encoder for every call: ``json.dumps`` with options makes one a call, which
#: was a third of the digests' time (a 500-action paper dumps each action twice).
_dumps = json.JSONEncoder(separators=(",", ":"), default=str).encode


def sources(packed):
    """{part name: the packed content it shows}. Each is generous: a part holding more than it shows is rendered
    a little more often; one holding less would be shown stale, so when in doubt a part holds more. Where a part
    shows only a few fields of an action (the overdue bands name each by reference, owner and due date), it holds
    those fields, not the action: a note on an overdue action leaves the summary as it was."""
    reports = packed.get("reports", [])
    changes, actions = packed.get("changes") or {}, packed.get("actions", {})
    shown = {
        "summary": {
            **{k: packed.get(k) for k in ("as_at_display", "period_display", "as_at_rule")},
            "overall": _figures(packed.get("overall"), actions),
            "unlinked": len(packed.get("unlinked") or ()),  # the summary counts them; their own part lists them
            "charts": packed.get("charts"),
            "reports": [{"short_title": r.get("short_title"), "summary": _figures(r.get("summary"), actions)}
                        for r in reports],  # fmt: skip
        },
        "changes": {
            "status_changes": changes.get("status_changes"),
            "new": [_fields(item, actions, ("reference",)) for item in changes.get("new", [])],  # named only
            "period_display": packed.get("period_display"),
        },
        "closure": changes.get("proposed_for_closure"),
        "slipped": changes.get("slipped"),
        "agencies": {
            "agencies": [{"name": a.get("name"), "summary": _figures(a.get("summary"), actions)}
                         for a in packed.get("agencies", [])],  # fmt: skip
            "charts": packed.get("charts"),
            "overall": _figures(packed.get("overall"), actions),
        },
        "unlinked": packed.get("unlinked"),
    }
    for index, agency in enumerate(packed.get("agencies", [])):
        shown[f"agency/{index}"] = agency.get("name")
        for part, rows in enumerate(in_parts(agency.get("actions", []))):
            shown[f"agency/{index}/{part}"] = rows
    for index, report in enumerate(reports):
        shown[f"themes/{index}"] = {"themes": report.get("themes"), "url": report.get("url")}
        for row, plan_row in enumerate(report.get("plan_rows", [])):
            shown[f"row/{index}/{row}"] = plan_row
    return shown


#: Rows of an agency's table in a part: a note renders one part of its agency's table again, not the whole table.
ROWS_PER_PART = 16


def in_parts(rows):
    """An agency's rows in parts of ``ROWS_PER_PART`` (the template's ``in_parts`` filter: the same parts)."""
    return [rows[start : start + ROWS_PER_PART] for start in range(0, len(rows), ROWS_PER_PART)]


#: What the overdue bands print of each action (``_paper_body.html``).
OVERDUE_FIELDS = ("reference", "owner", "due")


def _figures(summary, actions):
    """A summary as the summary and agency tables show it: its figures, and of each overdue action the fields the
    bands print. Its ``lists`` (the dashboard's counts, kept so that a paper's figures can be held to the pages')
    are printed nowhere in the body: a note that takes an action off "not updated" leaves both tables as they were."""
    if not isinstance(summary, dict):
        return summary
    bands = [
        {**band, "actions": [_fields(item, actions, OVERDUE_FIELDS) for item in band.get("actions", [])]}
        for band in summary.get("overdue", [])
    ]
    return {**{k: v for k, v in summary.items() if k not in UNPRINTED}, "overdue": bands}


#: What a summary holds that the body does not print.
UNPRINTED = frozenset({"lists"})


def _fields(item, actions, names):
    """These fields of an action shown by a reference (``{"@": id}``); anything else as it is."""
    if isinstance(item, dict) and "@" in item and str(item["@"]) in actions:
        action = actions[str(item["@"])]
        return [action.get(name) for name in names]
    return item


def digests(packed):
    """{part name: digest} for packed content (``reports.content.pack``)."""
    items = packed.get("actions", {})
    whole = {pk: _digest(_dumps(item)) for pk, item in items.items()}
    base = {pk: _digest(_dumps([item.get(k) for k in BASE])) for pk, item in items.items()}
    result = {}
    for name, value in sources(packed).items():
        text = _dumps(value)
        referred = ",".join((base if b else whole).get(pk, pk) for b, pk in REFERENCE.findall(text))
        result[name] = _digest(f"{text}|{referred}")
    return result


#: About 64 MB of markup (4-byte characters at worst, 16 MB as plain text): tens of 500-action papers.
parts = MarkupCache(max_chars=16_000_000)
