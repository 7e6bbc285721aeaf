"""REQUIRE_STAFF_MFA: a staff user without two-factor sign-in is sent to set it up before anything else."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

# Pages a staff user can still reach meanwhile: two-factor itself, confirming it is them, signing out.
ALLOWED_URL_NAMES = {"logout", "account_logout", "account_reauthenticate"}


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.REQUIRE_STAFF_MFA is not True or not request.user.is_authenticated or not request.user.is_staff:
            return None
        name = request.resolver_match.url_name or ""
        if name.startswith("mfa_") or name in ALLOWED_URL_NAMES or is_mfa_enabled(request.user, types=["totp"]):
            return None
        messages.warning(request, "Staff accounts need two-factor sign-in here: set up an authenticator app first.")
        return redirect("mfa_activate_totp")
