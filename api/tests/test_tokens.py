"""Personal access tokens: stored hashed, shown once, Bearer authentication, scopes, revocation."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tests.conftest import client_with
from tracker.models import DVD
from tracker.tests.factories import DVDFactory, UserFactory

pytestmark = pytest.mark.django_db
DVDS = "/api/v1/dvds/"


def test_only_a_digest_of_the_token_is_stored(user):
    """The database holds the token's sha256 and its first characters, never the token."""
    token, raw = ApiToken.objects.issue(user, "script", ApiToken.Scope.READ)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(value) for value in stored.values()}
    assert stored["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored["prefix"])
    assert len(stored["prefix"]) < 20


def test_a_bearer_token_reads_its_owners_collection(api, dvd, other_user):
    """A valid token answers as its owner: their DVDs and nobody else's."""
    DVDFactory(owner=other_user, name="Someone else's")
    response = api.get(DVDS)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == [dvd.name]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer one two",
        "Bearer dvdt_not-a-token-of-this-site",
        "Bearer something-else",
        "Bearer " + "dvdt_" + "x" * 200,
    ],
)
def test_malformed_and_unknown_tokens_are_401(user, dvd, header):
    """A malformed or unknown token is refused with a JSON 401 that names the Bearer scheme."""
    client = APIClient()
    response = client.get(DVDS, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_a_revoked_token_is_401(user, write_token):
    """Once revoked, a token no longer works."""
    token = ApiToken.objects.get()
    assert ApiToken.objects.revoke(user, token.pk)
    assert client_with(write_token).get(DVDS).status_code == 401


def test_a_deactivated_owners_token_is_401(user, write_token):
    """A deactivated account's tokens stop working with it."""
    user.is_active = False
    user.save()
    assert client_with(write_token).get(DVDS).status_code == 401


def test_no_credentials_is_a_json_401_not_a_redirect(dvd):
    """Without a token or a session, every API address answers a JSON 401, never the login page."""
    for path in (DVDS, f"{DVDS}{dvd.pk}/", "/api/v1/stats/", "/api/v1/nowhere/", "/api/schema/"):
        response = APIClient().get(path)
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("post", "", {"name": "Heat"}),
        ("put", "{pk}/", {"name": "Heat"}),
        ("patch", "{pk}/", {"name": "Heat"}),
        ("delete", "{pk}/", None),
        ("post", "{pk}/refresh/", None),
        ("post", "{pk}/fetch-imdb/", None),
    ],
)
def test_a_read_only_token_cannot_write(read_api, dvd, method, suffix, body):
    """Every write with a read-only token is a 403 that says why, and changes nothing."""
    response = getattr(read_api, method)(DVDS + suffix.format(pk=dvd.pk), body)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert list(DVD.objects.values_list("name", flat=True)) == [dvd.name]


def test_a_read_only_token_reads(read_api, dvd):
    """A read-only token can list, read and see torrents."""
    assert read_api.get(DVDS).status_code == 200
    assert read_api.get(f"{DVDS}{dvd.pk}/torrents/").status_code == 200


def test_last_use_is_recorded_at_most_once_a_minute(user, write_token):
    """ "Last used" is set on use and not rewritten by every request of the same minute."""
    client = client_with(write_token)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(DVDS)
        first = ApiToken.objects.get().last_used_at
        assert first == timezone.now()
        clock.shift(timedelta(seconds=30))
        client.get(DVDS)
        assert ApiToken.objects.get().last_used_at == first
        clock.shift(timedelta(seconds=31))
        client.get(DVDS)
        assert ApiToken.objects.get().last_used_at > first


def test_the_session_works_with_its_csrf_token(user):
    """The site's own JavaScript can use the API on the session; a write needs the CSRF token."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(DVDS).status_code == 200
    refused = client.post(DVDS, {"name": "Heat"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get(reverse("dvd_list"))  # sets the CSRF cookie
    created = client.post(DVDS, {"name": "Heat"}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert created.status_code == 201


# --- the API tokens page ----------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_then_only_its_start(signed_in, user):
    """Creating a token shows it in full once; the page lists its name, scope and start from then on."""
    response = signed_in.post(reverse("api_tokens"), {"name": "Home Assistant", "scope": "write"})
    raw = response.context["raw_token"]
    assert raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(owner=user)
    assert (token.name, token.scope) == ("Home Assistant", "write")
    assert client_with(raw).get(DVDS).status_code == 200
    later = signed_in.get(reverse("api_tokens")).content.decode()
    assert "Home Assistant" in later
    assert token.prefix in later
    assert raw not in later


def test_a_token_needs_a_name_and_a_scope(signed_in):
    """A blank name or an unknown scope creates nothing and says why."""
    response = signed_in.post(reverse("api_tokens"), {"name": "   ", "scope": "admin"})
    assert "Name the token after what will use it." in response.content.decode()
    assert response.context["form"].errors["scope"]
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page(signed_in, user, write_token):
    """The page's Revoke button revokes the token, which then gets 401."""
    token = ApiToken.objects.get()
    response = signed_in.post(reverse("revoke_api_token", args=[token.pk]), follow=True)
    assert "Revoked the token" in response.content.decode()
    assert ApiToken.objects.get().revoked_at is not None
    assert client_with(write_token).get(DVDS).status_code == 401


def test_another_users_token_cannot_be_revoked_or_seen(signed_in, other_user):
    """A token of someone else is neither listed nor revocable."""
    theirs, _ = ApiToken.objects.issue(other_user, "Their script", ApiToken.Scope.WRITE)
    assert "Their script" not in signed_in.get(reverse("api_tokens")).content.decode()
    signed_in.post(reverse("revoke_api_token", args=[theirs.pk]))
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_the_tokens_page_needs_a_sign_in(client):
    """Anonymous visitors are sent to sign in."""
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_tokens_are_deleted_with_their_owner(db):
    """Deleting an account deletes its tokens."""
    owner = UserFactory()
    ApiToken.objects.issue(owner, "script", ApiToken.Scope.READ)
    owner.delete()
    assert not ApiToken.objects.exists()
