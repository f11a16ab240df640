"""`govhub indices ...`: import the UN E-Government Survey files and read the results.

    govhub indices import
    govhub indices editions
    govhub indices rank --year Y [--region R] [--subregion S] [--top N] [--dense]
    govhub indices aggregate --year Y --by world|region|subregion|income|ldc|lldc|sids
                             [--denominator scored|all] [--index egdi|osi|hci|tii|epi]
    govhub indices compare --from Y1 --to Y2 [--by ...] [--country ISO3] [--denominator ...]
                           [--index ...]
    govhub indices leaders --year Y [--index ...] [--top N] [--region R] [--subregion S]
    govhub indices country ISO3
    govhub indices methodology

Every read takes `--format table|csv|json` (table: aligned plain text). Missing values
show as "-" in tables, empty in CSV and null in JSON; they are never 0. `methodology`
reads the shipped files, not the database: how far each edition's published EGDI is from
its formula, and how well the 2012 TII rebuilt from the ITU series tracks the published one.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import time
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhub.core.api import DomainError
from govhub.indices import actions, methodology, queries, queries_groups, sources

FORMATS = ("table", "csv", "json")
RANK_COLUMNS = (
    "rank",
    "published_rank",
    "iso3",
    "country",
    "region",
    "subregion",
    "income",
    "egdi",
    "osi",
    "hci",
    "tii",
    "epi",
    "group",
    "rating_class",
)
AGGREGATE_COLUMNS = (
    "year",
    "group",
    "index",
    "denominator",
    "members",
    "count",
    "mean",
    "median",
    "min",
    "max",
)
GROUP_CHANGE_COLUMNS = (
    "group",
    "index",
    "denominator_from",
    "denominator_to",
    "count_from",
    "count_to",
    "mean_from",
    "mean_to",
    "change",
    "change_pct",
)
COUNTRY_CHANGE_COLUMNS = (
    "iso3",
    "country",
    "region",
    "rank_from",
    "rank_to",
    "rank_change",
    "index",
    "mean_from",
    "mean_to",
    "change",
    "change_pct",
)
LEADER_COLUMNS = ("position", "world_position", "iso3", "country", "region", "subregion", "value")
EDITION_COLUMNS = ("year", "source", "members", "scored", "default_denominator", "imported_at")
PROFILE_COLUMNS = ("year", *RANK_COLUMNS[:2], *RANK_COLUMNS[7:])


def _value(value: Any) -> Any:
    """Floats to 6 decimals (the sources carry at most 5); dates as ISO text."""
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _records(rows: Sequence[Any], columns: Sequence[str]) -> list[dict[str, Any]]:
    return [{c: _value(getattr(row, c)) for c in columns} for row in rows]


def render(records: list[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Records as an aligned table, CSV or JSON, columns in the given order."""
    if fmt == "json":
        return json.dumps(records, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: ("" if r[c] is None else r[c]) for c in columns} for r in records)
        return out.getvalue().rstrip("\n")
    cells = [[("-" if r[c] is None else str(r[c])) for c in columns] for r in records]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


