from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from config.api import api
from govhub.core import views as core_views

# The admin signs in through allauth's sign-in, which asks for the second factor; its own
# password-only form would be a way around it.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(("govhub.core.urls", "core"))),
    path("organisations/", include("govhub.organisations.urls")),
    path("programmes/", include("govhub.programmes.urls")),
    path("services/", include("govhub.services.urls")),
    path("indices/", include("govhub.indices.urls")),
    path("account/", include("govhub.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
if getattr(settings, "GOVHUB_BENCH_BASELINE", False):
    urlpatterns.append(path("bench/baseline", core_views.baseline, name="bench-baseline"))

handler400 = "govhub.core.views.bad_request"
handler403 = "govhub.core.views.permission_denied"
handler404 = "govhub.core.views.page_not_found"
handler500 = "govhub.core.views.server_error"
