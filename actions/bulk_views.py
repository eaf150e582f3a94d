"""Bulk update of actions by spreadsheet: download the sheet, upload it edited, preview the changes, apply them."""

import secrets

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_POST, require_safe

from agencies import audit
from agencies.access import require_updater
from agencies.plan_cache import cached

from . import spreadsheets
from .access import updatable_actions
from .models import Status
from .services import ConflictError

#: The session key of the one upload waiting between preview and apply: its rows as read, never as checked.
PENDING = "actions_bulk_upload"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label="Your edited sheet",
        help_text="The Excel (.xlsx) or CSV file you downloaded here, with your changes; at most 5 MB.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.rows = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.rows = spreadsheets.read_upload(upload)
        except spreadsheets.SpreadsheetError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


def _bulk_page(request, form, status=200):
    context = {"form": form, "statuses": Status.choices, "count": updatable_actions(request.user).count()}
    return render(request, "actions/bulk.html", context, status=status)


@require_safe
def bulk(request):
    require_updater(request.user)
    return _bulk_page(request, BulkUploadForm())


def _download(membership, content, extension, content_type):
    name = f"actions-{membership.agency.partnership.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def _export(user, membership, extension, write):
    """The sheet of the actions the user may update (the coordinator: all; a member: their agency's), made once per
    version of the plan: any change, including one made through a sheet, makes a new one."""
    scope = "all" if membership.is_coordinator else membership.agency_id
    partnership = membership.agency.partnership
    return cached(partnership, f"sheet-{extension}", [scope], lambda: write(spreadsheets.export_queryset(user)))


@require_safe
def bulk_export_xlsx(request):
    membership = require_updater(request.user)
    content = _export(request.user, membership, "xlsx", spreadsheets.export_xlsx)
    return _download(membership, content, "xlsx", XLSX_TYPE)


@require_safe
def bulk_export_csv(request):
    membership = require_updater(request.user)
    content = _export(request.user, membership, "csv", spreadsheets.export_csv)
    return _download(membership, content, "csv", "text/csv; charset=utf-8")


@require_POST
def bulk_preview(request):
    """Read the upload and show what it would do; keep its rows in the session for apply, which checks them again."""
    require_updater(request.user)
    form = BulkUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        request.session.pop(PENDING, None)
        return _bulk_page(request, form)
    check = spreadsheets.check_rows(user=request.user, rows=form.rows)
    token = secrets.token_urlsafe(16)
    request.session[PENDING] = {"token": token, "rows": form.rows, "filename": form.cleaned_data["file"].name}
    context = {"check": check, "token": token, "filename": form.cleaned_data["file"].name, "form": BulkUploadForm()}
    return render(request, "actions/bulk_preview.html", context)


@require_POST
def bulk_apply(request):
    require_updater(request.user)
    pending = request.session.pop(PENDING, None)
    if not pending or not constant_time_compare(pending["token"], request.POST.get("token", "")):
        messages.error(request, "Nothing was saved: that preview is no longer waiting. Upload your sheet again.")
        return redirect("actions:bulk")
    try:
        check, updates = spreadsheets.bulk_apply(user=request.user, rows=pending["rows"])
    except ConflictError as exc:
        messages.error(
            request,
            f"Nothing was saved: {exc.current.reference} was changed by someone else while your sheet was being "
            "saved. Download a fresh sheet and make your changes there.",
        )
        return _bulk_page(request, BulkUploadForm(), status=409)
    except ValidationError as exc:
        messages.error(request, f"Nothing was saved: {' '.join(exc.messages)}")
        return _bulk_page(request, BulkUploadForm(), status=409)
    if check.problems:
        messages.error(request, "Nothing was saved: the actions changed after your preview. See the problems below.")
        context = {"check": check, "filename": pending["filename"], "form": BulkUploadForm()}
        return render(request, "actions/bulk_preview.html", context, status=409)
    if not updates:
        messages.info(request, "Nothing was saved: no row of your sheet changes anything.")
        return redirect("actions:bulk")
    references = ", ".join(update.action.reference for update in updates)
    audit.record(request, audit.Action.SPREADSHEET_IMPORT, detail=f"{pending['filename']}: {references}")
    messages.success(
        request, f"Progress recorded on {len(updates)} action{'s' if len(updates) != 1 else ''}: {references}."
    )
    return redirect("actions:bulk")
