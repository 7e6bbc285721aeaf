"""A real OpenID Connect provider for the tests: oidc-provider-mock, served on 127.0.0.1 in a thread."""

import socket
import threading
from urllib.parse import urlsplit

import oidc_provider_mock
import requests
import werkzeug.serving

CLIENT_ID = "dvd-tracker"
CLIENT_SECRET = "test-client-secret"


class LocalProvider:
    """The provider, and the person at its sign-in page who picks who they are."""

    def __init__(self):
        self.server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def set_user(self, sub, **claims):
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def approve(self, authorize_url, sub):
        """Sign in at the provider as `sub`: the path and query it sends the browser back to."""
        answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text[:300]
        location = urlsplit(answer.headers["Location"])
        return f"{location.path}?{location.query}"


def unused_port():
    """A loopback port nothing listens on: a provider that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def provider_settings(settings, url, name="Authelia"):
    """Point the app's single sign-on at `url`, as the OIDC_* environment variables do."""
    settings.OIDC_PROVIDER_NAME = name
    settings.OIDC_SERVER_URL = url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "oidc",
                    "name": name,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": url},
                }
            ],
        }
    }
