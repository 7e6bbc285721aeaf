import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from tracker.models import DVD, SORT_ORDERINGS
from tracker.paging import IndexedPages
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db

NAMES = ["alpha", "Alpha", "beta", "Gamma", "delta", "Épsilon", "zeta", "eta", "Theta", "iota", "kappa"]


@pytest.fixture
def collection(user, other_user):
    """Eleven DVDs with names equal but for case, years missing or shared, and one moment of adding for all."""
    for n, name in enumerate(NAMES):
        DVDFactory(owner=user, name=name, release_year=None if n % 4 == 0 else 1990 + n % 3)
    DVDFactory(owner=other_user, name="beta")
    rows = DVD.objects.for_user(user)
    rows.update(created_at=rows.first().created_at)
    return rows


def pks(page):
    return [dvd.pk for dvd in page]


@pytest.mark.parametrize("sort", list(SORT_ORDERINGS))
def test_every_page_of_every_sort_is_the_plain_querysets(collection, sort):
    """Each page, counted from the start or from the end, holds the plain queryset's DVDs in its order."""
    rows = collection.collection_page(sort=sort)
    plain, indexed = Paginator(rows, 3), Paginator(IndexedPages(rows), 3)
    assert (indexed.count, indexed.num_pages) == (plain.count, plain.num_pages) == (11, 4)
    for number in range(1, 6):  # the fifth is past the end: the last page, as the list page shows it
        assert pks(indexed.get_page(number)) == pks(plain.get_page(number))
    assert sorted(pk for number in indexed.page_range for pk in pks(indexed.page(number))) == sorted(
        collection.values_list("pk", flat=True)
    )


def test_a_search_pages_through_its_matches_only(collection):
    """A filtered queryset is paged through its own matches, the same as without IndexedPages."""
    rows = collection.collection_page(q="ETA", sort="-title")
    indexed, plain = Paginator(IndexedPages(rows), 2), Paginator(rows, 2)
    assert indexed.count == 4  # beta, zeta, eta, Theta
    assert [pks(indexed.page(n)) for n in indexed.page_range] == [pks(plain.page(n)) for n in plain.page_range]


def test_an_empty_collection_has_one_empty_page(user):
    """No DVDs: one page with nothing on it, as the list page's empty state expects."""
    page = Paginator(IndexedPages(DVD.objects.for_user(user).collection_page()), 3).get_page(1)
    assert (page.number, pks(page), page.paginator.count) == (1, [], 0)


def test_only_slices_are_taken(collection):
    """A single index is not a page: a clear error rather than a wrong row."""
    with pytest.raises(TypeError, match="sliced"):
        IndexedPages(collection.collection_page())[0]


def test_the_list_pages_last_page_shows_the_last_dvds(signed_in, user):
    """The list page's last page, read back from the end, shows the last DVDs of the sort."""
    DVDFactory.create_batch(30, owner=user)
    response = signed_in.get(reverse("dvd_list"), {"sort": "-title", "page": 2})
    names = [dvd.name for dvd in response.context["page"].object_list]
    expected = [dvd.name for dvd in DVD.objects.for_user(user).order_by(*SORT_ORDERINGS["-title"])]
    assert names == expected[24:]
