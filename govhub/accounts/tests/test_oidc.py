"""Sign-in through the national e-ID, end to end, against a real OpenID Connect provider.

`oidc_provider.mjs` runs panva's oidc-provider on loopback. The test plays the browser twice:
towards the provider with `requests` (its sign-in and consent pages) and towards GovHub with
Django's test client. GovHub's own calls to the provider (discovery, token, userinfo) are
real HTTP over loopback.
"""

from __future__ import annotations

import html
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains

from govhub.accounts.models import User
from govhub.core.models import AuditEntry
from govhub.core.testing import free_port, require

pytestmark = [pytest.mark.oidc, pytest.mark.django_db]

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "govhub-test"
CLIENT_SECRET = "govhub-test-secret-0123456789"
# The test client's host; GovHub runs behind HTTPS, so every GovHub request is secure.
GOVHUB_ORIGIN = "https://testserver"
# The citizen `oidc_provider.mjs` knows.
CITIZEN_SUB = "KZ-880101-300123"
CITIZEN_EMAIL = "aigerim.nurlanova@example.org"
CITIZEN_NAME = "Aigerim Nurlanova"
STARTUP_SECONDS = 20.0


@dataclass(frozen=True)
class Eid:
    issuer: str
    redirect_uri: str


@pytest.fixture(scope="module")
def eid_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Eid]:
    """The e-ID provider process, listening on a free loopback port."""
    node = shutil.which("node")
    require(node is not None, "Node.js (`node` on PATH)")
    require(
        (settings.BASE_DIR / "node_modules" / "oidc-provider" / "package.json").is_file(),
        "the npm package oidc-provider (run `npm ci`)",
    )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    redirect_uri = GOVHUB_ORIGIN + reverse("openid_connect_callback", args=["eid"])
    stderr_path = tmp_path_factory.mktemp("oidc") / "stderr.log"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [str(node), str(SCRIPT)],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "OIDC_PORT": str(port),
                "OIDC_ISSUER": issuer,
                "OIDC_CLIENT_ID": CLIENT_ID,
                "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "OIDC_REDIRECT_URI": redirect_uri,
            },
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        _wait_until_ready(process, issuer, stderr_path)
        yield Eid(issuer=issuer, redirect_uri=redirect_uri)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_until_ready(process: subprocess.Popen[str], issuer: str, stderr_path: Path) -> None:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        # Keeps draining stdout for the provider's whole life, so the pipe never fills.
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.strip())

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if lines.get(timeout=0.1) == f"READY {issuer}":
                return
        except queue.Empty:
            if process.poll() is not None:
                break
    process.kill()
    pytest.fail(
        f"the OIDC provider did not start (exit code {process.poll()}):\n"
        + stderr_path.read_text(errors="replace")
    )


@pytest.fixture
def eid(eid_provider: Eid, monkeypatch: pytest.MonkeyPatch) -> Iterator[Eid]:
    """GovHub configured for the e-ID, exactly as config/settings.py does from the environment."""
    # A proxy from the environment must never see loopback traffic.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    providers = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "eid",
                    "name": "National e-ID",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": eid_provider.issuer},
                }
            ],
        }
    }
    with override_settings(OIDC_SERVER_URL=eid_provider.issuer, SOCIALACCOUNT_PROVIDERS=providers):
        yield eid_provider


def _browse(eid: Eid, browser: requests.Session, url: str, **form: str) -> requests.Response:
    """One navigation at the provider (a GET, or a POST of `form`): follow the provider's own
    redirects, stop at the first redirect that leaves it."""
    method = "POST" if form else "GET"
    response = browser.request(method, url, data=form or None, allow_redirects=False, timeout=10)
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if not location.startswith(eid.issuer + "/"):
            break
        response = browser.get(location, allow_redirects=False, timeout=10)
    return response


def _form_action(page: requests.Response, prompt: str) -> str:
    """The action of the provider's one form, which must be the form for `prompt`."""
    assert page.status_code == 200, page.text
    actions = re.findall(r'<form[^>]* action="([^"]+)"', page.text)
    assert len(actions) == 1, page.text
    assert f'name="prompt" value="{prompt}"' in page.text
    return urljoin(page.url, html.unescape(actions[0]))


