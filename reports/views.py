"""Meetings and progress papers. Views are thin: access helper, form, service, redirect."""

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import audit
from agencies.access import require_plan_manager

from . import exports, services, sign_off, tables, word
from .access import (
    get_paper_for_user,
    meetings_for_user,
    papers_for_user,
    require_paper_preparer,
    require_plan_archiver,
)
from .forms import IssueForm, MeetingDecisionsForm, MeetingForm, PaperForm, PlanRecordForm, PlanSettingsForm
from .models import Paper, PaperPdf, PlanSettings

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- meetings -------------------------------------------------------------------------------------------------


@require_safe
def meeting_list(request):
    papers = Prefetch("papers", queryset=Paper.objects.without_bodies())
    meetings = meetings_for_user(request.user).prefetch_related(papers)
    return render(request, "reports/meeting_list.html", {"meetings": meetings})


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    partnership = require_paper_preparer(request.user)
    form = MeetingForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(partnership=partnership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Meeting recorded: {meeting}.")
            return redirect("reports:meeting_list")
    return render(request, "reports/meeting_form.html", {"form": form})


# --- papers ---------------------------------------------------------------------------------------------------


@require_safe
def paper_list(request):
    papers = papers_for_user(request.user).select_related("meeting", "issued_by").without_bodies()
    return render(request, "reports/paper_list.html", {"papers": papers})


@require_http_methods(["GET", "POST"])
def paper_create(request):
    partnership = require_paper_preparer(request.user)
    initial = {"meeting": request.GET.get("meeting")} if request.GET.get("meeting") else {}
    form = PaperForm(request.POST or None, partnership=partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            paper = services.paper_create(
                partnership=partnership,
                created_by=request.user,
                reports=list(form.cleaned_data["reports"]),
                **form.service_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Draft paper generated. Check it, then issue it.")
            return redirect(paper)
    return render(request, "reports/paper_form.html", {"form": form, "paper": None})


@require_http_methods(["GET", "POST"])
def paper_edit(request, pk):
    paper = get_paper_for_user(request, pk, write=True)
    form = PaperForm(request.POST or None, instance=paper, partnership=paper.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            paper = services.paper_update(
                paper=paper, reports=list(form.cleaned_data["reports"]), **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            exports.paper_body_html(paper)  # the page the coordinator is sent to, rendered from the content in hand
            messages.success(request, "Draft saved and regenerated.")
            return redirect(paper)
    return render(request, "reports/paper_form.html", {"form": form, "paper": paper})


@require_safe
def paper_detail(request, pk):
    """The paper in the page. Its body is rendered once per saved state of the paper (a 500-action paper is a few
    hundred kilobytes of HTML) and its stored content is read only to render it."""
    paper = get_paper_for_user(request, pk, bodies=False)
    return render(request, "reports/paper_detail.html", {"paper": paper, "body": exports.paper_body_html(paper)})


def paper_output(view):
    """A view of one of a paper's outputs (print view, PDF, Word, CSV, Excel), given the paper the user may read.

    A draft never generated (loaded or saved without generating) has nothing to render: every output answers a
    page saying so, with the button that generates it. A GET never writes, and what a coordinator prints or
    downloads is always the draft they can read on its page."""

    @functools.wraps(view)
    def output(request, pk):
        paper = get_paper_for_user(request, pk)
        if not paper.is_generated:
            return render(request, "reports/paper_not_generated.html", {"paper": paper}, status=409)
        return view(request, paper)

    return output


@require_safe
@paper_output
def paper_print(request, paper):
    """The paper as a standalone document with print CSS and no navigation; an issued paper exactly as issued."""
    response = HttpResponse(paper.html if paper.is_issued else exports.render_paper_html(paper))
    # A standalone, script-free document whose print styles are inline (an issued paper is kept byte for byte).
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    ).replace("script-src 'self'", "script-src 'none'")
    return response


def _download(paper, extension, body, request=None):
    if request is not None:
        audit.record(request, audit.Action.PAPER_DOWNLOAD, obj=paper, detail=extension)
    response = HttpResponse(body, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{exports.paper_filename(paper, extension)}"'
    return response


@require_safe
@paper_output
def paper_pdf(request, paper):
    """The PDF once it is ready; until then a page saying how its preparation stands, which updates itself."""
    status, pdf_request = PaperPdf.objects.state_for(paper, timezone.now())
    if status == PaperPdf.Status.READY:
        body = paper.pdf if paper.is_issued else PaperPdf.objects.values_list("pdf", flat=True).get(pk=pdf_request.pk)
        return _download(paper, "pdf", bytes(body), request)
    context = {"paper": paper, "status": status, "pdf_request": pdf_request, "statuses": PaperPdf.Status}
    return render(request, "reports/paper_pdf.html", context)


@require_safe
def paper_pdf_status(request, pk):
    """How the PDF's preparation stands, for the page's script: {"status": "queued" | ... | "none"}."""
    paper = get_paper_for_user(request, pk)
    status, _ = PaperPdf.objects.state_for(paper, timezone.now())
    return JsonResponse({"status": status or "none"})


@require_POST
def paper_pdf_prepare(request, pk):
    """Ask for the PDF (or ask again after a failure); the worker prepares it."""
    paper = get_paper_for_user(request, pk)
    try:
        services.paper_pdf_request(paper=paper, requested_by=request.user)
    except services.PaperIssueError as exc:
        messages.info(request, str(exc))
    return redirect("reports:paper_pdf", paper.pk)


@require_safe
@paper_output
def paper_docx(request, paper):
    return _download(paper, "docx", word.paper_docx(paper), request)


@require_safe
@paper_output
def paper_csv(request, paper):
    return _download(paper, "csv", tables.plan_csv(paper), request)


@require_safe
@paper_output
def paper_xlsx(request, paper):
    return _download(paper, "xlsx", tables.plan_xlsx(paper), request)


@require_POST
def paper_regenerate(request, pk):
    paper = get_paper_for_user(request, pk, write=True, bodies=False)
    try:
        paper = services.paper_regenerate(paper=paper)
    except services.PaperIssueError as exc:  # issued by someone else since this request read it
        messages.error(request, str(exc))
        return redirect(paper)
    exports.paper_body_html(paper)  # the page the coordinator is sent to, rendered from the content in hand
    messages.success(request, "Draft regenerated from the plan as it stands.")
    return redirect(paper)


@require_http_methods(["GET", "POST"])
def paper_issue(request, pk):
    paper = get_paper_for_user(request, pk, write=True)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_issue(paper=paper, issued_by=request.user)
        except services.PaperIssueError as exc:
            messages.error(request, str(exc))
        else:
            audit.record(request, audit.Action.PAPER_ISSUE, obj=paper)
            messages.success(request, "Paper issued. It is frozen; its PDF is being prepared and then stored.")
        return redirect(paper)
    return render(request, "reports/paper_issue.html", {"paper": paper, "form": form})


@require_POST
def paper_delete(request, pk):
    paper = get_paper_for_user(request, pk, write=True)
    services.paper_delete(paper=paper)
    messages.success(request, "Draft deleted.")
    return redirect("reports:paper_list")


# --- archiving the plan -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_archive(request):
    """Make the plan an archived record as it stood at its last meeting (read-only), or reopen it: one recorded
    step each, with a reason."""
    partnership = require_plan_archiver(request.user)
    archiving = not partnership.is_archived
    form = PlanRecordForm(request.POST or None, submit="Archive the plan" if archiving else "Reopen the plan")
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if archiving:
                services.plan_archive(
                    partnership=partnership, actor=request.user, reason=reason, today=timezone.localdate()
                )
            else:
                services.plan_reopen(partnership=partnership, actor=request.user, reason=reason)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = "The plan is archived: a read-only record." if archiving else "The plan is live again."
            messages.success(request, done)
            return redirect("reports:dashboard")
    context = {"form": form, "partnership": partnership, "archiving": archiving}
    return render(request, "reports/plan_archive.html", context)


# --- meetings' decisions --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_decisions(request, pk):
    """The coordinator records what the meeting decided on the paper it received (issued): sign-offs, refusals
    with their reasons, reopenings and minutes. Every decision is kept; a later one never replaces an earlier."""
    paper = get_paper_for_user(request, pk)
    partnership = require_plan_manager(request.user).agency.partnership
    form = MeetingDecisionsForm(request.POST or None, **sign_off.form_choices(paper, request.user))
    if request.method == "POST" and form.is_valid():
        try:
            recorded = sign_off.meeting_decisions_record(
                paper=paper, recorded_by=request.user, today=timezone.localdate(), **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{len(recorded)} decision{'s' if len(recorded) != 1 else ''} recorded.")
            return redirect("reports:meeting_decisions", pk=paper.pk)
    context = {"paper": paper, "form": form, "partnership": partnership, **sign_off.recorded_for(paper)}
    return render(request, "reports/meeting_decisions.html", context)


@require_http_methods(["GET", "POST"])
def plan_settings(request):
    """The coordinator's settings of the plan: which actions need the meeting's sign-off to close."""
    partnership = require_paper_preparer(request.user)  # the coordinator of a live plan
    form = PlanSettingsForm(request.POST or None, instance=PlanSettings.objects.of(partnership))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved. They apply to actions marked complete from now on.")
        return redirect("reports:plan_settings")
    return render(request, "reports/plan_settings.html", {"form": form, "partnership": partnership})
