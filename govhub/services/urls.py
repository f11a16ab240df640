from django.urls import path, register_converter

from govhub.services import views, views_manage


class FormatConverter:
    regex = "jsonld|ttl"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "rdf")

app_name = "services"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalogue.<rdf:fmt>", views.catalogue_rdf, name="catalogue_rdf"),
    path("new/", views_manage.create, name="create"),
    path("whats-new/", views.whats_new, name="whats_new"),
    path("authority/<int:authority_id>/", views.authority, name="authority"),
    path("authority/<int:authority_id>/all/", views.agency, name="agency"),
    path("<slug:identifier>.<rdf:fmt>", views.service_rdf, name="service_rdf"),
    path("<slug:identifier>/", views.detail, name="detail"),
    path("<slug:identifier>/edit/", views_manage.edit, name="edit"),
    path("<slug:identifier>/publish/", views_manage.publish, name="publish"),
    path("<slug:identifier>/withdraw/", views_manage.withdraw, name="withdraw"),
    path("<slug:identifier>/news/", views_manage.news_add, name="news_add"),
    path("<slug:identifier>/archive/", views.archive, name="archive"),
    path("<slug:identifier>/archive/<int:number>/", views.archived, name="archived"),
]
