from django.http import HttpResponse


def trivial(request):
    """The cheapest page on the same stack: same middleware, same signed-in session, no query of its own."""
    return HttpResponse(f"ok {request.user.pk}\n", content_type="text/plain")
