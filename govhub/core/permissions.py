"""Access declarations: every view says who may use it (deny by default).

A view carries `govhub_access`: "public", "authenticated" (any signed-in person; the view
acts on their own things only), or the dotted name of the `can_*` predicate that decides,
e.g. `signed_in(permissions.can_decide_gate)`. `tests/test_url_permissions.py` walks every
URL pattern and fails on any view without one, or whose rule does not name a real `can_*`
predicate. Third-party views whose access the library itself enforces are listed in
`DELEGATED_ACCESS` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.utils.module_loading import import_string

V = TypeVar("V", bound=Callable[..., Any])
Rule = Callable[..., bool] | str

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


def rule_name(rule: Rule) -> str:
    """A rule as declared: "public", "authenticated", or a predicate's dotted name."""
    if callable(rule):
        return f"{rule.__module__}.{rule.__qualname__}"
    return rule


def predicate_of(rule: str) -> Callable[..., bool] | None:
    """The `can_*` predicate a declared rule names, or None if it names none (a typo, free
    text, something that is not a `can_*` function)."""
    if rule in (PUBLIC, AUTHENTICATED) or "." not in rule:
        return None
    try:
        found = import_string(rule)
    except ImportError:
        return None
    name = getattr(found, "__name__", "")
    if not callable(found) or not name.startswith("can_"):
        return None
    return found  # type: ignore[no-any-return]


def declare(rule: Rule) -> Callable[[V], V]:
    """Mark a view with who may use it: `public`, `authenticated`, or the `can_*` predicate
    (or its dotted name) that decides; the view must still enforce it."""

    def decorator(view: V) -> V:
        view.govhub_access = rule_name(rule)  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: V) -> V:
    """Anyone, signed in or not."""
    return declare(PUBLIC)(view)


def signed_in(rule: Rule = AUTHENTICATED) -> Callable[[V], V]:
    """Signed-in people only (others are sent to sign in); `rule` is the `can_*` predicate
    the view checks beyond that, if any."""

    def decorator(view: V) -> V:
        return declare(rule)(login_required(view))

    return decorator


def is_own_rule(rule: str | None) -> bool:
    """A GovHub view's rule is public, authenticated, or names a real `can_*` predicate."""
    return rule in (PUBLIC, AUTHENTICATED) or (rule is not None and predicate_of(rule) is not None)


def api_access(rule: Rule) -> dict[str, Any]:
    """`openapi_extra` of an API operation that needs a token: the `can_*` predicate that
    decides beyond the token (or `authenticated`: any token, acting on its own things)."""
    return {"x-govhub-access": rule_name(rule)}


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
