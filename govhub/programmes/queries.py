"""Reads of programmes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.api import (
    DomainError,
    InvalidInput,
    NotFound,
    version_sql,
    workflow_decisions,
    workflow_definition_versions,
)
from govhub.organisations.api import ORGANISATIONS_VERSION, memberships_for
from govhub.programmes import outcomes
from govhub.programmes.governance import (
    SUBJECT,
    GovernanceModel,
    GovernanceModelError,
    current_model,
    model_of_version,
    programme_model,
)
from govhub.programmes.models import (
    Contribution,
    ContributionStatus,
    DecisionAction,
    Programme,
    ProgrammeStatus,
    Visibility,
)
from govhub.programmes.permissions import can_view_programme
from govhub.programmes.versions import programme_version_name


def programme_list(
    *, viewer: Any, status: str = "", step: int | None = None
) -> QuerySet[Programme]:
    """Programmes the viewer may see: public ones (past step 1 now or ever, or closed), and
    step-1 ones of their organisations' kinds."""
    qs = Programme.objects.select_related("initiator")
    if status:
        qs = qs.filter(status=status)
    if step is not None:
        qs = qs.filter(current_step=step)
    if getattr(viewer, "is_authenticated", False) and viewer.is_staff:
        return qs
    public = (
        Q(first_public_at__isnull=False) | Q(current_step__gt=1) | Q(status=ProgrammeStatus.CLOSED)
    )
    if not getattr(viewer, "is_authenticated", False):
        return qs.filter(public)
    # Step-1 programmes to the people of organisations whose kind takes part in step 1 of
    # the programme's own model (under the seed's, every kind does).
    kinds = {m.kind for m in memberships_for(viewer)}
    if not kinds:
        return qs.filter(public)
    step_one = _at_steps(
        models_by_version(), lambda m: [1] if any(m.may_take_part(k, 1) for k in kinds) else []
    )
    return qs.filter(public | (Q(status=ProgrammeStatus.ACTIVE) & step_one))


def commission_organisation_ids(programme: Programme) -> set[int]:
    """The organisations nominated to the programme's commission (at any step), not counting
    nominations withdrawn or set aside. One query."""
    return {
        int(data["organisation_id"])
        for data in Contribution.objects.filter(
            programme=programme, type="commission_member", status=ContributionStatus.ACTIVE
        ).values_list("data", flat=True)
    }


def contribution_list(*, programme: Programme, viewer: Any) -> QuerySet[Contribution]:
    """The programme's contributions the viewer may see, oldest first: public ones to all,
    restricted ones to people acting for an organisation, private drafts to their authoring
    organisation and to the commission's organisations."""
    qs = Contribution.objects.filter(programme=programme).select_related("organisation", "author")
    if getattr(viewer, "is_authenticated", False) and viewer.is_staff:
        return qs
    own = {m.organisation_id for m in memberships_for(viewer)}
    visible = Q(visibility=Visibility.PUBLIC)
    if own:
        visible |= Q(visibility=Visibility.RESTRICTED) | Q(
            visibility=Visibility.DRAFT, organisation_id__in=own
        )
        if own & commission_organisation_ids(programme):
            visible |= Q(visibility=Visibility.DRAFT)
    return qs.filter(visible)


def is_overdue(programme: Programme) -> bool:
    """The current step has passed its deadline while the programme is active."""
    return bool(
        programme.status == ProgrammeStatus.ACTIVE
        and programme.deadline is not None
        and programme.deadline < timezone.now()
    )


def programme_titles() -> set[str]:
    """Titles of every programme (the demo loader checks what exists)."""
    return set(Programme.objects.values_list("title", flat=True))


# Reads of the web pages (list filters, "my organisation's work", the timeline).


