"""Two-factor sign-in with an authenticator app (TOTP) and recovery codes; REQUIRE_STAFF_MFA for staff."""

import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PERIOD = 30  # seconds, allauth's MFA_TOTP_PERIOD


@pytest.fixture(autouse=True)
def frozen_clock():
    """Codes depend on the clock: frozen, a code cannot go stale between making it and sending it."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def code_for(secret, steps_ahead=0):
    return format_hotp_value(hotp_value(secret, int(time.time()) // PERIOD + steps_ahead))


def turn_on_totp(client):
    """Confirm the password, open the activation page, answer its secret's code; the secret."""
    # allauth asks for the password again before adding an authenticator, even right after signing in.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    return secret


def password_step(username):
    """A fresh browser past the password step: it is now asked for the second factor."""
    browser = Client()
    response = browser.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    return browser


@pytest.fixture
def protected(client, user, sign_in):
    """A user who signed in and turned on TOTP; its secret."""
    sign_in(user.username)
    return turn_on_totp(client)


def test_turning_on_totp_needs_a_right_code(client, user, sign_in):
    """A wrong code on the activation page adds no authenticator; the right one does."""
    sign_in(user.username)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    wrong = format_hotp_value((int(code_for(secret)) + 1) % 10**6)
    assert client.post(reverse("mfa_activate_totp"), {"code": wrong}).status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()
    client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_with_totp_the_password_alone_does_not_sign_in(protected, user):
    """After the password the browser is asked for a code and is not signed in yet."""
    browser = password_step(user.username)
    assert SESSION_KEY not in browser.session
    assert browser.get(reverse("dvd_list")).url.startswith(reverse("login"))


def test_a_wrong_code_is_refused(protected, user):
    """A code that is not the app's is refused, and the browser stays signed out."""
    browser = password_step(user.username)
    wrong = format_hotp_value((int(code_for(protected)) + 1) % 10**6)
    response = browser.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert SESSION_KEY not in browser.session


def test_the_right_code_signs_in(protected, user, frozen_clock):
    """The app's current code completes the sign-in."""
    frozen_clock.shift(PERIOD)  # activation used this period's code
    browser = password_step(user.username)
    response = browser.post(reverse("mfa_authenticate"), {"code": code_for(protected)})
    assert response.status_code == 302
    assert int(browser.session[SESSION_KEY]) == user.pk


def test_a_code_cannot_be_replayed(protected, user, frozen_clock):
    """A code already used to sign in is refused a second time, from another browser."""
    frozen_clock.shift(PERIOD)
    code = code_for(protected)
    first = password_step(user.username)
    first.post(reverse("mfa_authenticate"), {"code": code})
    assert SESSION_KEY in first.session
    second = password_step(user.username)
    second.post(reverse("mfa_authenticate"), {"code": code})
    assert SESSION_KEY not in second.session


def test_a_recovery_code_works_once(protected, user):
    """A recovery code stands in for the app once; used again it is refused."""
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES))
    recovery = codes.get_unused_codes()[0]
    first = password_step(user.username)
    first.post(reverse("mfa_authenticate"), {"code": recovery})
    assert SESSION_KEY in first.session
    second = password_step(user.username)
    second.post(reverse("mfa_authenticate"), {"code": recovery})
    assert SESSION_KEY not in second.session


def test_staff_must_set_up_totp_when_required(client, staff, settings, sign_in):
    """REQUIRE_STAFF_MFA: a staff user without TOTP is sent to set it up from every page, then is free."""
    settings.REQUIRE_STAFF_MFA = True
    sign_in(staff.username)
    for path in (reverse("dvd_list"), "/admin/", reverse("user_settings")):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
    turn_on_totp(client)
    assert client.get(reverse("dvd_list")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_turn_totp_off_when_required(client, staff, settings, sign_in):
    """REQUIRE_STAFF_MFA: the deactivation is refused and the authenticator stays."""
    settings.REQUIRE_STAFF_MFA = True
    sign_in(staff.username)
    turn_on_totp(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_the_requirement_leaves_other_users_alone(signed_in, settings):
    """REQUIRE_STAFF_MFA does not touch users who are not staff."""
    settings.REQUIRE_STAFF_MFA = True
    assert signed_in.get(reverse("dvd_list")).status_code == 200


def test_without_the_requirement_staff_are_not_redirected(client, staff, sign_in):
    """REQUIRE_STAFF_MFA off (the default): two-factor stays optional for staff too."""
    sign_in(staff.username)
    assert client.get(reverse("dvd_list")).status_code == 200
