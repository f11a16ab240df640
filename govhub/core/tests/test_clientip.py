"""The client address behind trusted proxies (GOVHUB_TRUSTED_PROXIES)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from govhub.core.clientip import client_ip


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # nobody trusted: the header is ignored
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # a direct client cannot pretend to be someone else
        (["10.0.0.0/8"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # one trusted proxy: the address it appended
        (["10.0.0.2"], "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        # a client's own invented entries to the left are not believed
        (["10.0.0.2"], "10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # two trusted hops, skipped from the right
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),
        # ports and IPv6 brackets
        (["10.0.0.2"], "10.0.0.2", "198.51.100.1:5123", "198.51.100.1"),
        (["::1"], "::1", "[2001:db8::5]:443", "2001:db8::5"),
        # a proxy without the header, or with rubbish in it
        (["10.0.0.2"], "10.0.0.2", "", "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", "unknown", "10.0.0.2"),
        # no address at all
        ([], "", "", ""),
    ],
)
def test_client_address(rf, settings, trusted, remote, forwarded, expected):
    # given
    settings.GOVHUB_TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    # when / then
    assert client_ip(request) == expected


def test_a_malformed_trusted_proxy_stops_start_up(monkeypatch):
    import importlib

    import config.settings

    # given
    monkeypatch.setenv("GOVHUB_TRUSTED_PROXIES", "10.0.0.0/33")
    # when / then
    with pytest.raises(ImproperlyConfigured, match="GOVHUB_TRUSTED_PROXIES"):
        importlib.reload(config.settings)
    monkeypatch.delenv("GOVHUB_TRUSTED_PROXIES")
    importlib.reload(config.settings)
