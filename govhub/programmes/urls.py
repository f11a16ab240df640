from django.urls import path

from govhub.programmes import views, views_contribute, views_gates, views_steps
from govhub.programmes.views_analytics import analytics_overview

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("governance-model/", views.governance_model, name="governance_model"),
    path("analytics/", analytics_overview, name="analytics"),
    path("<int:programme_id>/", views.detail, name="detail"),
    path("<int:programme_id>/steps/<int:number>/", views_steps.step, name="step"),
    path(
        "<int:programme_id>/steps/<int:number>/contribute/<slug:kind>/",
        views_contribute.contribute,
        name="contribute",
    ),
    path(
        "<int:programme_id>/steps/<int:number>/contributions/<int:contribution_id>/withdraw/",
        views_gates.withdraw,
        name="withdraw",
    ),
    path(
        "<int:programme_id>/steps/<int:number>/contributions/<int:contribution_id>/set-aside/",
        views_gates.set_aside,
        name="set_aside",
    ),
    path("<int:programme_id>/steps/<int:number>/advance/", views_gates.advance, name="advance"),
    path("<int:programme_id>/steps/<int:number>/return/", views_gates.send_back, name="return"),
    path("<int:programme_id>/steps/<int:number>/issue/", views_gates.issue, name="issue"),
    path(
        "<int:programme_id>/steps/<int:number>/new-cycle/",
        views_gates.new_cycle,
        name="new_cycle",
    ),
]
