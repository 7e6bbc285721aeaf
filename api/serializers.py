"""The DVD as the API reads and writes it. Writes go through the web form (tracker.forms.DVDForm), so the
same bad input gets the same message as on the add and edit pages, and is saved the same way."""

from collections.abc import Mapping

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.forms.models import model_to_dict
from rest_framework import serializers
from rest_framework.settings import api_settings

from tracker import torrent_links
from tracker.forms import DVDForm
from tracker.models import DVD, LAST_STORABLE_YEAR
from tracker.validators import FIRST_FILM_YEAR

FORM_FIELDS = DVDForm.Meta.fields
NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY
# PostgreSQL's integer; stated here so that the schema does not depend on the database it was made on.
MAX_INTEGER = 2**31 - 1


def json_type_problem(field, value):
    """Why `value` is not of the JSON type `field` takes, or ''. The form would read "1999" or "yes" as well;
    the API takes only what its schema says."""
    if value is None:
        return "" if field.allow_null else "This field may not be null."
    if isinstance(field, serializers.BooleanField):
        return "" if isinstance(value, bool) else "Must be true or false."
    if isinstance(field, serializers.ChoiceField):
        # The form says which choices are valid; here only the type of its values (text, or numbers) is checked.
        kinds = {type(choice) for choice in field.choices if choice != ""}
        return "" if type(value) in kinds else f"Must be one of: {', '.join(map(str, field.choices))}."
    if isinstance(field, serializers.IntegerField):
        return "" if isinstance(value, int) and not isinstance(value, bool) else "Must be a whole number."
    return "" if isinstance(value, str) else "Must be a string."


def bound_problem(field, value):
    """Why `value` is outside the schema's bounds for `field`, or '' (the form knows only the database's bounds,
    which SQLite does not have), in Django's words."""
    if not isinstance(field, serializers.IntegerField) or value is None:
        return ""
    if field.min_value is not None and value < field.min_value:
        return f"Ensure this value is greater than or equal to {field.min_value}."
    if field.max_value is not None and value > field.max_value:
        return f"Ensure this value is less than or equal to {field.max_value}."
    return ""


