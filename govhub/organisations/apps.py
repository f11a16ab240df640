from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "govhub.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from govhub.core.api import membership_source_register, search_kind_register
        from govhub.organisations import mfa
        from govhub.organisations.api import memberships_for
        from govhub.organisations.search import KIND, organisation_search_documents

        mfa.register()
        # Workflows decide who may take a transition by the organisations a person acts for.
        membership_source_register(memberships_for)
        search_kind_register(
            KIND, label=_("Organisations"), documents=organisation_search_documents
        )
