from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from tracker.models import DVD, Loan
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def lend(client, dvd, **overrides):
    data = {"borrower": "Sam", "lent_on": "2026-01-10", "due_on": "", "note": ""}
    data.update(overrides)
    return client.post(reverse("dvd_lend", args=[dvd.pk]), data)


def test_lending_from_the_dvd_page_shows_the_badge(signed_in, dvd):
    """Lending records the loan, and the DVD page and the list say "On loan to Sam since 10 Jan 2026"."""
    response = lend(signed_in, dvd, due_on="2026-02-10", note="careful")
    assert response.url == dvd.get_absolute_url()
    loan = Loan.objects.get()
    assert (loan.dvd, loan.borrower, loan.due_on, loan.note) == (dvd, "Sam", date(2026, 2, 10), "careful")
    assert "On loan to Sam since 10 Jan 2026" in signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "On loan to Sam since 10 Jan 2026" in signed_in.get(reverse("dvd_list")).content.decode()


def test_returned_closes_the_loan_and_keeps_it_in_the_history(signed_in, dvd):
    """ "Returned" dates the loan; the badge goes and the loan stays in the DVD's history."""
    loan = Loan.objects.create(dvd=dvd, borrower="Sam", lent_on=date(2026, 1, 10))
    signed_in.post(reverse("loan_returned", args=[loan.pk]))
    loan.refresh_from_db()
    assert loan.returned_on == timezone.localdate()
    page = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "on-loan-badge" not in page
    assert 'id="loan-history"' in page


def test_a_due_date_before_the_lent_date_is_refused(signed_in, dvd):
    """Due before lent: a message on the due date, and no loan."""
    response = lend(signed_in, dvd, lent_on="2026-01-10", due_on="2026-01-09")
    assert response.context["form"].errors["due_on"] == ["The due date cannot be before the day it was lent."]
    assert not Loan.objects.exists()


def test_lending_a_dvd_already_on_loan_is_refused(signed_in, dvd):
    """A second open loan of one DVD is refused with who has it; the first loan is unchanged."""
    Loan.objects.create(dvd=dvd, borrower="Sam", lent_on=date(2026, 1, 10))
    response = lend(signed_in, dvd, borrower="Kim")
    assert "already on loan to Sam since 10 Jan 2026" in " ".join(response.context["form"].non_field_errors())
    assert list(Loan.objects.values_list("borrower", flat=True)) == ["Sam"]


def test_the_database_keeps_one_open_loan_per_dvd(dvd):
    """The partial unique constraint holds for code that skips the form; closed loans do not count."""
    Loan.objects.create(dvd=dvd, borrower="A", lent_on=date(2025, 1, 1), returned_on=date(2025, 2, 1))
    Loan.objects.create(dvd=dvd, borrower="B", lent_on=date(2026, 1, 1))
    with pytest.raises(IntegrityError):
        Loan.objects.create(dvd=dvd, borrower="C", lent_on=date(2026, 1, 2))


def test_only_a_kept_dvd_can_be_lent(signed_in, user):
    """A wish-list film cannot be lent."""
    wanted = DVDFactory(owner=user, status=DVD.Status.WISHLIST)
    response = lend(signed_in, wanted)
    assert response.context["form"].non_field_errors() == ["Only a DVD you keep can be lent."]


def test_the_loans_page_lists_overdue_then_open_then_returned(signed_in, user):
    """/loans/: overdue loans first, then open ones, then those returned."""
    today = timezone.localdate()
    returned = Loan.objects.create(
        dvd=DVDFactory(owner=user), borrower="R", lent_on=today - timedelta(9), returned_on=today
    )
    open_loan = Loan.objects.create(dvd=DVDFactory(owner=user), borrower="O", lent_on=today, due_on=today)
    overdue = Loan.objects.create(
        dvd=DVDFactory(owner=user), borrower="L", lent_on=today - timedelta(30), due_on=today - timedelta(1)
    )
    response = signed_in.get(reverse("loans"))
    assert [loan.pk for loan in response.context["loans"]] == [overdue.pk, open_loan.pk, returned.pk]
    assert "Overdue" in response.content.decode()


def test_the_on_loan_filter_lists_only_lent_dvds(signed_in, user, dvd):
    """The list's "On loan" filter shows the DVDs lent out; "At home" the others."""
    home = DVDFactory(owner=user)
    Loan.objects.create(dvd=dvd, borrower="Sam")
    lent = signed_in.get(reverse("dvd_list"), {"loan": "on_loan", "view": "list"}).context["page"].object_list
    at_home = signed_in.get(reverse("dvd_list"), {"loan": "home", "view": "list"}).context["page"].object_list
    assert ([d.pk for d in lent], [d.pk for d in at_home]) == ([dvd.pk], [home.pk])


def test_another_users_loans_are_404(signed_in, other_user):
    """Lending another user's DVD, or returning their loan, is 404; their loans are not on my page."""
    theirs = DVDFactory(owner=other_user)
    loan = Loan.objects.create(dvd=theirs, borrower="Sam")
    assert lend(signed_in, theirs).status_code == 404
    assert signed_in.post(reverse("loan_returned", args=[loan.pk])).status_code == 404
    assert list(signed_in.get(reverse("loans")).context["loans"]) == []
    loan.refresh_from_db()
    assert loan.returned_on is None


def test_lending_refreshes_the_stored_pages(signed_in, dvd, settings):
    """With stored pages on, a loan shows on the DVD page stored before it."""
    settings.PAGE_CACHE_SECONDS = 60
    signed_in.get(dvd.get_absolute_url())
    Loan.objects.create(dvd=dvd, borrower="Sam", lent_on=date(2026, 1, 10))
    assert "On loan to Sam" in signed_in.get(dvd.get_absolute_url()).content.decode()
