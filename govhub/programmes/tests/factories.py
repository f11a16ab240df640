import factory

from govhub.programmes.governance import current_model
from govhub.programmes.models import Programme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme {n}")
    initiator = factory.SubFactory("govhub.organisations.tests.factories.OrganisationFactory")
    model_version = factory.LazyFunction(lambda: current_model().version)
    model_snapshot = factory.LazyFunction(lambda: current_model().raw)
    current_step = 1
