"""/api/v1/dvds/: the collection, each DVD's stored torrents, and its Refresh and Auto-fetch buttons."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.filters import DVDFilter
from api.pagination import Pages
from api.schema import bad_input, error
from api.serializers import (
    DVDSerializer,
    FetchImdbSerializer,
    RefreshSerializer,
    TorrentSerializer,
    stored_torrents,
)
from api.views.answers import answer_response, count_button_press
from tracker.models import DVD
from tracker.views.refresh import press_refresh
from tracker.views.tmdb import press_fetch_imdb_id

FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Only these fields, comma-separated (e.g. `id,name,release_year`); every field when not given.",
)


@extend_schema_view(
    list=extend_schema(summary="Your DVDs: the list page's filters, search and sorts", parameters=[FIELDS]),
    retrieve=extend_schema(
        summary="One DVD",
        parameters=[FIELDS],
        responses={200: DVDSerializer, 400: bad_input("?fields= names a field the DVD does not have.")},
    ),
    create=extend_schema(summary="Add a DVD (checked as the add page checks it)"),
    update=extend_schema(summary="Replace a DVD's fields (those not sent go back to their defaults)"),
    partial_update=extend_schema(summary="Change some of a DVD's fields"),
    destroy=extend_schema(summary="Delete a DVD"),
)
class DVDViewSet(viewsets.ModelViewSet):
    serializer_class = DVDSerializer
    filterset_class = DVDFilter
    pagination_class = Pages

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a user
            return DVD.objects.none()
        return DVD.objects.for_user(self.request.user)

    def filter_queryset(self, queryset):
        # The list's filters only: a DVD's own address finds it whatever its query string says.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer(self, *args, **kwargs):
        if self.action in ("list", "retrieve"):
            kwargs["only"] = self._chosen_fields()
        return super().get_serializer(*args, **kwargs)

    def _chosen_fields(self):
        text = self.request.query_params.get("fields", "") if self.request else ""
        if not text:
            return None
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in DVDSerializer.Meta.fields]
        if unknown or not names:
            known = ", ".join(DVDSerializer.Meta.fields)
            problem = f"Unknown field: {', '.join(unknown)[:200]}. Known: {known}."
            raise exceptions.ValidationError({"fields": [problem]})
        return names

    @extend_schema(summary="The DVD's stored torrents, with magnet links", responses=TorrentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def torrents(self, request, pk=None):
        return Response(TorrentSerializer(stored_torrents(self.get_object()), many=True).data)

    @extend_schema(
        summary="Refresh the DVD's torrents from YTS (the Refresh button)",
        request=None,
        responses={
            200: RefreshSerializer,
            400: error("The DVD has no IMDb id."),
            409: error("The DVD was changed or deleted meanwhile."),
            429: error("Refreshed moments ago, YTS is busy, or too many presses this minute."),
            502: error("YTS failed; the stored torrents are kept."),
        },
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        dvd = self.get_object()
        count_button_press(request.user)
        return answer_response(press_refresh(dvd), RefreshSerializer)

    @extend_schema(
        summary="Look the DVD's IMDb id up on TMDB from its TMDB id (the Auto-fetch button)",
        request=None,
        responses={
            200: FetchImdbSerializer,
            400: error("The DVD has no TMDB id."),
            404: OpenApiResponse(description="No such DVD of yours, or TMDB has no IMDb id for the film."),
            429: error("Too many TMDB look-ups or presses this minute."),
            502: error("TMDB failed."),
            503: error("TMDB is not configured on this server."),
        },
    )
    @action(detail=True, methods=["post"], url_path="fetch-imdb")
    def fetch_imdb(self, request, pk=None):
        dvd = self.get_object()
        count_button_press(request.user)
        return answer_response(press_fetch_imdb_id(dvd, request.user.pk), FetchImdbSerializer)
