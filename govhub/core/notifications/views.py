"""A person's notifications page and their notification preferences."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhub.core.errors import DomainError
from govhub.core.notifications.actions import (
    notification_mark_read,
    notification_preferences_save,
)
from govhub.core.notifications.forms import PreferencesForm
from govhub.core.notifications.queries import notification_list, notification_preferences_get
from govhub.core.notifications.render import notification_subject
from govhub.core.permissions import signed_in

PAGE = 50


@signed_in()  # the signed-in person, own notifications only
@require_GET
def notification_list_view(request: HttpRequest) -> HttpResponse:
    rows = notification_list(viewer=request.user)
    before = request.GET.get("before", "")
    if before.isdigit():
        rows = rows.filter(pk__lt=int(before))
    page = list(rows[: PAGE + 1])
    language = get_language()
    items = [(n, notification_subject(n, language)) for n in page[:PAGE]]
    return render(
        request,
        "notifications/list.html",
        {
            "items": items,
            "older": page[PAGE - 1].pk if len(page) > PAGE else None,
            "any_unread": any(n.read_at is None for n, _ in items),
        },
    )


@signed_in()  # the signed-in person, own notifications only
@require_POST
def notification_read_view(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()]
    notification_mark_read(actor=request.user, notification_ids=ids or None)
    return HttpResponseRedirect(reverse("core:notifications"))


@signed_in()  # the signed-in person, own preferences only
@require_http_methods(["GET", "POST"])
def notification_preferences_view(request: HttpRequest) -> HttpResponse:
    current = notification_preferences_get(viewer=request.user)
    initial = {
        "email": current.email,
        "sms": current.sms,
        "in_app": current.in_app,
        "phone": current.phone,
        "language": current.language,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preferences_save(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            field = (exc.details or {}).get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your notification preferences were saved."))
            return HttpResponseRedirect(reverse("core:notification-preferences"))
    return render(request, "notifications/preferences.html", {"form": form})
