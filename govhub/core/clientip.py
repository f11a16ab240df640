"""The client's address, read through the reverse proxies the deployment trusts.

`X-Forwarded-For` is believed only when the request comes from an address listed in
`GOVHUB_TRUSTED_PROXIES` (addresses or networks; empty by default, so the header is ignored
and anyone connecting directly cannot pick the address their failures are counted against).
The header is read from the right: each hop a trusted proxy appended is skipped, and the
first address no trusted proxy vouches for is the client's.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def trusted_networks() -> tuple[Network, ...]:
    """The networks of GOVHUB_TRUSTED_PROXIES (read per call, so tests can change it)."""
    return _networks(tuple(settings.GOVHUB_TRUSTED_PROXIES))


def _parse(value: str) -> Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:51234"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client behind any trusted proxies ("" if there is none)."""
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return ""
    networks = trusted_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A hop we cannot read: stop at the last address a trusted proxy gave us.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
