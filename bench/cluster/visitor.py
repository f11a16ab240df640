"""A minimal browser for the cluster's tests: keeps its own cookies, follows no redirects.

Cookies are kept by hand because production cookies are `Secure` and the cluster speaks plain
HTTP on loopback, where a standard cookie jar would not send them. A visitor can change node
between requests (`base`), as a load balancer would move it.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Visitor:
    forwarded_for: str = ""  # the client address a trusted proxy would report
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        base: str,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Answer:
        parsed = urllib.parse.urlsplit(base)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            sent["X-Forwarded-For"] = self.forwarded_for
        try:
            connection.request(method, path, body=body or None, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def get(self, base: str, path: str, **headers: str) -> Answer:
        return self.request(base, "GET", path, headers=headers)

    def post_form(self, base: str, path: str, fields: dict[str, str]) -> Answer:
        """Fetch the form's page for its CSRF token (at `base`), then post `fields` to it."""
        page = self.get(base, path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert token, f"no form with a CSRF token at {path} ({page.status})"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        return self.request(
            base,
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": base + path},
        )

    def signed_in(self, base: str) -> bool:
        """Whether this visitor's session is signed in, as `base` sees it."""
        return self.get(base, "/programmes/mine/").status == 200
