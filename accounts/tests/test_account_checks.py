"""`manage.py check` reports bad account settings by their variable's name."""

import pytest
from django.core.checks import run_checks

from accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

OIDC = {"OIDC_SERVER_URL": "https://auth.example.org", "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET}


def message_ids(settings, overrides, include_deployment_checks=False):
    for name, value in overrides.items():
        setattr(settings, name, value)
    return {m.id for m in run_checks(include_deployment_checks=include_deployment_checks)}


def test_the_defaults_pass(settings):
    """No OIDC settings, sign-up closed, two-factor optional: no account error."""
    assert not {i for i in message_ids(settings, {}) if i.startswith("tracker.E03")}


def test_a_complete_provider_passes(settings):
    """All three OIDC settings with an https issuer: no error."""
    assert not {i for i in message_ids(settings, OIDC) if i.startswith("tracker.E03")}


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"ALLOW_SIGNUP": "sometimes"}, "tracker.E030"),
        ({"REQUIRE_STAFF_MFA": "yes please"}, "tracker.E030"),
        ({"INVITATION_DAYS": 0}, "tracker.E030"),
        ({"SOCIALACCOUNT_REQUESTS_TIMEOUT": "ten"}, "tracker.E030"),
        ({"EMAIL_URL": "carrier-pigeon://loft"}, "tracker.E031"),
        ({"OIDC_SERVER_URL": "https://auth.example.org"}, "tracker.E032"),
        ({**OIDC, "OIDC_CLIENT_SECRET": ""}, "tracker.E032"),
        ({"OIDC_ONLY": True}, "tracker.E033"),
        ({**OIDC, "OIDC_SERVER_URL": "http://auth.example.org"}, "tracker.E034"),
    ],
)
def test_bad_account_settings_are_errors(settings, overrides, error):
    """Each misconfiguration is a check error with its own id."""
    assert error in message_ids(settings, overrides)


def test_production_without_mail_is_mentioned(settings):
    """check --deploy says (without failing) that no e-mail is sent when EMAIL_URL is unset off DEBUG."""
    assert "tracker.I035" in message_ids(settings, {"DEBUG": False, "EMAIL_URL": ""}, include_deployment_checks=True)
    assert "tracker.I035" not in message_ids(
        settings, {"DEBUG": False, "EMAIL_URL": "smtp://mail.example.org:587"}, include_deployment_checks=True
    )
