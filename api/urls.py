"""The API under /api/ and its tokens page. Included last by dvdtracker/urls.py: its catch-all answers
every other address under /api/ with a JSON 404, so new API routes belong here, before it."""

from django.urls import include, path, re_path
from drf_spectacular import renderers
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api.errors import NotFound
from api.views import pages
from api.views.collection import ExportView, FilmSearchView, StatsView
from api.views.dvds import DVDViewSet
from api.views.imports import ImportJobViewSet

router = SimpleRouter()
router.register("dvds", DVDViewSet, basename="api-dvd")
router.register("imports", ImportJobViewSet, basename="api-import")

SCHEMA_RENDERERS = [
    renderers.OpenApiJsonRenderer2,
    renderers.OpenApiJsonRenderer,
    renderers.OpenApiYamlRenderer,
    renderers.OpenApiYamlRenderer2,
]

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/v1/films/search/", FilmSearchView.as_view(), name="api-film-search"),
    path("api/v1/stats/", StatsView.as_view(), name="api-stats"),
    path("api/v1/export/", ExportView.as_view(), name="api-export"),
    # JSON first: what a client that asks for nothing in particular (and every error) gets; YAML on request.
    path("api/schema/", SpectacularAPIView.as_view(renderer_classes=SCHEMA_RENDERERS), name="api_schema"),
    path("api/docs/", pages.docs_page, name="api_docs"),
    re_path(r"^api/", NotFound.as_view(), name="api-not-found"),
    path("settings/api-tokens/", pages.tokens_page, name="api_tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", pages.revoke_token, name="revoke_api_token"),
]
