from datetime import date
from decimal import Decimal

import pytest

from tracker.collection_io.reading import read_upload
from tracker.collection_io.rows import ImportFileError
from tracker.models import DVD, Loan
from tracker.tests.catalogue.test_copies_io import imported
from tracker.tests.collector.conftest import read

pytestmark = pytest.mark.django_db


def test_a_dvd_profiler_export_is_read_in_its_own_encoding():
    """DVD Profiler's Collection.xml (windows-1252) gives each <DVD> as a row, with its copy, purchase and loan."""
    parsed = read_upload("Collection.xml", read("dvd_profiler.xml"))
    assert (parsed.kind, parsed.source, len(parsed.rows)) == ("xml", "DVD Profiler XML", 4)
    apollo = parsed.rows[0].values
    assert apollo == {
        "name": "Apollo 13", "release_year": 1995, "barcode": "025192022528", "edition": "Collector\u2019s Edition",
        "region": "1, 4", "runtime": 140, "genres": "Drama, Adventure", "director": "Ron Howard",
        "overview": "Houston, we have a probl\u00e8me.", "notes": "Shelf 2", "purchase_price": "26.98",
        "purchase_currency": "USD", "purchase_store": "Amazon", "purchase_date": "1999-01-15",
        "disk_type": DVD.DiskType.BLURAY, "disc_count": 2, "status": DVD.Status.KEPT, "lent_to": "Sam Jones",
        "loan_due": "2026-03-01",
    }  # fmt: skip
    assert parsed.rows[1].values["status"] == DVD.Status.WISHLIST
    assert parsed.rows[2].skip == "Not in your collection (collection type “Ordered”)."
    assert parsed.rows[3].problems == [
        "Year “20o9” is not a four-digit year.",
        "Price “-4.00”: a price cannot be negative.",
    ]


def test_importing_a_dvd_profiler_export_adds_copies_wish_list_and_loan(user):
    """Imported as typed (no TMDB key): the owned film with its loan, the wish-list film; the ordered one is
    skipped and the bad one reported."""
    job = imported(user, "Collection.xml", read("dvd_profiler.xml"))
    assert job.outcome_counts() == {"created": 2, "duplicate": 0, "error": 1, "skipped": 1}
    apollo = DVD.objects.get(name="Apollo 13")
    assert (apollo.purchase_price, apollo.purchase_date, apollo.disc_count) == (Decimal("26.98"), date(1999, 1, 15), 2)
    loan = Loan.objects.get()
    assert (loan.dvd, loan.borrower, loan.due_on, loan.returned_on) == (apollo, "Sam Jones", date(2026, 3, 1), None)
    assert DVD.objects.get(name="Gravity").status == DVD.Status.WISHLIST


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Collection>&a;</Collection>', "declares entities"),
        (b'<?xml version="1.0"?><Catalogue><DVD><Title>X</Title></DVD></Catalogue>', "not a DVD Profiler"),
        (b'<?xml version="1.0"?><Collection><DVD>', "cannot be read"),
        (b'<?xml version="1.0"?><Collection></Collection>', "no rows"),
    ],
)
def test_a_bad_xml_file_is_refused_whole_with_the_reason(data, message):
    """Entities or a DTD, another XML, a broken file or an empty collection: refused, nothing stored."""
    with pytest.raises(ImportFileError, match=message):
        read_upload("Collection.xml", data)
