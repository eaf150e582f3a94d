"""A paper's appendices: each national report as its appendix prints it.

A report answered by actions is printed as its action-plan table, preceded by the partnership's own summary of
the report when it has one (``ReportSummary``); a report with no action is printed as its list of recommendations
under its themes. The table is laid out as the source lays it out: one row per recommendation, its committee and
single agency actions side by side, and each timescale printed once, beside the first action it belongs to:

* an action's timescale is printed in a row only if its link to that recommendation shows it
  (``ActionRecommendation.shows_timescale``: "GIFREC referral meeting" answers rows 2 and 5, its "In place" is
  printed in row 5);
* in the committee column, a timescale the action above it already gave is not repeated (row 8's five actions,
  "Ongoing" once); one that comes back after another is printed again (row 4's "Refer to assessing risks and needs
  self evaluation plan.", printed twice);
* a single agency action's timescale is printed only if the row has not printed it already (row 3's
  "Agencies to submit details of mechanisms by September 2009.", printed once for 3-c1 and 3-s1).
"""

from collections import defaultdict

from actions.models import Action
from recommendations.models import ReportSummary


def summary(heading, body):
    """A partnership's summary of a report as the paper holds it: {"heading": [lines], "body": markup}."""
    return {"heading": ReportSummary(heading=heading).heading_lines, "body": body}


def plan_rows(recs, links_by_rec, items, circumstances):
    """(rows, references of recommendations no action answers) for one report's action-plan table.

    ``links_by_rec``: {recommendation id: [(action id, shows_timescale), ...] in printed order}.
    """
    rows, unanswered, previous_lead_in = [], [], ""
    for rec in recs:
        linked = [(items[pk], shows) for pk, shows in links_by_rec.get(rec["id"], []) if pk in items]
        if not linked:
            unanswered.append(rec["reference"])
            continue
        committee = [(a, shows) for a, shows in linked if a["level"] == Action.Level.COMMITTEE]
        single = [(a, shows) for a, shows in linked if a["level"] == Action.Level.SINGLE_AGENCY]
        lines, printed = _lines(committee, single)
        rows.append(
            {
                **rec,
                "circumstances": circumstances.get(rec["id"], []),
                "committee": [a for a, _ in committee],
                "single": [a for a, _ in single],
                "timescales": printed,
                "lines": lines,
                "show_lead_in": bool(rec["lead_in"]) and rec["lead_in"] != previous_lead_in,
            }
        )
        previous_lead_in = rec["lead_in"]
    return rows, unanswered


def _lines(committee, single):
    """The row's lines (committee action, single agency action, timescales printed beside them) and the
    timescales in printed order."""
    beside, printed, last = defaultdict(list), [], None
    for is_single, entries in ((False, committee), (True, single)):
        for index, (action, shows) in enumerate(entries):
            text = action["timescale"] if shows else ""
            if not text or (text == last and not is_single) or (is_single and text in printed):
                continue
            printed.append(text)
            last = text
            beside[index].append(text)
    lines = [
        {
            "committee": committee[i][0] if i < len(committee) else None,
            "single": single[i][0] if i < len(single) else None,
            "timescales": beside[i],
        }
        for i in range(max(len(committee), len(single)))
    ]
    return lines, printed
