"""Benchmark users and their signed-in sessions, made directly or through the login form."""

from bench.http_load import HTTPSession


def create_user(username, password=None):
    """A user; without a password it can sign in only through a session made by signed_in_cookies."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def signed_in_cookies(user):
    """Cookies of a signed-in session for user, made with the configured session engine (no login request)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


def log_in(base_url, username, password):
    """Sign in through the login form, as a browser does; returns the session's cookies."""
    client = HTTPSession(base_url)
    client.get("/accounts/login/")
    reply = client.post("/accounts/login/", {"username": username, "password": password})
    if reply.status != 302:
        raise RuntimeError(f"signing in as {username} answered HTTP {reply.status}")
    return dict(client.cookies)