class Command(BaseCommand):
    help = "UN E-Government Survey indices: import the shipped files, rank, aggregate, compare."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("import", help="Load every edition 2005-2024 (idempotent).")
        self._format(sub.add_parser("editions", help="The imported editions."))
        rank = sub.add_parser("rank", help="Countries of an edition by world rank.")
        rank.add_argument("--year", type=int, required=True)
        self._area(rank)
        rank.add_argument("--top", type=int)
        rank.add_argument("--dense", action="store_true", help="Dense ranks (1, 2, 2, 3).")
        self._format(rank)
        agg = sub.add_parser("aggregate", help="Mean, median, min, max per group.")
        agg.add_argument("--year", type=int, required=True)
        agg.add_argument("--by", choices=queries_groups.GROUP_BYS, default="world")
        self._denominator_and_index(agg)
        self._format(agg)
        compare = sub.add_parser("compare", help="Changes between two editions.")
        compare.add_argument("--from", dest="year_from", type=int, required=True)
        compare.add_argument("--to", dest="year_to", type=int, required=True)
        compare.add_argument("--by", choices=queries_groups.GROUP_BYS)
        compare.add_argument("--country", help="ISO3 code of one country.")
        self._denominator_and_index(compare)
        self._format(compare)
        leaders = sub.add_parser("leaders", help="Top countries on an index.")
        leaders.add_argument("--year", type=int, required=True)
        leaders.add_argument("--index", choices=queries.INDICES, default="egdi")
        leaders.add_argument("--top", type=int, default=10)
        self._area(leaders)
        self._format(leaders)
        country = sub.add_parser("country", help="One country in every edition.")
        country.add_argument("iso3")
        self._format(country)
        sub.add_parser(
            "methodology",
            help="Published EGDI against its formula per edition; the 2012 TII rebuilt.",
        )

    @staticmethod
    def _format(parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="table")

    @staticmethod
    def _area(parser: CommandParser) -> None:
        parser.add_argument("--region", help="A UN M49 region, e.g. Africa.")
        parser.add_argument("--subregion", help="A sub-region, e.g. 'Western Asia'.")

    @staticmethod
    def _denominator_and_index(parser: CommandParser) -> None:
        parser.add_argument(
            "--denominator",
            choices=queries_groups.DENOMINATORS,
            help="scored: unscored countries left out; all: counted as 0. "
            "Default: the edition's own.",
        )
        parser.add_argument("--index", choices=queries.INDICES, default="egdi")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        try:
            if verb == "import":
                self._import()
            elif verb == "methodology":
                self.stdout.write("\n".join(methodology.report()))
            elif verb == "country":
                self._country(options)
            else:
                records, columns = getattr(self, f"_{verb}")(options)
                self.stdout.write(render(records, columns, options["format"]))
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _import(self) -> None:
        started = time.perf_counter()
        dataset = sources.load()
        loaded = time.perf_counter()
        result = actions.indices_import(dataset=dataset)
        done = time.perf_counter()
        editions = ", ".join(str(y) for y in result.editions_changed) or "none"
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.removed} removed, "
            f"{result.unchanged} unchanged (countries and scores); editions changed: {editions}"
        )
        if result.unmatched:
            self.stdout.write(f"{len(result.unmatched)} not matched:")
            for item in result.unmatched:
                self.stdout.write(f"  {item.source}: {item.name!r}: {item.reason}")
        else:
            self.stdout.write("not matched: none (every row of every edition joined on ISO3)")
        self.stdout.write(
            f"time: {done - started:.2f} s (reading files {loaded - started:.2f} s, "
            f"writing {done - loaded:.2f} s)"
        )

    def _editions(self, options: dict[str, Any]) -> tuple[list[dict[str, Any]], Sequence[str]]:
        return _records(queries.editions(), EDITION_COLUMNS), EDITION_COLUMNS

    def _rank(self, options: dict[str, Any]) -> tuple[list[dict[str, Any]], Sequence[str]]:
        rows = queries.ranking(
            options["year"],
            region=options["region"],
            subregion=options["subregion"],
            top=options["top"],
            method="dense" if options["dense"] else "competition",
        )
        return _records(rows, RANK_COLUMNS), RANK_COLUMNS

    def _aggregate(self, options: dict[str, Any]) -> tuple[list[dict[str, Any]], Sequence[str]]:
        rows = queries_groups.aggregates(
            options["year"],
            options["by"],
            denominator=options["denominator"],
            index=options["index"],
        )
        return _records(rows, AGGREGATE_COLUMNS), AGGREGATE_COLUMNS

    def _compare(self, options: dict[str, Any]) -> tuple[list[dict[str, Any]], Sequence[str]]:
        rows = queries_groups.compare(
            options["year_from"],
            options["year_to"],
            by=options["by"],
            country=options["country"],
            denominator=options["denominator"],
            index=options["index"],
        )
        columns = GROUP_CHANGE_COLUMNS if options["by"] else COUNTRY_CHANGE_COLUMNS
        return _records(rows, columns), columns

    def _leaders(self, options: dict[str, Any]) -> tuple[list[dict[str, Any]], Sequence[str]]:
        rows = queries_groups.leaders(
            options["year"],
            index=options["index"],
            top=options["top"],
            region=options["region"],
            subregion=options["subregion"],
        )
        return _records(rows, LEADER_COLUMNS), LEADER_COLUMNS

    def _country(self, options: dict[str, Any]) -> None:
        profile = queries.country_profile(options["iso3"])
        about = dataclasses.asdict(profile.country)
        editions = _records(profile.editions, PROFILE_COLUMNS)
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps({"country": about, "editions": editions}, indent=2))
        elif fmt == "csv":
            records = [{**about, **r} for r in editions]
            self.stdout.write(render(records, (*about, *PROFILE_COLUMNS), "csv"))
        else:
            c = profile.country
            flags = ", ".join(f for f in ("ldc", "lldc", "sids") if about[f]).upper() or "-"
            self.stdout.write(
                f"{c.name} ({c.iso3}, M49 {c.m49}): {c.region} / {c.subregion}; "
                f"income: {c.income or '-'}; LDC/LLDC/SIDS: {flags}"
            )
            self.stdout.write(render(editions, PROFILE_COLUMNS, "table"))
