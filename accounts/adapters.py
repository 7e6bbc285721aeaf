"""django-allauth's hooks: who may sign up, and how a sign-in through the OIDC provider finds its account."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render

from accounts import invitations


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Open sign-up (ALLOW_SIGNUP), or a visitor holding a usable invitation."""
        return settings.ALLOW_SIGNUP is True or invitations.pending(request) is not None

    def save_user(self, request, user, form, commit=True):
        # The account and the use of its invitation are one change: a stale invitation makes no account.
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit and not invitations.claim_for(request, user):
                raise ImmediateHttpResponse(invitations.refusal(request))
        return user


def refuse(request, message, status=403):
    """End the provider's sign-in with a page that says why."""
    context = {"message": message, "provider_name": settings.OIDC_PROVIDER_NAME}
    raise ImmediateHttpResponse(render(request, "accounts/sso_refused.html", context, status=status))


def verified_email(sociallogin):
    """The address the provider vouches for (email_verified true), or None."""
    return next((address.email for address in sociallogin.email_addresses if address.verified), None)


def account_for_email(email):
    """The one active account whose address is `email` and can be trusted to be its owner's, or None.

    An address counts when it was confirmed here, or set by an administrator (allauth records every
    address it is given itself, unconfirmed until the owner follows the e-mailed link). An address
    typed at open sign-up and never confirmed does not: whoever typed it may not own it.
    """
    confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
    users = {address.user_id for address in confirmed}
    unrecorded = (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True)
        .exclude(emailaddress__email__iexact=email)
        .values_list("pk", flat=True)
    )
    users.update(unrecorded)
    if len(users) != 1:
        return None
    return get_user_model().objects.get(pk=users.pop())


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing or sociallogin.state.get("process") == "connect":
            return  # the provider's subject is already linked, or a signed-in user is linking it
        email = verified_email(sociallogin)
        if email is None:
            refuse(
                request,
                f"{settings.OIDC_PROVIDER_NAME} did not confirm an e-mail address for you, so no account here "
                "can be matched to you. Confirm your address there, or sign in with your password.",
            )
        user = account_for_email(email)
        if user is not None:
            sociallogin.connect(request, user)
            return
        if not self.is_open_for_signup(request, sociallogin):
            refuse(
                request,
                f"No account here uses {email}, and new accounts need an invitation. "
                "Ask whoever runs this site for an invitation link, or sign in with your password.",
            )

    def is_open_for_signup(self, request, sociallogin):
        """A first sign-in makes an account with OIDC_AUTO_SIGNUP, or for a visitor holding an invitation."""
        return settings.OIDC_AUTO_SIGNUP is True or invitations.pending(request) is not None

    def save_user(self, request, sociallogin, form=None):
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form=form)
            if not invitations.claim_for(request, user):
                raise ImmediateHttpResponse(invitations.refusal(request))
        return user


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        """Under REQUIRE_STAFF_MFA, a staff user keeps their authenticator app."""
        return not (settings.REQUIRE_STAFF_MFA is True and authenticator.user.is_staff)
