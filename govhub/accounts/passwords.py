"""A password change on any route revokes the person's API tokens.

Django tells every configured password validator when a password has been saved
(`password_changed`, called by `AbstractBaseUser.save()` after `set_password`): the one hook
that allauth's change and reset, the admin's password form and `changepassword` all pass
through. A receiver of allauth's signals alone missed the last two.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govhub.accounts.actions import tokens_revoke_all


class RevokeTokensOnPasswordChange:
    """Validates nothing; after a password is saved, revokes the person's active tokens."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        # Whoever learnt the old password may have made tokens with it.
        if user is not None and user.pk is not None:
            tokens_revoke_all(user=user, reason="password_change")

    def get_help_text(self) -> str:
        return _("Changing your password revokes your API tokens.")
