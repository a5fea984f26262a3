"""The API's documentation pages, Swagger UI and ReDoc, served from our own static files under our CSP.

Both come from drf-spectacular-sidecar (no CDN, which the shop's CSP would block). Swagger UI's
start-up script is a file of its own (drf-spectacular's split view), so it needs no inline script.
ReDoc writes its styles as ``<style>`` elements (styled-components) and builds its search worker
from a ``blob:`` URL; only its page's policy allows those two, nothing else changes. Its menu's
Redocly logo would come from their CDN: ``static/bizshop/redoc-no-cdn.js`` keeps it from loading.
"""

from __future__ import annotations

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerUiView(SpectacularSwaggerSplitView):
    template_name = "api_docs/swagger_ui.html"


class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"


swagger_ui = SwaggerUiView.as_view(url_name="api-schema")
redoc = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
    RedocView.as_view(url_name="api-schema")
)
