from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govhub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf.locale import LANG_INFO

        from govhub.core.audit import checks as audit_checks  # noqa: F401  (deploy checks)
        from govhub.core.documents import checks  # noqa: F401  (registers the deploy checks)
        from govhub.core.files import checks as file_checks  # noqa: F401  (scanner checks)
        from govhub.core.forms import checks as forms_checks  # noqa: F401  (shipped forms)
        from govhub.core.notifications import checks as notification_checks  # noqa: F401
        from govhub.core.notifications.tasks import sweep_deliveries
        from govhub.core.sweep import sweep_register

        sweep_register("notifications", sweep_deliveries)
        from govhub.core.workers import tasks_release_lost

        sweep_register("task_leases", tasks_release_lost)
        from govhub.core.workflow import checks as workflow_checks  # noqa: F401  (start-up)
        from govhub.core.workflow.queries import sweep_workflow_alerts

        sweep_register("workflow_alerts", sweep_workflow_alerts)
        from govhub.core.idempotency import sweep_idempotency_keys

        sweep_register("idempotency_keys", sweep_idempotency_keys)
        from govhub.core.documents.search import KIND, document_search_documents
        from govhub.core.search import search_kind_register

        search_kind_register(KIND, label=_("Issued documents"), documents=document_search_documents)

        # Dari (Afghan Persian) is not in Django's table; it falls back to Persian catalogs
        # for Django's own strings and carries its own name.
        LANG_INFO.setdefault(
            "fa-af", {"bidi": True, "code": "fa-af", "name": "Dari", "name_local": "دری"}
        )
