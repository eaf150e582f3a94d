"""``{% on_day url %}``: a link that keeps the day its page shows (``reports.as_at.on_day``), read from the page's
``as_at`` (an ``AsAt``); on a page without one, or about today, the link as it is."""

from django import template

from reports.as_at import AsAt
from reports.as_at import on_day as keep_day

register = template.Library()


@register.simple_tag(takes_context=True)
def on_day(context, url):
    as_at = context.get("as_at")
    return keep_day(url, as_at.day if isinstance(as_at, AsAt) else None)
