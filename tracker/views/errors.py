from django.views.csrf import csrf_failure as html_csrf_failure

from tracker.views.ajax import json_error


def csrf_failure(request, reason=""):
    """A refused CSRF check: JSON for the AJAX endpoints, Django's page for forms."""
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match.func, "json_endpoint", False):
        return json_error("Your page is out of date (security token missing). Reload the page and try again.", 403)
    return html_csrf_failure(request, reason)