def models_by_version() -> dict[str, GovernanceModel]:
    """The governance model of every version programmes may run on: the deployment's own, and
    each stored version of a definition (a small table read in one query; programmes are not
    scanned). A stored definition that is no governance model is left out."""
    current = current_model()
    models = {current.version: current}
    for key, number in workflow_definition_versions():
        version = f"{key}:{number}"
        if version in models or version in _NOT_MODELS:
            continue
        try:
            models[version] = model_of_version(version)
        except (GovernanceModelError, DomainError):
            _NOT_MODELS.add(version)  # a stored version never changes: never read it again
    return models


# Stored definitions of other workflows (service cases, say), found not to be governance models.
_NOT_MODELS: set[str] = set()


def _at_steps(
    models: dict[str, GovernanceModel], steps_of: Callable[[GovernanceModel], Iterable[int]]
) -> Q:
    """Programmes whose current step is one of `steps_of(their model)`."""
    condition = Q(pk__in=[])
    for version, model in models.items():
        steps = sorted(set(steps_of(model)))
        if steps:
            condition |= Q(model_version=version, current_step__in=steps)
    return condition


def _late(now: Any) -> Q:
    return Q(status=ProgrammeStatus.ACTIVE, deadline__isnull=False, deadline__lt=now)


def programme_browse(
    *,
    viewer: Any,
    status: str = "",
    step: int | None = None,
    phase: int | None = None,
    sector: str = "",
    overdue: bool | None = None,
) -> QuerySet[Programme]:
    """The list page: visible programmes by phase (of each programme's own model), current
    step, the initiator's sector, overdue or not, and status. The snapshot is deferred."""
    qs = programme_list(viewer=viewer, status=status, step=step)
    if phase is not None:
        qs = qs.filter(
            _at_steps(
                models_by_version(),
                lambda m: next((p.steps for p in m.phases if p.number == phase), ()),
            )
        )
    if sector:
        qs = qs.filter(initiator__sector=sector)
    if overdue is True:
        qs = qs.filter(_late(timezone.now()))
    elif overdue is False:
        qs = qs.exclude(_late(timezone.now()))
    return qs


def programme_mine(*, viewer: Any) -> list[QuerySet[Programme]]:
    """ "My organisation's work" in two parts, newest first in each, to be read one after the
    other (`chained_list_page`): the active programmes at a step the viewer's kinds take part
    in (`can_act`), then the rest of those their organisations initiated, lead or contributed
    to. Each part reads in the order of an index, so a page costs the same at any number of
    programmes; both are annotated `contributed` and `can_act`."""
    memberships = memberships_for(viewer)
    if not memberships:
        return [Programme.objects.none().order_by("-created_at", "-id")]
    ids = [m.organisation_id for m in memberships]
    kinds = {m.kind for m in memberships}
    act_now = Q(status=ProgrammeStatus.ACTIVE) & _at_steps(
        models_by_version(),
        lambda m: [s.number for s in m.steps if any(m.may_take_part(k, s.number) for k in kinds)],
    )
    # Their own: through the initiator, lead agency and contribution indexes, not a scan.
    contributed = Contribution.objects.filter(organisation_id__in=ids).values("programme_id")
    own = Q(initiator_id__in=ids) | Q(lead_agency_id__in=ids) | Q(pk__in=contributed)
    visible = programme_list(viewer=viewer).annotate(
        contributed=Exists(
            Contribution.objects.filter(programme=OuterRef("pk"), organisation_id__in=ids)
        )
    )
    return [
        visible.filter(act_now).annotate(can_act=Value(True)).order_by("-created_at", "-id"),
        visible.filter(own)
        .exclude(act_now)
        .annotate(can_act=Value(False))
        .order_by("-created_at", "-id"),
    ]


@dataclass(frozen=True)
class StepDecision:
    """One decision of a programme's workflow read as steps: who moved it, from which step
    to which, and why (`action`: advance, return or close, the model's transition names)."""

    id: int
    programme_id: int
    action: str
    from_step: int
    to_step: int
    reason: str
    actor_id: int | None
    organisation_id: int | None
    created_at: datetime
    organisation_name: str = ""  # the deciding body, in the page's language (`decision_list`)

    def get_action_display(self) -> str:
        return str(dict(DecisionAction.choices).get(self.action, self.action))


