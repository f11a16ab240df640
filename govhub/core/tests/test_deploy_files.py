"""The deployment files (Dockerfile, deploy/compose.yaml, deploy/nginx.conf) use only what
exists: GovHub commands and options that parse, settings GovHub reads, a valid nginx file.

No container runtime is needed (nor available in CI): what these tests cannot check is that
the images build and the services start together; bench/cluster runs the same topology on
loopback for that.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml
from django.core.management import get_commands, load_command_class

from govhub.core.documents.signing import generate_self_signed
from govhub.core.testing import require

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "deploy" / "compose.yaml"
# Variables of the base image, pip and the runtime, not GovHub settings.
NOT_SETTINGS = {
    "PATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "PIP_DISABLE_PIP_VERSION_CHECK",
    "PIP_NO_CACHE_DIR",
}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def _govhub_services() -> dict[str, Any]:
    return {
        name: service
        for name, service in _compose()["services"].items()
        if service.get("image") == "govhub:latest"
    }


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def _instruction(name: str) -> str:
    # An instruction with its continuation lines joined.
    text = _dockerfile().replace("\\\n", " ")
    found = re.findall(rf"^{name} (.+)$", text, re.M)
    assert found, f"Dockerfile has no {name}"
    return str(found[-1])


def _known_settings() -> set[str]:
    return set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))


def _parses(argv: list[str]) -> None:
    """`govhub <command> <options>` is a command whose parser accepts the options."""
    assert argv[0] == "govhub", argv
    name, options = argv[1], argv[2:]
    command = load_command_class(get_commands()[name], name)
    command.create_parser("govhub", name).parse_args(options)  # CommandError if not


def test_compose_runs_two_web_nodes_a_worker_postgres_redis_and_nginx():
    services = _compose()["services"]
    # then
    assert {"web1", "web2", "worker", "postgres", "redis", "nginx"} <= set(services)
    govhub = _govhub_services()
    assert {"web1", "web2", "worker", "sweep", "migrate"} <= set(govhub)
    # every GovHub service shares the database, the cache and the stored files
    for service in govhub.values():
        assert service["environment"]["DATABASE_URL"].endswith("@postgres:5432/govhub")
        assert service["environment"]["CACHE_URL"] == "redis://redis:6379/1"
        assert service["env_file"] == "govhub.env"
    assert all("media:/data/media" in govhub[n]["volumes"] for n in ("web1", "web2", "worker"))


def test_every_command_the_deployment_runs_exists_with_its_options(settings):
    # given: the tasks' database backend, as in production (`db_worker` refuses another)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    commands = [service["command"] for service in _govhub_services().values()]
    commands.append(json.loads(_instruction("CMD")))
    # then
    for argv in commands:
        _parses(argv)
    assert ["govhub", "serve", "--no-collectstatic"] in commands


def test_every_variable_the_deployment_sets_is_a_govhub_setting():
    compose_vars = {
        key for service in _govhub_services().values() for key in service["environment"]
    }
    image_vars = set(re.findall(r"\b([A-Z][A-Z_]+)=", _instruction("ENV")))
    example = (ROOT / "deploy" / "govhub.env.example").read_text()
    env_file_vars = set(re.findall(r"^#? ?([A-Z_]+)=", example, re.M))
    # then
    used = (compose_vars | image_vars | env_file_vars) - NOT_SETTINGS
    assert sorted(used - _known_settings()) == []
    assert {"DJANGO_SECRET_KEY", "GOVHUB_AUDIT_KEY", "GOVHUB_PUBLIC_URL"} <= env_file_vars


def test_the_image_runs_as_a_user_with_a_health_check():
    dockerfile = _dockerfile()
    user = _instruction("USER")
    # then
    assert user not in ("root", "0")
    assert "HEALTHCHECK" in dockerfile
    assert "/healthz" in _instruction("HEALTHCHECK")
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "collectstatic" in _instruction("RUN")


def test_the_nginx_configuration_is_valid(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    require(bool(nginx), "nginx (Debian: apt-get install nginx)")
    # given: the file as the nginx container reads it, with the services' names resolvable here
    key, cert = generate_self_signed(tmp_path, common_name="govhub.test", days=1)
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    conf = conf.replace("web1:", "127.0.0.1:").replace("web2:", "127.0.0.2:")
    conf = conf.replace("/etc/nginx/tls/fullchain.pem", str(cert))
    conf = conf.replace("/etc/nginx/tls/privkey.pem", str(key))
    conf = conf.replace("events {", f"pid {tmp_path}/nginx.pid;\nevents {{", 1)
    (tmp_path / "nginx.conf").write_text(conf)
    # when
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
