"""Sign-in limits and one-time codes hold across workers (issue 8, item 3).

Each gunicorn worker has its own local memory. `_new_worker()` gives the next request what a
different worker would see: empty local-memory caches and fresh cache connections. A counter
or mark that survives it lives in the shared store.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from asgiref.local import Local
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.db import connection
from django.test import Client

from govhub.accounts import throttle
from govhub.core.security_cache import security_cache
from govhub.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _empty_security_store(db: Any) -> None:
    security_cache().clear()  # inside the test's transaction, so undone after it


def _local_stores() -> list[dict[Any, Any]]:
    """Local memory's module-level dictionaries: what one worker process keeps to itself."""
    return [getattr(locmem, name) for name in ("_caches", "_expire_info", "_locks")]


def _new_worker() -> None:
    for store in _local_stores():
        store.clear()
    caches._connections = Local(caches.thread_critical)  # type: ignore[attr-defined]


def _sign_in(email: str, password: str = PASSWORD, *, address: str = "192.0.2.10", **extra: Any):
    client = Client(REMOTE_ADDR=address, **extra)
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return client, response


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _current_code(secret: str) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The back-off's clock, moved forward by `clock.advance(seconds)`."""

    class Clock:
        now = time.time()

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(throttle, "_now", lambda: fake.now)
    return fake


def test_wrong_passwords_are_counted_across_workers(user):
    # given: five wrong passwords, each served by another worker
    for _ in range(5):
        _new_worker()
        _sign_in(user.email, "wrong-password")
    # when: the right password comes next, at yet another worker
    _new_worker()
    client, response = _sign_in(user.email)
    # then: the account's back-off holds there too
    assert not _signed_in(client)
    assert "Too many failed login attempts. Try again in 30 seconds." in response.content.decode()


def test_counters_live_in_the_database_cache_table(user):
    # when
    _sign_in(user.email, "wrong-password")
    # then: rows in the table `govhub migrate` made, none in local memory
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM govhub_cache")
        keys = sorted(row[0] for row in cursor.fetchall())
    assert [key.split(":")[2:5] for key in keys] == [
        ["allauth", "rl", "allauth.account"],  # sign-ins per address
        ["allauth", "rl", "allauth.account"],  # failures per address
        ["govhub", "backoff", "account"],
        ["govhub", "backoff", "address"],
    ]
    assert all(not store for store in _local_stores()[0].values())


def test_a_totp_code_signs_in_once_across_workers(ministry):
    # given: a government member with TOTP, signed in once with the current code
    member = MembershipFactory(organisation=ministry, totp=False).user
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    code = _current_code(secret)
    first, _ = _sign_in(member.email)
    first.post("/accounts/2fa/authenticate/", {"code": code})
    assert _signed_in(first)
    # when: the same code is tried again through another worker
    _new_worker()
    second, _ = _sign_in(member.email)
    response = second.post("/accounts/2fa/authenticate/", {"code": code})
    # then
    assert not _signed_in(second)
    assert response.status_code == 200


