"""Shared steps of the programme browser tests: sign in (with the TOTP code for government
members), switch language with the site's own link."""

from __future__ import annotations

import time
from typing import Any

PASSWORD = "correct-horse-battery"  # the accounts factory's password
DARI = "fa-af"


def sign_in(page: Any, email: str) -> None:
    """Sign in through the real form (by field names: the page may be in any language)."""
    page.goto("/accounts/login/")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()


def sign_in_with_totp(page: Any, person: Any) -> None:
    """A government member: password, then the current code of their authenticator."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from govhub.accounts.tests.factories import totp_enable

    secret = totp_enable(person)  # the factory gave government members one already
    sign_in(page, person.email)
    assert page.url.endswith("/accounts/2fa/authenticate/")
    page.locator("input[name='code']").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.locator("main button[type='submit']").first.click()
    page.wait_for_load_state()
    assert not page.url.endswith("/accounts/2fa/authenticate/")


def in_language(page: Any, code: str, path: str) -> None:
    """Switch language with the site's own link, landing on `path`."""
    page.goto(f"/language/?lang={code}&next={path}")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == (
        code,
        "rtl" if code == DARI else "ltr",
    )
