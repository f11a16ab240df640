from django.urls import path

from govhub.indices import views

app_name = "indices"
urlpatterns = [
    path("", views.world_map, name="map"),
    path("ranking/", views.ranking, name="ranking"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("regions/", views.regions, name="regions"),
    path("regions/<slug:region>/", views.area, name="region"),
    path("regions/<slug:region>/<slug:subregion>/", views.area, name="subregion"),
    path("participation/", views.participation, name="participation"),
]
