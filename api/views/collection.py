"""/api/v1/stats/, /api/v1/export/ and /api/v1/films/search/: the statistics page, the export and the add
page's TMDB search, from the same code as the pages."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import DVDFilter
from api.schema import bad_input, error
from api.serializers import FilmSearchQuerySerializer, FilmSerializer, StatsSerializer
from tracker.models import DVD
from tracker.services.tmdb import TMDBAllowanceUsed, TMDBError, TMDBNotConfigured, TMDBService
from tracker.stats import collection_stats
from tracker.views import exporting
from tracker.views.tmdb import ALLOWANCE_USED

TMDB_NOT_CONFIGURED = "TMDB is not configured on this server (TMDB_API_KEY), so films cannot be searched."


class StatsView(APIView):
    @extend_schema(summary="Your collection in figures (the statistics page)", responses=StatsSerializer)
    def get(self, request):
        return Response(StatsSerializer(collection_stats(DVD.objects.for_user(request.user))).data)


class ExportView(APIView):
    # The list's filters (documented from DVDFilter, and checked by it) choose the DVDs exported.
    filterset_class = DVDFilter
    filter_backends = [DjangoFilterBackend]
    queryset = DVD.objects.none()  # the model whose filters the schema documents

    @extend_schema(
        summary="Download your collection (or the DVDs the list's filters choose), streamed",
        filters=True,
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["csv", "json"],
                default="csv",
                description="`csv`: a spreadsheet, `json`: a backup that the import restores.",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV export."),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="The JSON backup."),
            400: bad_input("A format or filter value that does not exist."),
        },
    )
    def get(self, request):
        chosen = request.query_params.get("format", "csv")
        if chosen not in ("csv", "json"):
            raise exceptions.ValidationError({"format": ["Choose csv or json."]})
        filters = DVDFilter(request.query_params, queryset=DVD.objects.none())
        if not filters.is_valid():
            raise exceptions.ValidationError(filters.errors)
        # The pages' own downloads, which read the same filters from the query string.
        download = exporting.export_csv if chosen == "csv" else exporting.export_json
        return download(request._request)


class FilmSearchView(APIView):
    @extend_schema(
        summary="Search films on TMDB (the add page's search)",
        parameters=[FilmSearchQuerySerializer],
        responses={
            200: FilmSerializer(many=True),
            400: bad_input("No query, or a year that is not one."),
            429: error("Too many TMDB look-ups this minute (TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE), or API requests."),
            502: error("TMDB failed."),
            503: error("TMDB is not configured on this server."),
        },
    )
    def get(self, request):
        query = FilmSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        service = TMDBService.for_user(request.user.pk)
        try:
            if not service.is_configured:
                raise TMDBNotConfigured(TMDB_NOT_CONFIGURED)
            films = service.search(query.validated_data["q"], query.validated_data.get("year"))
        except TMDBAllowanceUsed:
            raise exceptions.Throttled(wait=60, detail=f"{ALLOWANCE_USED}.") from None
        except TMDBNotConfigured:
            return Response({"detail": TMDB_NOT_CONFIGURED}, status=503)
        except TMDBError as exc:
            return Response({"detail": f"TMDB search is not available right now ({exc})."}, status=502)
        return Response(FilmSerializer(films, many=True).data)
