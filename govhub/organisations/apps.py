from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "govhub.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from govhub.organisations import mfa

        mfa.register()
