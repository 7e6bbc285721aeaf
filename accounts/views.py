"""Your settings, leaving, invitations, and the provider sign-in's failure page. allauth does the rest."""

import time
from functools import wraps

import requests
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.socialaccount.providers.openid_connect.views import login as allauth_oidc_login
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import invitations, mail, preferences
from accounts.forms import DeleteAccountForm, InvitationForm, UserSettingsForm
from accounts.models import Invitation, UserSettings

# A provider sign-in this recent confirms an account deletion, as a password does.
SSO_CONFIRMATION_SECONDS = 300


@require_http_methods(["GET", "POST"])
def settings_page(request):
    row = UserSettings.objects.filter(user=request.user).first() or UserSettings(user=request.user)
    form = UserSettingsForm(request.POST if request.method == "POST" else None, instance=row)
    if request.method == "POST" and form.is_valid():
        preferences.saved(form.save())
        messages.success(request, "Saved your settings.")
        return redirect("user_settings")
    return render(request, "accounts/settings.html", {"form": form})


def _recent_sso_sign_in(request):
    records = get_authentication_records(request, request.user)
    return any(
        r.get("method") == "socialaccount" and time.time() - r.get("at", 0) < SSO_CONFIRMATION_SECONDS for r in records
    )


@require_http_methods(["GET", "POST"])
def delete_account(request):
    user = request.user
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            _confirm_identity(request, form)
        except ValidationError as error:
            form.add_error("password" if "password" in form.fields else None, error)
        else:
            _delete(user)
            logout(request)
            messages.success(request, "Your account and your collection have been deleted.")
            return redirect("login")
    context = {
        "form": form,
        "needs_sso": "password" not in form.fields and not _recent_sso_sign_in(request),
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
    }
    return render(request, "accounts/delete.html", context)


def _confirm_identity(request, form):
    if "password" in form.fields:
        # Through authenticate(), so that django-axes counts a wrong password as a failed sign-in.
        if not get_account_adapter(request).reauthenticate(request.user, form.cleaned_data["password"]):
            raise ValidationError("That is not your password.")
    elif not _recent_sso_sign_in(request):
        raise ValidationError(f"Confirm it is you with {settings.OIDC_PROVIDER_NAME} first (the button below).")


def _delete(user):
    """The user and every row that is theirs (their DVDs, imports, settings, addresses, sign-in records)."""
    pk, username = user.pk, user.get_username()
    with transaction.atomic():
        user.delete()  # cascades through every table that points at the user
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username=username).delete()
    preferences.forget(pk)


def staff_required(view):
    """403 for a signed-in user who is not staff (LoginRequiredMiddleware has sent visitors to sign in)."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return check


@staff_required
@require_http_methods(["GET", "POST"])
def invitations_page(request):
    form = InvitationForm(request.POST if request.method == "POST" else None)
    link = None
    if request.method == "POST" and form.is_valid():
        invitation, token = Invitation.issue(request.user, **form.cleaned_data)
        link = request.build_absolute_uri(reverse("accept_invitation", args=[token]))
        if invitation.email:
            mail.send_invitation(invitation, link)
        form = InvitationForm()
    recent = Invitation.objects.select_related("used_by", "created_by")[:50]
    context = {"form": form, "link": link, "invitations": recent, "days": settings.INVITATION_DAYS}
    return render(request, "accounts/invitations.html", context)


@staff_required
@require_POST
def revoke_invitation(request, pk):
    invitation = get_object_or_404(Invitation.objects.usable(), pk=pk)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    messages.success(request, "The invitation link no longer works.")
    return redirect("invitations")


@login_not_required
@require_http_methods(["GET"])
def accept_invitation(request, token):
    invitation = Invitation.objects.for_token(token)
    if invitation is None:
        return invitations.refusal(request)
    if request.user.is_authenticated:
        messages.info(request, "You are already signed in; an invitation is for someone without an account.")
        return redirect("dvd_list")
    invitations.remember(request, invitation)
    if invitation.email:
        # The link reached that mailbox, so the address needs no second check.
        get_account_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


@login_not_required
def sso_login(request, provider_id):
    """allauth's provider sign-in, with a clear page instead of an error when the provider does not answer."""
    try:
        return allauth_oidc_login(request, provider_id)
    except requests.RequestException:
        context = {"provider_name": settings.OIDC_PROVIDER_NAME}
        return render(request, "accounts/sso_unavailable.html", context, status=503)
