"""Partnerships, agencies and people, managed without the Django admin: administrators create partnerships and
their coordinators; coordinators (and administrators) add agencies, invite people and change their accounts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import access, backends, services, sso
from .forms import AcceptForm, AgencyForm, InviteForm, MemberForm, PartnershipForm
from .models import Invitation, MembershipEvent, Partnership

FORM_METHODS = ["GET", "HEAD", "POST"]


def _form_page(request, form, *, title, submit, partnership=None, intro="", status=None):
    context = {"form": form, "title": title, "submit": submit, "partnership": partnership, "intro": intro}
    return render(request, "agencies/form.html", context, status=status or (400 if form.errors else 200))


def _apply(form, service, **kwargs):
    """Call the service; a ValidationError becomes the form's errors. True when it went through."""
    try:
        service(**kwargs)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc.messages)
        for name, errors in getattr(exc, "message_dict", {}).items():
            form.add_error(name if name in form.fields else None, errors)
        return False
    return True


@require_safe
def partnership_list(request):
    access.require_administrator(request.user)
    partnerships = Partnership.objects.order_by("name")
    return render(request, "agencies/partnership_list.html", {"partnerships": partnerships})


@require_http_methods(FORM_METHODS)
def partnership_create(request):
    access.require_administrator(request.user)
    form = PartnershipForm(request.POST or None)
    if form.is_valid() and _apply(
        form,
        services.partnership_create,
        actor=request.user,
        base_url=request.build_absolute_uri("/"),
        **form.cleaned_data,
    ):
        messages.success(request, f"{form.cleaned_data['name']} created; its coordinator has been invited by email.")
        return redirect("agencies:people", slug=form.cleaned_data["slug"])
    return _form_page(request, form, title="New partnership", submit="Create and invite the coordinator")


@require_safe
def people(request, slug):
    partnership = access.get_partnership_for_manager(request.user, slug)
    agencies = partnership.agencies.order_by("name").prefetch_related("memberships__user")
    invitations = Invitation.objects.usable(timezone.now()).filter(agency__partnership=partnership)
    for agency in agencies:
        for membership in agency.memberships.all():
            membership.manageable = access.can_manage_member(request.user, membership)
    context = {"partnership": partnership, "agencies": agencies, "invitations": invitations.select_related("agency")}
    return render(request, "agencies/people.html", context)


@require_http_methods(FORM_METHODS)
def agency_create(request, slug):
    partnership = access.get_partnership_for_manager(request.user, slug)
    form = AgencyForm(request.POST or None)
    if form.is_valid() and _apply(
        form, services.agency_create, actor=request.user, partnership=partnership, **form.cleaned_data
    ):
        messages.success(request, f"{form.cleaned_data['name']} added.")
        return redirect("agencies:people", slug=slug)
    return _form_page(request, form, title="Add an agency", submit="Add the agency", partnership=partnership)


@require_http_methods(FORM_METHODS)
def invite(request, slug):
    partnership = access.get_partnership_for_manager(request.user, slug)
    roles = access.grantable_roles(request.user)
    form = InviteForm(request.POST or None, partnership=partnership, roles=roles)
    if form.is_valid() and _apply(
        form,
        services.invitation_send,
        actor=request.user,
        base_url=request.build_absolute_uri("/"),
        **form.cleaned_data,
    ):
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("agencies:people", slug=slug)
    intro = "They receive an email with a link, valid once, to choose their password."
    return _form_page(
        request, form, title="Invite someone", submit="Send the invitation", partnership=partnership, intro=intro
    )


@require_http_methods(FORM_METHODS)
def member_edit(request, slug, pk):
    partnership = access.get_partnership_for_manager(request.user, slug)
    membership = access.get_membership_for_manager(request.user, partnership, pk)
    access.require_can_grant(request.user, role=membership.role, membership=membership)
    initial = {"agency": membership.agency, "role": membership.role, "job_title": membership.job_title}
    form = MemberForm(
        request.POST or None, initial=initial, partnership=partnership, roles=access.grantable_roles(request.user)
    )
    if form.is_valid() and _apply(
        form, services.membership_change, actor=request.user, membership=membership, **form.cleaned_data
    ):
        messages.success(request, f"{membership.user.get_full_name() or membership.user.username} updated.")
        return redirect("agencies:people", slug=slug)
    title = f"Change {membership.user.get_full_name() or membership.user.username}'s agency or role"
    return _form_page(request, form, title=title, submit="Save", partnership=partnership)


@require_POST
def member_active(request, slug, pk):
    partnership = access.get_partnership_for_manager(request.user, slug)
    membership = access.get_membership_for_manager(request.user, partnership, pk)
    active = request.POST.get("active") == "1"
    user = services.account_set_active(actor=request.user, membership=membership, active=active)
    name = user.get_full_name() or user.username
    messages.success(request, f"{name} can sign in again." if active else f"{name} can no longer sign in.")
    return redirect("agencies:people", slug=slug)


@require_safe
def history(request, slug):
    partnership = access.get_partnership_for_manager(request.user, slug)
    events = MembershipEvent.objects.filter(partnership=partnership).select_related("actor", "subject")[:500]
    return render(request, "agencies/history.html", {"partnership": partnership, "events": events})


@login_not_required
@require_http_methods(FORM_METHODS)
def accept(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as exc:
        return render(request, "agencies/invitation_invalid.html", {"reason": str(exc)}, status=410)
    form = AcceptForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                token=token, first_name=data["first_name"], last_name=data["last_name"], password=data["password1"]
            )
        except services.InvitationError as exc:
            return render(request, "agencies/invitation_invalid.html", {"reason": str(exc)}, status=410)
        login(request, user, backend=backends.PATH)
        messages.success(request, f"Welcome. Your username is {user.username}.")
        return redirect("home")
    context = {"form": form, "invitation": invitation}  # never the token: a template's debug log lists its context
    context.update(sso=sso.enabled(), sso_name=settings.OIDC_PROVIDER_NAME)
    return render(request, "agencies/accept.html", context, status=400 if form.errors else 200)
