"""Directory, public profile and the managers' pages of organisations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhub.core.api import (
    MAX_CURSOR_LENGTH,
    DomainError,
    anonymous_page_cache,
    audit_list,
    list_page,
    list_query,
    public,
    signed_in,
)
from govhub.organisations import actions, permissions, queries
from govhub.organisations.data import OrganisationInput
from govhub.organisations.forms import (
    DirectoryFilterForm,
    MembershipForm,
    OrganisationForm,
    OrganisationProfileForm,
    ReclassifyForm,
    RoleForm,
)
from govhub.organisations.kinds import Kind, Sector, Subtype
from govhub.organisations.models import Organisation, Role

PAGE_SIZE = 50
# What a directory row shows; loading only these halves the time spent building objects.
DIRECTORY_FIELDS = (
    "id",
    "name",
    "name_translations",
    "kind",
    "sector",
    "subtype",
    "parent__id",
    "parent__name",
    "parent__name_translations",
)


@public
@require_GET
@anonymous_page_cache(
    seconds=600,
    key=lambda request: _directory_key(request),
    version=lambda request: queries.directory_version(),
)
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    organisations = queries.organisation_list(
        sector=filters.get("sector", ""),
        kind=filters.get("kind", ""),
        search=filters.get("q", ""),
        language=get_language() or "",
    )
    page = list_page(organisations.only(*DIRECTORY_FIELDS), request.GET, PAGE_SIZE)
    return render(
        request,
        "organisations/directory.html",
        {
            "form": form,
            "filters": _filter_fields(form, filters),
            "page": page,
            "rows": _rows(page.object_list),
            "query": list_query(request.GET),
        },
    )


def _directory_key(request: HttpRequest) -> str:
    """The page's identity: its valid filters and place in the list, nothing else from the URL.

    (Checked by hand, not by building the form: this runs on every anonymous view.)
    """
    sector = request.GET.get("sector", "")
    kind = request.GET.get("kind", "")
    after, before = request.GET.get("after", ""), request.GET.get("before", "")
    return "|".join(
        [
            request.path,
            request.GET.get("q", "").strip()[:100],
            sector if sector in Sector.values else "",
            kind if kind in Kind.values else "",
            after if len(after) <= MAX_CURSOR_LENGTH else "",
            before if len(before) <= MAX_CURSOR_LENGTH else "",
        ]
    )


def _filter_fields(form: DirectoryFilterForm, chosen: dict[str, Any]) -> list[dict[str, Any]]:
    """The two select filters as plain data (Django's widget templates cost 5 ms a page)."""
    return [
        {
            "name": name,
            "label": form.fields[name].label,
            "options": [
                (value, str(label), value == chosen.get(name, ""))
                for value, label in form.fields[name].choices  # type: ignore[attr-defined]
            ],
        }
        for name in ("sector", "kind")
    ]


@dataclass(frozen=True)
class DirectoryRow:
    url: str
    name: str
    sector: str
    kind: str
    subtype: str
    parent: str


def _rows(organisations: list[Organisation]) -> list[DirectoryRow]:
    """Plain rows for the directory table: labels resolved once per page, not once per cell.

    (Django's `get_FOO_display` and `{% url %}` per row made up most of the page's time.)
    """
    language = get_language() or ""
    sectors = {k: str(v) for k, v in Sector.choices}
    kinds = {k: str(v) for k, v in Kind.choices}
    subtypes = {k: str(v) for k, v in Subtype.choices}
    base = reverse("organisations:directory")
    return [
        DirectoryRow(
            url=f"{base}{org.pk}/",
            name=org.display_name(language),
            sector=sectors[org.sector],
            kind=kinds[org.kind],
            subtype=subtypes.get(org.subtype, ""),
            parent=org.parent.display_name(language) if org.parent else "",
        )
        for org in organisations
    ]


@public
@require_GET
def detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = permissions.access_organisation(request.user, organisation_id)
    can_see_members = permissions.can_view_members(request.user, organisation)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "children": queries.organisation_children(organisation),
            "members": queries.membership_list(organisation) if can_see_members else None,
            "can_manage": permissions.can_manage_organisation(request.user, organisation),
            "can_reclassify": permissions.can_reclassify_organisation(request.user),
        },
    )


