"""How recommendation texts are shown: emphasis marked with *asterisks*, and word-by-word changes."""

import difflib
import re

from django import template
from django.utils.html import escape, format_html, format_html_join

from recommendations import markup

register = template.Library()

EMPHASIS = re.compile(r"\*([^*\n]+)\*")


@register.filter
def emphasis(text):
    """The text escaped, with *words printed in italics* shown in italics."""
    return markup.emphasis_html(text)


@register.simple_tag
def word_diff(old, new):
    """Old and new text word by word: removed words struck through, added words marked, each said in words too."""
    before, after = (old or "").split(), (new or "").split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(before[i1:i2])))
        if op in ("delete", "replace"):
            parts.append(_marked("del", "removed", before[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(_marked("ins", "added", after[j1:j2]))
    return format_html_join(" ", "{}", ((part,) for part in parts))


def _marked(tag, said, words):
    hidden = format_html('<span class="visually-hidden">[{}: </span>', said)
    return format_html('<{}>{}{}<span class="visually-hidden">]</span></{}>', tag, hidden, " ".join(words), tag)
