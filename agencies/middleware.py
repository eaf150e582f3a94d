from . import audit, plan_cache


class AuditRefusalMiddleware:
    """Record every refusal (HTTP 403), whichever view or check refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            audit.record(request, audit.Action.REFUSED, outcome=audit.Outcome.REFUSED, detail=request.method)
        return response


class PlanVersionPerRequestMiddleware:
    """A read request (GET, HEAD) reads each plan's version once, however many cached parts its page has
    (``plan_cache.versions_read_once``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with plan_cache.versions_read_once():
            return self.get_response(request)
