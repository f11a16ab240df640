from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "govhub.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from govhub.core.api import (
            alert_handler_register,
            definition_register,
            document_subject_register,
            search_kind_register,
            subject_register,
            transition_listener_register,
        )
        from govhub.programmes import checks, guards, inputs, notices, versions  # noqa: F401
        from govhub.programmes.governance import DEFAULT_PATH, SUBJECT
        from govhub.programmes.references import forms_check, references_register
        from govhub.programmes.search import (
            KIND,
            programme_reindex_after,
            programme_search_documents,
        )

        # An issued programme document's page links back to its programme.
        document_subject_register(SUBJECT, url_name="programmes:detail", label=_("The programme"))
        # The artefact forms (forms/*.yaml) are read now, so a broken one stops start-up; the
        # pickers they use are registered with core's forms engine.
        forms_check()
        references_register()
        # The governance model is a workflow definition; its gate conditions are guards and
        # its artefact types input types. `govhub check` (and every start) fails on a model
        # that names anything unknown (core's check, and programmes' own in checks.py).
        definition_register(DEFAULT_PATH)
        guards.register()
        inputs.register()
        subject_register(SUBJECT, can_view=inputs.can_view_subject)
        # Reminders before a step's deadline and escalations after it (the periodic sweep).
        alert_handler_register(SUBJECT, notices.deadline_alert)
        # Each committed decision changes the programme's cached page (govhub.core.versions).
        versions.register()
        # Found by title and summary; a transition may make a step-1 programme public.
        search_kind_register(KIND, label=_("Programmes"), documents=programme_search_documents)
        transition_listener_register(programme_reindex_after)
