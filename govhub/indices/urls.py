from django.urls import path

from govhub.indices import views, views_countries, views_regions

app_name = "indices"
urlpatterns = [
    path("", views.world_map, name="map"),
    path("ranking/", views.ranking, name="ranking"),
    path("countries/<str:iso3>/", views_countries.country, name="country"),
    path("regions/", views_regions.regions, name="regions"),
    path("regions/<slug:region>/", views_regions.area, name="region"),
    path("regions/<slug:region>/<slug:subregion>/", views_regions.area, name="subregion"),
    path("participation/", views_regions.participation, name="participation"),
]
