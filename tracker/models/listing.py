"""The collection pages' DVD queries: filters, sorts, one row per film, copies and loans (a base of DVDQuerySet)."""

from django.db import models
from django.db.models import Case, CharField, Exists, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Concat, Lower

from tracker.models.choices import Status
from tracker.models.lending import Loan

SORT_ORDERINGS = {
    "title": (Lower("name"), "pk"),
    "-title": (Lower("name").desc(), "-pk"),
    "year": (F("release_year").asc(nulls_last=True), Lower("name"), "pk"),
    "-year": (F("release_year").desc(nulls_last=True), Lower("name"), "pk"),
    "added": ("created_at", "pk"),
    "-added": ("-created_at", "-pk"),
}


# What the list page shows; loading only these halves the cost of building its 24 rows.
LIST_PAGE_FIELDS = (
    "name",
    "release_year",
    "director",
    "disk_type",
    "media_type",
    "status",
    "storage_box",
    "is_unwatched",
    "poster_url",
    "imdb_id",
    "yts_torrent_count",
    "created_at",
    "edition",
    "tmdb_id",
)


def film_key():
    """Which film a DVD is of, as one text: its TMDB id, else its IMDb id, else (no id) the DVD itself."""
    return Case(
        When(tmdb_id__isnull=False, then=Concat(Value("tmdb:"), Cast("tmdb_id", CharField()))),
        When(~Q(imdb_id=""), then=Concat(Value("imdb:"), "imdb_id")),
        default=Concat(Value("dvd:"), Cast("pk", CharField())),
        output_field=CharField(),
    )


class ListingQuerySet(models.QuerySet):
    """The DVD queries the collection's pages are built from."""

    def collection_page(
        self, *, q="", disk_type="", media_type="", status="", watched="", sort="title", loan="", group="", whole=False
    ):
        """The list page's rows: filtered, sorted, without the columns the list never shows.

        The wish list is left out unless asked for by its status (or `whole`, for an export); grouped
        by film, one row per film.
        """
        rows = self.search(q) if whole or status == Status.WISHLIST else self.owned().search(q)
        for field, value in (("disk_type", disk_type), ("media_type", media_type), ("status", status)):
            if value:
                rows = rows.filter(**{field: value})
        if watched:
            rows = rows.filter(is_unwatched=watched == "unwatched")
        if loan:
            rows = rows.on_loan() if loan == "on_loan" else rows.exclude(pk__in=self.on_loan().values("pk"))
        if group == "film":
            rows = rows.one_per_film()
        rows = rows.only(*LIST_PAGE_FIELDS).with_open_loan()
        return rows.order_by(*SORT_ORDERINGS.get(sort, SORT_ORDERINGS["title"]))

    def owned(self):
        """Everything but the wish list: the copies the owner has, or had."""
        return self.exclude(status=Status.WISHLIST)

    def wanted(self):
        """The wish list: films the owner means to buy."""
        return self.filter(status=Status.WISHLIST)

    def copies_of(self, tmdb_id=None, imdb_id=""):
        """The DVDs of one film: the same TMDB id or the same IMDb id (none for a film with neither)."""
        same = Q(tmdb_id=tmdb_id) if tmdb_id else Q()
        if imdb_id:
            same |= Q(imdb_id=imdb_id)
        return self.filter(same) if same else self.none()

    def one_per_film(self):
        """The first-added DVD of each film (TMDB id, else IMDb id, else the DVD itself)."""
        firsts = self.order_by().annotate(film=film_key()).values("film").annotate(first=Min("pk")).values("first")
        return self.filter(pk__in=firsts)

    def likely_duplicates(self):
        """Copies that look like one entered twice: the same film, format and edition (not the wish list)."""
        keyed = self.owned().annotate(film=film_key(), edition_key=Lower("edition"))
        twins = keyed.filter(
            film=OuterRef("film"), disk_type=OuterRef("disk_type"), edition_key=OuterRef("edition_key")
        ).exclude(pk=OuterRef("pk"))
        return keyed.filter(Exists(twins)).order_by(Lower("name"), "film", "disk_type", "edition_key", "pk")

    def on_loan(self):
        """DVDs lent out and not back yet (a DVD has at most one open loan)."""
        return self.filter(Exists(Loan.objects.filter(dvd=OuterRef("pk"), returned_on__isnull=True)))

    def with_open_loan(self):
        """Each DVD with `lent_to`, `lent_on` and `loan_due`: its open loan's borrower, date and due date
        (None when it is home). A queryset that has them already is returned as it is."""
        if "lent_to" in self.query.annotations:
            return self
        open_loan = Loan.objects.filter(dvd=OuterRef("pk"), returned_on__isnull=True)
        return self.annotate(
            lent_to=Subquery(open_loan.values("borrower")[:1]),
            lent_on=Subquery(open_loan.values("lent_on")[:1]),
            loan_due=Subquery(open_loan.values("due_on")[:1]),
        )

    def search(self, text):
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(director__icontains=text) | Q(imdb_id__iexact=text))
