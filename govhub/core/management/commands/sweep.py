"""`govhub sweep [--every SECONDS]`: run the periodic jobs (retries of deliveries, deadline
reminders) once, or keep running them (hosts without cron; `govhub serve --with-worker`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from govhub.core.sweep import sweep_run


class Command(BaseCommand):
    help = "Run the periodic jobs: delivery retries, deadline reminders and escalations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="keep running, sweeping every SECONDS (for hosts without cron)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._sweep(options)
        except KeyboardInterrupt:  # Ctrl-C in `make run`: stop quietly
            return

    def _sweep(self, options: dict[str, Any]) -> None:
        while True:
            done = sweep_run()
            if options["verbosity"] > 1 or not options["every"]:
                self.stdout.write(" ".join(f"{name}={n}" for name, n in done.items()))
            if not options["every"]:
                return
            close_old_connections()
            time.sleep(options["every"])
