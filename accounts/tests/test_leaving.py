"""Deleting one's own account: after a password confirmation, only that user's rows go."""

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Invitation, UserSettings
from accounts.tests.conftest import PASSWORD
from tracker.models import DVD
from tracker.models.imports import ImportJob
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def leave(client, password=PASSWORD, confirm="on"):
    return client.post(reverse("delete_account"), {"password": password, "confirm": confirm})


def test_the_page_offers_the_backup_first(signed_in):
    """The leave page links the JSON backup before the delete button."""
    html = signed_in.get(reverse("delete_account")).content.decode()
    assert reverse("export_json") in html
    assert html.index(reverse("export_json")) < html.index("Delete my account</button>")


def test_deleting_removes_only_this_users_rows(signed_in, user, other_user, staff):
    """The user, their DVDs, imports, settings and addresses go; another user's DVDs and settings stay."""
    DVDFactory.create_batch(3, owner=user)
    theirs = DVDFactory.create_batch(2, owner=other_user)
    ImportJob.objects.create(owner=user, filename="mine.csv", kind="csv")
    UserSettings.objects.create(user=user, currency="EUR")
    UserSettings.objects.create(user=other_user, currency="GBP")
    EmailAddress.objects.create(user=user, email="me@example.org", verified=True, primary=True)
    invitation, _ = Invitation.issue(staff)
    Invitation.objects.claim(invitation.pk, user)

    response = leave(signed_in)

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not DVD.objects.filter(owner_id=user.pk).exists()
    assert not ImportJob.objects.filter(owner_id=user.pk).exists()
    assert not EmailAddress.objects.filter(email="me@example.org").exists()
    assert sorted(DVD.objects.filter(owner=other_user).values_list("pk", flat=True)) == sorted(d.pk for d in theirs)
    assert UserSettings.objects.get(user=other_user).currency == "GBP"
    assert Invitation.objects.filter(pk=invitation.pk).exists()  # the staff user's record of it stays
    assert signed_in.get(reverse("dvd_list")).url.startswith(reverse("login"))


@pytest.mark.parametrize(("password", "confirm"), [("wrong password", "on"), (PASSWORD, "")])
def test_without_the_password_or_the_tick_nothing_is_deleted(signed_in, user, password, confirm):
    """A wrong password, or the box not ticked, shows the page with a message and deletes nothing."""
    DVDFactory(owner=user)
    response = leave(signed_in, password, confirm)
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert DVD.objects.filter(owner=user).count() == 1


def test_a_wrong_password_here_counts_towards_the_lockout(signed_in, user):
    """Guessing the password on the leave page is counted by django-axes like a failed sign-in."""
    leave(signed_in, "wrong password")
    assert AccessAttempt.objects.filter(username=user.username).exists()


def test_a_single_sign_on_user_confirms_with_the_provider(signed_in, user, settings):
    """Without a password, the page asks for a fresh sign-in with the provider and refuses until then."""
    settings.OIDC_PROVIDER_NAME = "Authelia"
    user.set_unusable_password()
    user.save()
    signed_in.force_login(user)
    page = signed_in.get(reverse("delete_account")).content.decode()
    assert "Confirm it is you with Authelia" in page
    response = signed_in.post(reverse("delete_account"), {"confirm": "on"})
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=user.pk).exists()
