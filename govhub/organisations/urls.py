from django.urls import path

from govhub.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.create, name="create"),
    path("<int:organisation_id>/", views.detail, name="detail"),
    path("<int:organisation_id>/manage/", views.manage, name="manage"),
    path("<int:organisation_id>/members/", views.member_add, name="member_add"),
    path(
        "<int:organisation_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "<int:organisation_id>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "<int:organisation_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<int:organisation_id>/audit/", views.audit, name="audit"),
    path("<int:organisation_id>/reclassify/", views.reclassify, name="reclassify"),
]
