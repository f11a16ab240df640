"""Who must use a second factor: staff, superusers, and whoever another app's rule names.

Another app (organisations: members of government bodies) registers a rule through
`accounts.api.mfa_rule_register`: a subquery over its own tables. Accounts then needs no import
of that app, and one query answers both "is this person privileged?" and "have they set up
TOTP?" for a session or a token.

The query runs on every signed-in request and every API call, so its SQL is built by the ORM
once (per database and set of rules in force) and then executed directly: building it through
the ORM each time cost 2.3 ms a call on SQLite, running it costs about 15 µs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from govhub.core.api import Forbidden

# A rule takes a reference to the person's id and returns a condition (an Exists); `applies`
# says whether it is in force (a setting may switch it off).
MfaRule = Callable[[OuterRef], Any]


@dataclass(frozen=True)
class _Rule:
    condition: MfaRule
    applies: Callable[[], bool]


_RULES: dict[str, _Rule] = {}
# (database alias, rules in force) -> (SQL, parameters with a placeholder for the person's id)
_SQL: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[Any, ...]]] = {}
_PERSON = -(2**62) - 7  # a placeholder that no real id or other parameter equals


class MfaRequired(Forbidden):
    default_code = "mfa_required"


def mfa_required_error() -> MfaRequired:
    return MfaRequired(
        _(
            "Your account acts with privileges that need a second factor. Set up an "
            "authenticator app (Account, then two-factor authentication) and try again."
        )
    )


def mfa_rule_register(
    name: str, condition: MfaRule, *, applies: Callable[[], bool] = lambda: True
) -> None:
    """Name one more kind of privileged person (idempotent by name)."""
    _RULES[name] = _Rule(condition, applies)
    _SQL.clear()


def mfa_rules_in_force() -> tuple[str, ...]:
    """The names of the rules that apply now (part of every prebuilt MFA query's key)."""
    return tuple(name for name, rule in sorted(_RULES.items()) if rule.applies())


def mfa_annotations(user_ref: str, rules: tuple[str, ...] | None = None) -> dict[str, Any]:
    """`mfa_privileged` and `mfa_enrolled` for a queryset whose person is at `user_ref`
    ("pk" for a User queryset, the foreign key's name otherwise)."""
    from allauth.mfa.models import Authenticator

    prefix = "" if user_ref == "pk" else f"{user_ref}__"
    privileged = Q(**{f"{prefix}is_staff": True}) | Q(**{f"{prefix}is_superuser": True})
    for name in mfa_rules_in_force() if rules is None else rules:
        privileged |= Q(_RULES[name].condition(OuterRef(user_ref)))
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


def _status_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    from govhub.accounts.models import User

    rules = mfa_rules_in_force()
    key = (alias, rules)
    if key not in _SQL:
        # Annotations built from a dict are invisible to django-stubs' field check.
        annotated: Any = (
            User.objects.using(alias).filter(pk=_PERSON).annotate(**mfa_annotations("pk", rules))
        )
        query = annotated.values_list("mfa_privileged", "mfa_enrolled").query
        sql, params = query.sql_with_params()
        _SQL[key] = (sql, tuple(params))
    return _SQL[key]


def mfa_status(user: Any) -> MfaStatus:
    """Whether the person is privileged and has TOTP (one query)."""
    from govhub.accounts.models import User

    alias = router.db_for_read(User)
    sql, params = _status_sql(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _PERSON else p for p in params])
        row = cursor.fetchone()
    if row is None:
        return MfaStatus(privileged=False, enrolled=False)
    return MfaStatus(privileged=bool(row[0]), enrolled=bool(row[1]))
