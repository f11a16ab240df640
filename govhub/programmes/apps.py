from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "govhub.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from govhub.core.api import document_subject_register
        from govhub.programmes.governance import GovernanceModelError, current_model
        from govhub.programmes.references import forms_check, references_register

        # An issued programme document's page links back to its programme.
        document_subject_register(
            "programmes.programme", url_name="programmes:detail", label=_("The programme")
        )

        # The artefact forms (forms/*.yaml) are read now, so a broken one stops start-up; the
        # pickers they use are registered with core's forms engine.
        forms_check()
        references_register()

        # Validate the governance model at start-up: a broken file stops the process with a
        # message naming the problem, instead of failing later in a request.
        try:
            current_model()
        except GovernanceModelError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
