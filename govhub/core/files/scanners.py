"""Malware scanners: a registry of named plugins, chosen by GOVHUB_FILE_SCANNER.

"none" accepts everything (the default); "clamav" streams each file to clamd with its
INSTREAM command (GOVHUB_CLAMAV_URL: tcp://host:3310 or unix:///run/clamav/clamd.ctl).
Another deployment registers its own with `scanner_register`.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Protocol
from urllib.parse import urlsplit

from django.conf import settings

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # what the scanner found, e.g. "Eicar-Test-Signature"


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (not reachable, an error): the file is refused."""


class Scanner(Protocol):
    name: str

    def scan(self, stream: IO[bytes]) -> ScanResult: ...

    def configuration_errors(self) -> list[str]: ...


class NoScanner:
    """Accepts every file: for development, or where uploads are scanned elsewhere."""

    name = "none"

    def scan(self, stream: IO[bytes]) -> ScanResult:
        return ScanResult(clean=True)

    def configuration_errors(self) -> list[str]:
        return []


class ClamAVScanner:
    """clamd's INSTREAM protocol over TCP or a Unix socket (no ClamAV library needed)."""

    name = "clamav"

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout

    def configuration_errors(self) -> list[str]:
        if not self.url:
            return ["GOVHUB_FILE_SCANNER is clamav but GOVHUB_CLAMAV_URL is not set."]
        try:
            self._address()
        except ValueError as exc:
            return [str(exc)]
        return []

    def _address(self) -> tuple[int, str | tuple[str, int]]:
        parts = urlsplit(self.url)
        if parts.scheme == "unix" and parts.path:
            return socket.AF_UNIX, parts.path
        if parts.scheme == "tcp" and parts.hostname:
            return socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, (
                parts.hostname,
                parts.port or 3310,
            )
        raise ValueError(
            f"GOVHUB_CLAMAV_URL {self.url!r} must be tcp://host:port or unix:///path/to/socket."
        )

    def _command(self, command: bytes, stream: IO[bytes] | None = None) -> str:
        family, address = self._address()
        try:
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)
                sock.connect(address)
                sock.sendall(b"z" + command + b"\0")
                if stream is not None:
                    while chunk := stream.read(CHUNK):
                        sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                    sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    data = sock.recv(4096)
                    if not data:
                        break
                    reply += data
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {self.url}: {exc}") from exc
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        """Whether clamd answers (for the deployment check)."""
        try:
            return self._command(b"PING") == "PONG"
        except ScannerUnavailable:
            return False

    def scan(self, stream: IO[bytes]) -> ScanResult:
        stream.seek(0)
        reply = self._command(b"INSTREAM", stream)
        stream.seek(0)
        # "stream: OK", "stream: Eicar-Test-Signature FOUND", or "... ERROR".
        verdict = reply.removeprefix("stream:").strip()
        if verdict == "OK":
            return ScanResult(clean=True)
        if verdict.endswith(" FOUND"):
            return ScanResult(clean=False, signature=verdict.removesuffix(" FOUND").strip())
        raise ScannerUnavailable(f"clamd at {self.url} answered {reply!r}")


_SCANNERS: dict[str, Callable[[], Scanner]] = {}


def scanner_register(name: str, factory: Callable[[], Scanner]) -> None:
    """Make a scanner available under `name` (GOVHUB_FILE_SCANNER chooses one)."""
    _SCANNERS[name] = factory


def scanner_names() -> list[str]:
    return sorted(_SCANNERS)


def active_scanner() -> Scanner:
    """The configured scanner; an unknown name is a start-up error (see checks.py)."""
    name: str = settings.GOVHUB_FILE_SCANNER
    factory = _SCANNERS.get(name)
    if factory is None:
        raise LookupError(f"Unknown file scanner {name!r}; known: {', '.join(scanner_names())}.")
    return factory()


scanner_register("none", NoScanner)
scanner_register(
    "clamav",
    lambda: ClamAVScanner(settings.GOVHUB_CLAMAV_URL, settings.GOVHUB_CLAMAV_TIMEOUT),
)