def _input(form: OrganisationForm, organisation: Organisation | None = None) -> OrganisationInput:
    data = form.cleaned_data
    # The profile form has no kind or parent: they stay what the registry says.
    return OrganisationInput(
        name=data["name"],
        kind=data["kind"] if organisation is None else organisation.kind,
        subtype=data["subtype"] or "",
        parent_id=data["parent_id"] if organisation is None else organisation.parent_id,
        name_translations=form.name_translations(),
        description=data["description"],
        contact_email=data["contact_email"],
        phone=data["phone"],
        address=data["address"],
        website=data["website"],
    )


@signed_in(permissions.can_create_organisation)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    raw_parent = request.POST.get("parent_id") if request.method == "POST" else None
    raw_parent = raw_parent or request.GET.get("parent") or ""
    parent = _parent_or_none(request, raw_parent)
    kinds = permissions.creatable_kinds(request.user, parent)
    form = OrganisationForm(
        request.POST or None,
        initial={"parent_id": parent.pk if parent else None},
        kinds=kinds,
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.organisation_create(actor=request.user, data=_input(form))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The organisation was created."))
            return HttpResponseRedirect(reverse("organisations:detail", args=[organisation.pk]))
    return render(
        request,
        "organisations/form.html",
        {"form": form, "organisation": None, "parent": parent, "may_create": bool(kinds)},
    )


def _parent_or_none(request: HttpRequest, raw: str) -> Organisation | None:
    """The parent named in the form or URL, if it is a number of an organisation one may see."""
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 18:
        return None
    try:
        return permissions.access_organisation(request.user, int(raw))
    except Http404:
        return None


@signed_in(permissions.can_reclassify_organisation)
@require_http_methods(["GET", "POST"])
def reclassify(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = permissions.access_organisation(request.user, organisation_id)
    if not permissions.can_reclassify_organisation(request.user):
        raise PermissionDenied
    form = ReclassifyForm(
        request.POST or None,
        initial={
            "kind": organisation.kind,
            "subtype": organisation.subtype,
            "parent_id": organisation.parent_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.organisation_reclassify(
                actor=request.user,
                organisation_id=organisation.pk,
                kind=data["kind"],
                subtype=data["subtype"] or "",
                parent_id=data["parent_id"],
                reason=data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The kind, type and parent were changed."))
            return HttpResponseRedirect(reverse("organisations:detail", args=[organisation.pk]))
    return render(
        request, "organisations/reclassify.html", {"organisation": organisation, "form": form}
    )


def _managed(request: HttpRequest, organisation_id: int) -> Organisation:
    organisation = permissions.access_organisation(request.user, organisation_id)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    return organisation


def _initial(organisation: Organisation) -> dict[str, Any]:
    initial: dict[str, Any] = {
        f: getattr(organisation, f)
        for f in OrganisationInput.__dataclass_fields__
        if f != "name_translations"
    }
    for code, text in (organisation.name_translations or {}).items():
        initial[f"name_{code}"] = text
    return initial


@signed_in(permissions.can_manage_organisation)
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _managed(request, organisation_id)
    form = OrganisationProfileForm(request.POST or None, initial=_initial(organisation))
    member_form = MembershipForm()
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        changes = {
            k: v
            for k, v in vars(_input(form, organisation)).items()
            if _initial(organisation).get(k) != v
        }
        if "name_translations" in changes and changes["name_translations"] == (
            organisation.name_translations or {}
        ):
            changes.pop("name_translations")
        try:
            actions.organisation_update(
                actor=request.user, organisation_id=organisation.pk, changes=changes
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The profile was saved."))
            return HttpResponseRedirect(reverse("organisations:manage", args=[organisation.pk]))
    return render(
        request,
        "organisations/manage.html",
        {
            "organisation": organisation,
            "form": form,
            "member_form": member_form,
            "members": queries.membership_list(organisation),
            "roles": Role.choices,
            "invitations": [
                (invitation, invitation.is_open(now))
                for invitation in queries.invitation_list(organisation)
            ],
        },
    )


@signed_in(permissions.can_manage_organisation)
@require_POST
def member_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Invite a person: the same answer whether or not the address has an account."""
    organisation = _managed(request, organisation_id)
    form = MembershipForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            actions.invitation_create(
                actor=request.user,
                organisation_id=organisation.pk,
                email=email,
                role=form.cleaned_data["role"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "An invitation was sent to %(email)s. The person becomes a member when "
                    "they accept it."
                )
                % {"email": email},
            )
    else:
        messages.error(request, _("Enter an email address and a role."))
    return HttpResponseRedirect(reverse("organisations:manage", args=[organisation.pk]))


@signed_in(permissions.can_manage_organisation)
@require_POST
def member_role(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    organisation = _managed(request, organisation_id)
    if not organisation.memberships.filter(pk=membership_id).exists():
        raise Http404
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        try:
            actions.membership_change_role(
                actor=request.user, membership_id=membership_id, role=form.cleaned_data["role"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The role was changed."))
    return HttpResponseRedirect(reverse("organisations:manage", args=[organisation.pk]))


@signed_in(permissions.can_manage_organisation)
@require_POST
def invitation_revoke(
    request: HttpRequest, organisation_id: int, invitation_id: int
) -> HttpResponse:
    organisation = _managed(request, organisation_id)
    if not organisation.invitations.filter(pk=invitation_id).exists():
        raise Http404
    try:
        actions.invitation_revoke(actor=request.user, invitation_id=invitation_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return HttpResponseRedirect(reverse("organisations:manage", args=[organisation.pk]))


@signed_in(permissions.can_answer_invitation)
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person accepts or declines, signed in with the address it was sent to."""
    try:
        found = actions.invitation_get(actor=request.user, token=token)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        return render(
            request,
            "organisations/invitation.html",
            {"invitation": None, "error": exc.message},
            status=exc.status,
        )
    error = ""
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            if decision == "accept":
                actions.invitation_accept(actor=request.user, token=token)
                messages.success(request, _("Welcome: you are now a member."))
                return HttpResponseRedirect(
                    reverse("organisations:detail", args=[found.organisation_id])
                )
            if decision == "decline":
                actions.invitation_decline(actor=request.user, token=token)
                messages.success(request, _("You declined the invitation."))
                return HttpResponseRedirect(reverse("core:home"))
            error = _("Choose to accept or to decline.")
        except DomainError as exc:
            error = exc.message
        found.refresh_from_db()
    return render(
        request,
        "organisations/invitation.html",
        {
            "invitation": found,
            "error": error,
            "is_open": found.is_open(),
            # Said before the person clicks: administrators may only decline.
            "may_join": not (request.user.is_staff or request.user.is_superuser),
        },
        status=400 if error else 200,
    )


@signed_in(permissions.can_manage_organisation)
@require_POST
def member_remove(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    organisation = _managed(request, organisation_id)
    if not organisation.memberships.filter(pk=membership_id).exists():
        raise Http404
    try:
        actions.membership_remove(actor=request.user, membership_id=membership_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The member was removed."))
    return HttpResponseRedirect(reverse("organisations:manage", args=[organisation.pk]))


@signed_in(permissions.can_manage_organisation)
@require_GET
def audit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _managed(request, organisation_id)
    entries = audit_list(organisation_id=organisation.pk, about=organisation)
    page = list_page(entries, request.GET, 50)
    return render(
        request,
        "organisations/audit.html",
        {"organisation": organisation, "page": page, "query": list_query(request.GET)},
    )
