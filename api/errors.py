"""Every answer under /api/ is JSON, errors included: {"detail": "..."} or, for bad input, {"field": ["..."]}."""

from django.core.exceptions import SuspiciousOperation
from django.urls import Resolver404, resolve
from django.utils.log import log_response
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

SERVER_ERROR = "Something went wrong on our side. It has been logged."


def exception_handler(exc, context):
    """DRF's answers, and JSON rather than Django's HTML page for what DRF leaves alone."""
    if isinstance(exc, SuspiciousOperation):  # e.g. a request body over DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = exceptions.ParseError(str(exc) or "The request could not be read.")
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    response = Response({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    request = context["request"]
    # Logged as Django logs a 500 (to the admins' e-mail too), with the traceback.
    log_response("Internal Server Error: %s", request.path, response=response, request=request._request, exception=exc)
    return response


class NotFound(APIView):
    """Any other address under /api/: a JSON 404 (after authentication, so it reveals nothing to strangers)."""

    schema = None  # not part of the documented API

    def not_found(self, request, *args, **kwargs):
        detail = "There is no such address in the API."
        if not request.path.endswith("/") and _is_api_address(request.path + "/"):
            detail += f" Addresses end with a slash: {request.path}/"
        raise exceptions.NotFound(detail)

    # Whatever the method: a 404, not a 405.
    get = post = put = patch = delete = options = not_found


def _is_api_address(path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "cls", None) is not NotFound
