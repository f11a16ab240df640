import factory

from govhub.accounts.tests.factories import UserFactory, totp_enable
from govhub.organisations.kinds import Sector, sector_of
from govhub.organisations.models import Membership, Organisation
from govhub.organisations.search import organisation_index


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n:04d}")
    kind = "ministry_agency"
    sector = factory.LazyAttribute(lambda o: sector_of(o.kind))
    subtype = ""
    search_names = factory.LazyAttribute(
        lambda o: "\n".join(
            n.casefold() for n in [o.name, *(getattr(o, "name_translations", None) or {}).values()]
        )
    )

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):  # noqa: N805
        """Indexed for search, as the actions do (unless `indexed=False`)."""
        if create and extracted is not False:
            organisation_index(obj)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership; a member of a government organisation comes with a TOTP authenticator
    (they must have one) unless `totp=False`."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "member"

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):  # noqa: N805
        government = obj.organisation.sector == Sector.GOVERNMENT
        if create and (extracted if extracted is not None else government):
            totp_enable(obj.user)
