"""System checks for the accounts' settings: sign-up, single sign-on, two-factor and e-mail."""

from django.conf import settings
from django.core.checks import Error, Info, Tags, register

from dvdtracker.env import email_settings
from tracker.checks.values import is_whole_number
from tracker.services.http import base_url_problem

ACCOUNT_BOOLEAN_SETTINGS = ("ALLOW_SIGNUP", "OIDC_AUTO_SIGNUP", "OIDC_ONLY", "REQUIRE_STAFF_MFA")
OIDC_SETTINGS = ("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")


@register(Tags.compatibility)
def check_account_settings(app_configs, **kwargs):
    errors = [
        Error(f"{name} must be true or false, not {getattr(settings, name)!r}.", id="tracker.E030")
        for name in ACCOUNT_BOOLEAN_SETTINGS
        if not isinstance(getattr(settings, name), bool)
    ]
    for name in ("INVITATION_DAYS", "SOCIALACCOUNT_REQUESTS_TIMEOUT"):
        if not is_whole_number(getattr(settings, name), 1):
            variable = "OIDC_TIMEOUT" if name.startswith("SOCIAL") else name
            errors.append(
                Error(
                    f"{variable} must be a whole number of at least 1, not {getattr(settings, name)!r}.",
                    id="tracker.E030",
                )
            )
    if settings.EMAIL_URL and not email_settings(settings.EMAIL_URL):
        errors.append(
            Error(
                "EMAIL_URL is not a mail URL such as smtp://user:password@mail.example.org:587/?tls=True.",
                id="tracker.E031",
            )
        )
    errors += _oidc_errors()
    return errors


def _oidc_errors():
    given = [name for name in OIDC_SETTINGS if getattr(settings, name)]
    if given and len(given) < len(OIDC_SETTINGS):
        missing = ", ".join(name for name in OIDC_SETTINGS if name not in given)
        return [Error(f"Single sign-on needs {missing} too (or none of the OIDC_ settings).", id="tracker.E032")]
    if not given:
        if settings.OIDC_ONLY is True:
            return [Error("OIDC_ONLY hides the password form, but no OIDC_SERVER_URL is set.", id="tracker.E033")]
        return []
    problem = base_url_problem(settings.OIDC_SERVER_URL)
    if problem:
        return [Error(f"OIDC_SERVER_URL: {problem}.", id="tracker.E034")]
    return []


@register(Tags.security, deploy=True)
def check_account_mail(app_configs, **kwargs):
    if settings.DEBUG is False and not settings.EMAIL_URL:
        return [
            Info(
                "EMAIL_URL is not set: password-reset, address-check and invitation e-mails are not sent "
                "(invitation links are still shown to the staff user who makes them).",
                id="tracker.I035",
            )
        ]
    return []
