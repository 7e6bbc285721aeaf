from django.contrib import admin

from tracker.models import DVD


@admin.register(DVD)
class DVDAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "release_year",
        "owner",
        "disk_type",
        "media_type",
        "status",
        "imdb_id",
        "yts_torrent_count",
    ]
    list_filter = ["disk_type", "media_type", "status", "is_unwatched"]
    search_fields = ["name", "director", "imdb_id"]
    list_select_related = ["owner"]
    readonly_fields = ["yts_data", "yts_last_updated", "yts_torrent_count", "yts_last_error", "yts_last_error_at"]
    raw_id_fields = ["owner"]
