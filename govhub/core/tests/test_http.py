from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_home_page_says_what_govhub_is_and_links_capabilities():
    response = Client().get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>GovHub: e-governance for government, business and civil society</h1>" in body
    for link in ('href="/organisations/"', 'href="/api/v1/docs"', 'href="/accounts/login/"'):
        assert link in body


def test_page_language_follows_accept_language_then_the_choice():
    client = Client()
    ru = client.get("/", headers={"Accept-Language": "ru,en;q=0.5"}).content.decode()
    assert '<html lang="ru" dir="ltr">' in ru
    # the choice (a cookie set by the language link) wins over the header
    response = client.get("/language/", {"lang": "fa-af", "next": "/organisations/"})
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    dari = client.get("/", headers={"Accept-Language": "ru"}).content.decode()
    assert '<html lang="fa-af" dir="rtl">' in dari


def test_language_switch_refuses_foreign_redirects_and_unknown_languages():
    client = Client()
    response = client.get("/language/", {"lang": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "django_language" not in response.cookies


def test_friendly_404_page_and_api_404_envelope():
    page = Client().get("/no/such/page/")
    assert page.status_code == 404
    assert "Page not found" in page.content.decode()
    api = Client().get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_api_401_uses_the_error_envelope():
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="govhub"'
    bad = Client().get("/api/v1/me", headers={"Authorization": "Bearer ghb_wrong"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "not_authenticated"


def test_api_405_uses_the_error_envelope():
    response = Client().delete("/api/v1/organisations")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@override_settings(GOVHUB_MAX_UPLOAD_BYTES=1000)
def test_too_large_upload_is_413_with_a_clear_message(user):
    client = Client()
    client.force_login(user)
    page = client.post("/account/", {"name": "x" * 2000})
    assert page.status_code == 413
    assert "The upload is too large. The largest allowed size is" in page.content.decode()
    api = Client().generic("POST", "/api/v1/organisations", "x" * 2000, "application/json")
    assert api.status_code == 413
    assert api.json()["error"]["code"] == "payload_too_large"


def test_every_response_carries_a_request_id_and_a_strict_csp():
    response = Client().get("/", headers={"X-Request-ID": "abc-123"})
    assert response["X-Request-ID"] == "abc-123"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    generated = Client().get("/", headers={"X-Request-ID": "bad id with spaces"})
    assert len(generated["X-Request-ID"]) == 32


def test_healthz():
    assert Client().get("/healthz").json() == {"status": "ok"}


def _run_govhub(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOVHUB_", "SECURE_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "govhub.cli", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_djangos_deploy_checks(tmp_path):
    from govhub.core.documents.signing import generate_self_signed

    key, cert = generate_self_signed(tmp_path, common_name="GovHub document signing")
    result = _run_govhub(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SECRET_KEY": "k" * 60 + "-a-long-random-production-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "GOVHUB_SIGNING_KEY_FILE": str(key),
            "GOVHUB_SIGNING_CERT_FILE": str(cert),
            "GOVHUB_PUBLIC_URL": "https://govhub.example.gov",
            "GOVHUB_AUDIT_KEY": "a" * 43,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = _run_govhub(["check"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_demo_refuses_without_debug_or_demo_flag(tmp_path):
    result = _run_govhub(
        ["demo"],
        {"DJANGO_SECRET_KEY": "x" * 50, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )
    assert result.returncode == 1
    assert "Refusing to load demo data" in result.stderr


def test_openapi_document_is_valid_openapi_3():
    from openapi_spec_validator import validate

    response = Client().get("/api/v1/openapi.json")
    document = json.loads(response.content)
    validate(document)
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
    } <= set(document["paths"])
    assert document["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"


def test_api_docs_page_is_self_hosted():
    body = Client().get("/api/v1/docs").content.decode()
    assert "cdn" not in body.lower()
    assert "/static/ninja/" in body


def test_every_setting_read_from_the_environment_is_listed_in_env_example():
    import re

    settings_source = (ROOT / "config" / "settings.py").read_text()
    serve_source = (ROOT / "govhub/core/management/commands/serve.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', serve_source))
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - listed - {"GOVHUB_TESTING"} == set()


def test_server_error_page_is_friendly_and_needs_no_database(rf):
    from govhub.core.views import server_error

    page = server_error(rf.get("/"))
    assert page.status_code == 500
    assert "Something went wrong on our side" in page.content.decode()
    api = server_error(rf.get("/api/v1/organisations"))
    assert api.status_code == 500
    assert json.loads(api.content)["error"]["code"] == "server_error"


def test_friendly_403_page(user, business_org):
    client = Client()
    client.force_login(user)
    page = client.get(f"/organisations/{business_org.pk}/manage/")
    assert page.status_code == 403
    assert "Access denied" in page.content.decode()


def test_pages_and_api_answers_go_out_compressed_to_clients_that_accept_it():
    import gzip

    plain = Client().get("/")
    packed = Client().get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert b"GovHub: e-governance" in gzip.decompress(packed.content)
    assert len(packed.content) < len(plain.content)
    spec = Client().get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert spec["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(spec.content))["openapi"].startswith("3.")
