"""REST: programme analytics (participation against the matrix, time per step, overdue).

Registered in config/api.py BEFORE the programmes router: ninja turns `{programme_id}` into
Django's `<programme_id>` (a str converter, whatever the annotation), so rest.py's
`/programmes/{programme_id}` would otherwise answer `/programmes/analytics` with a 400.
A test requests `/programmes/analytics` to keep this order honest.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from govhub.accounts.api import optional_viewer
from govhub.core.api import PUBLIC_OPERATION
from govhub.programmes import analytics, permissions

router = Router(tags=["programmes"])


class CellOut(Schema):
    kind: str
    step: int
    contributions: int
    organisations: int


class KindStepOut(Schema):
    kind: str
    step: int


class StepTimeOut(Schema):
    step: int
    days: float
    visits: int
    re_entries: int
    current: bool


class StepTimeSummaryOut(Schema):
    step: int
    programmes: int
    median_days: float | None
    mean_days: float | None
    re_entries: int


class OverdueOut(Schema):
    programme_id: int
    title: str
    step: int
    deadline: datetime
    days_overdue: float


class ParticipationOut(Schema):
    prescribed: dict[str, list[int]]
    actual: list[CellOut]
    outside_prescription: list[CellOut]
    never_took_part: list[KindStepOut]
    steps_reached: int


class OverallAnalyticsOut(ParticipationOut):
    model_version: str
    programmes: int
    contributions: int
    time_per_step: list[StepTimeSummaryOut]
    overdue_count: int
    overdue: list[OverdueOut]


class ProgrammeAnalyticsOut(ParticipationOut):
    programme_id: int
    title: str
    status: str
    current_step: int
    model_version: str
    contributions: int
    time_per_step: list[StepTimeOut]
    overdue: list[OverdueOut]


@router.get(
    "/programmes/analytics",
    response=OverallAnalyticsOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="Analytics of the programmes you may see (public contributions only)",
)
def overall_analytics(request: HttpRequest) -> analytics.OverallAnalytics:
    return analytics.overall_analytics(viewer=optional_viewer(request))


@router.get(
    "/programmes/{programme_id}/analytics",
    response=ProgrammeAnalyticsOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="One programme's analytics (public contributions only)",
)
def programme_analytics(request: HttpRequest, programme_id: int) -> analytics.ProgrammeAnalytics:
    programme = permissions.access_programme(optional_viewer(request), programme_id)
    return analytics.programme_analytics(programme=programme)
