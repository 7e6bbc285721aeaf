"""The collection's pages: list, detail, add, edit, delete. Every query is scoped to the owner.

The list and detail pages are served from tracker.page_cache when nothing they show has changed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from tracker import background
from tracker.forms import CollectionFilterForm, DVDForm
from tracker.models import DVD
from tracker.page_cache import CachedPage
from tracker.services.tmdb import TMDBService
from tracker.views.tmdb import add_page_search

PAGE_SIZE = 24
# The list page's two layouts (?view=): posters in a grid, or compact rows. The first is the default.
LIST_VIEWS = ("grid", "list")


@require_safe
def dvd_list(request):
    page_cache = CachedPage.of_list(request)
    if stored := page_cache.lookup():
        return stored.response
    filter_form = CollectionFilterForm(request.GET)
    filters = filter_form.filters()
    rows = DVD.objects.for_user(request.user).collection_page(**filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Page links keep the filters; only the page number changes.
    query = request.GET.copy()
    query.pop("page", None)
    view = request.GET.get("view") if request.GET.get("view") in LIST_VIEWS else LIST_VIEWS[0]
    response = render(
        request,
        "tracker/dvd_list.html",
        page_cache.context(
            page=page,
            filter_form=filter_form,
            filters=filters,
            query_without_page=query.urlencode(),
            view=view,
            view_links={name: _query_with(request.GET, view=name) for name in LIST_VIEWS},
            has_any_dvd=page.paginator.count > 0 or DVD.objects.for_user(request.user).exists(),
        ),
    )
    return page_cache.store(response, keep=_is_canonical(request.GET, filter_form, page.number, view))


def _is_canonical(params, filter_form, page_number, view):
    """Whether the query string is one the page's own links and filters produce."""
    # Only those pages are stored, so made-up query strings cannot fill the cache with copies of one page.
    shown = {"page": str(page_number), "view": view}
    return (
        filter_form.is_valid()
        and all(name in filter_form.fields or name in shown for name in params)
        and all(len(params.getlist(name)) == 1 for name in params)
        and all(params[name] == value for name, value in shown.items() if name in params)
    )


def _query_with(params, **changes):
    """The query string with some parameters replaced (the layout switch keeps filters and page)."""
    query = params.copy()
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


@require_safe
def dvd_detail(request, pk):
    page_cache = CachedPage.of_dvd(request, pk)
    stored = page_cache.lookup()
    dvd = DVD(pk=pk, **stored.facts) if stored else get_object_or_404(DVD.objects.for_user(request.user), pk=pk)
    # Stale-while-revalidate: show what is stored now, refresh for the next visit.
    if dvd.wants_background_refresh():
        background.refresh_in_background(dvd.imdb_id)
    if stored:
        return stored.response
    response = render(
        request,
        "tracker/dvd_detail.html",
        page_cache.context(
            dvd=dvd,
            torrents=dvd.displayable_torrents() if dvd.imdb_id else [],
            can_fetch_imdb=TMDBService().is_configured,
        ),
    )
    # A failure's age ("failed 3 minutes ago") would be wrong when served again.
    return page_cache.store(response, facts=dvd.refresh_facts(), keep=not dvd.last_refresh_failed)


@require_http_methods(["GET", "POST"])
def dvd_add(request):
    search = add_page_search(request.GET) if request.method == "GET" else None
    form = DVDForm(request.POST or None, owner=request.user, initial=search.initial if search else None)
    if request.method == "POST" and form.is_valid():
        dvd = form.save()
        messages.success(request, f"Added “{dvd.name}” to your collection.")
        return redirect(dvd)
    return render(request, "tracker/dvd_form.html", {"form": form, "title": "Add a DVD", "tmdb": search})


@require_http_methods(["GET", "POST"])
def dvd_edit(request, pk):
    dvd = get_object_or_404(DVD.objects.for_user(request.user), pk=pk)
    form = DVDForm(request.POST or None, instance=dvd, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved your changes to “{dvd.name}”.")
        return redirect(dvd)
    return render(request, "tracker/dvd_form.html", {"form": form, "title": f"Edit “{dvd.name}”", "dvd": dvd})


@require_http_methods(["GET", "POST"])
def dvd_delete(request, pk):
    dvd = get_object_or_404(DVD.objects.for_user(request.user), pk=pk)
    if request.method == "POST":
        dvd.delete()
        messages.success(request, f"Deleted “{dvd.name}” from your collection.")
        return redirect("dvd_list")
    return render(request, "tracker/dvd_confirm_delete.html", {"dvd": dvd})
