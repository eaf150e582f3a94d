"""Loading a national report in the browser (administrators): upload, preview, confirm. Nothing is written before
the confirmation, and the confirmation applies exactly the file that was previewed, all or nothing."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import audit
from agencies.access import require_administrator

from . import loading, spreadsheet
from .forms import LoadUploadForm
from .models import RecommendationLoad

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pending_load(request, token):
    """The upload waiting for this administrator's confirmation; 404 for anyone else's or one already applied."""
    require_administrator(request.user)
    return get_object_or_404(RecommendationLoad.objects.pending_for(request.user), token=token)


@require_http_methods(["GET", "HEAD", "POST"])
def load_upload(request):
    require_administrator(request.user)
    form = LoadUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        load = loading.load_stage(user=request.user, name=upload.name, content=upload.read())
        return redirect("recommendations:load_preview", token=load.token)
    history = RecommendationLoad.objects.applied().select_related("uploaded_by")[:50]
    status = 400 if form.errors else 200
    return render(request, "recommendations/load.html", {"form": form, "history": history}, status=status)


@require_safe
def load_template(request):
    require_administrator(request.user)
    response = HttpResponse(spreadsheet.template_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="national-report-template.xlsx"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def load_preview(request, token):
    load = _pending_load(request, token)
    try:
        report = loading.load_preview(load)
    except loading.FixtureError as exc:
        report = loading.LoadReport(problems=[str(exc)])
    context = {"load": load, "report": report, "left_alone": report.left_alone()}
    return render(request, "recommendations/load_preview.html", context)


@require_POST
def load_confirm(request, token):
    load = _pending_load(request, token)
    try:
        report = loading.load_confirm(load=load, user=request.user)
    except loading.FixtureError as exc:
        audit.record(request, audit.Action.FIXTURE_LOAD, obj=load, outcome=audit.Outcome.FAILED, detail=str(exc))
        messages.error(request, f"Nothing was loaded. {exc}")
        return redirect("recommendations:load_preview", token=token)
    audit.record(request, audit.Action.FIXTURE_LOAD, obj=load, detail=load.file_name)
    messages.success(request, f"Loaded {load.file_name}: {report.sentence(done=True)}")
    return redirect("recommendations:load")