def _sign_in_at_eid(eid: Eid, govhub: Client) -> str:
    """The citizen chooses the e-ID on GovHub, signs in and consents at the provider.
    Returns the URL the provider sends the browser back to."""
    start = govhub.post(reverse("openid_connect_login", args=["eid"]), secure=True)
    assert start.status_code == 302
    authorize_url = start["Location"]
    assert authorize_url.startswith(f"{eid.issuer}/auth?")
    request = parse_qs(urlsplit(authorize_url).query)
    assert request["client_id"] == [CLIENT_ID]
    assert request["redirect_uri"] == [eid.redirect_uri]
    assert request["response_type"] == ["code"]
    assert sorted(request["scope"][0].split(" ")) == ["email", "openid", "profile"]
    assert request["code_challenge_method"] == ["S256"]

    browser = requests.Session()
    browser.trust_env = False
    login_page = _browse(eid, browser, authorize_url)
    consent_page = _browse(
        eid,
        browser,
        _form_action(login_page, "login"),
        prompt="login",
        login=CITIZEN_SUB,
        password="any password",
    )
    back = _browse(eid, browser, _form_action(consent_page, "consent"), prompt="consent")
    assert back.is_redirect, back.text
    return str(back.headers["Location"])


def _callback_path(url: str) -> str:
    """The path and query of a GovHub URL, checked to be GovHub's e-ID callback."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == GOVHUB_ORIGIN
    assert parts.path == reverse("openid_connect_callback", args=["eid"])
    return f"{parts.path}?{parts.query}"


def _verbs() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("verb", flat=True))


def test_citizen_signs_up_and_in_through_the_e_id(eid: Eid) -> None:
    # given
    govhub = Client()
    callback_url = _sign_in_at_eid(eid, govhub)
    # when
    response = govhub.get(_callback_path(callback_url), secure=True)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:mine")
    user = User.objects.get()
    assert user.email == CITIZEN_EMAIL
    assert user.full_name == CITIZEN_NAME
    assert govhub.session[SESSION_KEY] == str(user.pk)
    account = SocialAccount.objects.get()
    assert (account.provider, account.uid, account.user_id) == ("eid", CITIZEN_SUB, user.pk)
    assert account.extra_data["userinfo"] == {
        "sub": CITIZEN_SUB,
        "email": CITIZEN_EMAIL,
        "email_verified": True,
        "name": CITIZEN_NAME,
        "given_name": "Aigerim",
        "family_name": "Nurlanova",
    }
    email = EmailAddress.objects.get()
    assert (email.user_id, email.email, email.verified, email.primary) == (
        user.pk,
        CITIZEN_EMAIL,
        True,
        True,
    )
    assert _verbs() == ["user.sign_up", "user.sign_in"]
    sign_up = AuditEntry.objects.get(verb="user.sign_up")
    assert (sign_up.actor_id, sign_up.changes) == (user.pk, {"via": "eid"})


def test_callback_with_a_forged_state_signs_nobody_in(eid: Eid) -> None:
    # given: a genuine authorisation code, but a state GovHub never issued
    govhub = Client()
    callback_url = _sign_in_at_eid(eid, govhub)
    query = parse_qs(urlsplit(_callback_path(callback_url)).query)
    assert sorted(query) == ["code", "iss", "state"]
    forged = {"code": query["code"][0], "iss": query["iss"][0], "state": "forged-state"}
    # when
    response = govhub.get(
        f"{reverse('openid_connect_callback', args=['eid'])}?{urlencode(forged)}", secure=True
    )
    # then
    assertContains(response, "Third-Party Login Failure", status_code=401)
    assert SESSION_KEY not in govhub.session
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    assert _verbs() == []


def test_sign_in_page_offers_the_e_id(eid: Eid) -> None:
    # when
    response = Client().get(reverse("account_login"), secure=True)
    # then
    login_url = reverse("openid_connect_login", args=["eid"])
    assertContains(
        response,
        f'<a title="National e-ID" href="{login_url}?process=login">National e-ID</a>',
        html=True,
    )