def decisions_of(programmes: Iterable[Programme]) -> dict[int, list[StepDecision]]:
    """The step decisions of several programmes, oldest first (one query)."""
    by_id = {p.pk: p for p in programmes}
    found: dict[int, list[StepDecision]] = {pk: [] for pk in by_id}
    for row in workflow_decisions(SUBJECT, by_id):
        programme = by_id[int(row["subject_id"])]
        model = programme_model(programme)
        found[programme.pk].append(
            StepDecision(
                id=row["id"],
                programme_id=programme.pk,
                action=row["transition"],
                from_step=model.step_of(row["from_state"]),
                to_step=model.step_of(row["to_state"]),
                reason=row["reason"],
                actor_id=row["actor_id"],
                organisation_id=row["organisation_id"],
                created_at=row["created_at"],
            )
        )
    return found


def decision_list(*, programme: Programme) -> list[StepDecision]:
    """The programme's step decisions (its history), oldest first, with the deciding body's
    name in the active language (a body since closed is still named)."""
    from django.utils.translation import get_language

    from govhub.organisations.api import organisation_names

    decisions = decisions_of([programme])[programme.pk]
    names = organisation_names(
        [d.organisation_id for d in decisions if d.organisation_id], get_language()
    )
    return [replace(d, organisation_name=names.get(d.organisation_id or 0, "")) for d in decisions]


# What a programme page's cache key holds of its row (besides its data versions): the issued
# document has no write in programmes' reach to bump a version, and the deadline passing needs
# the date anyway.
_VERSION_FIELDS = (
    "current_step",
    "status",
    "document_id",
    "created_at",
    "step_started_at",
    "lead_agency",
    "deadline",
)


def _programme_version_sql() -> str:
    def column(name: str) -> str:
        return connection.ops.quote_name(str(Programme._meta.get_field(name).column))  # type: ignore[union-attr]

    columns = ", ".join(column(f) for f in _VERSION_FIELDS)
    table = connection.ops.quote_name(Programme._meta.db_table)
    return (
        f"SELECT {version_sql()}, {version_sql()}, {columns}, "  # noqa: S608
        f"CASE WHEN {column('deadline')} < %s THEN 1 ELSE 0 END "
        f"FROM {table} WHERE {column('id')} = %s"
    )


def programme_version(programme_id: int) -> str:
    """Changes whenever the programme's page could: any write to it (its data version, bumped
    by its actions and after each workflow decision), an organisation renamed (all of them
    share one version), a document issued, or the deadline passing. One query, by primary key
    (prebuilt SQL: through the ORM, building it cost twice the rest of a cached hit)."""
    names = (programme_version_name(programme_id), ORGANISATIONS_VERSION)
    with connection.cursor() as cursor:
        cursor.execute(_programme_version_sql(), [*names, timezone.now(), programme_id])
        row = cursor.fetchone()
    return "" if row is None else repr(tuple(row))


# What the steps produce: versions of the programme document and the review's achievement.


def draft_versions(*, programme: Programme, viewer: Any) -> list[Contribution]:
    """The document's versions (step 6 drafts) the viewer may see, oldest first; withdrawn
    and set-aside drafts stay in the step's record but are no version of the document."""
    return list(
        contribution_list(programme=programme, viewer=viewer)
        .filter(type="draft", status=ContributionStatus.ACTIVE)
        .order_by("id")
    )


@dataclass(frozen=True)
class DraftDiff:
    old: Contribution
    new: Contribution
    changes: list[outcomes.ClauseChange]


def _version(draft: Contribution) -> int:
    return int(draft.data.get("version", 0))


