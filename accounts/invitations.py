"""The invitation a visitor arrived with: kept in their session until the account is made."""

from django.shortcuts import render

from accounts.models import Invitation

SESSION_KEY = "accounts.invitation"


def remember(request, invitation):
    request.session[SESSION_KEY] = invitation.pk


def pending(request):
    """The usable invitation this visitor followed, or None."""
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    return Invitation.objects.usable().filter(pk=pk).first()


def claim_for(request, user):
    """Use up the visitor's invitation for the account just made; False when it went stale meanwhile."""
    pk = request.session.pop(SESSION_KEY, None)
    return pk is None or Invitation.objects.claim(pk, user)


def refusal(request, status=410):
    return render(request, "accounts/invitation_invalid.html", status=status)
