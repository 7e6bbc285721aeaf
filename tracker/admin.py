from django.contrib import admin

from tracker.models import DVD, YTS_FIELDS, Loan, ShareLink


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
    readonly_fields = YTS_FIELDS
    raw_id_fields = ["owner"]

    def save_model(self, request, obj, form, change):
        # Only the form's fields: a refresh may have stored torrents while the form was open.
        obj.save(update_fields=[*form.fields, "updated_at"] if change else None)


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["dvd", "borrower", "lent_on", "due_on", "returned_on"]
    list_filter = ["returned_on"]
    search_fields = ["borrower", "dvd__name"]
    list_select_related = ["dvd"]
    raw_id_fields = ["dvd"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    # The token is the link's secret: not shown, only deleted (which revokes the link).
    list_display = ["owner", "kind", "created_at"]
    exclude = ["token"]
    readonly_fields = ["owner", "kind"]

    def has_add_permission(self, request):
        return False  # links are made by their owners, with a token of their own