def test_wrong_totp_codes_are_counted_across_workers(ministry):
    # given: five wrong codes, each at another worker
    member = MembershipFactory(organisation=ministry, totp=False).user
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    for _ in range(5):
        _new_worker()
        client, _ = _sign_in(member.email)
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    # when: the right code comes next
    _new_worker()
    client, _ = _sign_in(member.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    # then: the per-person limit on codes holds
    assert not _signed_in(client)
    assert "Too many" in response.content.decode()


def test_forwarded_for_is_ignored_without_a_trusted_proxy(user, settings):
    # given: no trusted proxy; a client invents a new X-Forwarded-For for each try
    settings.GOVHUB_TRUSTED_PROXIES = []
    for n in range(5):
        _sign_in(user.email, "wrong", address="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    # when
    client, _ = _sign_in(user.email, address="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.99")
    # then: all five counted against the connecting address, which now waits
    assert not _signed_in(client)


def test_forwarded_for_is_honoured_from_a_trusted_proxy(user, settings):
    # given: five failures from one client behind the trusted proxy
    settings.GOVHUB_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(5):
        _sign_in(user.email, "wrong", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    # when: the person signs in from another client behind the same proxy
    client, _ = _sign_in(user.email, address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    # then
    assert _signed_in(client)


def test_a_flood_of_random_emails_does_not_lock_out_another_person(user, settings):
    # given: the production per-address limit, and 70 failures with random emails from one
    # client, all through the trusted proxy (as every request reaches gunicorn)
    settings.GOVHUB_TRUSTED_PROXIES = [PROXY]
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "20/m/ip,5/5m/key",
    }
    for _ in range(70):
        _sign_in(
            f"{uuid.uuid4().hex}@example.org",
            "wrong",
            address=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    attacker, refused = _sign_in(user.email, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert not _signed_in(attacker)
    assert refused.status_code == 429
    # when: the person signs in from their own address
    client, _ = _sign_in(user.email, address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    # then
    assert _signed_in(client)


def test_the_account_backs_off_then_lets_the_person_in(user, clock):
    # given: five wrong passwords from one address
    for _ in range(5):
        _sign_in(user.email, "wrong")
    # when/then: the right one is refused during the wait, without being checked
    client, response = _sign_in(user.email)
    assert not _signed_in(client)
    assert "Try again in 30 seconds." in response.content.decode()
    # a sixth wrong one after the wait doubles it
    clock.advance(31)
    _sign_in(user.email, "wrong")
    _, response = _sign_in(user.email)
    assert "Try again in 60 seconds." in response.content.decode()
    # then: after waiting, the right password signs in
    clock.advance(61)
    client, _ = _sign_in(user.email)
    assert _signed_in(client)


def test_the_wait_never_grows_past_the_cap(user, clock, settings):
    # given: far more failures than the allowance, each after its wait
    settings.GOVHUB_LOGIN_BACKOFF_ACCOUNT_FREE = 1000
    for _ in range(30):
        _sign_in(user.email, "wrong")
        clock.advance(900)
    _sign_in(user.email, "wrong")
    # when
    _, refused = _sign_in(user.email)
    clock.advance(900)
    client, _ = _sign_in(user.email)
    # then: fifteen minutes at most, and then the person is in
    assert "Try again in 15 minutes." in refused.content.decode()
    assert _signed_in(client)


def test_guessing_from_one_address_does_not_hold_up_the_person_elsewhere(user, clock):
    # given: ten wrong passwords from the attacker's address, waits and all
    for _ in range(10):
        _sign_in(user.email, "wrong", address="203.0.113.7")
        clock.advance(900)
    _sign_in(user.email, "wrong", address="203.0.113.7")
    attacker, _ = _sign_in(user.email, address="203.0.113.7")
    assert not _signed_in(attacker)
    # when: the person signs in from their own address
    client, _ = _sign_in(user.email, address="198.51.100.2")
    # then
    assert _signed_in(client)


def test_guessing_from_many_addresses_slows_the_account_down(user, settings):
    # given: the account's allowance used up from twenty addresses
    settings.GOVHUB_LOGIN_BACKOFF_ACCOUNT_FREE = 20
    for n in range(20):
        _sign_in(user.email, "wrong", address=f"203.0.113.{n}")
    # when: a try from yet another address
    client, response = _sign_in(user.email, address="198.51.100.2")
    # then
    assert not _signed_in(client)
    assert "Try again in 30 seconds." in response.content.decode()


def test_the_person_is_told_by_email_once_per_episode(
    user, clock, django_capture_on_commit_callbacks
):
    # given: an episode of guessing, two addresses, two waits
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(7):
            _sign_in(user.email, "wrong", address="203.0.113.7")
            clock.advance(300)
        for _ in range(6):
            _sign_in(user.email, "wrong", address="203.0.113.8")
    # then: one email, to the person
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert mail.outbox[0].subject == "Sign-in attempts with a wrong password"
    # when: the person signs in (the episode ends) and guessing starts again
    clock.advance(900)
    client, _ = _sign_in(user.email, address="198.51.100.2")
    assert _signed_in(client)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            _sign_in(user.email, "wrong", address="198.51.100.2")
    # then: a second episode, a second email
    assert len(mail.outbox) == 2


def test_guessing_at_an_unknown_email_sends_nothing(django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            _sign_in("nobody@example.org", "wrong")
    # then
    assert mail.outbox == []


def test_attempts_are_counted_before_their_passwords_are_checked(user):
    # given: five sign-ins begun at once (their passwords not yet checked)
    begun = [throttle.attempt_begin(login=user.email, address="203.0.113.7") for _ in range(5)]
    # when: a sixth arrives before any of them failed
    sixth = throttle.attempt_begin(login=user.email, address="203.0.113.7")
    # then: it waits, so parallel guesses cannot slip past the allowance
    assert [attempt.wait for attempt in begun] == [0.0] * 5
    assert sixth.wait == pytest.approx(30, abs=1)
