"""Root routes: portal pages, public registration page, the API and its schema, admin."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from bizshop.core import api_docs, health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # The API first: its paths are matched on every call (registrations the most), and no page
    # route starts with api/v1/, so the order changes nothing but the time spent resolving.
    path("api/v1/", include(("bizshop.api_urls", "api"), namespace="api")),
    path("", include("bizshop.catalog.urls")),
    path("accounts/", include("bizshop.accounts.urls")),
    path("", include("bizshop.accounts.policy_urls")),
    path("partners/webhooks/", include("bizshop.webhooks.urls")),
    path("partners/", include("bizshop.partners.urls")),
    # codes' mypage/orders/<id>/… downloads come before billing's catch-all order actions
    path("", include("bizshop.codes.urls")),
    path("mypage/invoices/", include("bizshop.invoices.urls")),
    # 코드 보내기 (mypage/orders/<id>/deliveries/…), also before billing's order actions
    path("mypage/", include("bizshop.campaigns.urls")),
    path("mypage/", include("bizshop.billing.urls")),
    path("support/", include("bizshop.support.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.swagger_ui, name="api-docs"),
    path("api/redoc/", api_docs.redoc, name="api-redoc"),
    path("backoffice/", include("bizshop.backoffice.urls")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
