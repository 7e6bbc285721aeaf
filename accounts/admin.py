from django.contrib import admin

from accounts.models import Invitation, UserSettings


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made on the app's own page (the link is shown only there); here they can be reviewed."""

    list_display = ["pk", "note", "email", "created_by", "created_at", "expires_at", "used_by", "revoked_at"]
    readonly_fields = ["created_by", "created_at", "used_at", "used_by", "revoked_at"]

    def has_add_permission(self, request):
        return False


@admin.register(UserSettings)
class UserSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "list_view", "list_sort", "currency"]
