"""Each person's private Atom feed of their alerts, at a URL with an unguessable, revocable token."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from alerts.delivery import title_of
from alerts.models import AlertSettings, Notification

FEED_ENTRIES = 50


class AlertFeed(Feed):
    feed_type = Atom1Feed
    author_name = "DVD Collection Tracker"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The URL is the credential: keep the answer out of shared caches and search engines.
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_object(self, request, token):
        found = AlertSettings.objects.for_feed_token(token)
        if found is None:
            raise Http404("No such feed")
        return found

    def title(self, obj):
        return f"Film alerts for {obj.user.get_username()}"

    def subtitle(self, obj):
        return "Better qualities and new torrents for the films in your DVD collection."

    def link(self, obj):
        return reverse("notifications")

    def items(self, obj):
        return Notification.objects.for_user(obj.user)[:FEED_ENTRIES]

    def item_title(self, item):
        return title_of(item)

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        # One entry per alert: its place in the inbox (and, made absolute, the entry's Atom id).
        return f"{reverse('notifications')}#notification-{item.pk}"

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at


alert_feed = login_not_required(AlertFeed())
