from django import template
from django.utils import timezone

from actions.ordering import display_reference
from actions.rag import RAG_LABELS

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
