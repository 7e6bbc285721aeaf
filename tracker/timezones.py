"""Times in the visitor's own time zone, which the browser tells us in a cookie.

static/tracker/app.js stores the browser's IANA zone name (Intl.DateTimeFormat) in the `tz`
cookie; this middleware activates it for the request, so "Last updated" and every other
localised time read in the visitor's zone. Without the cookie (first page, no JavaScript, or an
unknown name) times stay in settings.TIME_ZONE, and the page labels them with the zone's name.
A zone chosen on the user's settings page (accounts) wins over the browser's.
"""

from django.utils import timezone

from accounts import preferences
from tracker.validators import zone_from_name

COOKIE_NAME = "tz"


def _chosen_zone(request):
    """The zone the signed-in user picked on their settings page, or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return zone_from_name(preferences.for_user(user).time_zone)


class BrowserTimezoneMiddleware:
    """Activate the user's chosen time zone, or the one named by the `tz` cookie, for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = _chosen_zone(request) or zone_from_name(request.COOKIES.get(COOKIE_NAME, ""))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
