"""Who must use a second factor: staff, superusers, and whoever another app's rule names.

Another app (organisations: members of government bodies) registers a rule through
`accounts.api.mfa_rule_register`: a subquery over its own tables. Accounts then needs no import
of that app, and one query answers both "is this person privileged?" and "have they set up
TOTP?" for a session or a token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from govhub.core.api import Forbidden

# A rule takes a reference to the person's id and returns a condition (an Exists), or None
# when it does not apply (switched off by a setting).
MfaRule = Callable[[OuterRef], Any]
_RULES: dict[str, MfaRule] = {}


class MfaRequired(Forbidden):
    default_code = "mfa_required"


def mfa_required_error() -> MfaRequired:
    return MfaRequired(
        _(
            "Your account acts with privileges that need a second factor. Set up an "
            "authenticator app (Account, then two-factor authentication) and try again."
        )
    )


def mfa_rule_register(name: str, rule: MfaRule) -> None:
    """Name one more kind of privileged person (idempotent by name)."""
    _RULES[name] = rule


def mfa_annotations(user_ref: str) -> dict[str, Any]:
    """`mfa_privileged` and `mfa_enrolled` for a queryset whose person is at `user_ref`
    ("pk" for a User queryset, the foreign key's name otherwise)."""
    from allauth.mfa.models import Authenticator

    prefix = "" if user_ref == "pk" else f"{user_ref}__"
    privileged = Q(**{f"{prefix}is_staff": True}) | Q(**{f"{prefix}is_superuser": True})
    for rule in _RULES.values():
        condition = rule(OuterRef(user_ref))
        if condition is not None:
            privileged |= Q(condition)
    return {
        "mfa_privileged": Case(
            When(privileged, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        "mfa_enrolled": Exists(
            Authenticator.objects.filter(user=OuterRef(user_ref), type=Authenticator.Type.TOTP)
        ),
    }


@dataclass(frozen=True)
class MfaStatus:
    privileged: bool
    enrolled: bool

    @property
    def missing(self) -> bool:
        """Privileged without a second factor: must set one up before anything else."""
        return self.privileged and not self.enrolled


def mfa_status(user: Any) -> MfaStatus:
    """Whether the person is privileged and has TOTP (one query)."""
    from govhub.accounts.models import User

    # Annotations built from a dict are invisible to django-stubs' field check.
    annotated: Any = User.objects.filter(pk=user.pk).annotate(**mfa_annotations("pk"))
    row = annotated.values_list("mfa_privileged", "mfa_enrolled").first()
    return MfaStatus(*row) if row else MfaStatus(privileged=False, enrolled=False)
