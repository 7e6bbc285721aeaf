"""Share links: the owner's switches (on, new address, off), and the read-only pages anyone with a link sees.

A shared page shows titles, years, formats, editions and posters only: never torrents, notes,
prices, storage boxes or loans. It needs no sign-in, is not to be indexed, is rate-limited per
visitor's address, and is 404 for a token that does not exist (or no longer does).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from tracker.limits import allow_shared_page_view
from tracker.models import DVD, ShareLink

SHARED_FIELDS = ("name", "release_year", "disk_type", "edition", "poster_url")
ACTIONS = ("on", "regenerate", "off")


@require_http_methods(["GET", "POST"])
def sharing_page(request):
    if request.method == "POST":
        kind, action = request.POST.get("kind"), request.POST.get("action")
        if kind not in ShareLink.Kind.values or action not in ACTIONS:
            raise Http404("No such share link.")
        label = ShareLink.Kind(kind).label.lower()
        if action == "off":
            ShareLink.objects.for_user(request.user).filter(kind=kind).delete()
            messages.success(request, f"Your {label} is no longer shared: its link answers “not found”.")
        elif action == "regenerate":
            ShareLink.regenerate(request.user, kind)
            messages.success(request, f"Your {label} has a new link; the old one no longer works.")
        else:
            ShareLink.switch_on(request.user, kind)
            messages.success(request, f"Your {label} is shared: anyone with the link can see it.")
        return redirect("sharing")
    links = {link.kind: link for link in ShareLink.objects.for_user(request.user)}
    kinds = [(kind, label, links.get(kind)) for kind, label in ShareLink.Kind.choices]
    return render(request, "tracker/sharing.html", {"kinds": kinds})


@login_not_required
@require_safe
def shared_page(request, token):
    if not allow_shared_page_view(request.META.get("REMOTE_ADDR", "")):
        return HttpResponse("Too many requests; try again in a minute.", status=429, content_type="text/plain")
    link = get_object_or_404(ShareLink.objects.select_related("owner"), token=token)
    dvds = DVD.objects.for_user(link.owner)
    dvds = dvds.wanted() if link.kind == ShareLink.Kind.WISHLIST else dvds.filter(status=DVD.Status.KEPT)
    context = {"link": link, "dvds": dvds.only(*SHARED_FIELDS).order_by("name", "pk")}
    response = render(request, "tracker/shared.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the token is the address: not to be sent to posters' host
    return response
