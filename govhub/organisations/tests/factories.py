import factory

from govhub.accounts.tests.factories import UserFactory
from govhub.organisations.kinds import sector_of
from govhub.organisations.models import Membership, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n:04d}")
    kind = "ministry_agency"
    sector = factory.LazyAttribute(lambda o: sector_of(o.kind))
    subtype = ""
    search_names = factory.LazyAttribute(
        lambda o: "\n".join(
            n.casefold() for n in [o.name, *(getattr(o, "name_translations", None) or {}).values()]
        )
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "member"
