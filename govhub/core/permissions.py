"""Access declarations: every view says who may use it (deny by default).

A view carries `govhub_access`, a short rule such as "public" or "authenticated" or
"organisation manager". `tests/test_url_permissions.py` walks every URL pattern and fails on
any view without one. Third-party views whose access the library itself enforces are listed
in `DELEGATED_ACCESS` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required

V = TypeVar("V", bound=Callable[..., Any])

PUBLIC = "public"
AUTHENTICATED = "authenticated"

# Module prefix -> who may use those views, and who enforces it.
DELEGATED_ACCESS: dict[str, str] = {
    "django.contrib.admin": "staff only, enforced by the Django admin site",
    "allauth.": "sign-in pages are public; account, MFA and connection pages require "
    "sign-in, enforced by django-allauth",
    "ninja.": "the API's routes, OpenAPI document and docs page are public; each operation "
    "declares its own auth (see test_url_permissions)",
    "django.contrib.contenttypes": "the admin's 'view on site' redirect to an object's public "
    "page; reveals nothing the page does not",
    "django.views.static": "static files in debug only",
    "django.contrib.staticfiles": "static files in debug only",
}


def declare(rule: str) -> Callable[[V], V]:
    """Mark a view with who may use it; the view must still enforce anything beyond public."""

    def decorator(view: V) -> V:
        view.govhub_access = rule  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: V) -> V:
    """Anyone, signed in or not."""
    return declare(PUBLIC)(view)


def signed_in(rule: str = AUTHENTICATED) -> Callable[[V], V]:
    """Signed-in people only (others are sent to sign in); `rule` names any further check."""

    def decorator(view: V) -> V:
        wrapped = login_required(view)
        wrapped.govhub_access = rule  # type: ignore[attr-defined]
        return wrapped

    return decorator


def access_of(callback: Any) -> str | None:
    """The declared rule of a URL callback (function or class-based view), if any."""
    rule = getattr(callback, "govhub_access", None)
    if rule is None and hasattr(callback, "view_class"):
        rule = getattr(callback.view_class, "govhub_access", None)
    if rule is None and _is_redirect(callback):
        return "public: a redirect, serves no content"
    if rule is None:
        inner = getattr(callback, "view_class", None) or getattr(callback, "func", callback)
        module = getattr(inner, "__module__", "") or ""
        for prefix, reason in DELEGATED_ACCESS.items():
            if module.startswith(prefix):
                return f"delegated: {reason}"
    return rule


def _is_redirect(callback: Any) -> bool:
    from django.views.generic import RedirectView

    view_class = getattr(callback, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, RedirectView)
