"""Signing in and out, lockout, password reset and change, e-mail change: allauth behind the app's own page."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.tests.conftest import PASSWORD
from tracker.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+/")
CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/")


def test_the_sign_in_page_keeps_its_field_names(client):
    """The form still posts `username` and `password` (id_username, id_password), as before allauth."""
    html = client.get(reverse("login")).content.decode()
    assert 'name="username" id="id_username"' in html
    assert 'name="password" id="id_password"' in html
    assert "Forgot your password?" in html


def test_a_right_password_signs_in_and_a_wrong_one_does_not(client, user, sign_in):
    """The right password lands on the collection; a wrong one shows the form again with a message."""
    wrong = sign_in(user.username, "not it")
    assert wrong.status_code == 200
    assert "not correct" in wrong.content.decode()
    assert SESSION_KEY not in client.session
    right = sign_in(user.username)
    assert right.status_code == 302
    assert right.url == reverse("dvd_list")
    assert int(client.session[SESSION_KEY]) == user.pk


def test_a_signed_in_visitor_is_not_shown_the_form_again(signed_in):
    """Opening the sign-in page while signed in goes to the collection."""
    response = signed_in.get(reverse("login"))
    assert response.status_code == 302


def test_axes_locks_the_allauth_sign_in_and_says_so(client, user, settings, sign_in):
    """AXES_FAILURE_LIMIT wrong passwords through allauth's form lock the account: 429, even for the right one."""
    statuses = [sign_in(user.username, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = sign_in(user.username)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert SESSION_KEY not in client.session


def test_a_lockout_does_not_reach_another_username(client, user, other_user, settings, sign_in):
    """Guessing one username's password does not lock out a different account from the same address."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(user.username, "wrong")
    assert sign_in(other_user.username).status_code == 302


def test_the_admin_signs_in_through_the_apps_page(client):
    """/admin/login/ sends visitors to the app's own sign-in page (where lockout and two-factor apply)."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_out_ends_the_session(signed_in):
    """Signing out (POST) ends the session; the collection then asks to sign in."""
    response = signed_in.post(reverse("logout"))
    assert response.status_code == 302
    assert signed_in.get(reverse("dvd_list")).url.startswith(reverse("login"))


def test_password_reset_by_email_and_its_link_works_once(client, db):
    """A reset e-mail's link sets a new password once; following it again is refused and changes nothing."""
    person = UserFactory(username="sam", email="sam@example.org")
    client.post(reverse("account_reset_password"), {"email": "sam@example.org"})
    assert len(mail.outbox) == 1
    link = RESET_LINK.search(mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new = {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}
    assert client.post(action, new).status_code == 302
    person.refresh_from_db()
    assert person.check_password("a brand new passphrase")

    again = Client().get(link, follow=True)
    assert "bad token" in again.content.decode().lower() or "invalid" in again.content.decode().lower()
    Client().post(action, {"password1": "someone elses pass 1", "password2": "someone elses pass 1"})
    person.refresh_from_db()
    assert person.check_password("a brand new passphrase")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    """No account has the address: no e-mail, and the page does not tell whether one exists."""
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_password_change_signs_out_the_other_sessions(user, sign_in, client):
    """After a password change, this session stays signed in and every other session is signed out."""
    elsewhere = Client()
    elsewhere.force_login(user)
    sign_in(user.username)
    new = {"oldpassword": PASSWORD, "password1": "another fine passphrase", "password2": "another fine passphrase"}
    assert client.post(reverse("account_change_password"), new).status_code == 302
    assert client.get(reverse("dvd_list")).status_code == 200
    assert elsewhere.get(reverse("dvd_list")).url.startswith(reverse("login"))


def test_an_email_change_takes_effect_when_the_new_address_is_confirmed(signed_in, user):
    """A new address is e-mailed a link; only following it makes it the account's address."""
    signed_in.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    user.refresh_from_db()
    assert user.email != "new@example.org"
    link = CONFIRM_LINK.search(mail.outbox[-1].body).group(0)
    signed_in.post(link)
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert EmailAddress.objects.get(user=user, email="new@example.org").verified


def test_with_oidc_only_the_password_form_is_hidden_and_refused(client, user, settings, sign_in):
    """OIDC_ONLY: no password form on the page, and a posted password does not sign in."""
    settings.OIDC_ONLY = True
    assert 'name="password"' not in client.get(reverse("login")).content.decode()
    response = sign_in(user.username)
    assert response.status_code == 200
    assert "Password sign-in is turned off" in response.content.decode()
    assert SESSION_KEY not in client.session
