"""The officials' pages: create and edit a service, publish, withdraw, add news."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govhub.core.api import DomainError, signed_in
from govhub.organisations.api import organisation_names
from govhub.services import actions, permissions, queries
from govhub.services.forms import (
    EvidenceFormSet,
    LegalBasisFormSet,
    NewsForm,
    ServiceForm,
    WithdrawForm,
    service_initial,
    service_input,
)
from govhub.services.models import Service


def _authorities(user: Any) -> list[tuple[int, str]]:
    ids = permissions.official_authorities(user)
    names = organisation_names(ids, get_language())
    return sorted(((i, names[i]) for i in ids if i in names), key=lambda c: c[1].casefold())


def _editable(request: HttpRequest, identifier: str) -> Service:
    service = permissions.access_service(request.user, identifier)
    if not permissions.can_edit_service(request.user, service):
        raise PermissionDenied
    return service


def _edit_page(request: HttpRequest, service: Service | None) -> HttpResponse:
    post = request.POST if request.method == "POST" else None
    form = ServiceForm(
        post,
        initial=service_initial(service) if service else None,
        authorities=_authorities(request.user)
        if service is None
        else [(service.authority_id, service.authority.display_name())],
        events=queries.event_list(),
        editing=service is not None,
    )
    laws = LegalBasisFormSet(post, prefix="laws", initial=service.legal_basis if service else None)
    evidence = EvidenceFormSet(
        post, prefix="evidence", initial=service.evidence if service else None
    )
    if post is not None and form.is_valid() and laws.is_valid() and evidence.is_valid():
        data = service_input(form, laws, evidence)
        try:
            if service is None:
                saved = actions.service_create(actor=request.user, data=data)
            else:
                saved = actions.service_update(actor=request.user, service_id=service.pk, data=data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The service was saved."))
            return HttpResponseRedirect(reverse("services:detail", args=[saved.identifier]))
    return render(
        request,
        "services/form.html",
        {"form": form, "laws": laws, "evidence": evidence, "service": service},
        status=400 if post is not None else 200,
    )


@signed_in(permissions.can_create_service)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_service(request.user):
        raise PermissionDenied
    return _edit_page(request, None)


@signed_in(permissions.can_edit_service)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, identifier: str) -> HttpResponse:
    return _edit_page(request, _editable(request, identifier))


@signed_in(permissions.can_edit_service)
@require_POST
def publish(request: HttpRequest, identifier: str) -> HttpResponse:
    service = _editable(request, identifier)
    try:
        actions.service_publish(actor=request.user, service_id=service.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The service is published."))
    return HttpResponseRedirect(reverse("services:detail", args=[service.identifier]))


@signed_in(permissions.can_edit_service)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, identifier: str) -> HttpResponse:
    service = _editable(request, identifier)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.service_withdraw(
                actor=request.user, service_id=service.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The service was withdrawn; it stays in the archive."))
            return HttpResponseRedirect(reverse("services:detail", args=[service.identifier]))
    return render(
        request,
        "services/withdraw.html",
        {"service": service, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@signed_in(permissions.can_edit_service)
@require_http_methods(["GET", "POST"])
def news_add(request: HttpRequest, identifier: str) -> HttpResponse:
    service = _editable(request, identifier)
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.service_news_add(
                actor=request.user,
                service_id=service.pk,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The news entry was added."))
            return HttpResponseRedirect(reverse("services:detail", args=[service.identifier]))
    return render(
        request,
        "services/news_form.html",
        {"service": service, "form": form},
        status=400 if request.method == "POST" else 200,
    )
