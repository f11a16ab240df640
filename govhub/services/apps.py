from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "govhub.services"
    label = "services"
    verbose_name = _("Public services")

    def ready(self) -> None:
        from govhub.core.api import search_kind_register
        from govhub.services.search import KIND, service_search_documents

        # Published services are found by name and description, in every language.
        search_kind_register(KIND, label=_("Public services"), documents=service_search_documents)
