"""The demo's government and staff users sign in with the password and a code computed from
the secret the README publishes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[3] / "README.md"


def _readme_code() -> str:
    """Run the README's one-line code printer, exactly as written there."""
    text = README.read_text()
    command = re.search(r"^python3 -c '(.+)'$", text, re.MULTILINE)
    assert command is not None
    result = subprocess.run(
        [sys.executable, "-c", command.group(1)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@override_settings(GOVHUB_DEMO=True)
@pytest.mark.parametrize(
    ("email", "landing"),
    [("ministry_agency@demo.example", "/account/"), ("admin@demo.example", "/admin/")],
)
def test_a_demo_government_or_staff_user_signs_in_with_the_readmes_secret(email, landing):
    # given: the demo, and the secret the README gives
    call_command("demo")
    secret = re.search(r"\*\*`([A-Z2-7]{16,})`\*\* \(base32", README.read_text())
    assert secret is not None
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    stored = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    assert decrypt(stored.data["secret"]) == secret.group(1)
    client = Client()
    # when: password, then the code
    first = client.post("/accounts/login/", {"login": email, "password": "govhub-demo-2026"})
    assert first["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": _readme_code()})
    # then: signed in, and past the second-factor check
    assert client.session["_auth_user_id"]
    assert client.get(landing).status_code == 200


@override_settings(GOVHUB_DEMO=True)
def test_demo_business_and_citizen_users_have_no_second_factor():
    from allauth.mfa.models import Authenticator

    call_command("demo")
    with_totp = set(Authenticator.objects.values_list("user__email", flat=True))
    assert with_totp == {
        "higher_body@demo.example",
        "ministry_agency@demo.example",
        "local_body@demo.example",
        "admin@demo.example",
    }
