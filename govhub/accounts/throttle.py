"""Per-account back-off for wrong passwords: slow guessing down, never lock a person out.

Failures are counted per account twice: from one client address, and from all addresses
together (each with its own free allowance, GOVHUB_LOGIN_BACKOFF_FREE and
GOVHUB_LOGIN_BACKOFF_ACCOUNT_FREE). Past the allowance each failure doubles the wait before
the next try, up to GOVHUB_LOGIN_BACKOFF_MAX_SECONDS; a try during the wait is refused without
looking at the password and without counting. So someone guessing from one address slows down
only that address, the person signing in from elsewhere is not held up until the guesses from
everywhere pass the account's allowance, and even then waits at most the cap, never for good.
A correct password ends the episode; an episode with no failure for a day is forgotten.

The person is told by email, once per episode, when guessing first gets slowed down.
The counters live in the shared security cache, so every worker and node sees the same ones.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govhub.accounts.queries import user_by_email
from govhub.core.api import security_cache

logger = logging.getLogger(__name__)

EPISODE_SECONDS = 24 * 3600
_LOCK_SECONDS = 10
_LOCK_WAIT_SECONDS = 2.0


def _now() -> float:
    return time.time()


@dataclass(frozen=True)
class _Counter:
    key: str
    free: int


def _address_bucket(address: str) -> str:
    """An IPv6 client is counted by its /64: one host holds all of it."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _counters(login: str, address: str) -> tuple[_Counter, _Counter]:
    login = login.strip().lower()
    return (
        _Counter(
            f"govhub:backoff:address:{_digest(login, _address_bucket(address))}",
            settings.GOVHUB_LOGIN_BACKOFF_FREE,
        ),
        _Counter(
            f"govhub:backoff:account:{_digest(login)}", settings.GOVHUB_LOGIN_BACKOFF_ACCOUNT_FREE
        ),
    )


def _wait_after(failures: int, free: int) -> float:
    if failures < free:
        return 0.0
    base: int = settings.GOVHUB_LOGIN_BACKOFF_SECONDS
    cap: int = settings.GOVHUB_LOGIN_BACKOFF_MAX_SECONDS
    # min() before the power keeps the exponent small whatever the count.
    return float(min(cap, base * 2 ** min(failures - free, 32)))


@contextmanager
def _locked(key: str) -> Iterator[None]:
    """Serialise read-modify-write of one counter across workers (`add` is atomic)."""
    cache = security_cache()
    lock = f"{key}:lock"
    deadline = time.monotonic() + _LOCK_WAIT_SECONDS
    while not cache.add(lock, 1, timeout=_LOCK_SECONDS):
        if time.monotonic() > deadline:
            break  # a stuck lock expires on its own; counting without it only over-counts
        time.sleep(0.01)
    try:
        yield
    finally:
        cache.delete(lock)


@dataclass(frozen=True)
class Attempt:
    """The verdict on one sign-in attempt: how long it must still wait, and whether the
    account is now being slowed down (so the person should hear of it if the password fails)."""

    wait: float
    slowed: bool


def attempt_begin(*, login: str, address: str) -> Attempt:
    """Count a sign-in to `login` from `address` before its password is checked.

    Counted up front, under a lock, so that parallel guesses cannot all slip in before the
    first failure is recorded; a correct password then ends the episode (`success_record`).
    An attempt during a wait is refused and not counted.
    """
    cache = security_cache()
    now = _now()
    counters = _counters(login, address)
    with _locked(counters[0].key), _locked(counters[1].key):
        states = [cache.get(counter.key) or {"failures": 0, "until": 0.0} for counter in counters]
        wait = max(0.0, *(float(state["until"]) - now for state in states))
        if wait > 0:
            return Attempt(wait=wait, slowed=False)
        slowed = False
        for counter, state in zip(counters, states, strict=True):
            state["failures"] += 1
            delay = _wait_after(state["failures"], counter.free)
            state["until"] = now + delay
            slowed = slowed or delay > 0
            cache.set(counter.key, state, EPISODE_SECONDS)
    return Attempt(wait=0.0, slowed=slowed)


def failure_record(*, login: str, attempt: Attempt) -> None:
    """The password was wrong: tell the person, once per episode, if guessing is slowed down."""
    if attempt.slowed:
        _notify_once(login)


def success_record(*, login: str, address: str) -> None:
    """A correct password ends the episode for the account, from every address."""
    cache = security_cache()
    address_counter, account_counter = _counters(login, address)
    cache.delete_many([address_counter.key, account_counter.key, _notified_key(login)])


def _notified_key(login: str) -> str:
    return f"govhub:backoff:notified:{_digest(login.strip().lower())}"


def _notify_once(login: str) -> None:
    # `add` succeeds for one worker only, so the person gets one email per episode.
    if not security_cache().add(_notified_key(login), 1, timeout=EPISODE_SECONDS):
        return
    user = user_by_email(login)
    if user is None or not user.email:
        return
    email = user.email
    transaction.on_commit(lambda: _send_notice(email))


def _send_notice(email: str) -> None:
    subject = _("Sign-in attempts with a wrong password")
    body = _(
        "Someone has tried several times to sign in to your GovHub account with a wrong "
        "password. Further attempts are now slowed down; you can still sign in with your own "
        "password, at most after a short wait.\n\n"
        "If this was you, there is nothing to do. If it was not, your password is still safe "
        "as long as it is not used elsewhere; consider changing it and setting up a second "
        "factor in your account settings."
    )
    try:
        send_mail(subject, body, None, [email])
    except Exception:
        # A mail server that is down must not turn a refused sign-in into an error page.
        logger.exception("could not send the sign-in attempts notice")


def wait_message(seconds: float) -> str:
    """'Too many failed login attempts. Try again in 2 minutes.'"""
    if seconds <= 90:
        count = max(1, int(seconds + 0.999))
        wait = ngettext("%(count)d second", "%(count)d seconds", count) % {"count": count}
    else:
        count = int(seconds / 60 + 0.999)
        wait = ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}
    return _("Too many failed login attempts. Try again in %(wait)s.") % {"wait": wait}
