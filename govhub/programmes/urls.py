from django.urls import path

from govhub.programmes import views

app_name = "programmes"
urlpatterns = [
    path("governance-model/", views.governance_model, name="governance_model"),
]
