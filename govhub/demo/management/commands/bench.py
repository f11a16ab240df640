"""`govhub bench load --organisations N --programmes N [--seed S]`: generated data for scale
benchmarks, written in bulk. Refuses outside debug or GOVHUB_DEMO=1, as `govhub demo` does.

Organisations of the five kinds in a realistic mix (some with names in Russian and Dari,
some under a parent), and programmes spread over the steps before the document is issued,
each on its workflow instance, a quarter with a problem statement. Batched bulk inserts
(COPY on PostgreSQL), no per-row query, so the time grows linearly and the memory stays
flat; the planner's statistics are refreshed at the end, then the search index is rebuilt.

The rows are what the actions would have written, except what nobody decided: no audit
entries and no workflow decisions (a generated programme arrived at its step without a
recorded gate decision, as `programmes_adopt` puts it), no artefacts of the steps it passed
(a lead agency is set from step 5 on without its designation), and no issued documents
(so no programme is generated past the step that issues one, and none is closed).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhub.accounts.api import demo_user_ensure
from govhub.core import api as core_api
from govhub.demo.data import DEMO_PASSWORD
from govhub.organisations import api as organisations_api
from govhub.programmes import api as programmes_api
from govhub.services import api as services_api

AUTHOR = "bench.author@bench.example"
# The search index's bulk rebuild, once core offers one (another part of issue 10).
SEARCH_REINDEX = "search_reindex"


class Command(BaseCommand):
    help = "Benchmark data: `load` writes N generated organisations and programmes in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        load = verbs.add_parser("load", help="Add generated organisations and programmes.")
        load.add_argument("--organisations", type=int, default=0, metavar="N")
        load.add_argument("--programmes", type=int, default=0, metavar="N")
        load.add_argument("--services", type=int, default=0, metavar="N")
        load.add_argument("--seed", type=int, default=0, help="random seed (0)")
        load.add_argument("--batch", type=int, default=5000, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.GOVHUB_DEMO):
            raise CommandError(
                "Refusing to load benchmark data: set DJANGO_DEBUG=1 or GOVHUB_DEMO=1 "
                "(generated data is for throw-away databases, never production)."
            )
        count_o, count_p = options["organisations"], options["programmes"]
        if count_o < 0 or count_p < 0 or options["batch"] < 1:
            raise CommandError("--organisations and --programmes must be 0 or more.")
        if options["services"] < 0:
            raise CommandError("--services must be 0 or more.")
        self._load(count_o, count_p, options["seed"], options["batch"])
        if options["services"]:
            self._services(options["services"], options["seed"], options["batch"])

    def _load(self, count_o: int, count_p: int, seed: int, batch: int) -> None:
        started = time.monotonic()
        pool: Any = None
        if count_o:
            pool = organisations_api.bench_organisations_load(count=count_o, seed=seed, batch=batch)
            self._report("organisations", count_o, started)
        if count_p:
            pool = pool or organisations_api.bench_organisations_existing()
            if not pool.some(1):
                raise CommandError("There are no organisations to start programmes: add some.")
            author = demo_user_ensure(
                email=AUTHOR, password=DEMO_PASSWORD, full_name="Benchmark author"
            )
            organisations_api.bench_members_add(user=author, organisation_ids=pool.some(100))
            began = time.monotonic()
            programmes_api.bench_programmes_load(
                count=count_p, organisations=pool, author=author, seed=seed, batch=batch
            )
            self._report("programmes", count_p, began)
        began = time.monotonic()
        organisations_api.organisation_tables_analyze()
        programmes_api.programme_tables_analyze()
        self.stdout.write(f"analyze: {time.monotonic() - began:.1f} s")
        self._reindex()
        # Written beside the actions, so no action bumped the directory's version: a cached
        # directory (e.g. in Redis) would not show the new organisations otherwise.
        core_api.versions_bump("organisations")
        self.stdout.write(f"bench load done in {time.monotonic() - started:.1f} s")

    def _services(self, count: int, seed: int, batch: int) -> None:
        """Published services of the government bodies (indexed as they are written)."""
        began = time.monotonic()
        pool = organisations_api.bench_organisations_existing()
        services_api.bench_services_load(count=count, organisations=pool, seed=seed, batch=batch)
        services_api.service_tables_analyze()
        core_api.versions_bump(services_api.SERVICES_VERSION)
        self._report("services", count, began)

    def _reindex(self) -> None:
        reindex = getattr(core_api, SEARCH_REINDEX, None)
        if reindex is None:
            self.stdout.write(f"search: core.api has no {SEARCH_REINDEX}(); index not rebuilt")
            return
        began = time.monotonic()
        reindex()
        self.stdout.write(f"search: reindexed in {time.monotonic() - began:.1f} s")

    def _report(self, what: str, count: int, began: float) -> None:
        spent = max(time.monotonic() - began, 1e-9)
        self.stdout.write(f"{what}: {count} in {spent:.1f} s ({count / spent:,.0f} rows/s)")
