from typing import Any

from django.test import Client

from govhub.organisations.tests.factories import OrganisationFactory
from govhub.services.demo import SERVICES, demo_services_load
from govhub.services.models import Service, ServiceVersion
from govhub.services.tests.test_cpsv import _validate


def _authorities() -> dict[str, int]:
    keys = sorted({row[1] for row in SERVICES})
    kinds = {"capital": "local_body", "riverside": "local_body"}
    return {k: OrganisationFactory(kind=kinds.get(k, "ministry_agency"), name=k).pk for k in keys}


def test_the_demo_publishes_arden_s_services_once(db: Any) -> None:
    # given Arden's agencies
    ids = _authorities()
    # when the demo loads twice
    added = demo_services_load(ids)
    again = demo_services_load(ids)
    # then fifteen services exist, fourteen published for all three audiences, one withdrawn
    assert (added, again) == (15, 0)
    published = Service.objects.filter(status="published")
    assert published.count() == 14
    assert Service.objects.get(status="withdrawn").identifier == "paper-death-registration"
    assert published.filter(for_citizens=True).exists()
    assert published.filter(for_businesses=True).exists()
    assert published.filter(for_government=True).exists()
    edited = Service.objects.get(identifier="residence-registration")
    versions = ServiceVersion.objects.filter(service=edited).order_by("number")
    assert [v.content["processing_days"] for v in versions] == [3, 2]


def test_the_demo_catalogue_conforms_to_cpsv_ap(db: Any) -> None:
    demo_services_load(_authorities())
    response = Client().get("/services/catalogue.ttl")
    conforms, report, _graph = _validate(response.content.decode(), "turtle")
    assert conforms, report
