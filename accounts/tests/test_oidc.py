"""Single sign-on end to end, against a real OpenID Connect provider started on 127.0.0.1."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation
from accounts.tests.oidc_provider import LocalProvider, provider_settings, unused_port
from tracker.tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    # The provider's own dependency (Authlib) warns about its APIs the mock uses; nothing of the app's.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib", "ignore:.*(httpx|authlib.jose).*"),
]

SSO_LOGIN = "/accounts/sso/oidc/login/"


@pytest.fixture(scope="module")
def running_provider():
    with LocalProvider() as provider:
        yield provider


@pytest.fixture
def provider(running_provider, settings, http_mock):
    http_mock.add_passthru("http://127.0.0.1")
    provider_settings(settings, running_provider.url)
    return running_provider


def sso_sign_in(client, provider, sub):
    """Press "Sign in with …", approve at the provider as `sub`, come back: the app's last answer."""
    start = client.post(SSO_LOGIN)
    assert start.status_code == 302, start.content[:300]
    assert start.url.startswith(provider.url)
    return client.get(provider.approve(start.url, sub))


def signed_in_user(client):
    return get_user_model().objects.filter(pk=client.session.get(SESSION_KEY)).first()


def test_the_sign_in_page_offers_the_provider(client, provider):
    """The login page has a "Sign in with Authelia" button that posts to the provider's sign-in."""
    html = client.get(reverse("login")).content.decode()
    assert "Sign in with Authelia" in html
    assert f'action="{SSO_LOGIN}' in html


def test_without_oidc_settings_there_is_no_button(client, db):
    """With no OIDC_SERVER_URL the page is the plain password form."""
    assert "Sign in with" not in client.get(reverse("login")).content.decode()


def test_an_existing_account_is_linked_by_its_verified_address(client, provider):
    """A first sign-in whose verified e-mail is an account's address signs into that account and links it."""
    alex = UserFactory(username="alex", email="alex@example.org")
    provider.set_user("sub-alex", email="Alex@example.org", email_verified=True, preferred_username="alexander")
    response = sso_sign_in(client, provider, "sub-alex")
    assert response.status_code == 302
    assert signed_in_user(client) == alex
    assert SocialAccount.objects.get(uid="sub-alex").user == alex
    alex.refresh_from_db()
    assert alex.check_password("correct horse battery staple")  # the password still works too


def test_a_linked_account_signs_in_by_its_subject_even_with_a_new_address(client, provider):
    """Once linked, the provider's subject identifies the account, whatever address it now reports."""
    alex = UserFactory(username="alex", email="alex@example.org")
    provider.set_user("sub-alex", email="alex@example.org", email_verified=True)
    sso_sign_in(client, provider, "sub-alex")
    provider.set_user("sub-alex", email="alex@new.example.org", email_verified=False)
    again = Client()
    sso_sign_in(again, provider, "sub-alex")
    assert signed_in_user(again) == alex


def test_first_sign_in_with_auto_signup_makes_an_account(client, provider, settings):
    """OIDC_AUTO_SIGNUP: a stranger with a verified address gets an account, named after their username there."""
    settings.OIDC_AUTO_SIGNUP = True
    provider.set_user("sub-kim", email="kim@example.org", email_verified=True, preferred_username="kim")
    sso_sign_in(client, provider, "sub-kim")
    kim = signed_in_user(client)
    assert kim is not None
    assert (kim.username, kim.email, kim.has_usable_password()) == ("kim", "kim@example.org", False)
    assert EmailAddress.objects.get(user=kim).verified
    assert client.get(reverse("dvd_list")).status_code == 200


def test_first_sign_in_without_auto_signup_is_refused_clearly(client, provider):
    """Auto sign-up off (the default): a stranger is told to ask for an invitation, and no account is made."""
    provider.set_user("sub-kim", email="kim@example.org", email_verified=True, preferred_username="kim")
    response = sso_sign_in(client, provider, "sub-kim")
    assert response.status_code == 403
    assert "No account here uses kim@example.org" in response.content.decode()
    assert "invitation" in response.content.decode()
    assert not get_user_model().objects.filter(username="kim").exists()
    assert SESSION_KEY not in client.session


def test_an_unverified_address_is_refused(client, provider, settings):
    """A token whose e-mail is not verified links nothing and makes nothing, even with auto sign-up on."""
    settings.OIDC_AUTO_SIGNUP = True
    UserFactory(username="alex", email="alex@example.org")
    provider.set_user("sub-mallory", email="alex@example.org", email_verified=False, preferred_username="mallory")
    response = sso_sign_in(client, provider, "sub-mallory")
    assert response.status_code == 403
    assert "did not confirm an e-mail address" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not SocialAccount.objects.exists()
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_an_address_typed_at_open_signup_and_never_confirmed_is_not_linked(client, provider, settings):
    """Someone who signed up with another's address cannot receive that person's provider sign-in."""
    settings.ALLOW_SIGNUP = True
    squatter = UserFactory(username="squatter", email="alex@example.org")
    EmailAddress.objects.create(user=squatter, email="alex@example.org", verified=False, primary=True)
    provider.set_user("sub-alex", email="alex@example.org", email_verified=True)
    response = sso_sign_in(client, provider, "sub-alex")
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_an_invitation_can_be_accepted_through_the_provider(client, provider, staff):
    """Auto sign-up off, but the visitor follows an invitation: the provider sign-in makes their account."""
    _, token = Invitation.issue(staff)
    client.get(f"/invite/{token}/")
    provider.set_user("sub-kim", email="kim@example.org", email_verified=True, preferred_username="kim")
    sso_sign_in(client, provider, "sub-kim")
    kim = signed_in_user(client)
    assert kim.username == "kim"
    assert Invitation.objects.get().used_by == kim


def test_a_provider_that_is_down_gets_a_clear_page_and_passwords_still_work(client, settings, http_mock, user):
    """The provider not answering: a 503 page that says so; the password form signs in as usual."""
    http_mock.add_passthru("http://127.0.0.1")
    provider_settings(settings, f"http://127.0.0.1:{unused_port()}")
    response = client.post(SSO_LOGIN)
    assert response.status_code == 503
    assert "Authelia is not answering" in response.content.decode()
    assert "Sign in with Authelia" in client.get(reverse("login")).content.decode()
    signed = client.post(reverse("login"), {"username": user.username, "password": "correct horse battery staple"})
    assert signed.status_code == 302
    assert signed_in_user(client) == user


def test_a_forged_return_from_the_provider_signs_in_no_one(client, provider):
    """A callback with a code but no matching state (not started here) is refused."""
    UserFactory(username="alex", email="alex@example.org")
    response = client.get("/accounts/sso/oidc/login/callback/?code=made-up&state=made-up")
    assert response.status_code == 401
    assert "did not work" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_two_factor_applies_to_provider_sign_ins_too(client, provider):
    """A linked account with an authenticator app is asked for its code after the provider's sign-in."""
    alex = UserFactory(username="alex", email="alex@example.org")
    TOTP.activate(alex, generate_totp_secret())
    provider.set_user("sub-alex", email="alex@example.org", email_verified=True)
    response = sso_sign_in(client, provider, "sub-alex")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
