"""The address a server started on this machine answers at (stdlib only: the settings import
it)."""

from __future__ import annotations

# A server bound to every interface is reached on the loopback address from this machine.
ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - compared, never bound


def local_url(host: str, port: int) -> str:
    """http://host:port/ for the host and port a local server listens on."""
    host = host.strip()
    if host in ANY_ADDRESS:
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"
