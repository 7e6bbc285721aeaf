import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tracker.collection_io import jobs
from tracker.models import DVD, Loan
from tracker.models.imports import ImportJob, ImportStatus
from tracker.tests.factories import DVDFactory, UserFactory

pytestmark = pytest.mark.django_db

COPY_FIELDS = [
    "name", "tmdb_id", "disk_type", "status", "edition", "region", "disc_count", "condition", "purchase_date",
    "purchase_price", "purchase_currency", "purchase_store",
]  # fmt: skip
PHASES = ((ImportStatus.PARSED, ImportStatus.MATCHING), (ImportStatus.QUEUED, ImportStatus.IMPORTING))


def imported(user, filename, data, phases=PHASES):
    job = jobs.create_job(user, filename, data)
    for waiting, running in phases:
        ImportJob.objects.filter(pk=job.pk).update(status=waiting)
        assert ImportJob.objects.claim(job.pk, waiting, running)
        assert jobs.run_phase(job.pk) == "done"
    job.refresh_from_db()
    return job


def exported(client, user, name):
    client.force_login(user)
    return b"".join(client.get(reverse(name)).streaming_content)


def copy_values(owner):
    return sorted(DVD.objects.filter(owner=owner).values_list(*COPY_FIELDS), key=repr)


def open_loans(owner):
    return list(Loan.objects.for_user(owner).open().values_list("dvd__name", "borrower", "lent_on", "due_on"))


def catalogue(owner):
    """Two copies of one TMDB film (editions, purchases), one on loan, and a wish-list film."""
    DVDFactory(owner=owner, name="Alien", tmdb_id=348, imdb_id="tt0078748", disk_type="dvd", edition="Standard",
               region="2", disc_count=1, condition="worn", purchase_date=date(2004, 5, 1),
               purchase_price=Decimal("9.99"), purchase_currency="GBP", purchase_store="HMV")  # fmt: skip
    DVDFactory(owner=owner, name="Alien", tmdb_id=348, imdb_id="tt0078748", disk_type="4k_uhd", edition="Steelbook",
               region="Region-free", disc_count=2, condition="mint", purchase_date=date(2024, 3, 31),
               purchase_price=Decimal("34.50"), purchase_currency="EUR", purchase_store="Amazon.de")  # fmt: skip
    heat = DVDFactory(owner=owner, name="Heat", tmdb_id=949, imdb_id="tt0113277")
    Loan.objects.create(dvd=heat, borrower="Old friend", lent_on=date(2020, 1, 1), returned_on=date(2020, 2, 1))
    Loan.objects.create(dvd=heat, borrower="Sam", lent_on=date(2026, 1, 10), due_on=date(2026, 2, 10))
    DVDFactory(owner=owner, name="Dune", tmdb_id=438631, imdb_id="tt1160419", status=DVD.Status.WISHLIST)


@pytest.mark.parametrize(("export_name", "filename"), [("export_csv", "own.csv"), ("export_json", "backup.json")])
def test_the_round_trip_keeps_copies_editions_purchases_and_the_wish_list(client, user, export_name, filename):
    """Export → import into an empty account gives every row back: both copies of one TMDB film, their
    editions and purchases, the wish-list film and the open loan; imported again, nothing is added."""
    catalogue(user)
    data = exported(client, user, export_name)
    newcomer = UserFactory()
    job = imported(newcomer, filename, data)
    assert job.outcome_counts() == {"created": 4, "duplicate": 0, "error": 0, "skipped": 0}
    assert copy_values(newcomer) == copy_values(user)
    assert open_loans(newcomer) == open_loans(user) == [("Heat", "Sam", date(2026, 1, 10), date(2026, 2, 10))]
    assert imported(user, filename, data).outcome_counts()["created"] == 0


def test_the_csv_export_has_the_copy_columns(client, user):
    """The CSV has edition, region, discs, condition and purchase columns, in words a person reads."""
    catalogue(user)
    rows = list(csv.DictReader(io.StringIO(exported(client, user, "export_csv").decode("utf-8-sig"))))
    steelbook = next(row for row in rows if row["edition"] == "Steelbook")
    assert {k: steelbook[k] for k in ("region", "discs", "condition", "purchase_date", "purchase_price")} == {
        "region": "Region-free", "discs": "2", "condition": "Mint", "purchase_date": "2024-03-31",
        "purchase_price": "34.50",
    }  # fmt: skip
    assert (steelbook["currency"], steelbook["store"]) == ("EUR", "Amazon.de")


def test_the_json_backup_writes_prices_and_dates_as_text(client, user):
    """Prices and dates are JSON text ("34.50", "2024-03-31"), so no reader rounds them."""
    catalogue(user)
    entries = json.loads(exported(client, user, "export_json"))["dvds"]
    steelbook = next(entry for entry in entries if entry["edition"] == "Steelbook")
    assert (steelbook["purchase_price"], steelbook["purchase_date"]) == ("34.50", "2024-03-31")


def test_clz_purchase_columns_are_read(user):
    """CLZ's Edition, Region, Purchase Date, Purchase Price, Store and Condition columns fill the copy."""
    data = (
        b"Title,Release Year,IMDb Number,Format,Edition,Region,Purchase Date,Purchase Price,Store,Condition,"
        b"Collection Status\n"
        b'Alien,1979,tt0078748,Blu-ray,Steelbook,B,"Mar 31, 2019",$12.99,HMV,Near Mint,Wish List\n'
    )
    job = imported(user, "clz.csv", data)
    dvd = DVD.objects.get(owner=user)
    assert job.source == "CLZ Movies CSV"
    assert (dvd.edition, dvd.region, dvd.purchase_date, dvd.purchase_price) == (
        "Steelbook", "B", date(2019, 3, 31), Decimal("12.99"),
    )  # fmt: skip
    assert (dvd.purchase_store, dvd.condition, dvd.status) == ("HMV", "mint", DVD.Status.WISHLIST)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("-3.00,EUR", "Price “-3.00”: a price cannot be negative."),
        ("3.00,EURO", "Unknown currency “EURO”: use an ISO 4217 code like EUR, USD or GBP."),
        ("three,EUR", "Price “three” is not an amount like 12.99."),
    ],
)
def test_a_bad_price_or_currency_fails_its_row_only(user, cells, message):
    """A negative or unreadable price, or an unknown currency, fails that row with the reason; the others import."""
    data = f"title,imdb_id,purchase_price,currency\nAlien,tt0078748,{cells}\nHeat,tt0113277,5,USD\n".encode()
    job = imported(user, "list.csv", data)
    assert job.rows.get(line=2).outcome_message == message
    assert list(DVD.objects.filter(owner=user).values_list("name", "purchase_price", "purchase_currency")) == [
        ("Heat", Decimal("5.00"), "USD")
    ]


def test_clz_loaned_to_opens_a_loan(user):
    """CLZ's Loaned To column lends the imported DVD (today, when the file gives no date)."""
    data = b"Title,IMDb Number,Loaned To,Collection Status\nAlien,tt0078748,Sam,In Collection\n"
    imported(user, "clz.csv", data)
    loan = Loan.objects.get()
    assert (loan.dvd.name, loan.borrower, loan.returned_on) == ("Alien", "Sam", None)
