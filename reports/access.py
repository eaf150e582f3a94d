"""Who may read and prepare meetings, papers and the dashboard. Every reports view asks these helpers.

* every member of a partnership reads its meetings and its **issued** papers;
* a **draft** paper is the coordinator's alone, until it is issued;
* preparing, regenerating, issuing and deleting papers, and recording meetings, are the coordinator's;
* the **dashboard** is for the coordinator and the read-only chief officers (members have My actions);
* another partnership's meeting or paper answers 404, before any role check.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agencies.access import is_administrator, is_coordinator, membership_of, plan_is_archived, require_plan_manager

from .models import Meeting, Paper


def require_member(user):
    """The user's partnership, or 403 for someone who belongs to none."""
    membership = membership_of(user)
    if membership is None:
        raise PermissionDenied("You are not a member of a partnership.")
    return membership.agency.partnership


def can_read_dashboard(user):
    membership = membership_of(user)
    return bool(membership and (membership.is_coordinator or membership.is_reader))


def require_dashboard_reader(user):
    """The coordinator and the read-only chief officers see the whole plan; members have "My actions"."""
    if not can_read_dashboard(user):
        raise PermissionDenied("The dashboard is for the coordinator and chief officers.")
    return membership_of(user)


def can_prepare_papers(user):
    """The coordinator prepares papers and records meetings, until the plan is archived (a record: read-only)."""
    return is_coordinator(user) and not plan_is_archived(user)


def require_paper_preparer(user):
    """The partnership whose papers and meetings the coordinator prepares; 403 for anyone else, and on an archived
    plan."""
    return require_plan_manager(user).agency.partnership


def require_plan_archiver(user):
    """The partnership whose plan this user may archive or reopen: the coordinator's, or an administrator's own
    partnership; 403 for anyone else."""
    membership = membership_of(user)
    if membership is None or not (membership.is_coordinator or is_administrator(user)):
        raise PermissionDenied("Only the coordinator or an administrator archives or reopens the plan.")
    return membership.agency.partnership


def meetings_for_user(user):
    require_member(user)
    return Meeting.objects.for_user(user)


def papers_for_user(user):
    """The papers the user may read: all of the partnership's for the coordinator, the issued ones for others."""
    require_member(user)
    papers = Paper.objects.for_user(user)
    return papers if is_coordinator(user) else papers.issued()


def get_paper_for_user(request, pk, *, write=False, bodies=True):
    """The paper, if the user's partnership owns it (else 404). A draft is the coordinator's until it is issued;
    preparing, regenerating and issuing are the coordinator's alone (403 for anyone else); an issued paper is
    frozen (403 to any write). ``bodies=False`` leaves its content, HTML and PDF unread."""
    papers = Paper.objects.for_user(request.user).select_related("meeting", "partnership")
    papers = papers if bodies else papers.without_bodies()
    paper = get_object_or_404(papers, pk=pk)
    if not paper.is_issued and not is_coordinator(request.user):
        raise PermissionDenied("Only the coordinator prepares papers; others read them once issued.")
    if write and not can_prepare_papers(request.user):
        if plan_is_archived(request.user):
            raise PermissionDenied(paper.partnership.archived_message())
        raise PermissionDenied("Only the coordinator prepares papers; others read them once issued.")
    if write and paper.is_issued:
        raise PermissionDenied("This paper has been issued: it is frozen and cannot be changed.")
    return paper
