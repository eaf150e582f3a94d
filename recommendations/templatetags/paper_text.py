"""Template filters for texts held in the paper markup (``recommendations.markup``)."""

from django import template

from recommendations import markup

register = template.Library()


@register.filter
def paper_text(text, heading_level=3):
    """A text of paragraphs, headings and lists, as HTML."""
    return markup.to_html(text, heading_level=heading_level)


@register.filter
def plain_text(text):
    """The text without its emphasis marks (for titles and attributes)."""
    return markup.plain(text)


@register.filter
def before_last_section(text):
    """The text up to its last ``## `` section (``markup.split_last_section``)."""
    return markup.split_last_section(text)[0]


@register.filter
def last_section(text):
    """The text's last ``## `` section, heading included ("" if it has no heading)."""
    return markup.split_last_section(text)[1]
