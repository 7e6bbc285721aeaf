from django.contrib import admin

from alerts.models import AlertSettings, Channel, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["text", "user", "kind", "quality", "created_at", "read_at"]
    list_filter = ["kind", "quality"]
    search_fields = ["text", "imdb_id"]
    raw_id_fields = ["user", "dvd"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    # The URL only masked: staff see that a channel fails, never its token.
    list_display = ["url_masked", "user", "enabled", "failures", "last_error", "last_success_at"]
    readonly_fields = ["url_masked", "failures", "next_attempt_at", "last_error", "last_error_at", "last_success_at"]
    fields = ["user", "label", "enabled", *readonly_fields]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False  # added by their owner on the settings page, which checks and encrypts the URL


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "digest_hour", "time_zone"]
    fields = ["user", "frequency", "digest_hour", "digest_weekday", "time_zone"]
    raw_id_fields = ["user"]
