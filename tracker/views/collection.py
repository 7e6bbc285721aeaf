"""The collection's pages: list, detail, add, edit, delete. Every query is scoped to the owner.

The list and detail pages are served from tracker.page_cache when nothing they show has changed."""

from functools import lru_cache

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from accounts import preferences
from tracker import copies, torrent_links
from tracker.forms import CollectionFilterForm, DVDForm
from tracker.models import DVD
from tracker.page_cache import CachedPage
from tracker.paging import IndexedPages
from tracker.refresh import background
from tracker.scanning import add_form_prefill, carried_params
from tracker.services.tmdb import TMDBService
from tracker.views import lending
from tracker.views.tmdb import add_page_search

PAGE_SIZE = 24
# The list page's two layouts (?view=): posters in a grid, or compact rows. The first is the default.
LIST_VIEWS = ("grid", "list")
LIST_QUERY_ORDER = ("q", "disk_type", "media_type", "status", "watched", "loan", "sort", "group", "page", "view")
LIST_DEFAULTS = {**CollectionFilterForm({}).filters(), "page": 1, "view": LIST_VIEWS[0]}


@require_safe
def dvd_list(request):
    # The plain list opens in the layout and order the user chose on their settings page.
    if not request.GET and (defaults := preferences.for_user(request.user).list_query()):
        return redirect(f"{request.path}?{defaults}")
    query, searched = _canonical_list_query(request.META.get("QUERY_STRING", ""))
    page_cache = CachedPage.of_list(request, query, searched)
    if stored := page_cache.lookup():
        return stored.response
    filter_form = CollectionFilterForm(request.GET)
    filters = filter_form.filters()
    view = _layout(request.GET)
    rows = DVD.objects.for_user(request.user).collection_page(**filters)
    page = Paginator(IndexedPages(rows), PAGE_SIZE).get_page(request.GET.get("page"))
    if filters["group"] == "film":
        copies.attach_copies(page.object_list, request.user)
    response = render(
        request,
        "tracker/dvd_list.html",
        page_cache.context(
            page=page,
            filter_form=filter_form,
            filters=filters,
            export_query=list_query(filters),
            page_links={
                "previous": list_query(filters, page.previous_page_number(), view) if page.has_previous() else None,
                "next": list_query(filters, page.next_page_number(), view) if page.has_next() else None,
            },
            view=view,
            view_links={name: list_query(filters, page.number, name) for name in LIST_VIEWS},
            has_any_dvd=page.paginator.count > 0 or DVD.objects.for_user(request.user).exists(),
        ),
    )
    # A page number past the end shows the last page, which is stored only under its own number.
    return page_cache.store(response, keep=page.number == _page_number(request.GET.get("page")))


@lru_cache(maxsize=256)
def _canonical_list_query(query_string):
    """The list page's own spelling of a query string (see list_query), and whether it is a search.

    Remembered per query string: parsing the filters would add a tenth to serving a stored page.
    """
    params = QueryDict(query_string)
    filters = CollectionFilterForm(params).filters()
    return list_query(filters, _page_number(params.get("page")), _layout(params)), bool(filters["q"])


def list_query(filters, page=1, view=LIST_VIEWS[0]):
    """A list page's one query string: its values that differ from the defaults, in a fixed order.

    The page's links use it, and a list page is stored only when asked for by it.
    """
    values = {**filters, "page": page, "view": view}
    return urlencode([(name, values[name]) for name in LIST_QUERY_ORDER if values[name] != LIST_DEFAULTS[name]])


def _layout(params):
    """?view= when it names a layout, else the default one."""
    return params["view"] if params.get("view") in LIST_VIEWS else LIST_VIEWS[0]


def _page_number(text):
    """?page= as the Paginator reads it: 1 when missing, not a number or below 1."""
    try:
        number = int(text)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


@require_safe
def dvd_detail(request, pk):
    page_cache = CachedPage.of_dvd(request, pk)
    stored = page_cache.lookup()
    dvd = None if stored else get_object_or_404(DVD.objects.for_user(request.user), pk=pk)
    facts = stored.facts if stored else dvd.refresh_facts()
    # Stale-while-revalidate: show what is stored now, refresh for the next visit.
    if background.should_refresh_in_background(**facts):
        background.refresh_in_background(facts["imdb_id"])
    if stored:
        return stored.response
    response = render(
        request,
        "tracker/dvd_detail.html",
        page_cache.context(
            dvd=dvd,
            torrents=(
                preferences.shown_torrents(request.user, torrent_links.displayable(dvd.get_cached_torrents()))
                if dvd.imdb_id
                else []
            ),
            can_fetch_imdb=TMDBService().is_configured,
            other_copies=copies.other_copies(dvd),
            **lending.loan_context(dvd),
        ),
    )
    # A failure's age ("failed 3 minutes ago") would be wrong when served again.
    return page_cache.store(response, facts=dvd.refresh_facts(), keep=not dvd.last_refresh_failed)


@require_http_methods(["GET", "POST"])
def dvd_add(request):
    search = add_page_search(request.GET, request.user.pk) if request.method == "GET" else None
    # A scan's "Add it" link brings the barcode, format and edition; a film picked on TMDB wins over its title.
    initial = {**add_form_prefill(request.GET), **search.initial} if search else None
    if initial is not None and request.GET.get("status") == DVD.Status.WISHLIST:
        initial["status"] = DVD.Status.WISHLIST  # the wish list's "Add a film"
    form = DVDForm(request.POST or None, owner=request.user, initial=initial, ask_before_another_copy=True)
    if request.method == "POST" and form.is_valid():
        dvd = form.save()
        where = "wish list" if dvd.status == DVD.Status.WISHLIST else "collection"
        messages.success(request, f"Added “{dvd.name}” to your {where}.")
        return redirect(dvd)
    context = {"form": form, "title": "Add a DVD", "tmdb": search, "carried": carried_params(request.GET)}
    return render(request, "tracker/dvd_form.html", context)


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
