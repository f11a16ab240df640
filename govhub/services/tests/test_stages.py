from types import SimpleNamespace

import pytest

from govhub.services.stages import service_stage


@pytest.mark.parametrize(
    ("form_key", "workflow_key", "enquiries", "stage"),
    [
        ("", "", False, 1),
        ("", "", True, 2),
        ("services.birth", "", False, 2),
        ("services.birth", "services.case", False, 3),
        ("", "services.case", False, 1),
    ],
)
def test_the_stage_comes_from_what_the_service_offers(
    form_key: str, workflow_key: str, enquiries: bool, stage: int
) -> None:
    # given a service offering a form, a workflow and enquiries or not
    service = SimpleNamespace(
        form_key=form_key, workflow_key=workflow_key, accepts_enquiries=enquiries
    )
    # when its stage is computed / then it is the expected one
    assert service_stage(service) == stage
