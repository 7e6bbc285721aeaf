from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker.ops import metrics as metrics_module


@login_not_required
@never_cache
@require_safe
def metrics(request):
    """Prometheus text format, for a staff session or `Authorization: Bearer <METRICS_TOKEN>`."""
    if not metrics_module.authorised(request):
        response = HttpResponse("Metrics need a staff sign-in or the METRICS_TOKEN bearer token.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_module.exposition(), content_type=metrics_module.CONTENT_TYPE_LATEST)
