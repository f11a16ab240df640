"""`govhub demo`: load the demo country (idempotent); `--reset` restores it. Refuses outside
debug or GOVHUB_DEMO=1.

Demo data is recognised by what the loader makes: people with the emails in `data.USERS`,
organisations with the names and kinds in `data.ORGANISATIONS` (and the generated
"Generated organisation NNNNN" ones), and programmes initiated by a demo organisation in
which only demo people took part. `--reset` deletes those programmes with their issued
documents, then loads everything again (organisations, people and memberships are ensured:
recreated if deleted); everything else is never touched.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhub.accounts.api import demo_user_ensure
from govhub.demo import programmes as demo_programmes
from govhub.demo.data import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    MORE_MEMBERSHIPS,
    ORGANISATIONS,
    USERS,
)
from govhub.organisations.api import (
    KINDS,
    OrganisationInput,
    Sector,
    demo_organisation_ensure,
    organisation_tables_analyze,
)
from govhub.programmes import api as programmes_api
from govhub.services import api as services_api

# Refresh the planner's statistics this often while generating organisations one by one:
# without them each "does it exist?" lookup by name and kind walks every organisation of the
# kind (SQLite guesses the kind index; PostgreSQL plans for the empty table it last saw, and
# autovacuum may be off), so the load slowed quadratically.
ANALYZE_EVERY = 5000


class Command(BaseCommand):
    help = "Load demo data: organisations of every kind and one demo user per kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Restore the demo: delete the demo's programmes and their documents, then "
            "load the demo again (data that is not the demo's is never touched).",
        )
        parser.add_argument(
            "--extra-organisations",
            type=int,
            default=0,
            help="Also create this many generated organisations (for benchmarks).",
        )
        parser.add_argument(
            "--bench-programmes",
            type=int,
            default=0,
            help="Also create a 250-artefact programme and this many step-1 programmes "
            "ready to advance (for benchmarks; prints their ids as JSON).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.GOVHUB_DEMO):
            raise CommandError(
                "Refusing to load demo data: set DJANGO_DEBUG=1 or GOVHUB_DEMO=1 "
                "(demo users have a published password and must never reach production)."
            )
        # Government members and staff must use a second factor: theirs is the published one.
        government_kinds = {k.key for k in KINDS if k.sector == Sector.GOVERNMENT}
        org_kinds = {key: kind for key, kind, *_rest in ORGANISATIONS}
        users = {
            email: demo_user_ensure(
                email=email,
                password=DEMO_PASSWORD,
                full_name=name,
                is_staff=staff,
                totp_secret=(
                    DEMO_TOTP_SECRET
                    if staff or org_kinds.get(org or "") in government_kinds
                    else None
                ),
            )
            for email, name, org, staff in USERS
        }
        managers: dict[str, list[Any]] = {}
        for email, _name, org_key, _staff in USERS:
            if org_key:
                managers.setdefault(org_key, []).append(users[email])
        for email, org_key in MORE_MEMBERSHIPS:
            managers.setdefault(org_key, []).append(users[email])
        ids: dict[str, int] = {}
        for key, kind, subtype, parent, en, ru, fa in ORGANISATIONS:
            ids[key] = demo_organisation_ensure(
                data=OrganisationInput(
                    name=en,
                    kind=kind,
                    subtype=subtype,
                    parent_id=ids[parent] if parent else None,
                    name_translations={"ru": ru, "fa-af": fa},
                    website=f"https://{key}.arden.example",
                    contact_email=f"info@{key}.arden.example",
                ),
                managers=tuple(managers.get(key, ())),
            )
        if options["reset"]:
            self._discard(users, ids)
        self._programmes(users, ids)
        services_api.demo_services_load(ids)
        extra = options["extra_organisations"]
        kinds = [(k, s) for _key, k, s, _p, *_names in ORGANISATIONS]
        for n in range(1, extra + 1):
            kind, subtype = kinds[n % len(kinds)]
            demo_organisation_ensure(
                data=OrganisationInput(
                    name=f"Generated organisation {n:05d}", kind=kind, subtype=subtype
                )
            )
            if n % ANALYZE_EVERY == 0:
                organisation_tables_analyze()
        organisation_tables_analyze()
        if options["bench_programmes"]:
            self._bench(users, ids, options["bench_programmes"])
            programmes_api.programme_tables_analyze()
        self.stdout.write(
            f"demo data ready: {len(programmes_api.programme_titles())} programmes, "
            f"{len(ORGANISATIONS) + extra} organisations, {len(USERS)} users "
            f"(password: {DEMO_PASSWORD})"
        )

    def _discard(self, users: dict[str, Any], ids: dict[str, int]) -> None:
        deleted, kept = programmes_api.demo_programmes_discard(
            organisation_ids=ids.values(), user_ids=[user.pk for user in users.values()]
        )
        self.stdout.write(f"demo reset: {len(deleted)} demo programmes deleted")
        if kept:
            self.stdout.write(
                f"kept {len(kept)} programmes of demo organisations that other people worked "
                f"on: {', '.join(map(str, kept))}"
            )

    def _programmes(self, users: dict[str, Any], ids: dict[str, int]) -> None:
        if programmes_api.programme_titles() & {story.title for story in demo_programmes.STORIES}:
            return  # already loaded (idempotent): never drive a second copy
        people = {email.split("@")[0]: user for email, user in users.items()}
        demo_programmes.load(people, ids)

    def _bench(self, users: dict[str, Any], ids: dict[str, int], count: int) -> None:
        import json

        created = programmes_api.bench_programmes_create(
            count=count,
            author=users["ministry_agency@demo.example"],
            initiator_id=ids["capital"],
            contributor_ids=[ids[k] for k in ("digital", "capital", "brightpath", "inclusion")],
            lead_id=ids["digital"],
        )
        # The organisation whose page the benchmark reads (the same at every data size).
        self.stdout.write("BENCH " + json.dumps({**created, "organisation": ids["capital"]}))
