"""Invitations: made by staff, used once, expiring; sign-up stays closed without one unless ALLOW_SIGNUP."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/invite/[\w-]+/")
NEW_ACCOUNT = {"username": "robin", "password1": "a long enough passphrase", "password2": "a long enough passphrase"}


def invite(client, **fields):
    """The path of a new invitation link, as the staff page shows it."""
    html = client.post(reverse("invitations"), fields).content.decode()
    return LINK.search(html).group(0)


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


def accept(link, account=NEW_ACCOUNT):
    visitor = Client()
    landing = visitor.get(link)
    return visitor, landing, visitor.post(reverse("account_signup"), account)


def test_only_staff_make_invitations(signed_in):
    """A user who is not staff gets 403 and makes nothing."""
    assert signed_in.get(reverse("invitations")).status_code == 403
    assert signed_in.post(reverse("invitations"), {}).status_code == 403
    assert not Invitation.objects.exists()


def test_an_invitation_makes_one_account(as_staff, staff):
    """Following the link leads to sign-up; the account is made and the invitation is marked used by it."""
    link = invite(as_staff, note="Robin")
    visitor, landing, signed_up = accept(link)
    assert landing.url == reverse("account_signup")
    assert signed_up.status_code == 302
    robin = get_user_model().objects.get(username="robin")
    invitation = Invitation.objects.get()
    assert (invitation.used_by, invitation.created_by, invitation.state) == (robin, staff, "used")
    assert visitor.get(reverse("dvd_list")).status_code == 200


def test_an_invitation_works_only_once(as_staff):
    """A second person following a used link is refused, and no second account is made."""
    link = invite(as_staff)
    accept(link)
    _, landing, signed_up = accept(link, {**NEW_ACCOUNT, "username": "second"})
    assert landing.status_code == 410
    assert "does not work" in landing.content.decode()
    assert signed_up.status_code == 200  # sign-up closed page
    assert not get_user_model().objects.filter(username="second").exists()


def test_an_expired_invitation_is_refused(as_staff, settings):
    """Past INVITATION_DAYS the link says so and makes no account."""
    link = invite(as_staff)
    with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_DAYS, minutes=1)):
        _, landing, _ = accept(link)
    assert landing.status_code == 410
    assert not get_user_model().objects.filter(username="robin").exists()


def test_an_invitation_that_expires_between_landing_and_signing_up_makes_no_account(as_staff):
    """The invitation is checked again when the account is made: a stale one makes none."""
    link = invite(as_staff)
    visitor = Client()
    visitor.get(link)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    visitor.post(reverse("account_signup"), NEW_ACCOUNT)
    assert not get_user_model().objects.filter(username="robin").exists()


def test_a_withdrawn_invitation_is_refused(as_staff):
    """Staff can withdraw an open invitation; its link then makes no account."""
    link = invite(as_staff)
    as_staff.post(reverse("revoke_invitation", args=[Invitation.objects.get().pk]))
    _, landing, _ = accept(link)
    assert landing.status_code == 410
    assert not get_user_model().objects.filter(username="robin").exists()


def test_a_made_up_link_is_refused(client, db):
    """A token that was never issued gets the same page as a used one."""
    assert client.get("/invite/not-a-real-token/").status_code == 410


def test_only_the_tokens_digest_is_stored(as_staff):
    """The database holds a digest, not the link's token."""
    link = invite(as_staff)
    token = link.split("/")[2]
    assert token not in Invitation.objects.get().token_digest


def test_an_invitation_with_an_address_is_mailed_and_that_address_needs_no_check(as_staff):
    """The link is e-mailed to the address given; signing up with that address marks it confirmed."""
    invite(as_staff, email="robin@example.org")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["robin@example.org"]
    link = LINK.search(mail.outbox[0].body).group(0)
    accept(link, {**NEW_ACCOUNT, "email": "robin@example.org"})
    assert EmailAddress.objects.get(email="robin@example.org").verified


def test_sign_up_is_closed_without_an_invitation(client, db):
    """With ALLOW_SIGNUP off (the default) the sign-up page says it is closed and makes nothing."""
    assert "Sign-up is closed" in client.get(reverse("account_signup")).content.decode()
    client.post(reverse("account_signup"), NEW_ACCOUNT)
    assert not get_user_model().objects.filter(username="robin").exists()


def test_allow_signup_opens_it(client, db, settings):
    """ALLOW_SIGNUP=true lets anyone make an account, and the sign-in page links to it."""
    settings.ALLOW_SIGNUP = True
    assert reverse("account_signup") in client.get(reverse("login")).content.decode()
    assert client.post(reverse("account_signup"), NEW_ACCOUNT).status_code == 302
    assert get_user_model().objects.filter(username="robin").exists()
