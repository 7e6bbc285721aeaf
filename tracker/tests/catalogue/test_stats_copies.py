from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tracker.models import DVD
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def test_the_stats_page_sums_purchases_per_currency_and_year(signed_in, user):
    """Value per currency, spend per year (each currency apart), and never a wish-list price."""
    DVDFactory(owner=user, purchase_price=Decimal("10.50"), purchase_currency="EUR", purchase_date=date(2024, 1, 2))
    DVDFactory(owner=user, purchase_price=Decimal("4.50"), purchase_currency="EUR", purchase_date=date(2025, 6, 1))
    DVDFactory(owner=user, purchase_price=Decimal("9.99"), purchase_currency="GBP", purchase_date=date(2024, 3, 3))
    DVDFactory(owner=user, purchase_price=Decimal("99"), purchase_currency="USD", status=DVD.Status.WISHLIST)
    response = signed_in.get(reverse("stats"))
    assert response.context["value"] == [("EUR", "€15.00", 2), ("GBP", "£9.99", 1)]
    assert response.context["spend"] == [(2025, "€4.50"), (2024, "€10.50 · £9.99")]
    assert "€15.00" in response.content.decode()


def test_the_stats_page_counts_films_by_their_copies(signed_in, user):
    """ "Copies per film": films kept once, twice, three times, four or more."""
    for disk_type in ("dvd", "bluray"):
        DVDFactory(owner=user, tmdb_id=348, disk_type=disk_type)
    DVDFactory(owner=user, tmdb_id=949)
    sections = {title: bars for title, bars, _ in signed_in.get(reverse("stats")).context["sections"]}
    assert [(bar.label, bar.value) for bar in sections["Copies per film"]] == [
        ("1 copy", 1), ("2 copies", 1), ("3 copies", 0), ("4 or more copies", 0),
    ]  # fmt: skip


def test_the_stats_figures_are_well_formed_description_lists(signed_in, user):
    """Each figure is its own <dl> of one <dt> and <dd> (a <dl> may not hold them inside nested <div>s)."""
    DVDFactory(owner=user)
    html = signed_in.get(reverse("stats")).content.decode()
    assert html.count('<dl class="card') == 4
    assert '<dl class="row' not in html
