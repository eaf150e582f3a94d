"""A partnership's own reports (a local learning review, an inspection of its services, an audit): created by its
coordinator in the browser, with their recommendations and findings, read only by the partnership
(``SourceReport.objects.for_user``). Once created they are reports like the national ones: the same decisions,
actions, papers, "as at", exports and reminders work on them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from .models import Finding, Recommendation, SourceReport


def paragraphs(text):
    """The paragraphs of a text box, one per blank-line-separated block (line breaks inside one joined)."""
    blocks = (text or "").replace("\r\n", "\n").split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


def own_report_slug(partnership, short_title):
    """A slug no other report has: the partnership's, then the report's short title (``-2`` etc. if taken)."""
    base = f"{partnership.slug}-{slugify(short_title)}"[:72].rstrip("-")
    slug, n = base, 1
    while SourceReport.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def own_report_create(
    *,
    partnership,
    kind,
    title,
    short_title,
    publisher="",
    published_on=None,
    published_text="",
    restricted=False,
    description="",
    recommendations=(),
    findings=(),
):
    """Create the partnership's own report with its recommendations (numbered 1, 2… in the order given) and its
    findings (main findings, in order), all or nothing."""
    partnership.refuse_if_archived()
    if kind == SourceReport.Kind.NATIONAL:
        raise ValidationError({"kind": "A national report is loaded by an administrator."})
    if not recommendations:
        raise ValidationError({"recommendations": "Give at least one recommendation."})
    report = SourceReport(
        slug=own_report_slug(partnership, short_title or title),
        partnership=partnership,
        kind=kind,
        restricted=restricted,
        title=title.strip(),
        short_title=short_title.strip(),
        publisher=publisher.strip() or partnership.name,
        published_on=published_on,
        published_text=published_text.strip(),
        description=description.strip(),
        circumstance_heading="Finding",
    )
    report.full_clean()
    report.save()
    for position, text in enumerate(recommendations, start=1):
        rec = Recommendation(report=report, reference=str(position), position=position, text=text)
        rec.full_clean()
        rec.save()
    for position, text in enumerate(findings, start=1):
        finding = Finding(report=report, kind=Finding.Kind.MAIN_FINDING, position=position, text=text)
        finding.full_clean()
        finding.save()
    return report
