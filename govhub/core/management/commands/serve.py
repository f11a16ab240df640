"""`govhub serve [--port N] [--workers N] [--threads N] [--with-worker] [--no-collectstatic]`.

gunicorn's asyncio (ASGI) worker in front of GovHub's ASGI handler (config/asgi.py): each
worker's event loop reads whole requests before Django sees them, so slow clients cannot hold
a worker (ADR 0003); the views of a worker run in one thread (`--threads` for more). With
`--with-worker`, a background worker and the periodic sweep run as child processes.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhub.core.addresses import local_url
from govhub.core.audit import audit_keys


class Command(BaseCommand):
    help = "Serve GovHub with gunicorn's asyncio worker, a production-grade server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            # One more than the cores: requests are CPU-bound (templates, ORM), and on 2 cores
            # 5 workers (gunicorn's usual 2n+1) raised p99 by a third in `make bench`.
            default=int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1))),
        )
        parser.add_argument(
            "--threads",
            type=int,
            # Long-lived threads that run views in each worker, each keeping its own database
            # connection (config/asgi.py). More did not help on 2 cores: with 2, home p99 went
            # from 38 to 90 ms in `make bench` (ADR 0003).
            default=int(os.environ.get("THREADS", "1")),
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run `govhub db_worker` and `govhub sweep --every 60` as child processes, "
            "which stop with the server (one command for development and small sites)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="do not collect static files first: they already are (a container image "
            "collects them when it is built; several nodes must not rewrite a shared STATIC_ROOT)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.wsgiapp import WSGIApplication

        try:
            audit_keys()  # no production server whose audit log anyone could rewrite
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

        # Static files are served by WhiteNoise from STATIC_ROOT (hashed, compressed).
        if not (settings.DEBUG or settings.TESTING or options["no_collectstatic"]):
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            "gunicorn",
            "config.asgi:application"
            if options["threads"] == 1
            else f"config.asgi:build(threads={int(options['threads'])})",
            "--worker-class",
            # gunicorn's asyncio worker, with a deadline for a connection's first headers
            "govhub.core.server.GovHubASGIWorker",
            # Django has no lifespan events (its handler refuses every non-HTTP scope).
            "--asgi-lifespan",
            "off",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            # A request whose body has not arrived this many seconds after its headers is
            # dropped; idle kept-alive connections close after --keep-alive (2 s).
            "--timeout",
            "30",
            "--access-logfile",
            os.environ.get("GOVHUB_ACCESS_LOG", "-"),
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        if not os.environ.get("GOVHUB_PUBLIC_URL"):
            # Not configured: documents issued by this server point at this server (--port
            # may differ from PORT, which the settings' default was made from).
            settings.GOVHUB_PUBLIC_URL = local_url(options["host"], options["port"])
        if options["with_worker"]:
            start_children()
        self.stdout.write(f"GovHub on http://{options['host']}:{options['port']}/")
        sys.argv = argv  # gunicorn reads its options from the command line
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()


# Each child runs a `govhub` command with the same environment.
CHILDREN = (
    ("db_worker", "--no-reload", "--no-startup-delay"),
    ("sweep", "--every", "60"),
)


def _die_with_parent() -> None:  # pragma: no cover  (runs in the child before exec)
    # Linux: the kernel sends SIGTERM to the child when the server dies, even by SIGKILL.
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_children() -> list[subprocess.Popen[bytes]]:
    """Start the worker and the sweep; they are stopped when this process exits."""
    children = [
        subprocess.Popen(  # noqa: S603  (our own command; single-threaded here)
            [sys.executable, "-m", "govhub.cli", *command], preexec_fn=_die_with_parent
        )
        for command in CHILDREN
    ]
    owner = os.getpid()

    def stop() -> None:
        if os.getpid() != owner:  # a forked gunicorn worker exiting: not the children's owner
            return
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    atexit.register(stop)
    return children
