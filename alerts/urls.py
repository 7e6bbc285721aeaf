from django.urls import path

from alerts import views
from alerts.feeds import alert_feed

urlpatterns = [
    path("upgrades/", views.upgrades_page, name="upgrades"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/<int:pk>/read/", views.mark_read, name="notification_read"),
    path("notifications/read-all/", views.mark_all_read, name="notifications_read_all"),
    path("settings/notifications/", views.settings_page, name="alert_settings"),
    path("settings/notifications/channels/", views.add_channel, name="alert_channel_add"),
    path("settings/notifications/channels/<int:pk>/delete/", views.delete_channel, name="alert_channel_delete"),
    path("settings/notifications/channels/<int:pk>/test/", views.test_channel, name="alert_channel_test"),
    path("settings/notifications/feed/", views.new_feed, name="alert_feed_new"),
    path("settings/notifications/feed/revoke/", views.revoke_feed, name="alert_feed_revoke"),
    # Read by feed readers, which have no session: the token in the URL is the credential.
    path("feeds/alerts/<str:token>/", alert_feed, name="alert_feed"),
]

# Pages for visitors who are not signed in, for the test that every other URL refuses them.
PUBLIC_URL_NAMES = {"alert_feed"}
