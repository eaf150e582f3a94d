"""``{% paper_part "name" index ... %}...{% endpaper_part %}``: a part of a paper's body, rendered once for what it
shows (``reports.paper_parts``). The context gives ``part_digests`` (the paper's, or None for content stored
without them) and ``sections``; the arguments name the part ("row", 0, 3 is ``row/0/3``)."""

import itertools

from django import template

from reports import paper_parts
from reports.paper_parts import parts

register = template.Library()
_tokens = itertools.count()  # each node compiled gets its own, never reused (an object's id() may be)


class PaperPartNode(template.Node):
    def __init__(self, names, nodelist):
        self.names = names
        self.nodelist = nodelist
        self.token = next(_tokens)

    def render(self, context):
        digests = context.get("part_digests")
        if not digests:
            return self.nodelist.render(context)
        name = "/".join(str(n.resolve(context)) for n in self.names)
        digest = digests.get(name)
        if digest is None:
            return self.nodelist.render(context)
        paper = context.get("paper")
        key = (self.token, name, digest, tuple(context.get("sections") or ()), getattr(paper, "as_printed", None))
        return parts.rendered(key, lambda: self.nodelist.render(context))


@register.tag
def paper_part(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("paper_part needs the part's name")
    nodelist = parser.parse(("endpaper_part",))
    parser.delete_first_token()
    return PaperPartNode([parser.compile_filter(bit) for bit in bits], nodelist)


@register.filter
def in_parts(rows):
    """An agency's rows in the parts its table is kept in (``reports.paper_parts.in_parts``)."""
    return paper_parts.in_parts(rows)
