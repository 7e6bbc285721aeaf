"""The request's context: an X-Request-ID on every answer and log line, and the request metrics."""

import time

from tracker.ops import metrics
from tracker.ops.context import REQUEST_ID_HEADER, accepted_request_id, bound, request_id_var, request_var


class RequestContextMiddleware:
    """First in MIDDLEWARE: every log line of the request, and its answer, carry one request id.

    The id comes from the proxy's X-Request-ID (nginx: `proxy_set_header X-Request-ID $request_id`)
    when it is a plain token, so one id follows a request from nginx to the workers' logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER, ""))
        request.request_id = request_id
        started = time.perf_counter()
        with bound(request_id_var, request_id), bound(request_var, request):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        metrics.observe_request(request, response, time.perf_counter() - started)
        return response
