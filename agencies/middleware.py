from . import audit


class AuditRefusalMiddleware:
    """Record every refusal (HTTP 403), whichever view or check refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            audit.record(request, audit.Action.REFUSED, outcome=audit.Outcome.REFUSED, detail=request.method)
        return response
