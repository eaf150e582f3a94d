"""Small helpers the view tests share."""

import datetime
import html
import re

from django.utils import timezone


def days(n):
    """The date n days from today (negative: in the past), so tests do not depend on the calendar."""
    return timezone.localdate() + datetime.timedelta(days=n)


def text(response):
    """The page as a reader sees its words: entities decoded."""
    return html.unescape(response.content.decode())


def words(response):
    """The page's text without tags, in single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
