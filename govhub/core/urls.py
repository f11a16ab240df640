from django.urls import path

from govhub.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language, name="language"),
    path("healthz", views.healthz, name="healthz"),
]