def draft_diff(
    *, drafts: list[Contribution], old: int | None = None, new: int | None = None
) -> DraftDiff:
    """Compare two of `drafts` (the versions the viewer may see, from `draft_versions`) by
    version number; by default the last two."""
    versions = {_version(d): d for d in drafts}
    if len(versions) < 2 and (old is None or new is None):
        raise NotFound(
            _("There are not two versions of the document to compare."), code="no_versions"
        )
    numbers = sorted(versions)
    new = numbers[-1] if new is None else new
    old = max((n for n in numbers if n < new), default=numbers[0]) if old is None else old
    missing = [n for n in (old, new) if n not in versions]
    if missing:
        raise NotFound(
            _("There is no version %(number)d of the document that you may see.")
            % {"number": missing[0]},
            code="version_not_found",
        )
    if old == new:
        raise InvalidInput(_("Choose two different versions."), code="same_version")
    a, b = versions[old], versions[new]
    return DraftDiff(
        old=a,
        new=b,
        changes=outcomes.diff_clauses(a.data.get("clauses", []), b.data.get("clauses", [])),
    )


def achievement(*, programme: Programme, viewer: Any) -> list[outcomes.IndicatorAchievement]:
    """Every adopted indicator against its latest reported value (what the viewer may see).
    Two queries."""
    return _achievement(contribution_list(programme=programme, viewer=viewer))


def inputs_as_public_as(
    *, programme: Programme, visibility: str, organisation_id: int
) -> QuerySet[Contribution]:
    """The programme's contributions that everyone who may read an artefact of `visibility`
    by `organisation_id` may also read: what a figure stored in that artefact may use."""
    qs = Contribution.objects.filter(programme=programme)
    if visibility == Visibility.PUBLIC:
        return qs.filter(visibility=Visibility.PUBLIC)
    readable = Q(visibility__in=(Visibility.PUBLIC, Visibility.RESTRICTED))
    if visibility == Visibility.DRAFT:
        # A private draft is read by its organisation and the commission's organisations;
        # another's draft only if every one of those reads it too.
        readable |= Q(visibility=Visibility.DRAFT, organisation_id=organisation_id)
        if organisation_id in commission_organisation_ids(programme):
            readable |= Q(visibility=Visibility.DRAFT)
    return qs.filter(readable)


def achievement_for_artefact(
    *, programme: Programme, visibility: str, organisation_id: int
) -> list[outcomes.IndicatorAchievement]:
    """The achievement an artefact (the review) records: computed only from inputs at least
    as public as the artefact itself, so a public review never carries a restricted value."""
    return _achievement(
        inputs_as_public_as(
            programme=programme, visibility=visibility, organisation_id=organisation_id
        )
    )


def _achievement(contributions: QuerySet[Contribution]) -> list[outcomes.IndicatorAchievement]:
    """Achievement from `contributions`, counting only active ones (not withdrawn or set
    aside). One query."""
    rows = list(
        contributions.filter(
            type__in=("objective", "adoption", "progress_report"),
            status=ContributionStatus.ACTIVE,
        )
        .order_by("id")
        .values_list("id", "type", "title", "data", "created_at")
    )
    adoptions = [data for _id, kind, _t, data, _at in rows if kind == "adoption"]
    adopted = set(adoptions[-1]["objective_ids"]) if adoptions else None
    return outcomes.achievement(
        objectives=[(pk, t, data) for pk, kind, t, data, _at in rows if kind == "objective"],
        adopted_ids=adopted,
        measurements=[
            (at.isoformat(), m)
            for _pk, kind, _t, data, at in rows
            if kind == "progress_report"
            for m in data.get("measurements", [])
        ],
    )


def next_cycles(*, programme: Programme, viewer: Any) -> list[Programme]:
    """The programme's next cycles the viewer may see (a new cycle starts at step 1, which
    is not public yet)."""
    return [p for p in programme.next_cycles.all() if can_view_programme(viewer, p)]
