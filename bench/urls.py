"""The product's URLs and ``/bench/bare/``: a signed-in view that renders nothing. It passes through every
middleware, the session and the signed-in person's query (with their membership), like every page, and does nothing
else, so ``bench/pages.py`` and ``bench/throughput.py`` can say what a page costs beyond the cost of any request."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_safe


@require_safe
def bare(request):
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), path("", include("config.urls"))]
handler500 = "config.observability.server_error"
