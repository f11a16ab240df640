"""The account page: who you are, your second factor, your API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govhub.accounts.actions import token_create, token_revoke
from govhub.accounts.api import mfa_enabled
from govhub.accounts.forms import TokenCreateForm
from govhub.accounts.queries import token_list
from govhub.core.api import DomainError, signed_in


def _page(request: HttpRequest, form: TokenCreateForm, issued: object = None) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": token_list(user=request.user),  # type: ignore[arg-type]
            "issued": issued,
            "mfa_on": mfa_enabled(request.user),
        },
    )


@signed_in()  # own account only
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = token_create(
                actor=request.user,  # type: ignore[arg-type]
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            # Shown in this response only; never stored, never in a redirect or a session.
            response = _page(request, TokenCreateForm(), issued)
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, form)


@signed_in()  # own tokens only
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token_revoke(actor=request.user, token_id=token_id)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token was revoked."))
    return HttpResponseRedirect(reverse("accounts:profile"))