class DVDSerializer(serializers.ModelSerializer):
    # The integers' bounds, whatever the database (the form checks "at most next year" itself).
    release_year = serializers.IntegerField(
        min_value=FIRST_FILM_YEAR, max_value=LAST_STORABLE_YEAR, allow_null=True, required=False
    )
    tmdb_id = serializers.IntegerField(min_value=1, max_value=MAX_INTEGER, allow_null=True, required=False)
    runtime = serializers.IntegerField(
        min_value=1, max_value=6000, allow_null=True, required=False, help_text="Minutes."
    )
    last_refresh_failed = serializers.BooleanField(
        read_only=True, help_text="Whether the most recent fetch from YTS failed (the torrents before it are kept)."
    )

    class Meta:
        model = DVD
        fields = [
            "id",
            *FORM_FIELDS,
            "yts_torrent_count",
            "yts_last_updated",
            "yts_last_error",
            "last_refresh_failed",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["yts_last_updated"]
        validators = []  # the form's own checks, run in to_internal_value, are the API's

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        # The database's own integer range (64 bits on SQLite, fewer on PostgreSQL) is left out, so the schema
        # is the same on every database; the form still checks it where the database has it.
        bounds = set()
        if isinstance(model_field, models.IntegerField):
            bounds = set(connection.ops.integer_field_range(model_field.get_internal_type())) - {None}
        for name in ("min_value", "max_value"):
            if kwargs.get(name) in bounds:
                del kwargs[name]
        kwargs["validators"] = [
            validator
            for validator in kwargs.get("validators", [])
            if not (isinstance(validator, MinValueValidator | MaxValueValidator) and validator.limit_value in bounds)
        ]
        return field_class, kwargs

    def __init__(self, *args, only=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in set(self.fields) - set(only or self.fields):
            self.fields.pop(name)

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({NON_FIELD_ERRORS: ["Send the DVD as a JSON object."]})
        given = {name: value for name, value in data.items() if name in FORM_FIELDS}
        problems = {name: [p] for name, value in given.items() if (p := json_type_problem(self.fields[name], value))}
        if problems:
            raise serializers.ValidationError(problems)
        # A partial update changes what it names; a create or a full update starts from a new DVD's defaults.
        start = self.instance if self.partial and self.instance is not None else DVD()
        values = {**model_to_dict(start, fields=FORM_FIELDS), **given}
        form = DVDForm(
            {name: "" if value is None else value for name, value in values.items()},
            instance=self.instance,
            owner=self.context["request"].user,
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {NON_FIELD_ERRORS if name == "__all__" else name: list(errors) for name, errors in form.errors.items()}
            )
        problems = {
            name: [p] for name, value in form.cleaned_data.items() if (p := bound_problem(self.fields[name], value))
        }
        if problems:
            raise serializers.ValidationError(problems)
        self.form = form
        return form.cleaned_data

    def create(self, validated_data):
        return self.form.save()

    def update(self, instance, validated_data):
        return self.form.save()


class TorrentSerializer(serializers.Serializer):
    quality = serializers.CharField(help_text="720p, 1080p, 2160p or 3D.")
    type = serializers.CharField(help_text="bluray or web.")
    video_codec = serializers.CharField()
    bit_depth = serializers.CharField()
    audio_channels = serializers.CharField()
    is_repack = serializers.BooleanField()
    size = serializers.CharField()
    size_bytes = serializers.IntegerField(allow_null=True)
    seeds = serializers.IntegerField(allow_null=True)
    peers = serializers.IntegerField(allow_null=True)
    date_uploaded = serializers.CharField()
    url = serializers.URLField(help_text="The .torrent file on YTS (https, on an allowed host).")
    hash = serializers.CharField()
    magnet = serializers.CharField(help_text="A magnet: link, or empty when the torrent's info hash is not valid.")


def _text(torrent, key):
    value = torrent.get(key)
    return value if isinstance(value, str) else ""


def _count(torrent, key):
    value = torrent.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def stored_torrents(dvd):
    """The DVD's displayable torrents with their magnet links, each value of its schema's type
    (rows written before validation existed, or edited by hand, may hold anything)."""
    texts = ("quality", "type", "video_codec", "bit_depth", "audio_channels", "size", "date_uploaded", "url", "hash")
    return [
        {
            **{key: _text(torrent, key) for key in texts},
            **{key: _count(torrent, key) for key in ("size_bytes", "seeds", "peers")},
            "is_repack": torrent.get("is_repack") in (True, "1"),
            "magnet": torrent_links.torrent_magnet(torrent, dvd),
        }
        for torrent in torrent_links.displayable(dvd.get_cached_torrents())
    ]


class ButtonAnswerSerializer(serializers.Serializer):
    message = serializers.CharField()


class RefreshSerializer(ButtonAnswerSerializer):
    torrent_count = serializers.IntegerField()
    last_updated = serializers.DateTimeField(allow_null=True, help_text="When the torrents were fetched.")


class FetchImdbSerializer(ButtonAnswerSerializer):
    imdb_id = serializers.CharField()


class FilmSerializer(serializers.Serializer):
    """A film found on TMDB (tracker.services.tmdb.MovieSummary)."""

    tmdb_id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    poster_url = serializers.CharField(help_text="On image.tmdb.org, or empty.")
    overview = serializers.CharField()


class FilmSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="A title, or part of one.")
    year = serializers.IntegerField(required=False, min_value=1000, max_value=9999, help_text="The release year.")


class CountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class TotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    kept = serializers.IntegerField()
    disposed = serializers.IntegerField()
    unwatched = serializers.IntegerField()
    watched = serializers.IntegerField()
    unopened = serializers.IntegerField()
    with_torrents = serializers.IntegerField()
    without_torrents = serializers.IntegerField()
    not_looked_up = serializers.IntegerField()
    without_imdb = serializers.IntegerField()
    torrents = serializers.IntegerField(allow_null=True)
    minutes = serializers.IntegerField(allow_null=True, help_text="Total running time; null with no runtimes.")
    oldest = serializers.IntegerField(allow_null=True, help_text="Release year.")
    newest = serializers.IntegerField(allow_null=True, help_text="Release year.")


class StatsSerializer(serializers.Serializer):
    """The statistics page's figures (tracker.stats.collection_stats), each chart a list of labelled counts."""

    totals = TotalsSerializer()
    formats = CountSerializer(many=True)
    media = CountSerializer(many=True)
    decades = CountSerializer(many=True)
    genres = CountSerializer(many=True)
    watched = CountSerializer(many=True)
    torrents = CountSerializer(many=True)
    months = CountSerializer(many=True, help_text="DVDs added in each of the last 24 months.")

    def to_representation(self, stats):
        counts = {
            name: [{"label": label, "count": count} for label, count in groups]
            for name, groups in stats.items()
            if name != "totals"
        }
        return super().to_representation({"totals": stats["totals"], **counts})
