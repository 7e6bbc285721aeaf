"""Helpers for the AJAX endpoints, which always answer in the spec's JSON shape."""

from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse

from tracker.limits import allow_endpoint_call

TOO_FAST = "You are going a bit fast. Please wait a minute and try again."


@dataclass(frozen=True)
class Answer:
    """What a button's endpoint answers: its status code and message (the API words it as JSON too)."""

    status: int
    message: str
    data: dict = field(default_factory=dict)
    retry_after: int | None = None  # seconds, for a 429

    @property
    def ok(self):
        return self.status < 400


def json_error(message, status):
    return JsonResponse({"success": False, "error": message}, status=status)


def json_endpoint(view):
    """POST only, signed-in only and rate-limited per user, answered as JSON errors rather than redirects or HTML."""

    @login_not_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return json_error("Your session has ended. Sign in again to continue.", 401)
        if request.method != "POST":
            response = json_error("This address only accepts POST requests.", 405)
            response["Allow"] = "POST"
            return response
        if not allow_endpoint_call(request.user.pk):
            return json_error(TOO_FAST, 429)
        return view(request, *args, **kwargs)

    wrapper.json_endpoint = True  # read by the CSRF failure view
    return wrapper
