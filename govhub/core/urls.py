from django.urls import path

from govhub.core import views
from govhub.core.documents import views as documents
from govhub.core.files import views as files
from govhub.core.notifications import views as notifications

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language, name="language"),
    path("source/", views.source, name="source"),
    path("healthz", views.healthz, name="healthz"),
    path("documents/", documents.document_list, name="documents"),
    path("documents/<slug:public_id>/", documents.document_detail, name="document"),
    path("documents/<slug:public_id>/pdf", documents.document_pdf, name="document-pdf"),
    path("files/<slug:public_id>/", files.file_download, name="file"),
    path("notifications/", notifications.notification_list_view, name="notifications"),
    path("notifications/read", notifications.notification_read_view, name="notifications-read"),
    path(
        "notifications/preferences/",
        notifications.notification_preferences_view,
        name="notification-preferences",
    ),
]
