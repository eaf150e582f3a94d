import itertools

from django import template
from django.utils import timezone

from actions.ordering import display_reference
from actions.rag import RAG_LABELS
from config.markup_cache import MarkupCache

register = template.Library()


@register.inclusion_tag("includes/rag.html")
def rag_badge(action, explain=False):
    """The action's RAG as text on colour; uses the list's annotation when there is one."""
    rating = getattr(action, "rag", None)
    if rating is None or explain:
        result = action.rag_result(getattr(action, "as_at", None) or timezone.localdate())  # the day it is shown as at
        return {"rating": result.rating, "label": result.explanation if explain else result.label}
    return {"rating": rating, "label": RAG_LABELS[rating]}


@register.filter
def display_ref(reference):
    """A stored action reference as the plan writes it ("jar-3-c6" → "JAR 3 · C6")."""
    return display_reference(reference)


#: What ``{% kept %}`` blocks rendered: a few megabytes of text (a filter form is about 20 KB).
kept_markup = MarkupCache(max_chars=4_000_000)
_tokens = itertools.count()  # each node compiled gets its own, never reused (an object's id() may be)


class KeptNode(template.Node):
    def __init__(self, key, nodelist):
        self.key, self.nodelist, self.token = key, nodelist, next(_tokens)

    def render(self, context):
        key = self.key.resolve(context)
        if not key:
            return self.nodelist.render(context)
        return kept_markup.rendered((self.token, key), lambda: self.nodelist.render(context))


@register.tag
def kept(parser, token):
    """``{% kept digest %}...{% endkept %}``: the block rendered once for ``digest`` in this process
    (``config.markup_cache``), which must name everything the block shows; rendered each time without one."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("kept needs one argument: the digest of what the block shows")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(parser.compile_filter(bits[1]), nodelist)
