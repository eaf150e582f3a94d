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
